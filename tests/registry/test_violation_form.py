"""Recording and editing a violation with its inlines (domain.md 3): HROs only, all or nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hrddp.registry import services
from hrddp.registry.forms_violations import ViolationForm
from hrddp.registry.models import (
    AccountabilityAction,
    Attribution,
    Source,
    VerificationChange,
    VerificationStatus,
    Violation,
    ViolationSubtype,
)
from tests.factories import PersonFactory, SourceFactory, UnitFactory, ViolationFactory, category

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("registry:violation_create")


def today():
    return timezone.localdate()


def yesterday():
    return (today() - datetime.timedelta(days=1)).isoformat()


def tomorrow():
    return (today() + datetime.timedelta(days=1)).isoformat()


def form_data(attributions=(), actions=(), sources=(), initial=None, **fields):
    """POST data of the violation page; each inline is a list of dicts, one per row.
    ``initial`` gives the number of existing rows per inline (``{"sources": 1}``)."""
    data = {
        "date": yesterday(),
        "date_precision": "day",
        "location": "Kanda market",
        "narrative": "Two traders were beaten in custody.",
        "category": category("torture").pk,
        "subtype": "",
        "victims_count": "2",
        "source_reliability": "moderate",
        "scale": "isolated",
        "verification_status": "alleged",
        "verification_note": "",
    }
    data.update(fields)
    for prefix, rows in (
        ("attributions", attributions),
        ("actions", actions),
        ("sources", sources),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str((initial or {}).get(prefix, 0))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def counts():
    return (
        Violation.objects.count(),
        Attribution.objects.count(),
        AccountabilityAction.objects.count(),
        Source.objects.count(),
        VerificationChange.objects.count(),
    )


def update_url(violation):
    return reverse("registry:violation_update", args=[violation.pk])


@pytest.fixture
def unit():
    return UnitFactory(name="3rd Battalion")


@pytest.fixture
def person():
    return PersonFactory(name="Mukendi")


# Permission ladder


def test_anonymous_user_is_sent_to_login(client):
    violation = ViolationFactory()
    for url in (CREATE_URL, update_url(violation)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_user_without_role_sees_the_no_role_page(client_for, no_role_user):
    response = client_for(no_role_user).get(CREATE_URL)
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


@pytest.mark.parametrize("persona", ["ssr_advisor", "manager", "auditor", "administrator"])
def test_only_hros_record_or_edit_violations(client_for, persona, request):
    violation = ViolationFactory(location="Kanda")
    client = client_for(request.getfixturevalue(persona))
    before = counts()
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data()).status_code == 403
    assert client.get(update_url(violation)).status_code == 403
    assert client.post(update_url(violation), form_data(location="Elsewhere")).status_code == 403
    assert counts() == before
    violation.refresh_from_db()
    assert violation.location == "Kanda"


def test_hro_opens_the_pages(client_for, hro):
    violation = ViolationFactory()
    client = client_for(hro)
    assert client.get(CREATE_URL).status_code == 200
    assert client.get(update_url(violation)).status_code == 200
    assert client.get(reverse("registry:violation_update", args=[999999])).status_code == 404


# Creating


def test_hro_records_a_violation_with_attributions_actions_and_sources(
    client_for, hro, unit, person
):
    data = form_data(
        attributions=[
            {"unit": unit.pk, "responsibility": "direct"},
            {"person": person.pk, "responsibility": "command"},
        ],
        actions=[{"kind": "investigation_opened", "date": yesterday()}],
        sources=[
            {
                "kind": "witness",
                "reliability": "high",
                "identity": "Zawadi K.",
                "contact": "+243 000",
                "description": "A trader.",
                "obtained_on": yesterday(),
            }
        ],
        verification_status="verified",
        verification_note="Two independent witnesses.",
    )
    response = client_for(hro).post(CREATE_URL, data)
    violation = Violation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:violation_detail", args=[violation.pk])
    assert violation.reported_by == hro
    assert violation.verification_status == VerificationStatus.VERIFIED
    assert {(a.unit_id, a.person_id, a.responsibility) for a in violation.attributions.all()} == {
        (unit.pk, None, "direct"),
        (None, person.pk, "command"),
    }
    assert violation.accountability_actions.get().kind == "investigation_opened"
    assert violation.sources.get().identity == "Zawadi K."
    change = violation.verification_changes.get()
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "alleged",
        "verified",
        hro,
        "Two independent witnesses.",
    )


def test_untouched_inline_rows_are_skipped(client_for, hro):
    page = client_for(hro).get(CREATE_URL).content.decode()
    assert 'name="attributions-1-unit"' in page
    data = form_data(attributions=[{"responsibility": "direct"}, {"responsibility": "direct"}])
    assert client_for(hro).post(CREATE_URL, data).status_code == 302
    assert Violation.objects.count() == 1
    assert Attribution.objects.count() == 0


def test_future_date_is_rejected_and_nothing_saved(client_for, hro, unit):
    before = counts()
    data = form_data(date=tomorrow(), attributions=[{"unit": unit.pk, "responsibility": "direct"}])
    response = client_for(hro).post(CREATE_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["A violation cannot be dated in the future."]
    content = response.content.decode()
    assert "A violation cannot be dated in the future." in content
    assert "Nothing was saved" in content
    assert counts() == before


def test_attribution_to_both_unit_and_person_is_rejected_and_nothing_saved(
    client_for, hro, unit, person
):
    before = counts()
    data = form_data(
        attributions=[{"unit": unit.pk, "person": person.pk, "responsibility": "direct"}],
        sources=[
            {"kind": "witness", "reliability": "high", "identity": "X", "obtained_on": yesterday()}
        ],
    )
    response = client_for(hro).post(CREATE_URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Attribute the violation to a unit or to a person, not both or neither." in content
    assert "Nothing was saved" in content
    assert counts() == before


def test_attribution_row_with_neither_unit_nor_person_is_rejected(client_for, hro):
    before = counts()
    response = client_for(hro).post(
        CREATE_URL, form_data(attributions=[{"responsibility": "command"}])
    )
    content = response.content.decode()
    assert "Attribute the violation to a unit or to a person, not both or neither." in content
    assert counts() == before


def test_subtype_must_belong_to_the_category(client_for, hro):
    before = counts()
    summary_execution = ViolationSubtype.objects.get(code="summary_execution")
    response = client_for(hro).post(CREATE_URL, form_data(subtype=summary_execution.pk))
    assert response.context["form"].errors["subtype"] == [
        "This subtype belongs to another category."
    ]
    assert counts() == before
    data = form_data(category=category("unlawful_killing").pk, subtype=summary_execution.pk)
    assert client_for(hro).post(CREATE_URL, data).status_code == 302


def test_accountability_action_in_the_future_is_rejected_and_nothing_saved(client_for, hro):
    before = counts()
    response = client_for(hro).post(
        CREATE_URL, form_data(actions=[{"kind": "arrested", "date": tomorrow()}])
    )
    assert response.context["formsets"]["actions"].errors[0]["date"] == [
        "An action cannot be dated in the future."
    ]
    assert "An action cannot be dated in the future." in response.content.decode()
    assert counts() == before


def test_a_failure_while_saving_leaves_nothing_behind(client_for, hro, unit, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "set_verification_status", fail)
    before = counts()
    data = form_data(attributions=[{"unit": unit.pk, "responsibility": "direct"}])
    with pytest.raises(RuntimeError):
        client_for(hro).post(CREATE_URL, data)
    assert counts() == before


def test_verification_choices_follow_who_may_set_them(hro, manager):
    def offered(user):
        return [
            value for value, _ in ViolationForm(user=user).fields["verification_status"].choices
        ]

    assert offered(hro) == ["alleged", "credible", "verified", "discounted"]
    assert offered(manager) == ["alleged"]


# Editing


def test_hro_edits_a_violation_and_its_inlines(client_for, hro, unit, person):
    violation = ViolationFactory(units=[unit], verification_status=VerificationStatus.CREDIBLE)
    source = SourceFactory(violation=violation)
    attribution = violation.attributions.get()
    data = form_data(
        location="Kanda, north gate",
        verification_status="credible",
        attributions=[
            {"id": attribution.pk, "unit": unit.pk, "responsibility": "direct", "DELETE": "on"},
            {"person": person.pk, "responsibility": "command"},
        ],
        sources=[
            {
                "id": source.pk,
                "kind": "witness",
                "reliability": "low",
                "identity": source.identity,
                "obtained_on": yesterday(),
            }
        ],
        initial={"attributions": 1, "sources": 1},
        **{"initial-verification_status": "credible"},
    )
    response = client_for(hro).post(update_url(violation), data)
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.location == "Kanda, north gate"
    assert [(a.unit_id, a.person_id) for a in violation.attributions.all()] == [(None, person.pk)]
    assert violation.sources.get().reliability == "low"
    assert violation.verification_status == VerificationStatus.CREDIBLE
    assert not violation.verification_changes.exists()


def test_editing_does_not_undo_a_verification_made_meanwhile(client_for, hro):
    violation = ViolationFactory(verification_status=VerificationStatus.ALLEGED)
    page_opened_with = "alleged"
    services.set_verification_status(violation, VerificationStatus.VERIFIED, hro)
    data = form_data(
        location="Corrected location",
        verification_status=page_opened_with,
        **{"initial-verification_status": page_opened_with},
    )
    assert client_for(hro).post(update_url(violation), data).status_code == 302
    violation.refresh_from_db()
    assert violation.location == "Corrected location"
    assert violation.verification_status == VerificationStatus.VERIFIED


def test_changing_the_status_while_editing_is_recorded(client_for, hro):
    violation = ViolationFactory(verification_status=VerificationStatus.ALLEGED)
    data = form_data(
        verification_status="discounted",
        verification_note="The incident happened elsewhere.",
        **{"initial-verification_status": "alleged"},
    )
    assert client_for(hro).post(update_url(violation), data).status_code == 302
    violation.refresh_from_db()
    assert violation.verification_status == VerificationStatus.DISCOUNTED
    change = violation.verification_changes.get()
    assert (change.from_status, change.to_status, change.note) == (
        "alleged",
        "discounted",
        "The incident happened elsewhere.",
    )
