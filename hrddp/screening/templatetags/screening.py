"""``{% participants_section support_request %}``: the request page's participant section (its
counts in one query, links to the list and, for those who screen, the screening page)."""

from django import template

from ..access import can_edit_participants, can_screen, participants_editable
from ..queries import participant_counts

register = template.Library()


@register.inclusion_tag("screening/participant_section.html", takes_context=True)
def participants_section(context, support_request):
    user = context["request"].user
    return {
        "support_request": support_request,
        "counts": participant_counts(support_request),
        "can_edit": can_edit_participants(user, support_request)
        and participants_editable(support_request),
        "can_screen": can_screen(user, support_request),
    }
