"""Forms of the accounts pages."""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's "forgot password" form, whose email is written in the account holder's language
    and goes out through the product's mail queue (EMAIL_BACKEND, django-mailer) like every other."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = getattr(context.get("user"), "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
