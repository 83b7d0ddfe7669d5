"""The assessment editor (issue 16): each factor with its guidance and evidence, likelihood and
severity as labelled choices with the level shown as they are chosen, sections saved one at a
time, "not assessed yet" until something is rated, and opening an assessment writes nothing."""

import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from pghistory.models import Event

from assessments import services, workflow
from assessments.models import Assessment, Factor, Risk, ScopeQuestion
from hrddp.support.models import SupportType
from tests.factories import add_risk, api_client, make_request, section_post

pytestmark = pytest.mark.django_db

# domain.md 4.2 and 4.3, in the spec's own words: each must be read beside its factor.
SPEC_GUIDANCE = {
    "F1": "grave violations in the recipients' records",
    "F2": "investigations, prosecutions and removals",
    "F3": "whether orders and commitments actually bind the unit",
    "F4": "how directly the support could contribute to violations",
    "F5": "planned operations, civilians present",
    "F6": "leverage and its ability to monitor the recipient",
    "F7": "whether credible mitigatory measures exist and are accepted by the authorities",
    "F8": "community trust and on the mission's perceived impartiality",
    "S1": "triggers reprisals or violent resistance",
    "S2": "become a threat to civilians",
    "S3": "protects them and guarantees a minimum of accountability",
    "S4": "if the activity is cut short or fails, what harm follows",
    "S5": "reporting procedures, means, command support",
}

# domain.md 4.4: score = likelihood × severity; low 1–6, medium 7–14, high 15–25.
SPEC_LEVEL = {
    score: "low" if score <= 6 else "medium" if score <= 14 else "high" for score in range(1, 26)
}


def start_assessment(request, ssr_advisor, hro):
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    return workflow.current_assessment(request)


@pytest.fixture
def assessment(draft_request, ssr_advisor, hro):
    return start_assessment(draft_request, ssr_advisor, hro)


@pytest.fixture
def extended_assessment(mission, ssr_advisor, hro, unit):
    request = make_request(mission, ssr_advisor, [unit], support_types=("hr_ihl_training",))
    return start_assessment(request, ssr_advisor, hro)


def edit_url(assessment):
    return reverse("assessments:edit", args=[assessment.pk])


def page_of(response):
    return response.content.decode()


def section_html(page, key):
    """The HTML of one section of the editor."""
    start = page.index(f'<section id="section-{key}"')
    return page[start : page.index("</section>", start)]


def normalised(text):
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'")).lower()


# --- guidance and evidence ---------------------------------------------------------------------


def test_each_factor_shows_its_guidance_from_the_spec(client_for, hro, assessment):
    page = page_of(client_for(hro).get(edit_url(assessment)))
    for code in Factor.values:
        assert SPEC_GUIDANCE[code] in normalised(section_html(page, code)), code


def test_each_extended_scope_question_shows_its_guidance(client_for, hro, extended_assessment):
    scope = normalised(
        section_html(page_of(client_for(hro).get(edit_url(extended_assessment))), "scope")
    )
    for code in ScopeQuestion.values:
        assert SPEC_GUIDANCE[code] in scope, code


def test_the_extended_scope_section_names_the_requests_support_types(
    client_for, hro, extended_assessment
):
    """S1–S5 rest on what the request says of the support: its types, by their labels."""
    scope = section_html(page_of(client_for(hro).get(edit_url(extended_assessment))), "scope")
    label = str(dict(SupportType.choices)["hr_ihl_training"])
    assert f"<dd>{label}</dd>" in scope


def test_the_recipients_record_is_beside_f1_and_f2_and_perceptions_beside_f8(
    client_for, hro, assessment, unit
):
    page = page_of(client_for(hro).get(edit_url(assessment)))
    for code in ("F1", "F2"):
        assert unit.name in section_html(page, code)
        assert "Recent countable grave violation" in section_html(page, code)
    assert "Violations in this unit's record" in section_html(page, "F1")
    assert "Community perceptions" in section_html(page, "F8")
    assert unit.name not in section_html(page, "F4")


# --- labelled choices and the level as chosen --------------------------------------------------


