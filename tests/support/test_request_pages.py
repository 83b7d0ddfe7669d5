"""Support request pages: who may open what (domain.md 2, 7), the request form (4.1), the list."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments import workflow
from hrddp.support.models import EXTENDED_SCOPE_LABEL, RequestStatus, SupportRequest
from tests.factories import AssignmentFactory, PersonFactory, UnitFactory, make_request

pytestmark = pytest.mark.django_db

REQUEST_PAGES = ["detail", "update", "transition", "communication_add", "delivery_add"]
POST_ONLY = {"transition", "communication_add", "delivery_add"}
ALL_PAGES = ["list", "create", "waivers"] + REQUEST_PAGES


def url_for(name, support_request):
    if name in REQUEST_PAGES:
        return reverse(f"support:{name}", args=[support_request.pk])
    return reverse(f"support:{name}")


def open_page(client, name, support_request, data=None):
    url = url_for(name, support_request)
    return client.post(url, data or {}) if name in POST_ONLY else client.get(url)


# The permission ladder


@pytest.mark.parametrize("name", ALL_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, draft_request, name):
    response = open_page(client, name, draft_request)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url_for(name, draft_request)}"


@pytest.mark.parametrize("name", ALL_PAGES)
def test_user_without_a_role_gets_403_with_an_explanation(
    client_for, no_role_user, draft_request, name
):
    response = open_page(client_for(no_role_user), name, draft_request)
    assert response.status_code == 403
    assert "You have no role yet" in response.content.decode()


@pytest.mark.parametrize("name", REQUEST_PAGES)
def test_a_request_of_another_entity_answers_404(client_for, outsider, draft_request, name):
    response = open_page(client_for(outsider), name, draft_request, {"action": "submit"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "name", "data"),
    [
        ("hro", "create", None),
        ("manager", "create", None),
        ("manager", "update", None),
        ("hro", "update", None),
        ("hro", "transition", {"action": "submit"}),
        ("manager", "transition", {"action": "submit"}),
        ("auditor", "communication_add", None),
        ("hro", "delivery_add", None),
        ("auditor", "delivery_add", None),
        ("ssr_advisor", "waivers", None),
        ("hro", "waivers", None),
    ],
)
def test_a_role_that_may_not_do_it_gets_403(
    request, client_for, draft_request, persona, name, data
):
    response = open_page(client_for(request.getfixturevalue(persona)), name, draft_request, data)
    assert response.status_code == 403
    draft_request.refresh_from_db()
    assert draft_request.status == RequestStatus.DRAFT


def test_a_manager_of_another_entity_is_refused_on_requests_not_theirs(
    client_for, agency_manager, draft_request
):
    client = client_for(agency_manager)
    assert client.get(url_for("detail", draft_request)).status_code == 404
    assert (
        client.post(url_for("transition", draft_request), {"action": "withdraw"}).status_code == 404
    )


@pytest.mark.parametrize("name", POST_ONLY)
def test_posting_views_refuse_get(client_for, ssr_advisor, draft_request, name):
    assert client_for(ssr_advisor).get(url_for(name, draft_request)).status_code == 405


@pytest.mark.parametrize("persona", ["ssr_advisor", "hro", "manager", "auditor", "administrator"])
def test_every_role_of_the_entity_reads_the_list_and_the_request(
    request, client_for, draft_request, persona
):
    client = client_for(request.getfixturevalue(persona))
    assert "Fuel for patrols" in client.get(reverse("support:list")).content.decode()
    response = client.get(url_for("detail", draft_request))
    assert response.status_code == 200
    assert "Fuel for patrols" in response.content.decode()


def test_the_list_shows_only_requests_of_the_users_entities(
    client_for, outsider, draft_request, agency, unit
):
    make_request(agency, outsider, [unit], title="Agency rations")
    page = client_for(outsider).get(reverse("support:list")).content.decode()
    assert "Agency rations" in page
    assert "Fuel for patrols" not in page


# The request form


def form_data(entity, units, **overrides):
    data = {
        "entity": entity.pk,
        "title": "Rations for the 3rd Battalion",
        "policy_types": ["logistics"],
        "description": "Dry rations for three months.",
        "recipient_units": [u.pk for u in units],
        "location": "Kanda",
        "start": "2030-01-01",
        "end": "2030-03-31",
        "value": "120000",
        "currency": "usd",
        "funding_source": "Trust fund",
        "respond_by": "2029-12-01",
        "urgency": "urgent",
    }
    data.update(overrides)
    return data


def test_create_form_groups_support_types_and_labels_the_extended_scope(
    client_for, ssr_advisor, mission
):
    response = client_for(ssr_advisor).get(reverse("support:create"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Policy scope" in page and "Extended scope" in page
    assert page.count(str(EXTENDED_SCOPE_LABEL).replace("'", "&#x27;")) == 5
    # The advisor's only entity is preselected.
    assert f'<option value="{mission.pk}" selected>' in page


def test_ssr_advisor_creates_a_draft_request(client_for, ssr_advisor, mission, unit):
    second = UnitFactory(name="5th Battalion")
    response = client_for(ssr_advisor).post(
        reverse("support:create"),
        form_data(mission, [unit, second], extended_types=["hr_ihl_training"]),
    )
    created = SupportRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "support:detail", args=[created.pk]
    )
    assert created.status == RequestStatus.DRAFT
    assert created.created_by == ssr_advisor and created.entity == mission
    assert created.support_types == ["logistics", "hr_ihl_training"]
    assert set(created.recipient_units.all()) == {unit, second}
    assert (created.start, created.end) == (datetime.date(2030, 1, 1), datetime.date(2030, 3, 31))
    assert created.currency == "USD" and created.urgency == "urgent"


def test_support_ending_before_it_starts_is_refused_and_nothing_is_saved(
    client_for, ssr_advisor, mission, unit
):
    response = client_for(ssr_advisor).post(
        reverse("support:create"), form_data(mission, [unit], start="2030-03-01", end="2030-02-01")
    )
    assert response.status_code == 200
    assert "Support cannot end before it starts." in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_request_needs_a_kind_of_support_and_a_recipient(client_for, ssr_advisor, mission):
    response = client_for(ssr_advisor).post(
        reverse("support:create"), form_data(mission, [], policy_types=[])
    )
    page = response.content.decode()
    assert "Choose at least one kind of support." in page
    assert not SupportRequest.objects.exists()


def test_an_advisor_cannot_file_a_request_for_an_entity_where_they_are_not_requester(
    client_for, ssr_advisor, agency, unit
):
    response = client_for(ssr_advisor).post(reverse("support:create"), form_data(agency, [unit]))
    assert response.status_code == 200
    assert not SupportRequest.objects.exists()


def test_ssr_advisor_edits_a_draft(client_for, ssr_advisor, draft_request, mission, unit):
    response = client_for(ssr_advisor).post(
        reverse("support:update", args=[draft_request.pk]),
        form_data(mission, [unit], title="Diesel for patrols"),
    )
    assert response.status_code == 302
    draft_request.refresh_from_db()
    assert draft_request.title == "Diesel for patrols"
    assert draft_request.status == RequestStatus.DRAFT


def test_a_submitted_request_cannot_be_edited(
    client_for, ssr_advisor, draft_request, mission, unit
):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    client = client_for(ssr_advisor)
    response = client.post(
        reverse("support:update", args=[draft_request.pk]),
        form_data(mission, [unit], title="Changed"),
        follow=True,
    )
    draft_request.refresh_from_db()
    assert draft_request.title == "Fuel for patrols"
    assert "can be edited only while it is a draft" in response.content.decode()
    assert (
        "Edit request"
        not in client.get(reverse("support:detail", args=[draft_request.pk])).content.decode()
    )


def test_a_returned_request_can_be_edited_again(client_for, ssr_advisor, hro, draft_request):
    workflow.apply(draft_request.pk, "submit", ssr_advisor)
    workflow.apply(draft_request.pk, "return", hro, reason="Name the units precisely.")
    assert (
        client_for(ssr_advisor).get(reverse("support:update", args=[draft_request.pk])).status_code
        == 200
    )


def test_named_individuals_are_chosen_among_commanders_of_the_recipient_units(
    client_for, ssr_advisor, draft_request, mission, unit
):
    commander = AssignmentFactory(unit=unit, person=PersonFactory(name="Jean Bosco")).person
    PersonFactory(name="Unrelated Colonel")
    client = client_for(ssr_advisor)
    assert "Jean Bosco" not in client.get(reverse("support:create")).content.decode()
    page = client.get(reverse("support:update", args=[draft_request.pk])).content.decode()
    assert "Jean Bosco" in page
    assert "Unrelated Colonel" not in page
    client.post(
        reverse("support:update", args=[draft_request.pk]),
        form_data(mission, [unit], named_individuals=[commander.pk]),
    )
    assert list(draft_request.named_individuals.all()) == [commander]


# The list


def test_the_list_filters_by_status_support_type_and_title(
    client_for, ssr_advisor, draft_request, mission, unit
):
    training = make_request(
        mission, ssr_advisor, [unit], title="IHL course", support_types=("hr_ihl_training",)
    )
    workflow.apply(training.pk, "submit", ssr_advisor)
    client = client_for(ssr_advisor)

    def titles(**params):
        page = client.get(reverse("support:list"), params).content.decode()
        return {title for title in ("Fuel for patrols", "IHL course") if title in page}

    assert titles(status="submitted") == {"IHL course"}
    assert titles(support_type="logistics") == {"Fuel for patrols"}
    assert titles(q="fuel") == {"Fuel for patrols"}
    assert titles(entity=mission.pk, urgency="routine") == {"Fuel for patrols", "IHL course"}


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, ssr_advisor, mission, rows, django_assert_max_num_queries
):
    units = [UnitFactory(), UnitFactory()]
    for n in range(rows):
        make_request(mission, ssr_advisor, units, title=f"Request {n}")
    client = client_for(ssr_advisor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("support:list"))
    assert response.status_code == 200


def test_the_list_is_paginated_by_25(client_for, ssr_advisor, mission, unit):
    for n in range(30):
        make_request(mission, ssr_advisor, [unit], title=f"Request {n:02d}")
    page = client_for(ssr_advisor).get(reverse("support:list")).content.decode()
    assert "Page 1 of 2" in page
    assert len(re.findall(r'href="/requests/\d+/"', page)) == 25
