"""Assessment pages: the assessment, its editing (factors, S1–S5, recommendation, risks and
measures), a new version after a decision, and the printable form.

Who sees what: a member of the request's entity (any role) sees the assessment, anyone else gets
404; only the entity's HROs edit. Nobody sees a source's identity here, HROs included: the record
is shown through the registry's record templates, which never show sources.
"""

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hrddp.accounts.access import can_read_registry, role_required
from hrddp.audit.history import assessment_history
from hrddp.community.queries import consultable_perceptions
from hrddp.policy.models import PolicySettings
from hrddp.registry.access import record_view_for
from hrddp.registry.queries import load_pages, load_summaries
from hrddp.screening.queries_screening import matched_participants, matched_participants_array
from hrddp.support.models import EXTENDED_SCOPE_LABEL

from .. import services, snapshots, workflow
from ..catalogue import FACTOR_GUIDANCE, SCOPE_GUIDANCE
from ..forms import (
    AssessmentForm,
    FactorForm,
    FactorRiskForm,
    MeasureFormSet,
    PerceptionsForm,
    RevisionForm,
    RiskForm,
    ScopeAnswerForm,
    measure_changes,
)
from ..models import Assessment, AssessmentSnapshot, Decision, Level, Measure, Risk
from ..queries import (
    current_commanders,
    get_assessment_for_user,
    get_risk_for_user,
    is_entity_hro,
)
from ..risk import level_matrix, recipient_records, risk_profile

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this assessment since you opened it; your text is below, review the "
    "current version and save again."
)


def edit_refused(request, assessment):
    """A 403 page saying why ``assessment`` cannot be edited by this user now, or None."""
    if not is_entity_hro(request.user, assessment):
        reason = _("Only a human rights officer of the requesting entity edits its assessments.")
    else:
        reason = services.edit_refusal(assessment)
    if reason is None:
        return None
    return refused_page(request, assessment, reason)


def refused_page(request, assessment, reason):
    context = {
        "assessment": assessment,
        "reason": reason,
        "can_start_new_version": is_entity_hro(request.user, assessment)
        and _is_latest_frozen(assessment),
    }
    return render(request, "assessments/refused.html", context, status=403)


def _is_latest_frozen(assessment):
    """A new version starts only from the latest version, once a decision froze it."""
    if not assessment.is_frozen:
        return False
    return not assessment.request.assessments.filter(version__gt=assessment.version).exists()


# --- reading -----------------------------------------------------------------------------


def assessment_page_queryset():
    """All the assessment page shows, in a number of queries that does not grow with risks.
    (The S1–S5 answers only when the request is of the extended scope: ``assessment_context``.)"""
    measures = Measure.objects.select_related("measure_type").order_by("id")
    # The versions bar names every version of the request: read with the assessment itself.
    versions = (
        Assessment.objects.filter(request=OuterRef("request"))
        .order_by("version")
        .values(row=JSONObject(pk="pk", version="version", status="status"))
    )
    # The page shows the latest decision on this version: joined in, not fetched apart.
    latest_decision = Decision.objects.filter(assessment=OuterRef("pk")).order_by(
        "-decided_at", "-pk"
    )[:1]
    # The snapshot a version awaiting decision or decided shows (assessments/snapshots.py).
    latest_snapshot = AssessmentSnapshot.objects.filter(assessment=OuterRef("pk")).order_by(
        "-taken_at", "-id"
    )[:1]
    return (
        Assessment.objects.annotate(
            all_versions=ArraySubquery(versions),
            # Participants matched to people of the registry, with their records (issue 15).
            matched_participant_rows=matched_participants_array(),
            latest_snapshot_pk=Subquery(latest_snapshot.values("pk")),
            decision=FilteredRelation(
                "decisions", condition=Q(decisions__pk=Subquery(latest_decision.values("pk")))
            ),
        )
        .select_related("request__created_by", "decision__decided_by")
        .prefetch_related(
            "factors",
            Prefetch(
                "risks",
                queryset=Risk.objects.order_by("id").prefetch_related(
                    Prefetch("measures", queryset=measures)
                ),
            ),
        )
    )


def risk_rows(risks):
    return [
        {
            "risk": risk,
            "score": risk.score,
            "level": risk.level,
            "residual_score": risk.residual_score,
            "residual_level": risk.residual_level,
            "measures": list(risk.measures.all()),
        }
        for risk in risks
    ]


