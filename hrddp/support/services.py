"""Writes to a request's content and logs (communications, deliveries). Views, the API and tasks
call these; the state of the request itself changes only through assessments.workflow.apply()."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import can_record_communication, can_record_delivery, requester_entities
from .models import Communication, Delivery, SupportRequest
from .queries import named_individual_choices
from .rules import DELIVERY_WHILE_ACTIVE, delivery_refusal


class DeliveryRefused(ValidationError):
    """No delivery against a request that is not active (``rules.delivery_refusal``)."""

    rule = DELIVERY_WHILE_ACTIVE


def check_recipient_units(units):
    """A request names at most ``MAX_RECIPIENT_UNITS`` units (the request form's and the API's
    rule)."""
    limit = settings.MAX_RECIPIENT_UNITS
    count = len({unit.pk for unit in units})
    if count > limit:
        raise ValidationError(
            _(
                "A request can name at most %(limit)s recipient units; this one names "
                "%(count)s. Split the support into several requests."
            ),
            code="too_many_recipients",
            params={"limit": limit, "count": count},
        )


def request_errors(support_request, user, recipient_units=None, named_individuals=None):
    """What is wrong with ``support_request`` (its field values set, not saved) as ``user``
    would save it, by field: the model's rules, the requester's entity, the number of recipient
    units and, once the request exists, the named individuals (people now in command in its
    saved recipient units)."""
    errors = {}
    try:
        support_request.full_clean(exclude=["created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if (
        support_request.entity_id
        and not requester_entities(user).filter(pk=support_request.entity_id).exists()
    ):
        errors["entity"] = [_("You do not draft requests for this entity.")]
    if recipient_units is not None:
        try:
            check_recipient_units(recipient_units)
        except ValidationError as error:
            errors["recipient_units"] = error.messages
    if named_individuals:
        if support_request.pk is None:
            errors["named_individuals"] = [
                _("Name individuals once the request and its recipient units are saved.")
            ]
        else:
            allowed = set(named_individual_choices(support_request).values_list("pk", flat=True))
            unknown = sorted(p.pk for p in named_individuals if p.pk not in allowed)
            if unknown:
                errors["named_individuals"] = [
                    _(
                        "Only people now in command in the recipient units can be named "
                        "(not %(ids)s)."
                    )
                    % {"ids": ", ".join(map(str, unknown))}
                ]
    return errors


def save_request(support_request, user, *, recipient_units=None, named_individuals=None):
    """Create or change a request's content (never its status: only ``workflow.apply``), with
    its recipient units and named individuals when given. Raises ValidationError by field."""
    errors = request_errors(support_request, user, recipient_units, named_individuals)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if support_request.pk is None and support_request.created_by_id is None:
            support_request.created_by = user
        support_request.save()
        if recipient_units is not None:
            support_request.recipient_units.set(recipient_units)
        if named_individuals is not None:
            support_request.named_individuals.set(named_individuals)
    return support_request


def record_communication(support_request, user, *, kind, date, counterpart, summary):
    if not can_record_communication(user, support_request):
        raise PermissionDenied(
            _("Your role does not allow recording communications for this request.")
        )
    communication = Communication(
        request=support_request,
        kind=kind,
        date=date,
        counterpart=counterpart,
        summary=summary,
        recorded_by=user,
    )
    communication.full_clean()
    communication.save()
    return communication


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
        delivery = Delivery(
            request=locked, date=date, description=description, value=value, recorded_by=user
        )
        delivery.full_clean()
        delivery.save()
        return delivery
