"""Forms of the accounts pages."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import translation

from .sign_in import LOCAL_SIGN_IN_OFF, password_sign_in_allowed


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's "forgot password" form, whose email is written in the account holder's language
    and goes out through the product's mail queue (EMAIL_BACKEND, django-mailer) like every other."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = getattr(context.get("user"), "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class LocalSignInMixin:
    """A password sign-in is refused with a plain message, before the password is checked (so
    it counts as no failed attempt), when local sign-in is off for the account (LOCAL_SIGN_IN)."""

    def clean(self):
        if not password_sign_in_allowed(self.cleaned_data.get("username")):
            raise ValidationError(LOCAL_SIGN_IN_OFF, code="local_sign_in_off")
        return super().clean()


class SignInForm(LocalSignInMixin, auth_forms.AuthenticationForm):
    """The login page's form."""


class AdminSignInForm(LocalSignInMixin, AdminAuthenticationForm):
    """The Django admin's login form."""
