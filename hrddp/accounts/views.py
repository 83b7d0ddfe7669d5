from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import i18n as i18n_views

from . import services
from .forms import PasswordResetForm


def set_language(request):
    """Django's language switch, which also keeps the choice on the user's account, so that their
    other devices and the emails they receive use it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": Django's reset by emailed link, throttled per address and per client
    address (services.allow_password_reset). Every address asked for gets the same answer, account
    or not. The link in the email points at SITE_URL, as every link the product emails does."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        address = get_client_ip_address(self.request)
        if not services.allow_password_reset(form.cleaned_data["email"], address):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())
