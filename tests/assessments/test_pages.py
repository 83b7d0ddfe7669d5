"""The assessment pages (domain.md 4.2–4.5, 7): who sees and edits what, saving, concurrent editors,
frozen versions, the printable form."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import workflow
from assessments.models import (
    Assessment,
    Decision,
    Measure,
    MeasureStatus,
    MeasureType,
    Risk,
    ScopeQuestion,
)
from hrddp.accounts.models import Role
from hrddp.support.models import Communication, CommunicationKind
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    SourceFactory,
    UserFactory,
    ViolationFactory,
    add_risk,
    make_request,
    section_post,
)

pytestmark = pytest.mark.django_db

IDENTITY = "Zawadi Kivuye-Secret"
CONTACT = "+243 999 000 111"


def start_assessment(request, ssr_advisor, hro):
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    return workflow.current_assessment(request)


@pytest.fixture
def assessment(draft_request, ssr_advisor, hro):
    """A draft assessment of a logistics request (policy scope), under assessment."""
    return start_assessment(draft_request, ssr_advisor, hro)


@pytest.fixture
def extended_assessment(mission, ssr_advisor, hro, unit):
    request = make_request(mission, ssr_advisor, [unit], support_types=("hr_ihl_training",))
    return start_assessment(request, ssr_advisor, hro)


@pytest.fixture
def risk(assessment):
    return add_risk(assessment, 3, 4, measures=[("screening", MeasureStatus.PROPOSED)])


@pytest.fixture
def second_hro(mission):
    return UserFactory(username="hro2", roles=[(mission, Role.HRO)])


@pytest.fixture
def foreign_hro(agency):
    return UserFactory(username="hro-undp", roles=[(agency, Role.HRO)])


def url(name, obj):
    return reverse(f"assessments:{name}", args=[obj.pk])


def content(response):
    return response.content.decode()


def risk_post(revision, measures=(), existing=(), **fields):
    """The risk form with its measures formset. ``existing``: measures already saved, each posted
    unchanged unless given as (measure, {changes})."""
    data = {
        "revision": revision,
        "description": "Fuel diverted to offensive operations",
        "factor": "F4",
        "likelihood": "3",
        "severity": "4",
        "residual_likelihood": "",
        "residual_severity": "",
        "measures-TOTAL_FORMS": str(len(existing) + len(measures)),
        "measures-INITIAL_FORMS": str(len(existing)),
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000",
    }
    forms = [
        {
            "id": m.pk,
            "measure_type": m.measure_type_id,
            "details": m.details,
            "responsible": m.responsible,
            "due_date": m.due_date.isoformat() if m.due_date else "",
            "status": m.status,
            **changes,
        }
        for m, changes in existing
    ] + list(measures)
    for index, form in enumerate(forms):
        data |= {f"measures-{index}-{name}": value for name, value in form.items()}
    return data | fields


def new_measure(code="screening", **fields):
    return {
        "measure_type": MeasureType.objects.get(code=code).pk,
        "details": "All drivers screened.",
        "responsible": "recipient_authority",
        "due_date": "2030-01-31",
        "status": "agreed",
        **fields,
    }


# --- the permission ladder -------------------------------------------------------------------

READ_VIEWS = ["detail", "print"]
EDIT_VIEWS = ["edit", "risk_add", "risk_edit", "risk_delete"]


def view_url(name, assessment, risk):
    return url(name, risk if name in ("risk_edit", "risk_delete") else assessment)


@pytest.mark.parametrize("name", READ_VIEWS + EDIT_VIEWS + ["new_version"])
def test_anonymous_is_sent_to_login(client, assessment, risk, name):
    response = client.get(view_url(name, assessment, risk))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_VIEWS + EDIT_VIEWS)
def test_a_user_with_no_role_is_refused(client_for, no_role_user, assessment, risk, name):
    assert client_for(no_role_user).get(view_url(name, assessment, risk)).status_code == 403


@pytest.mark.parametrize("name", READ_VIEWS + EDIT_VIEWS)
@pytest.mark.parametrize("persona", ["outsider", "foreign_hro"])
def test_another_entity_sees_no_assessment_at_all(
    request, client_for, assessment, risk, name, persona
):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(view_url(name, assessment, risk)).status_code == 404


@pytest.mark.parametrize("name", READ_VIEWS)
@pytest.mark.parametrize("persona", ["hro", "manager", "auditor", "ssr_advisor"])
def test_every_role_of_the_entity_reads_the_assessment(
    request, client_for, assessment, risk, name, persona
):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(view_url(name, assessment, risk)).status_code == 200


@pytest.mark.parametrize("name", EDIT_VIEWS)
@pytest.mark.parametrize("persona", ["manager", "ssr_advisor", "auditor"])
def test_only_an_hro_of_the_entity_edits(request, client_for, assessment, risk, name, persona):
    client = client_for(request.getfixturevalue(persona))
    target = view_url(name, assessment, risk)
    assert client.get(target).status_code == 403
    response = client.post(target, section_post(assessment, "F1") | risk_post(0))
    assert response.status_code == 403
    assert "Only a human rights officer" in content(response)
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert Assessment.objects.get(pk=assessment.pk).revision == 0


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_the_hro_of_the_entity_opens_every_edit_page(client_for, hro, assessment, risk, name):
    assert client_for(hro).get(view_url(name, assessment, risk)).status_code == 200


def test_only_an_hro_of_the_entity_starts_a_new_version(client_for, manager, outsider, assessment):
    assert client_for(outsider).post(url("new_version", assessment)).status_code == 404
    assert client_for(manager).post(url("new_version", assessment)).status_code == 403


# --- the assessment page ---------------------------------------------------------------------


@pytest.fixture
def recorded_unit(unit):
    """The recipient unit with a recent verified torture case (a source with an identity) and a
    current commander."""
    violation = ViolationFactory(
        units=[unit], location="Kanda market", narrative="NARRATIVE-OF-THE-CASE"
    )
    SourceFactory(violation=violation, identity=IDENTITY, contact=CONTACT)
    AssignmentFactory(
        person=PersonFactory(name="Jean Commandant"), unit=unit, start=datetime.date(2024, 1, 1)
    )
    return unit


def test_the_page_shows_the_proposed_support_record_levels_and_risks(
    client_for, manager, assessment, risk, recorded_unit
):
    page = content(client_for(manager).get(url("detail", assessment)))
    assert assessment.request.title in page and "version 1" in page
    assert "Logistics (rations, fuel" in page
    for heading in (
        "In this unit or its sub-units",
        "Under commanders at the time",
        "Brought by current commanders",
        "Context: violations of parent units (not counted)",
    ):
        assert heading in page
    assert "Jean Commandant" in page
    assert "a recent countable grave violation (floor medium)" in page
    assert "3 × 4 = 12" in page and "Screening of personnel before support*" in page
    assert "F8 Impact on the protection of civilians" in page
    assert "Extended-scope questions" not in page


def test_an_extended_scope_request_is_labelled_and_shows_s1_to_s5(
    client_for, hro, extended_assessment
):
    page = content(client_for(hro).get(url("detail", extended_assessment)))
    assert "outside the policy&#x27;s formal scope, assessed under the extended scope" in page
    assert "Extended-scope questions" in page and "S5 Isolation" in page


@pytest.mark.parametrize("persona", ["manager", "hro", "auditor", "ssr_advisor"])
@pytest.mark.parametrize("name", READ_VIEWS)
def test_no_source_identity_ever_shows_on_an_assessment(
    request, client_for, assessment, recorded_unit, persona, name
):
    page = content(client_for(request.getfixturevalue(persona)).get(url(name, assessment)))
    assert IDENTITY not in page and CONTACT not in page
    assert "NARRATIVE-OF-THE-CASE" not in page


def test_an_ssr_advisor_sees_the_record_as_a_summary(
    client_for, ssr_advisor, assessment, recorded_unit
):
    page = content(client_for(ssr_advisor).get(url("detail", assessment)))
    assert "counts only" in page and "Torture" in page
    assert "Kanda market" not in page and "Jean Commandant" not in page
    assert "/registry/violations/" not in page


def test_the_page_runs_a_constant_number_of_queries(
    client_for, manager, assessment, recorded_unit, django_assert_max_num_queries
):
    client = client_for(manager)
    for count in (5, 50):
        Risk.objects.filter(assessment=assessment).delete()
        for _n in range(count):
            add_risk(
                assessment,
                2,
                3,
                measures=[("screening", MeasureStatus.AGREED), ("limits", MeasureStatus.PROPOSED)],
            )
        with django_assert_max_num_queries(25):  # + 1: the assessment's history
            response = client.get(url("detail", assessment))
        assert content(response).count("2 × 3 = 6") == count
        with django_assert_max_num_queries(24):
            client.get(url("print", assessment))


# --- editing ---------------------------------------------------------------------------------


def test_a_factor_section_and_the_recommendation_each_save_alone(client_for, hro, assessment):
    client = client_for(hro)
    response = client.post(
        url("edit", assessment), section_post(assessment, "F8", **{"F8-narrative": "Camps nearby."})
    )
    assert response.status_code == 302 and response.url == url("edit", assessment) + "#section-F8"
    f8 = assessment.factors.get(code="F8")
    assert (f8.rating, f8.narrative) == ("medium", "Camps nearby.")
    assert not assessment.factors.exclude(code="F8").exclude(rating="").exists()
    response = client.post(url("edit", assessment), section_post(assessment, "recommendation"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.recommendation == "support_with_conditions" and assessment.revision == 2
    assert assessment.monitoring_plan == "Monthly visits by the HRO in Kanda."
    assert assessment.factors.get(code="F8").narrative == "Camps nearby."
    assert not assessment.scope_answers.exclude(answer="").exists()


def test_a_policy_scope_request_has_no_s_section(client_for, hro, assessment):
    page = content(client_for(hro).get(url("edit", assessment)))
    assert "F1 Record of grave violations" in page
    assert "S1 Success" not in page and 'name="S1-answer"' not in page


def test_an_extended_scope_request_saves_s1_to_s5(client_for, hro, extended_assessment):
    client = client_for(hro)
    assert 'name="S3-answer"' in content(client.get(url("edit", extended_assessment)))
    response = client.post(
        url("edit", extended_assessment), section_post(extended_assessment, "scope")
    )
    assert response.status_code == 302
    answers = {a.code: (a.rating, a.answer) for a in extended_assessment.scope_answers.all()}
    assert answers == {code: ("low", f"Answer to {code}.") for code in ScopeQuestion.values}


def test_adding_a_risk_with_its_measures(client_for, hro, assessment):
    data = risk_post(
        0,
        measures=[new_measure(), new_measure("limits", details="", due_date="", status="proposed")],
    )
    response = client_for(hro).post(url("risk_add", assessment), data)
    assert response.status_code == 302
    risk = assessment.risks.get()
    assert (risk.description, risk.likelihood, risk.severity) == (
        "Fuel diverted to offensive operations",
        3,
        4,
    )
    assert sorted(m.measure_type.code for m in risk.measures.all()) == ["limits", "screening"]
    assert risk.measures.get(measure_type__code="screening").due_date == datetime.date(2030, 1, 31)
    assert Assessment.objects.get(pk=assessment.pk).revision == 1


def test_editing_a_risk_re_rates_it_and_changes_its_measures(client_for, hro, assessment, risk):
    screening = risk.measures.get()
    data = risk_post(
        0,
        existing=[(screening, {"status": "in_place", "DELETE": ""})],
        measures=[new_measure("monitor_access")],
        residual_likelihood="2",
        residual_severity="2",
    )
    assert client_for(hro).post(url("risk_edit", risk), data).status_code == 302
    risk.refresh_from_db()
    assert (risk.residual_likelihood, risk.residual_severity) == (2, 2)
    assert {m.measure_type.code: m.status for m in risk.measures.all()} == {
        "screening": "in_place",
        "monitor_access": "agreed",
    }
    data = risk_post(
        1,
        existing=[
            (m, {"DELETE": "on"}) for m in risk.measures.filter(measure_type__code="screening")
        ],
    )
    assert client_for(hro).post(url("risk_edit", risk), data).status_code == 302
    assert [m.measure_type.code for m in risk.measures.all()] == ["monitor_access"]


def test_likelihood_6_is_refused_with_a_clear_message_and_nothing_is_saved(
    client_for, hro, assessment
):
    response = client_for(hro).post(
        url("risk_add", assessment), risk_post(0, measures=[new_measure()], likelihood="6")
    )
    assert response.status_code == 200
    assert "Select a valid choice. 6 is not one of the available choices." in content(response)
    assert not Risk.objects.exists() and not Measure.objects.exists()
    assert Assessment.objects.get(pk=assessment.pk).revision == 0


def test_residual_likelihood_needs_residual_severity(client_for, hro, assessment, risk):
    response = client_for(hro).post(url("risk_edit", risk), risk_post(0, residual_likelihood="2"))
    assert "Re-rate both likelihood and severity after mitigation, or neither." in content(response)
    risk.refresh_from_db()
    assert risk.residual_likelihood is None


def test_deleting_a_risk(client_for, hro, assessment, risk):
    client = client_for(hro)
    assert "Delete this risk?" in content(client.get(url("risk_delete", risk)))
    assert client.post(url("risk_delete", risk), {"revision": 0}).status_code == 302
    assert not Risk.objects.filter(pk=risk.pk).exists() and not Measure.objects.exists()


# --- two editors at once ---------------------------------------------------------------------


def test_a_stale_save_is_refused_and_keeps_the_users_text(client_for, hro, second_hro, assessment):
    first = client_for(hro)
    form_page = first.get(url("edit", assessment))
    stale = form_page.context["revision"]

    other = Client()
    other.force_login(second_hro)
    assert (
        other.post(
            url("edit", assessment), section_post(assessment, "F1", **{"F1-narrative": "THEIRS"})
        ).status_code
        == 302
    )

    response = first.post(
        url("edit", assessment),
        section_post(assessment, "F1", revision=stale, **{"F1-narrative": "MINE"}),
    )
    assert response.status_code == 409
    page = content(response)
    assert "Someone else saved this assessment since you opened it" in page
    assert "MINE" in page
    assert assessment.factors.get(code="F1").narrative == "THEIRS"

    # Having reviewed, the first editor saves again from the form as re-shown.
    again = response.context["revision"]
    assert (
        first.post(
            url("edit", assessment),
            section_post(assessment, "F1", revision=again, **{"F1-narrative": "MINE"}),
        ).status_code
        == 302
    )
    assert assessment.factors.get(code="F1").narrative == "MINE"


def test_a_stale_risk_save_is_refused(client_for, hro, assessment, risk):
    client = client_for(hro)
    assert client.post(url("edit", assessment), section_post(assessment, "F1")).status_code == 302
    response = client.post(url("risk_edit", risk), risk_post(0, description="MY-RISK-TEXT"))
    assert response.status_code == 409 and "MY-RISK-TEXT" in content(response)
    assert "Open the current version in a new tab" in content(response)
    risk.refresh_from_db()
    assert risk.description == "Risk 3x4"


def test_a_stale_delete_is_refused(client_for, hro, assessment, risk):
    client = client_for(hro)
    assert client.post(url("edit", assessment), section_post(assessment, "F1")).status_code == 302
    assert client.post(url("risk_delete", risk), {"revision": 0}).status_code == 409
    assert Risk.objects.filter(pk=risk.pk).exists()


# --- frozen versions and requests elsewhere ---------------------------------------------------


@pytest.fixture
def approved(draft_request, to_decision, manager, ssr_advisor):
    """An approved assessment of support that has since become active."""
    assessment = to_decision(draft_request)
    workflow.apply(draft_request.pk, "approve", manager, reason="Low risk.")
    Communication.objects.create(
        request=draft_request,
        kind=CommunicationKind.POLICY_NOTIFICATION,
        date=timezone.localdate(),
        counterpart="Ministry of Defence",
        summary="Letter.",
        recorded_by=ssr_advisor,
    )
    workflow.apply(draft_request.pk, "activate", ssr_advisor)
    assessment.refresh_from_db()
    return assessment


@pytest.mark.parametrize("name", ["edit", "risk_add"])
def test_a_frozen_version_cannot_be_edited_and_points_to_a_new_version(
    client_for, hro, approved, name
):
    response = client_for(hro).get(url(name, approved))
    assert response.status_code == 403
    page = content(response)
    assert "frozen by a decision" in page and "Start a new version" in page


def test_a_frozen_version_shows_who_froze_it(client_for, hro, manager, approved):
    page = content(client_for(hro).get(url("detail", approved)))
    assert "frozen by the decision of manager" in page and "Start a new version" in page
    assert "Start a new version" not in content(client_for(manager).get(url("detail", approved)))


def test_an_assessment_submitted_for_decision_cannot_be_edited(
    client_for, hro, draft_request, to_decision
):
    assessment = to_decision(draft_request)
    response = client_for(hro).post(
        url("edit", assessment),
        section_post(assessment, "recommendation", **{"main-rationale": "Late"}),
    )
    assert response.status_code == 403 and "submitted for decision" in content(response)
    assessment.refresh_from_db()
    assert assessment.rationale == "Weighed."


def test_an_assessment_cannot_be_edited_once_the_request_left_assessment(
    client_for, hro, manager, assessment, risk
):
    workflow.apply(assessment.request_id, "withdraw", manager, reason="No longer needed.")
    response = client_for(hro).post(url("risk_delete", risk), {"revision": 0})
    assert response.status_code == 403 and "only while its request is under assessment" in content(
        response
    )
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_start_a_new_version_keeps_the_decision_on_v1(client_for, hro, approved):
    response = client_for(hro).post(url("new_version", approved))
    v2 = Assessment.objects.get(request=approved.request, version=2)
    assert response.status_code == 302 and response.url == url("detail", v2)
    assert Decision.objects.get().assessment_id == approved.pk
    approved.refresh_from_db()
    assert approved.is_frozen and not v2.is_frozen
    assert v2.factors.get(code="F1").narrative == "Considered."


def test_a_second_new_version_from_an_old_version_is_refused(client_for, hro, approved):
    client = client_for(hro)
    client.post(url("new_version", approved))
    response = client.post(url("new_version", approved), follow=True)
    assert "not frozen" in content(response)
    assert approved.request.assessments.count() == 2


# --- the printable form ----------------------------------------------------------------------


def test_the_print_view_follows_the_guidance_note_template(
    client_for, manager, approved, recorded_unit
):
    add_risk(approved, 4, 4, measures=[("monitor_access", MeasureStatus.AGREED)])
    page = content(client_for(manager).get(url("print", approved)))
    for heading in (
        "1. Proposed support",
        "2. Recipient profile",
        "3. Risks",
        "4. Mitigatory measures",
        "5. Residual risk and recommendation",
        "6. Monitoring plan",
        "7. Clearances",
    ):
        assert heading in page
    # Its print styles (static/css/print.css, no inline <style> under the CSP).
    assert "navbar" not in page and "css/print.css" in page
    assert (
        "Access for UN monitors*" in page and "<td>4</td><td>4</td><td>16</td><td>High</td>" in page
    )
    assert "Patrols stop; civilians less protected." in page
    assert "Jean Commandant" in page
    assert "Prepared by" in page and "Approve" in page


def test_an_undecided_print_leaves_signature_lines_blank(client_for, hro, assessment):
    page = content(client_for(hro).get(url("print", assessment)))
    assert "7. Clearances" in page and 'class="signature"' in page
    assert "Decided by" in page
