"""Lookups behind the pickers (issue 11): what a search-as-you-type field offers, and which record
a typed text names.

Both work on a queryset the caller has already narrowed to what the user may choose, and neither
ever reads more than a page of rows: a search returns ``PAGE_SIZE`` rows and says whether there
are more; a typed text is resolved by id, external reference or exact name, never by listing.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat, Trim, Upper
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hrddp.registry.models import Institution, Person, Unit, Violation
from hrddp.registry.queries import words_query

# The unit separator character: no one types it, so a search cannot match across two aliases.
ALIAS_SEPARATOR = "\x1f"


def alias_text():
    """The aliases as one string. ``aliases__icontains`` would search the array's text form, so a
    search for ``,`` or ``"`` would match, and a term could span two aliases."""
    return Func(
        F("aliases"), Value(ALIAS_SEPARATOR), function="array_to_string", output_field=TextField()
    )


PAGE_SIZE = 20
# A no-JS user told that a text is ambiguous sees this many candidates, with their ids.
CANDIDATES_SHOWN = 10

# "2nd Brigade — Army (#123)": what the page renders, so what a person copies or leaves as is.
LABEL_WITH_ID = re.compile(r"^(?P<text>.*?)\s*\(#(?P<pk>\d{1,18})\)$", re.S)
BARE_ID = re.compile(r"^#?(?P<pk>\d{1,18})$")


class Document(Func):
    """The words a picker searches: ``picker_document(name, aliases[, rank])``, an immutable SQL
    function (migration registry 0007) that GIN indexes on units and people are built on. The
    query must call it exactly as the index does, so that PostgreSQL uses the index."""

    function = "picker_document"
    output_field = SearchVectorField()


@dataclass(frozen=True)
class Source:
    """One kind of record a picker chooses: how it is labelled and searched."""

    key: str
    url_name: str
    queryset: Callable
    label: Callable
    ordering: tuple
    # Matched whole by a typed name (case aside); None: the record has no name.
    name_field: str | None = "name"
    # What a search's matches are sorted on (units: their natural sort key, "1st" before "10th").
    sort_field: str | None = "name"
    alias_field: str | None = "aliases"
    # The fields of the indexed Document, for registry-sized tables; without one, a search
    # scans the names (fine for a table of tens of rows).
    document: tuple | None = None
    # Relations the label reads: a record given with them loaded is labelled without a query.
    label_relations: tuple = ()
    # The label as a database expression, so that it may be typed whole, without the id.
    label_expression: Callable | None = None
    help_text: str = field(
        default=_("Type a name, an alias, an id (#123) or an external reference.")
    )

    @property
    def url(self):
        return reverse_lazy(self.url_name)

    def can_label(self, obj):
        return all(obj._meta.get_field(name).is_cached(obj) for name in self.label_relations)

    def text(self, obj):
        """The label with its id, as the page shows it and as it may be typed back."""
        return f"{self.label(obj)} (#{obj.pk})"

    def with_document(self, queryset):
        return queryset.alias(document=Document(*self.document))

    @staticmethod
    def matches(query):
        """A condition on the ``document`` alias: it matches the tsquery ``query``."""
        return Q(document=SearchQuery(query, search_type="raw", config="simple"))


def unit_label(unit):
    return f"{unit.name} — {unit.institution.name}"


UNITS = Source(
    key="units",
    url_name="pickers:units",
    queryset=lambda: Unit.objects.select_related("institution"),
    label=unit_label,
    ordering=("sort_name", "pk"),
    sort_field="sort_name",
    document=("name", "aliases"),
    label_relations=("institution",),
)
PEOPLE = Source(
    key="people",
    url_name="pickers:people",
    queryset=lambda: Person.objects.unmerged(),
    label=str,
    ordering=("name", "pk"),
    # The rank too: "col bosco" finds Colonel Jean Bosco, whose label begins with his rank.
    document=("name", "aliases", "rank"),
    # Person.__str__: the rank, then the name.
    label_expression=lambda: Trim(Concat("rank", Value(" "), "name")),
)
INSTITUTIONS = Source(
    key="institutions",
    url_name="pickers:institutions",
    queryset=lambda: Institution.objects.all(),
    label=str,
    ordering=("name", "pk"),
    alias_field=None,
    help_text=_("Type a name, an id (#123) or an external reference."),
)
VIOLATIONS = Source(
    key="violations",
    url_name="pickers:violations",
    queryset=lambda: Violation.objects.select_related("category"),
    label=str,
    ordering=("-date", "-pk"),
    label_relations=("category",),
    # A violation has no name: it is found by its id or its external reference.
    name_field=None,
    alias_field=None,
    help_text=_("Type an id (#123) or an external reference."),
)
SOURCES = {source.key: source for source in (UNITS, PEOPLE, INSTITUTIONS, VIOLATIONS)}


def _id_or_reference(text):
    q = Q(external_ref=text)
    if match := BARE_ID.match(text):
        q |= Q(pk=int(match["pk"]))
    return q


def matching(source, queryset, term):
    """The records whose id or external reference is ``term``, or whose name, alias (or rank) has
    a word beginning with each word typed, case aside: what a picker offers and what a list's
    search box finds."""
    term = term.strip()
    if not term:
        return queryset
    q = _id_or_reference(term)
    if source.document:
        if query := words_query(term, prefix=True):
            queryset = source.with_document(queryset)
            q |= source.matches(query)
    elif source.name_field:
        q |= Q(**{f"{source.name_field}__icontains": term})
    return queryset.filter(q)


def search(source, queryset, term, page=1):
    """A page of the records ``matching`` the term: ``(rows, more)``."""
    ordering = source.ordering
    if term.strip():
        queryset = matching(source, queryset, term)
        if source.document:
            # Sorted on an expression the name's index does not hold: PostgreSQL then reads the
            # matches from the word index, instead of walking every name in order to find them.
            ordering = (Upper(source.sort_field), "pk")
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(queryset.order_by(*ordering)[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def by_pk(queryset, pks):
    """The records of ``pks`` that ``queryset`` allows, in one query: ``{pk: record}``."""
    return {obj.pk: obj for obj in queryset.filter(pk__in=pks)} if pks else {}


def named(source, queryset, text, limit=CANDIDATES_SHOWN + 1):
    """Records whose external reference is ``text`` or whose name, label or an alias is ``text``
    whole (case aside); at most ``limit``."""
    if (found := list(queryset.filter(external_ref=text)[:1])) or not source.name_field:
        return found
    q = Q(**{f"{source.name_field}__iexact": text})
    if source.label_expression:
        queryset = queryset.alias(label_text=source.label_expression())
        q |= Q(label_text__iexact=text)
    if source.alias_field:
        # Each alias between separators, so that only a whole alias matches.
        separator = Value(ALIAS_SEPARATOR, output_field=TextField())
        q |= Q(padded_aliases__icontains=f"{ALIAS_SEPARATOR}{text}{ALIAS_SEPARATOR}")
        queryset = queryset.alias(
            padded_aliases=Func(
                separator, alias_text(), separator, function="CONCAT", output_field=TextField()
            )
        )
    if source.document:
        if not (query := words_query(text, prefix=False)):
            return []
        queryset = source.with_document(queryset).filter(source.matches(query))
    return list(queryset.filter(q).order_by(*source.ordering)[:limit])


def resembling(source, queryset, text, limit=CANDIDATES_SHOWN):
    """Suggestions for a text that names nothing: records whose words begin with those typed."""
    if not source.name_field:
        return []
    rows, _more = search(source, queryset, text)
    return rows[:limit]
