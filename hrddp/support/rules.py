"""The rule of a request's delivery log (domain.md 4.5 and 8): support is delivered only while the
request is active. An approval not renewed by its valid-until date lapses, a suspension stops
support: no delivery is recorded against either until a new assessment and decision."""

from django.utils.translation import gettext as _

from .models import RequestStatus

# The code a refusal names (the API's 409 ``rule``), beside the workflow's D1–D8 and ``state``.
DELIVERY_WHILE_ACTIVE = "delivery_while_active"


def delivery_refusal(support_request):
    """Why no delivery can be recorded against ``support_request`` now, or None."""
    if support_request.status == RequestStatus.ACTIVE:
        return None
    return _(
        "A delivery can be recorded only while the support is active; this request is %(status)s."
    ) % {"status": support_request.get_status_display()}
