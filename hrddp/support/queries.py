"""Named queries of support requests."""

from django.db.models import Q

from hrddp.registry.models import CommandAssignment, Person


def named_individual_choices(support_request):
    """People an SSR advisor may name: those now in command in the recipient units, and those
    already named. Not the whole registry: SSR advisors do not browse people (domain.md 7)."""
    in_command = (
        CommandAssignment.objects.current()
        .filter(unit__in=support_request.recipient_units.all())
        .values("person_id")
    )
    return Person.objects.filter(
        Q(pk__in=in_command) | Q(pk__in=support_request.named_individuals.all())
    )
