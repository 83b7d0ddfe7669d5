"""Search everywhere (issue 15): what the header's search box and ``/api/v1/search/`` find for a
term: units, people (by the name matcher, across spellings and scripts), institutions, and
violations by reference (their number or external reference).

Each section follows the visibility of its list page: units and institutions for those who browse
units (SSR advisors too), people and violations for registry readers only. A section shows at
most ``SECTION_SIZE`` records and says when there are more, with the list page to see them. A
constant number of queries: one per section, three for the people (the matcher's batch).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from hrddp.accounts.access import REGISTRY_READERS, UNIT_BROWSERS
from hrddp.pickers import queries as pickers

from . import matching
from .models import Institution, Violation

SECTION_SIZE = 10
# Longer terms are cut: a search box is not a document.
MAX_TERM = 200


@dataclass
class Section:
    kind: str  # "units", "people", "institutions", "violations"
    title: str
    list_url_name: str  # the list page to see them all
    rows: list = field(default_factory=list)
    more: bool = False
    # For people: the matcher's Match of each row (score, level, reasons), in the rows' order.
    matches: list = field(default_factory=list)


def _capped(section, rows):
    rows = list(rows)
    section.rows = rows[:SECTION_SIZE]
    section.more = len(rows) > SECTION_SIZE
    return section


def violation_reference(queryset, term):
    """The violations whose number ("123", "#123") or external reference is ``term``."""
    found = queryset.filter(external_ref=term)
    if match := pickers.BARE_ID.match(term):
        found = found | queryset.filter(pk=int(match["pk"]))
    return found


def search(user, term):
    """The sections ``user`` may see, each with what matches ``term``; none for an empty term."""
    term = (term or "").strip()[:MAX_TERM]
    if not term or not user.is_authenticated:
        return []
    sections = []
    if user.has_role(*UNIT_BROWSERS):
        units = pickers.matching(pickers.UNITS, pickers.UNITS.queryset(), term)
        sections.append(
            _capped(
                Section("units", _("Units"), "registry:unit_list"),
                units.order_by("sort_name", "pk")[: SECTION_SIZE + 1],
            )
        )
    if user.has_role(*REGISTRY_READERS):
        matches = matching.candidates(term, limit=SECTION_SIZE + 1)
        section = _capped(
            Section("people", _("People"), "registry:person_list"),
            [match.person for match in matches],
        )
        section.matches = matches[:SECTION_SIZE]
        sections.append(section)
    if user.has_role(*UNIT_BROWSERS):
        institutions = Institution.objects.filter(name__icontains=term).order_by("name", "pk")
        sections.append(
            _capped(
                Section("institutions", _("Institutions"), "registry:institution_list"),
                institutions[: SECTION_SIZE + 1],
            )
        )
    if user.has_role(*REGISTRY_READERS):
        violations = violation_reference(
            Violation.objects.select_related("category"), term
        ).order_by("-date", "pk")
        sections.append(
            _capped(
                Section("violations", _("Violations"), "registry:violation_list"),
                violations[: SECTION_SIZE + 1],
            )
        )
    return sections
