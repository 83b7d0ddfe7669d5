"""Pages of lists that do not count the world (issue 11).

A list of a million violations costs more to count than to show: ``SELECT COUNT(*)`` reads every
matching row, the page reads 25. So a list counts its rows up to ``COUNT_CAP`` and no further; past
the cap it says "more than 10,000", and its pages stay reachable one after the other (a page knows
it has a next one by reading one row more than it shows). Filtering is how a reader gets to a row
past the first few hundred pages, as it always was.

Every list page, the start page's counts and the API's lists go through here.
"""

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.utils import formats
from django.utils.functional import cached_property

# Counting 10,001 entries of an index takes a few milliseconds; counting a million, a second.
COUNT_CAP = 10_000
PAGE_SIZE = 25


def count_up_to(queryset, cap=COUNT_CAP):
    """(rows, more): the queryset's rows counted up to ``cap``, and whether there are more. Reads
    at most cap + 1 rows, however many match; unordered, so no sort of the whole set is needed."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``cap``: ``capped`` tells when there are more rows.

    Past the cap, ``count`` is the cap and ``num_pages`` the pages it fills; pages beyond are still
    served, each knowing whether a next one exists."""

    cap = COUNT_CAP

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            self.capped = False
            return len(self.object_list)
        count, self.capped = count_up_to(self.object_list, self.cap)
        return count

    @property
    def shown(self):
        """The count as a page prints it: digits grouped, "+" when there are more."""
        return formats.number_format(self.count, force_grouping=True) + ("+" if self.capped else "")

    @cached_property
    def capped(self):
        self.count  # noqa: B018 -- counting sets it
        return self.__dict__["capped"]

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)  # raises PageNotAnInteger
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:  # past the last row of a capped list
            return self.page(self.num_pages)


class CappedPage(Page):
    """A page past what was counted: it knows its neighbours, not the last page."""

    def __init__(self, object_list, number, paginator, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class UncountedPaginator(CappedPaginator):
    """Pages that are never counted: each knows whether a next one exists by reading one row
    more, in the query that reads the page. For a list inside a record's page, where the count
    would be one query more than the page can afford."""

    capped = True


def paginate(request, rows, per_page=None, param="page", counted=True):
    """The page of ``rows`` that ``?page=`` asks for (the first, or the last counted, if it is not
    a page): what every list page shows. A record page listing rows of its own beside other
    lists names its parameter (``param="log_page"``) and need not count them (``counted=False``:
    one query, the page says "Page 2" without a total)."""
    paginator_class = CappedPaginator if counted else UncountedPaginator
    return paginator_class(rows, per_page or PAGE_SIZE).get_page(request.GET.get(param))
