"""Search endpoints of the pickers (issue 11): ``{"results": [{"id", "text"}], "more": bool}``.

Each answers whom its pages answer (hrddp/accounts/access.py): units to anyone signed in, since any
staff member may name the unit in a report of abuse (domain.md 6.4); institutions to those who
browse units; people and violations to registry readers; a request's named-individual candidates
to the SSR advisors of the request's entity, and to no one else (domain.md 7).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from hrddp.accounts.access import REGISTRY_READERS, UNIT_BROWSERS, role_required
from hrddp.accounts.models import Role
from hrddp.support.access import can_edit_request, get_request_for_user
from hrddp.support.queries import named_individual_choices

from . import queries


def _results(request, source, queryset):
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    rows, more = queries.search(source, queryset, request.GET.get("q", "")[:200], page)
    results = [{"id": row.pk, "text": source.text(row)} for row in rows]
    return JsonResponse({"results": results, "more": more})


@require_GET
@login_required
def units(request):
    return _results(request, queries.UNITS, queries.UNITS.queryset())


@require_GET
@role_required(*UNIT_BROWSERS)
def institutions(request):
    return _results(request, queries.INSTITUTIONS, queries.INSTITUTIONS.queryset())


@require_GET
@role_required(*REGISTRY_READERS)
def people(request):
    return _results(request, queries.PEOPLE, queries.PEOPLE.queryset())


@require_GET
@role_required(*REGISTRY_READERS)
def violations(request):
    return _results(request, queries.VIOLATIONS, queries.VIOLATIONS.queryset())


@require_GET
@role_required(Role.REQUESTER)
def named_individuals(request, pk):
    support_request = get_request_for_user(request.user, pk)
    if not can_edit_request(request.user, support_request):
        raise PermissionDenied
    return _results(request, queries.PEOPLE, named_individual_choices(support_request))