def assessment_context(user, assessment, data=None, pages=True):
    """What the assessment page (``pages``: each recipient's record a page of each route at a
    time, as ``data`` asks) and its print view (counts only) show. A version awaiting decision
    or decided shows the snapshot taken when it was submitted, and apart what changed in the live
    record since (domain.md 4.5); a draft, or a version decided before snapshots, the live record."""
    support = assessment.request
    today = timezone.localdate()
    policy = PolicySettings.get_solo()
    snapshot = None
    if snapshots.shows_snapshot(assessment):
        snapshot = snapshots.load(snapshots.latest_snapshot_pk(assessment))
    if snapshot is not None:
        units = [record.unit for record in snapshot.records]
    else:
        units = list(
            support.recipient_units.select_related("institution").order_by("sort_name", "pk")
        )
    live = recipient_records(support, as_of=today, units=units, policy=policy)
    views = {unit: record_view_for(user, unit) for unit in units}
    prefix = lambda record: f"u{record.unit.pk}-"  # noqa: E731
    since = None
    if snapshot is not None:
        records = {record.unit: record for record in snapshot.records}
        full = [records[unit] for unit in units if views[unit] == "full"]
        if pages:
            snapshots.load_snapshot_pages(full, data, prefix=prefix)
        snapshots.load_snapshot_summaries(
            [records[unit] for unit in units if not pages or views[unit] != "full"]
        )
        profile = snapshot.profile
        since = snapshots.since(
            snapshot, assessment, views, as_of=today, policy=policy, live_records=live
        )
    else:
        records = live
        full = [records[unit] for unit in units if views[unit] == "full"]
        if pages:
            load_pages(full, data, prefix=prefix)
        load_summaries([records[unit] for unit in units if not pages or views[unit] == "summary"])
        profile = risk_profile(assessment, as_of=today, records=records, policy=policy)
    # People are registry readers' business; an SSR advisor sees counts only (domain.md 7).
    commanders = current_commanders(units, today) if can_read_registry(user) else {}
    risks = risk_rows(assessment.risks.all())
    perceptions = list(consultable_perceptions(assessment))
    consulted = [perception for perception in perceptions if perception.is_consulted]
    return {
        "assessment": assessment,
        "support": support,
        "support_types": support.support_type_labels(),
        "extended_scope_label": EXTENDED_SCOPE_LABEL,
        "recipients": [
            {
                "unit": unit,
                "record": records[unit],
                "record_view": views[unit],
                "commanders": commanders.get(unit.pk, []),
            }
            for unit in units
        ],
        "show_commanders": can_read_registry(user),
        "snapshot": snapshot,
        "since": since,
        # Submitted or decided before snapshots were kept: the live record, said so.
        "no_snapshot": snapshot is None and snapshots.shows_snapshot(assessment),
        "profile": profile,
        "floor": Level(profile.floor) if profile.floor else None,
        # None while nothing is rated: the pages say "not assessed yet" (risk.RiskProfile).
        "inherent": profile.shown_inherent,
        "residual": profile.shown_residual,
        "factors": list(assessment.factors.all()),
        "scope_answers": list(assessment.scope_answers.all()) if support.is_extended_scope else [],
        "risks": risks,
        "has_measures": any(row["measures"] for row in risks),
        "perceptions": perceptions,
        "consulted_perceptions": consulted,
        # Without a decision, the join leaves no attribute at all.
        "decision": getattr(assessment, "decision", None),
        # Participants confirmed as people of the registry: their records count beside F1/F2.
        "matched_participants": matched_participants(
            support, getattr(assessment, "matched_participant_rows", None)
        ),
        "show_people": can_read_registry(user),
        "versions": assessment.all_versions,
    }


@role_required()
def assessment_detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk, assessment_page_queryset())
    context = assessment_context(request.user, assessment, request.GET)
    is_hro = is_entity_hro(request.user, assessment)
    refusal = services.edit_refusal(assessment) if is_hro else None
    context["can_edit"] = is_hro and refusal is None
    context["edit_refusal"] = refusal
    # The versions are on the page already: the latest is the last of them.
    context["can_start_new_version"] = (
        is_hro
        and assessment.is_frozen
        and max(v["version"] for v in context["versions"]) == assessment.version
    )
    context["history"] = assessment_history(assessment, request)
    return render(request, "assessments/assessment_detail.html", context)


@role_required()
def assessment_print(request, pk):
    assessment = get_assessment_for_user(request.user, pk, assessment_page_queryset())
    return render(
        request,
        "assessments/assessment_print.html",
        assessment_context(request.user, assessment, pages=False),
    )


