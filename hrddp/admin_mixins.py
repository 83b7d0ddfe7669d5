"""What the Django admin may do (issue 12, hole 2).

- The workflow's records (support requests, their letters and deliveries, assessments, decisions,
  transitions, violations and their verification) and history are read-only here
  (``ReadOnlyAdminMixin``): the workflow and the pages, which check the rules and write the
  history, are their only writers.
- Identities (domain.md 7: sources' identity and contact, who reported an abuse) and history
  (pghistory's events hold every identity as it was) are not in the admin for anyone but an HRO
  (``HROOnlyAdminMixin``, ``is_hro``): an administrator or a superuser without the HRO role gets
  403, as on any page their role never allows. Sources are not in the admin at all: HROs have
  the violation's page.
"""

from django.contrib import admin
from django.http import QueryDict


def is_hro(request):
    """Whether the admin's user may see identities (domain.md 7): HROs only."""
    from hrddp.accounts.access import can_see_identities

    return can_see_identities(request.user)


class ReadOnlyAdminMixin:
    """A record in the admin: readable by staff, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HROOnlyAdminMixin(ReadOnlyAdminMixin):
    """Identities and history: read-only, and for HROs only (anyone else gets 403)."""

    def has_module_permission(self, request):
        return is_hro(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_hro(request) and super().has_view_permission(request, obj)


class TextInputFilter(admin.SimpleListFilter):
    """A list filter typed into, for a relation to a large table: Django's own filter would list
    every row of that table as a link (issue 11). Subclasses set ``title``, ``parameter_name`` and
    ``lookup``, e.g. ``"institution__name__icontains"``."""

    template = "admin/text_input_filter.html"
    lookup = None

    def lookups(self, request, model_admin):
        # One placeholder choice, so that the admin shows the filter (has_output()).
        return [("", "")]

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        return queryset.filter(**{self.lookup: value}) if value else queryset

    def choices(self, changelist):
        # The list's other parameters (search, ordering, other filters) travel with the form.
        others = changelist.get_query_string(remove=[self.parameter_name])
        yield {
            "value": self.value() or "",
            "others": [
                (name, value) for name, values in QueryDict(others[1:]).lists() for value in values
            ],
            "clear": others,
        }


def text_input_filter(title, parameter_name, lookup):
    """``list_filter = [text_input_filter(_("institution"), "institution", "institution__name__icontains")]``"""
    return type(
        f"{parameter_name.title().replace('_', '')}TextFilter",
        (TextInputFilter,),
        {"title": title, "parameter_name": parameter_name, "lookup": lookup},
    )
