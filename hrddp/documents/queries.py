"""Who may see, download and add which attached files (issue 17; domain.md 7, "files follow the
record they belong to"), in one place for the pages, the API and the tests.

A file is visible to whoever may read its record: letters, decisions, interventions and
participants' files to the users of the request's entities, evidence to those who read the
registry; evidence that identifies a victim, witness or source to HROs only. Anything else
answers 404, as if it did not exist.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from assessments.models import Decision
from assessments.queries import can_record_letter, get_intervention_for_user
from hrddp.accounts.access import can_edit_registry, can_read_registry, can_see_identities
from hrddp.accounts.models import Role
from hrddp.registry.queries import get_violation_for_user
from hrddp.screening.access import can_edit_participants, can_screen, get_participant_for_user
from hrddp.support.access import can_record_communication, holds_role_in
from hrddp.support.models import Communication, SupportRequest

from .models import OWNER_FIELDS, Attachment

# Who attaches the signed assessment or decision letter: the HROs and managers of the entity.
DECISION_FILE_ROLES = (Role.HRO, Role.MANAGER)


def visible_attachments(user):
    """Every attached file ``user`` may see and download."""
    if not user.is_authenticated:
        return Attachment.objects.none()
    requests = SupportRequest.objects.visible_to(user)
    visible = (
        Q(communication__request__in=requests)
        | Q(decision__request__in=requests)
        | Q(intervention__request__in=requests)
        | Q(participant__request__in=requests)
    )
    if can_read_registry(user):
        evidence = Q(violation__isnull=False)
        if not can_see_identities(user):
            evidence &= Q(identifies_people=False)
        visible |= evidence
    return Attachment.objects.filter(visible)


def get_attachment_for_user(user, pk):
    """The attached file if ``user`` may see it; 404 otherwise."""
    return get_object_or_404(visible_attachments(user).select_related("added_by"), pk=pk)


def attachments_of(user, *records):
    """The files of ``records`` (of one kind; a page has already checked they may be read) that
    ``user`` may see, newest first."""
    name = records[0]._meta.model_name
    if name not in OWNER_FIELDS:
        raise ValueError(f"Files cannot be attached to a {name}.")
    return visible_attachments(user).filter(**{f"{name}__in": records}).select_related("added_by")


def get_record_for_user(user, kind, pk):
    """The record of kind ``kind`` (one of OWNER_FIELDS) a file would be attached to, if ``user``
    may read it; 404 otherwise."""
    if kind == "violation":
        return get_violation_for_user(user, pk)
    if kind == "intervention":
        return get_intervention_for_user(user, pk)
    if kind == "participant":
        return get_participant_for_user(user, pk)
    requests = SupportRequest.objects.visible_to(user)
    if kind == "communication":
        return get_object_or_404(
            Communication.objects.filter(request__in=requests).select_related("request"), pk=pk
        )
    if kind == "decision":
        return get_object_or_404(
            Decision.objects.filter(request__in=requests).select_related("request"), pk=pk
        )
    raise Http404


def can_attach(user, record):
    """Who adds a file to a record: whoever records it (the letters' writers, the registry's HROs,
    those who act on an intervention, who list or screen participants)."""
    name = record._meta.model_name
    if name == "violation":
        return can_edit_registry(user)
    if name == "communication":
        return can_record_communication(user, record.request)
    if name == "decision":
        return holds_role_in(user, record.request, *DECISION_FILE_ROLES)
    if name == "intervention":
        return can_record_letter(user, record)
    if name == "participant":
        return can_edit_participants(user, record.request) or can_screen(user, record.request)
    return False


def can_remove(user, attachment):
    """Who may attach a file to the record may remove one attached by mistake."""
    return can_attach(user, attachment.owner)


def record_url(record):
    """The page that shows ``record`` and its files."""
    name = record._meta.model_name
    if name == "violation":
        return reverse("registry:violation_detail", args=[record.pk])
    if name == "intervention":
        return reverse("assessments:intervention_detail", args=[record.pk])
    if name == "participant":
        return reverse("screening:participant", args=[record.pk])
    anchor = "communications" if name == "communication" else "decisions"
    return reverse("support:detail", args=[record.request_id]) + f"#{anchor}"