@role_required()
@require_POST
def assessment_new_version(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    if not is_entity_hro(request.user, assessment):
        raise PermissionDenied
    try:
        new = workflow.new_version(assessment.request_id, request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect("assessments:detail", pk=assessment.pk)
    messages.success(
        request,
        _("Version %(version)s started as a copy of version %(old)s, which stays as decided.")
        % {"version": new.version, "old": assessment.version},
    )
    return redirect("assessments:detail", pk=new.pk)


# --- editing -----------------------------------------------------------------------------


# The factors whose evidence the editor shows beside them (_editor_evidence.html).
EVIDENCE_BESIDE = {"F1", "F2", "F3", "F8"}
SCOPE_SECTION = "scope"
RECOMMENDATION_SECTION = "recommendation"


def editor_sections(assessment, data=None, posted=None):
    """The editor's sections, each its own form: one per factor (F1–F8, with a risk that may be
    added under it; F8 with the perceptions consulted), the S1–S5 questions of an extended-scope
    request, and the recommendation. Only the ``posted`` section is bound to ``data``: the others
    show what is saved."""
    risks = list(assessment.risks.order_by("id"))
    sections = []
    for row in assessment.factors.order_by("code"):
        bound = data if posted == row.code else None
        sections.append(
            {
                "key": row.code,
                "title": row.get_code_display(),
                "guidance": FACTOR_GUIDANCE[row.code],
                "factor": row,
                "form": FactorForm(bound, instance=row, prefix=row.code),
                "risk_form": FactorRiskForm(bound, prefix=f"{row.code}-risk"),
                "perceptions_form": PerceptionsForm(bound, assessment=assessment, prefix="F8")
                if row.code == "F8"
                else None,
                "risks": [risk for risk in risks if risk.factor == row.code],
                "save_label": _("Save %(code)s") % {"code": row.code},
                "saved_message": _("%(code)s saved.") % {"code": row.code},
                "has_evidence": row.code in EVIDENCE_BESIDE,
            }
        )
    if assessment.request.is_extended_scope:
        bound = data if posted == SCOPE_SECTION else None
        sections.append(
            {
                "key": SCOPE_SECTION,
                "title": _("Extended-scope questions"),
                "scope_forms": [
                    (
                        ScopeAnswerForm(bound, instance=row, prefix=row.code),
                        SCOPE_GUIDANCE[row.code],
                    )
                    for row in assessment.scope_answers.order_by("code")
                ],
                "save_label": _("Save the answers S1–S5"),
                "saved_message": _("The answers S1–S5 saved."),
                "has_evidence": True,
            }
        )
    bound = data if posted == RECOMMENDATION_SECTION else None
    sections.append(
        {
            "key": RECOMMENDATION_SECTION,
            "title": _("Recommendation"),
            "form": AssessmentForm(bound, instance=assessment, prefix="main"),
            "save_label": _("Save the recommendation"),
            "saved_message": _("Recommendation saved."),
            "has_evidence": False,
        }
    )
    return sections


def section_forms(section):
    forms = [section.get("form"), section.get("risk_form"), section.get("perceptions_form")]
    forms.extend(form for form, _guidance in section.get("scope_forms", []))
    return [form for form in forms if form is not None]


def save_section(assessment, section, revision):
    """Save the section's validated forms with ``services``; returns nothing."""
    key = section["key"]
    if key == RECOMMENDATION_SECTION:
        form = section["form"]
        services.save_main(
            assessment.pk,
            revision,
            fields={name: form.cleaned_data[name] for name in services.MAIN_FIELDS},
            factors={},
        )
    elif key == SCOPE_SECTION:
        services.save_main(
            assessment.pk,
            revision,
            fields={},
            factors={},
            scope_answers={form.prefix: form.cleaned_data for form, _g in section["scope_forms"]},
        )
    else:
        perceptions = section["perceptions_form"]
        services.save_factor(
            assessment.pk,
            revision,
            key,
            section["form"].cleaned_data,
            perceptions=perceptions.cleaned_data["perceptions_consulted"] if perceptions else None,
            new_risk=section["risk_form"].new_risk,
        )


def editor_evidence(user, assessment):
    """What the factors rest on, shown beside them: each recipient's record, counts and flags
    only (bounded: the full record is on the assessment page), the community perceptions (F8),
    and what the request says of the support (S1–S5)."""
    support = assessment.request
    units = list(support.recipient_units.select_related("institution").order_by("sort_name", "pk"))
    records = recipient_records(support, as_of=timezone.localdate(), units=units)
    load_summaries(records.values())
    registry_reader = can_read_registry(user)
    commanders = current_commanders(units, timezone.localdate()) if registry_reader else {}
    return {
        "recipients": [
            {"unit": unit, "record": records[unit], "commanders": commanders.get(unit.pk, [])}
            for unit in units
        ],
        "show_commanders": registry_reader,
        "perceptions": list(consultable_perceptions(assessment)),
        "can_read_registry": registry_reader,
        "support_types": support.support_type_labels(),
        "extended_scope_label": EXTENDED_SCOPE_LABEL,
    }


def level_scale():
    """What static/js/risk-level.js reads: the server's level of every likelihood × severity,
    and each level's label in the reader's language."""
    return {
        "matrix": level_matrix(),
        "labels": {str(level): str(level.label) for level in Level},
    }


def with_revision(post, prefix, revision):
    """The user's posted input with the current revision, so a second save after review succeeds."""
    data = post.copy()
    data[f"{prefix}-revision" if prefix else "revision"] = revision
    return data


@role_required()
def assessment_edit(request, pk):
    """The editor: each section saved on its own (its own form and Save button); a refused or
    failed save shows the posted section with the user's input and the others as saved. Opening
    it writes nothing."""
    assessment = get_assessment_for_user(request.user, pk)
    refused = edit_refused(request, assessment)
    if refused:
        return refused
    data = posted = None
    if request.method == "POST":
        data, posted = request.POST, request.POST.get("section")
    sections = editor_sections(assessment, data, posted)
    section = next((s for s in sections if s["key"] == posted), None)
    response_code = 200
    if data is not None:
        revision_form = RevisionForm(data)
        forms = section_forms(section) if section else []
        if section is None or not revision_form.is_valid():
            response_code = 400
        elif not all([form.is_valid() for form in forms]):  # each form's errors, not the first's
            pass  # shown with the section as posted, the other sections as saved
        else:
            try:
                save_section(assessment, section, revision_form.cleaned_data["revision"])
            except services.EditRefused as error:
                return refused_page(request, assessment, str(error))
            except services.ConflictError as conflict:
                messages.error(request, CONFLICT_MESSAGE)
                assessment.revision = conflict.current.revision
                sections = editor_sections(assessment, data, posted)
                response_code = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, section["saved_message"])
                url = reverse("assessments:edit", args=[assessment.pk])
                return redirect(f"{url}#section-{posted}")
    context = {
        "assessment": assessment,
        "sections": sections,
        "revision": assessment.revision,
        "posted": posted,
        "level_scale": level_scale(),
        "conflict": response_code == 409,
        **editor_evidence(request.user, assessment),
    }
    return render(request, "assessments/assessment_form.html", context, status=response_code)


def risk_page(request, assessment, risk):
    data = request.POST if request.method == "POST" else None
    form = RiskForm(data, instance=risk, initial={"revision": assessment.revision})
    formset = MeasureFormSet(data, instance=risk, prefix="measures")
    response_code = 200
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_risk(
                assessment.pk,
                form.cleaned_data["revision"],
                {name: form.cleaned_data[name] for name in services.RISK_FIELDS},
                measure_changes(formset),
                risk_pk=risk.pk,
            )
        except services.EditRefused as error:
            return refused_page(request, assessment, str(error))
        except services.ConflictError as conflict:
            messages.error(request, CONFLICT_MESSAGE)
            data = with_revision(request.POST, "", conflict.current.revision)
            form = RiskForm(data, instance=risk)
            formset = MeasureFormSet(data, instance=risk, prefix="measures")
            response_code = 409
        else:
            messages.success(request, _("Risk saved."))
            url = reverse("assessments:detail", args=[assessment.pk])
            return redirect(f"{url}#risk-{saved.pk}")
    context = {
        "assessment": assessment,
        "risk": risk,
        "form": form,
        "formset": formset,
        "level_scale": level_scale(),
        "conflict": response_code == 409,
    }
    return render(request, "assessments/risk_form.html", context, status=response_code)


@role_required()
def risk_add(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return edit_refused(request, assessment) or risk_page(
        request, assessment, Risk(assessment=assessment)
    )


@role_required()
def risk_edit(request, risk_pk):
    risk = get_risk_for_user(request.user, risk_pk)
    return edit_refused(request, risk.assessment) or risk_page(request, risk.assessment, risk)


@role_required()
def risk_delete(request, risk_pk):
    risk = get_risk_for_user(request.user, risk_pk)
    assessment = risk.assessment
    refused = edit_refused(request, assessment)
    if refused:
        return refused
    form = RevisionForm(request.POST or None, initial={"revision": assessment.revision})
    response_code = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_risk(assessment.pk, form.cleaned_data["revision"], risk.pk)
        except services.EditRefused as error:
            return refused_page(request, assessment, str(error))
        except services.ConflictError as conflict:
            risk = Risk.objects.filter(pk=risk.pk).first()
            if risk is None:
                messages.info(request, _("Someone else already deleted this risk."))
                return redirect("assessments:detail", pk=assessment.pk)
            messages.error(
                request,
                _(
                    "Someone else saved this assessment since you opened it; review the risk and "
                    "confirm again."
                ),
            )
            form = RevisionForm(initial={"revision": conflict.current.revision})
            response_code = 409
        else:
            messages.success(request, _("Risk deleted."))
            return redirect("assessments:detail", pk=assessment.pk)
    context = {"assessment": assessment, "risk": risk, "form": form}
    return render(request, "assessments/risk_confirm_delete.html", context, status=response_code)
