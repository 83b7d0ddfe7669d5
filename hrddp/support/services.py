"""Writes to a request's logs (communications, deliveries). Views, the API and tasks call these;
the state of the request itself changes only through assessments.workflow.apply()."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import can_record_communication, can_record_delivery
from .models import Communication, Delivery, SupportRequest
from .rules import DELIVERY_WHILE_ACTIVE, delivery_refusal


class DeliveryRefused(ValidationError):
    """No delivery against a request that is not active (``rules.delivery_refusal``)."""

    rule = DELIVERY_WHILE_ACTIVE


def record_communication(support_request, user, *, kind, date, counterpart, summary):
    if not can_record_communication(user, support_request):
        raise PermissionDenied(
            _("Your role does not allow recording communications for this request.")
        )
    return Communication.objects.create(
        request=support_request,
        kind=kind,
        date=date,
        counterpart=counterpart,
        summary=summary,
        recorded_by=user,
    )


def record_delivery(support_request, user, *, date, description, value=None):
    """Support is delivered only while the request is active (not lapsed, not suspended)."""
    if not can_record_delivery(user, support_request):
        raise PermissionDenied(_("Your role does not allow recording deliveries for this request."))
    with transaction.atomic():
        # Lock so that a suspension or lapse taking effect now cannot slip between check and write.
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        refusal = delivery_refusal(locked)
        if refusal:
            raise DeliveryRefused(refusal, code=DELIVERY_WHILE_ACTIVE)
        return Delivery.objects.create(
            request=locked, date=date, description=description, value=value, recorded_by=user
        )
