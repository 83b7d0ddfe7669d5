"""Pages of the registry's organisation side: institutions, units, people, command assignments."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrddp.accounts.access import (
    REGISTRY_EDITORS,
    REGISTRY_READERS,
    UNIT_BROWSERS,
    can_read_registry,
    role_required,
)
from hrddp.audit.history import history_of, history_page
from hrddp.pagination import paginate
from hrddp.registry.access import record_view_for
from hrddp.transfer.exporting import export_response

from .. import services
from ..filters import (
    AssignmentFilter,
    InstitutionFilter,
    PersonFilter,
    UnitFilter,
)
from ..forms import AssignmentForm, InstitutionForm, PersonForm, UnitForm
from ..models import CommandAssignment, Institution, Person, Unit
from ..queries import load_pages, page_of

# Lists inside a detail page (sub-units, past assignments) show this many, then link to the list.
DETAIL_LIST_SIZE = 50


def _list_page(request, template, filterset, export=None):
    """The list page, or with ``?format=csv|xlsx`` the same filtered rows as a file."""
    if export and (response := export_response(request, export, filterset.qs)):
        return response
    page = paginate(request, filterset.qs)
    return render(request, template, {"filter": filterset, "page_obj": page})


def _form_page(request, form, template, message, success_url):
    """Save a valid posted form (by the service the API calls too) and redirect to
    ``success_url(saved)``; otherwise (re)show it."""
    if request.method == "POST" and form.is_valid():
        saved = services.save_record(form.instance)
        messages.success(request, message)
        return redirect(success_url(saved))
    return render(request, template, {"form": form, "object": form.instance})


def _posted(request):
    return request.POST if request.method == "POST" else None


def _get_or_none(model, pk):
    return model.objects.filter(pk=pk).first() if pk and pk.isdigit() else None


# Institutions


@role_required(*UNIT_BROWSERS)
def institution_list(request):
    institutions = Institution.objects.with_unit_count().order_by("name", "pk")
    return _list_page(
        request,
        "registry/institution_list.html",
        InstitutionFilter(request.GET or None, queryset=institutions),
        export="institutions",
    )


@role_required(*UNIT_BROWSERS)
def institution_detail(request, pk):
    institution = get_object_or_404(Institution.objects.with_unit_count(), pk=pk)
    root_units = list(
        institution.units.filter(parent__isnull=True)
        .with_child_count()
        .order_by("sort_name", "pk")[: DETAIL_LIST_SIZE + 1]
    )
    return render(
        request,
        "registry/institution_detail.html",
        {
            "institution": institution,
            "root_units": root_units[:DETAIL_LIST_SIZE],
            "more_root_units": len(root_units) > DETAIL_LIST_SIZE,
            "history": history_of(institution, request.user, history_page(request)),
        },
    )


@role_required(*REGISTRY_EDITORS)
def institution_create(request):
    return _institution_form(request, Institution())


@role_required(*REGISTRY_EDITORS)
def institution_update(request, pk):
    return _institution_form(request, get_object_or_404(Institution, pk=pk))


def _institution_form(request, institution):
    return _form_page(
        request,
        InstitutionForm(_posted(request), instance=institution),
        "registry/institution_form.html",
        _("Institution saved."),
        lambda saved: reverse("registry:institution_detail", args=[saved.pk]),
    )


# Units


@role_required(*UNIT_BROWSERS)
def unit_list(request):
    units = (
        Unit.objects.select_related("institution", "parent")
        .with_child_count()
        .order_by("sort_name", "pk")
    )
    return _list_page(
        request,
        "registry/unit_list.html",
        UnitFilter(request.GET or None, queryset=units),
        export="units",
    )


@role_required(*UNIT_BROWSERS)
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("institution"), pk=pk)
    children = list(
        unit.children.with_child_count().order_by("sort_name", "pk")[: DETAIL_LIST_SIZE + 1]
    )
    context = {
        "unit": unit,
        "ancestors": Unit.objects.ancestors(unit),
        "children": children[:DETAIL_LIST_SIZE],
        "more_children": len(children) > DETAIL_LIST_SIZE,
        "record_view": record_view_for(request.user, unit),
        "history": history_of(unit, request.user, history_page(request)),
    }
    if context["record_view"]:
        record = Unit.objects.record(unit)
        if context["record_view"] == "full":
            load_pages([record], request.GET)
        context["record"] = record
    # People are registry readers' business; an SSR advisor sees no names (domain.md 7).
    if can_read_registry(request.user):
        today = timezone.localdate()
        # The current ones all (a unit has a handful); of the others the latest, the rest on the
        # assignments list.
        assignments = unit.assignments.select_related("person").order_by("-start", "-pk")
        context["current_assignments"] = list(assignments.current(today))
        past = list(assignments.not_current(today)[: DETAIL_LIST_SIZE + 1])
        context["past_assignments"] = past[:DETAIL_LIST_SIZE]
        context["more_past_assignments"] = len(past) > DETAIL_LIST_SIZE
    return render(request, "registry/unit_detail.html", context)


@role_required(*REGISTRY_EDITORS)
def unit_create(request):
    """``?parent=`` or ``?institution=`` (links from a unit's or an institution's page) pre-fill."""
    unit = Unit()
    parent = _get_or_none(Unit, request.GET.get("parent"))
    institution = (
        parent.institution if parent else _get_or_none(Institution, request.GET.get("institution"))
    )
    if parent:
        unit.parent = parent
    if institution:
        unit.institution = institution
    return _unit_form(request, unit)


@role_required(*REGISTRY_EDITORS)
def unit_update(request, pk):
    return _unit_form(request, get_object_or_404(Unit, pk=pk))


def _unit_form(request, unit):
    return _form_page(
        request,
        UnitForm(_posted(request), instance=unit),
        "registry/unit_form.html",
        _("Unit saved."),
        lambda saved: reverse("registry:unit_detail", args=[saved.pk]),
    )


# People


@role_required(*REGISTRY_READERS)
def person_list(request):
    current = CommandAssignment.objects.current().select_related("unit")
    people = Person.objects.unmerged().with_violation_count().order_by("name", "pk")
    people = people.prefetch_related(
        Prefetch("assignments", queryset=current, to_attr="current_assignments")
    )
    return _list_page(
        request,
        "registry/person_list.html",
        PersonFilter(request.GET or None, queryset=people),
        export="people",
    )


@role_required()
def person_detail(request, pk):
    if not can_read_registry(request.user):
        raise Http404
    person = get_object_or_404(Person.objects.select_related("merged_into"), pk=pk)
    today = timezone.localdate()
    assignments = person.assignments.select_related("unit__institution").order_by("-start", "-pk")
    past = list(assignments.not_current(today)[: DETAIL_LIST_SIZE + 1])
    attributions = person.attributions.select_related(
        "violation__category", "violation__subtype"
    ).order_by("-violation__date", "-violation_id", "-pk")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "current_assignments": list(assignments.current(today)),
            "past_assignments": past[:DETAIL_LIST_SIZE],
            "more_past_assignments": len(past) > DETAIL_LIST_SIZE,
            "attributions": page_of(
                attributions, request.GET, "attributions_page", anchor="attributions"
            ),
            "history": history_of(person, request.user, history_page(request)),
            # Merged into another record (issue 15): the merge that did it, to undo.
            "merge": person.merges_out.filter(undone_at__isnull=True).first()
            if person.merged_into_id
            else None,
        },
    )


@role_required(*REGISTRY_EDITORS)
def person_create(request):
    return _person_form(request, Person())


@role_required(*REGISTRY_EDITORS)
def person_update(request, pk):
    return _person_form(request, get_object_or_404(Person, pk=pk))


def _person_form(request, person):
    return _form_page(
        request,
        PersonForm(_posted(request), instance=person),
        "registry/person_form.html",
        _("Person saved."),
        lambda saved: reverse("registry:person_detail", args=[saved.pk]),
    )


# Command assignments


@role_required(*REGISTRY_READERS)
def assignment_list(request):
    assignments = CommandAssignment.objects.select_related("person", "unit__institution").order_by(
        "-start", "-pk"
    )
    return _list_page(
        request,
        "registry/assignment_list.html",
        AssignmentFilter(request.GET or None, queryset=assignments),
        export="assignments",
    )


@role_required(*REGISTRY_EDITORS)
def assignment_create(request):
    initial = {
        key: request.GET[key] for key in ("unit", "person") if request.GET.get(key, "").isdigit()
    }
    return _assignment_form(request, CommandAssignment(), initial)


@role_required(*REGISTRY_EDITORS)
def assignment_update(request, pk):
    return _assignment_form(request, get_object_or_404(CommandAssignment, pk=pk))


def _assignment_form(request, assignment, initial=None):
    # An assignment has no page of its own: it is read on its unit's page.
    return _form_page(
        request,
        AssignmentForm(_posted(request), instance=assignment, initial=initial),
        "registry/assignment_form.html",
        _("Command assignment saved."),
        lambda saved: reverse("registry:unit_detail", args=[saved.unit_id]),
    )