def test_likelihood_and_severity_are_labelled_choices(client_for, hro, assessment):
    client = client_for(hro)
    for page in (
        page_of(client.get(reverse("assessments:risk_add", args=[assessment.pk]))),
        section_html(page_of(client.get(edit_url(assessment))), "F1"),
    ):
        assert 'type="number"' not in page
        for name in ("likelihood", "severity"):
            assert (
                len(
                    re.findall(rf'type="radio"[^>]* name="(?:F1-risk-)?{name}" value="[1-5]"', page)
                )
                == 5
            )
        for label in ("1 rare", "3 possible", "5 almost certain", "1 minimal", "5 catastrophic"):
            assert label in page


def test_the_level_the_script_computes_is_the_servers_and_the_specs(client_for, hro, assessment):
    page = page_of(client_for(hro).get(edit_url(assessment)))
    found = re.search(r'<script id="level-scale" type="application/json">(.*?)</script>', page)
    scale = json.loads(found.group(1))
    for likelihood in range(1, 6):
        for severity in range(1, 6):
            expected = SPEC_LEVEL[likelihood * severity]
            assert scale["matrix"][str(likelihood)][str(severity)] == expected
            risk = Risk(likelihood=likelihood, severity=severity)
            assert risk.level == expected
    assert scale["labels"] == {"low": "Low", "medium": "Medium", "high": "High"}
    assert 'src="/static/js/risk-level.js"' in page


def test_the_level_is_rendered_by_the_server_for_what_was_posted(client_for, hro, assessment):
    data = section_post(
        assessment,
        "F1",
        **{
            "F1-rating": "extreme",  # refused: the section comes back with what was typed
            "F1-risk-description": "Diverted to a unit with a record",
            "F1-risk-likelihood": "5",
            "F1-risk-severity": "3",
        },
    )
    response = client_for(hro).post(edit_url(assessment), data)
    assert response.status_code == 200
    f1 = section_html(page_of(response), "F1")
    assert "15 · " in f1 and ">High</span>" in f1
    assert not Risk.objects.exists()


# --- sections saved one at a time --------------------------------------------------------------


def test_saving_a_section_keeps_the_other_sections(client_for, hro, assessment):
    assessment.factors.filter(code="F2").update(rating="high", narrative="Nobody prosecuted.")
    response = client_for(hro).post(
        edit_url(assessment), section_post(assessment, "F1", **{"F1-rating": "low"})
    )
    assert response.status_code == 302 and response.url.endswith("#section-F1")
    factors = {f.code: (f.rating, f.narrative) for f in assessment.factors.all()}
    assert factors["F1"] == ("low", "Narrative of F1.")
    assert factors["F2"] == ("high", "Nobody prosecuted.")
    assert all(factors[code] == ("", "") for code in ("F3", "F4", "F5", "F6", "F7", "F8"))


def test_a_refused_section_keeps_what_was_typed_and_the_other_sections(client_for, hro, assessment):
    assessment.factors.filter(code="F2").update(narrative="Nobody prosecuted.")
    data = section_post(assessment, "F1", **{"F1-rating": "extreme", "F1-narrative": "TYPED"})
    response = client_for(hro).post(edit_url(assessment), data)
    assert response.status_code == 200
    page = page_of(response)
    assert "Select a valid choice" in section_html(page, "F1")
    assert "TYPED" in section_html(page, "F1")
    assert "Nobody prosecuted." in section_html(page, "F2")
    assert Assessment.objects.get(pk=assessment.pk).revision == 0
    assert assessment.factors.get(code="F1").narrative == ""


def test_a_risk_rated_in_a_factor_section_is_saved_under_that_factor(client_for, hro, assessment):
    data = section_post(
        assessment,
        "F1",
        **{
            "F1-risk-description": "Fuel diverted to a unit with a record",
            "F1-risk-likelihood": "4",
            "F1-risk-severity": "4",
        },
    )
    assert client_for(hro).post(edit_url(assessment), data).status_code == 302
    risk = Risk.objects.get()
    assert (risk.factor, risk.likelihood, risk.severity, risk.level) == ("F1", 4, 4, "high")
    assert assessment.factors.get(code="F1").rating == "medium"
    page = page_of(client_for(hro).get(edit_url(assessment)))
    assert "Fuel diverted to a unit with a record" in section_html(page, "F1")


