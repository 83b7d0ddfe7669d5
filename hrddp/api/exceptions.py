"""Errors as JSON: Django's own validation errors become 400 with field errors, never 500; a
server error (500) and a sign-in lockout (429) under /api/ answer JSON too."""

from axes import helpers as axes_helpers
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hrddp.http import is_api_request


def rule_refusal(rule, detail):
    """The answer when a rule of the records' state refuses a change: 409 ``{"rule", "detail"}``
    (``RuleRefusalSerializer``)."""
    return Response({"rule": rule, "detail": str(detail)}, status=status.HTTP_409_CONFLICT)


def validation_detail(error):
    """A Django ValidationError as DRF's field-error body."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(validation_detail(exc))
    return drf_exception_handler(exc, context)


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = _("The record's state does not allow this now.")
    default_code = "conflict"


def server_error(request):
    """``handler500``: JSON for the API, the site's error page elsewhere. Django has logged the
    error with its traceback before calling it."""
    if is_api_request(request):
        return JsonResponse(
            {"detail": _("A server error occurred; it has been logged. Try again later.")},
            status=500,
        )
    return defaults.server_error(request)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): 429, in JSON on the
    API's token endpoint, else the lockout page."""
    cool_off = axes_helpers.get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    if is_api_request(request):
        if minutes:
            detail = ngettext(
                "Too many failed sign-ins for this account from this address: signing in is "
                "blocked for %(minutes)d minute.",
                "Too many failed sign-ins for this account from this address: signing in is "
                "blocked for %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        else:
            detail = _(
                "Too many failed sign-ins for this account from this address: signing in is "
                "blocked until an administrator unlocks it."
            )
        response = JsonResponse({"detail": str(detail)}, status=settings.AXES_HTTP_RESPONSE_CODE)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {
        "failure_limit": axes_helpers.get_failure_limit(request, credentials),
        "username": axes_helpers.get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
