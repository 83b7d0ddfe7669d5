"""Two-factor sign-in pages: the code asked after the password, the (forced or chosen) setup of an
authenticator app, the recovery codes, and turning it off where it is optional.

Who must use it is decided in access.py (``must_use_two_factor``); TwoFactorMiddleware sends a
signed-in user who still owes a code to these pages."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import two_factor
from .access import must_use_two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request):
    """Where the user was going, if it is a page of this site (and not these pages again)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    own_pages = (reverse("two_factor_verify"), reverse("two_factor_setup"))
    if (
        url
        and not url.startswith(own_pages)
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return reverse("home")


def _with_next(name, next_url):
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
def verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not two_factor.has_two_factor(user):
        if must_use_two_factor(user):
            return redirect(_with_next("two_factor_setup", next_url))
        request.session[two_factor.SESSION_FLAG] = False
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.matching_device(user, form.cleaned_data["code"])
        if device is not None:
            two_factor.sign_in_with(request, device)
            return redirect(next_url)
        form.add_error(
            "code",
            _(
                "This code is not valid. Enter the current code from your authenticator app, "
                "or an unused recovery code; after several wrong codes, wait a few seconds."
            ),
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next_url": next_url})


@login_required
def setup(request):
    """Set up an authenticator app: first a link emailed to the account's address (a password alone
    does not show the secret), then scan the QR code (or type the secret), enter a code from it."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.has_two_factor(user):
        if user.is_verified():
            return redirect("two_factor")
        return redirect(_with_next("two_factor_verify", next_url))
    device = two_factor.enrolment_device(request)
    if device is None:
        return _email_step(request, next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_device(device, form.cleaned_data["code"]):
            device.refresh_from_db()
            two_factor.sign_in_with(request, device)
            request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_recovery_codes(user)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        form.add_error(
            "code",
            _("This code does not match. Check the time on your phone and enter the current code."),
        )
    context = {
        "form": form,
        "next_url": next_url,
        "required": must_use_two_factor(user),
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_manual_entry(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _email_step(request, next_url):
    """Before the secret: the button that emails the account's holder the link to it."""
    user = request.user
    if request.method == "POST" and "send_link" in request.POST:
        if two_factor.send_enrolment_link(user, next_url):
            messages.success(
                request,
                _("We emailed you a link. Follow it to see the code to scan; it works once."),
            )
        return redirect(_with_next("two_factor_setup", next_url))
    context = {
        "next_url": next_url,
        "required": must_use_two_factor(user),
        "has_email": bool(user.email),
    }
    return render(request, "accounts/two_factor_setup_email.html", context)


@login_required
def setup_link(request, token):
    """The link emailed by the setup page: this session may then see the secret, once."""
    next_url = _next_url(request)
    if not two_factor.has_two_factor(request.user) and not two_factor.accept_enrolment_link(
        request, token
    ):
        messages.error(
            request,
            _("This link has expired or was already used. Ask for a new one below."),
        )
    return redirect(_with_next("two_factor_setup", next_url))


def _verified_owner(request):
    """The management pages need a session verified by the user's device, not only a password
    session opened before two-factor sign-in was turned on."""
    user = request.user
    return two_factor.has_two_factor(user) and user.is_verified()


@login_required
def manage(request):
    """The "Two-factor sign-in" page of the user menu."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    if enabled and not user.is_verified():
        return redirect(_with_next("two_factor_verify", request.get_full_path()))
    context = {
        "enabled": enabled,
        "required": must_use_two_factor(user),
        "remaining": two_factor.remaining_recovery_codes(user) if enabled else 0,
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def recovery_codes(request):
    """New recovery codes are shown once, right after they are made; a POST makes new ones."""
    if not _verified_owner(request):
        return redirect("two_factor")
    if request.method == "POST":
        request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_recovery_codes(
            request.user
        )
        messages.success(request, _("New recovery codes made; the previous ones no longer work."))
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
    context = {
        "codes": codes,
        "remaining": two_factor.remaining_recovery_codes(request.user),
        "next_url": _next_url(request),
    }
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@require_POST
@login_required
def disable(request):
    """Turn two-factor sign-in off: only where the user's roles do not require it."""
    if must_use_two_factor(request.user):
        raise PermissionDenied
    if not _verified_owner(request):
        return redirect("two_factor")
    two_factor.turn_off(request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor")