def test_a_described_risk_needs_its_likelihood_and_severity(client_for, hro, assessment):
    data = section_post(
        assessment, "F1", **{"F1-risk-description": "Half rated", "F1-risk-likelihood": "4"}
    )
    response = client_for(hro).post(edit_url(assessment), data)
    assert "Choose the risk&#x27;s severity." in page_of(response)
    assert not Risk.objects.exists() and assessment.factors.get(code="F1").rating == ""


# --- opening writes nothing --------------------------------------------------------------------


def history_rows():
    return sum(model.objects.count() for model in apps.get_models() if issubclass(model, Event))


def test_opening_an_assessment_writes_no_history_rows(client_for, hro, manager, assessment):
    add_risk(assessment, 3, 4)
    client = client_for(hro)
    before = history_rows()
    revision = Assessment.objects.get(pk=assessment.pk).updated_at
    for name in ("edit", "detail", "print"):
        assert client.get(reverse(f"assessments:{name}", args=[assessment.pk])).status_code == 200
    assert (
        client_for(manager).get(reverse("assessments:detail", args=[assessment.pk])).status_code
        == 200
    )
    api = api_client(hro)
    assert api.get(reverse("api:assessment-detail", args=[assessment.pk])).status_code == 200
    assert api.get(reverse("api:assessment-list")).status_code == 200
    assert history_rows() == before
    assert Assessment.objects.get(pk=assessment.pk).updated_at == revision


# --- not assessed yet --------------------------------------------------------------------------


def test_nothing_rated_reads_not_assessed_yet_not_low(client_for, hro, assessment):
    client = client_for(hro)
    assert not assessment.is_rated
    for url in (
        reverse("assessments:detail", args=[assessment.pk]),
        reverse("assessments:print", args=[assessment.pk]),
        reverse("support:detail", args=[assessment.request_id]),
    ):
        page = page_of(client.get(url))
        assert "Not assessed yet" in page, url
        assert not re.search(r"Inherent risk(</dt>|:)\s*(<[^>]+>\s*)*Low", page), url
    body = api_client(hro).get(reverse("api:assessment-detail", args=[assessment.pk])).json()
    assert body["assessed"] is False
    assert body["risk_levels"]["assessed"] is False
    assert body["risk_levels"]["inherent"] is None and body["risk_levels"]["residual"] is None
    listed = api_client(hro).get(reverse("api:assessment-list")).json()["results"]
    assert [row["assessed"] for row in listed] == [False]


def test_one_rated_factor_ends_not_assessed(client_for, hro, assessment):
    assessment.factors.filter(code="F1").update(rating="low")
    assert Assessment.objects.get(pk=assessment.pk).is_rated
    page = page_of(client_for(hro).get(reverse("assessments:detail", args=[assessment.pk])))
    assert "Not assessed yet" not in page
    body = api_client(hro).get(reverse("api:assessment-detail", args=[assessment.pk])).json()
    assert body["risk_levels"]["inherent"] == "low" and body["assessed"] is True


def test_a_listed_risk_ends_not_assessed(hro, assessment):
    add_risk(assessment, 3, 5)
    body = api_client(hro).get(reverse("api:assessment-detail", args=[assessment.pk])).json()
    assert body["risk_levels"]["inherent"] == "high"


# --- the API takes a section at a time ---------------------------------------------------------


def test_the_api_saves_one_factor_and_keeps_the_others(hro, assessment):
    assessment.factors.filter(code="F2").update(rating="high", narrative="Nobody prosecuted.")
    response = api_client(hro).patch(
        reverse("api:assessment-detail", args=[assessment.pk]),
        {"revision": 0, "factors": [{"code": "F1", "rating": "medium"}]},
        format="json",
    )
    assert response.status_code == 200
    factors = {f["code"]: (f["rating"], f["narrative"]) for f in response.json()["factors"]}
    assert factors["F1"] == ("medium", "") and factors["F2"] == ("high", "Nobody prosecuted.")
    assert response.json()["assessed"] is True


def test_a_factor_section_saves_all_or_nothing(assessment):
    with pytest.raises(ValidationError):
        services.save_factor(
            assessment.pk,
            0,
            "F1",
            {"rating": "high", "narrative": "Saved only with its risk."},
            new_risk={"description": "Out of scale", "likelihood": 6, "severity": 4},
        )
    assert assessment.factors.get(code="F1").rating == ""
    assert not Risk.objects.exists()
    assert Assessment.objects.get(pk=assessment.pk).revision == 0
