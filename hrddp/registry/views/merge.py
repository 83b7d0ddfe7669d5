"""One person, one record (issue 15): merging two records of the same person, undoing a merge, and
the HROs' queue of likely duplicates. The services are ``registry.merging``; the API calls them
too (hrddp/api/views_merge.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrddp.accounts.access import REGISTRY_EDITORS, role_required
from hrddp.pagination import paginate

from .. import merging
from ..forms import DuplicateDismissForm, MergeForm, MergeUndoForm
from ..models import Person, PersonMerge
from ..queries import DUPLICATE_PEOPLE_PER_PAGE, duplicate_pairs, duplicate_queue_people


@role_required(*REGISTRY_EDITORS)
def person_merge(request, pk):
    """GET: the form to merge this person into another record (``?into=`` from the duplicate
    queue). POST: the merge; the page of the record kept follows."""
    source = get_object_or_404(Person, pk=pk)
    if source.merged_into_id:
        messages.error(request, _("This person was already merged into another record."))
        return redirect("registry:person_detail", pk=source.pk)
    if request.method == "POST":
        form = MergeForm(request.POST)
    else:
        into = request.GET.get("into", "")
        form = MergeForm(initial={"into": into} if into.isdigit() else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record = merging.merge(
                source, form.cleaned_data["into"], request.user, form.cleaned_data["reason"]
            )
        except merging.MergeRefused as refusal:
            form.add_error(None, refusal.message)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            messages.success(
                request,
                _("%(source)s is merged into this record.") % {"source": record.source.name},
            )
            return redirect("registry:person_detail", pk=record.target_id)
    elif request.method == "POST":
        status = 400
    return render(
        request, "registry/merge_form.html", {"person": source, "form": form}, status=status
    )


@require_POST
@role_required(*REGISTRY_EDITORS)
def merge_undo(request, pk):
    """Undo a merge, with a reason (the merged person's page holds the form)."""
    record = get_object_or_404(PersonMerge.objects.select_related("source"), pk=pk)
    form = MergeUndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the merge is undone."))
        return redirect("registry:person_detail", pk=record.source_id)
    try:
        merging.undo(record, request.user, form.cleaned_data["reason"])
    except merging.MergeRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The merge is undone: this person has a record of their own."))
    return redirect("registry:person_detail", pk=record.source_id)


@role_required(*REGISTRY_EDITORS)
def duplicate_list(request):
    """Pairs of people the matcher finds likely the same, from a page of people at a time (the
    newest first): each page searches the name index for its people only, however large the
    registry. Each pair: merge (keeping either) or "not the same person"."""
    page = paginate(
        request, duplicate_queue_people(), per_page=DUPLICATE_PEOPLE_PER_PAGE, counted=False
    )
    return render(
        request,
        "registry/duplicate_list.html",
        {"page_obj": page, "pairs": duplicate_pairs(page.object_list)},
    )


@require_POST
@role_required(*REGISTRY_EDITORS)
def duplicate_dismiss(request):
    """ "Not the same person": the pair is never proposed again."""
    form = DuplicateDismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the two people who are not the same."))
        return redirect("registry:duplicate_list")
    first = get_object_or_404(Person, pk=form.cleaned_data["first"])
    second = get_object_or_404(Person, pk=form.cleaned_data["second"])
    try:
        merging.dismiss_duplicate(first, second, request.user)
    except merging.MergeRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(first)s and %(second)s will not be proposed as duplicates again.")
            % {"first": first.name, "second": second.name},
        )
    url = reverse("registry:duplicate_list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)
