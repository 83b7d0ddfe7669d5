"""The merge through the API (issue 15): the pages' services and rules. HROs merge and undo; other
roles 403, no credentials 401; a person or merge that does not exist 404; the records' state
refusing 409 with its rule. A merged person leaves the people list; its GET says merged_into."""

import pytest

from hrddp.registry import matching, merging
from hrddp.registry.models import DuplicateDismissal, PersonMerge
from tests.factories import AssignmentFactory, PersonFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    a = PersonFactory(name="Mohammed Abdel-Rahman", rank="Lieutenant")
    b = PersonFactory(name="Muhamad Abderrahmane", rank="")
    matching.index_people([a, b])
    return a, b


def merge_url(person):
    return f"/api/v1/people/{person.pk}/merge/"


def test_api_merge_moves_everything_and_answers_the_merge(api_for, hro, pair):
    a, b = pair
    assignment = AssignmentFactory(person=a)
    violation = ViolationFactory(people=[a])
    response = api_for(hro).post(merge_url(a), {"into": b.pk, "reason": "Same man."}, format="json")
    assert response.status_code == 200, response.data
    data = response.json()
    assert (data["source"], data["target"], data["merged_by"]) == (a.pk, b.pk, hro.username)
    assert data["moved"]["rows"]["registry.CommandAssignment.person"] == [assignment.pk]
    assert data["moved"]["rows"]["registry.Attribution.person"] == [violation.attributions.get().pk]
    assert data["moved"]["fields"] == {"rank": "Lieutenant"}


def test_api_merged_person_says_merged_into_and_leaves_the_list(api_for, hro, pair):
    a, b = pair
    merging.merge(a, b, hro, "Same man.")
    client = api_for(hro)
    assert client.get(f"/api/v1/people/{a.pk}/").json()["merged_into"] == b.pk
    assert client.get(f"/api/v1/people/{b.pk}/").json()["merged_into"] is None
    listed = [row["id"] for row in client.get("/api/v1/people/").json()["results"]]
    assert a.pk not in listed and b.pk in listed


def test_api_merge_permissions(api_for, personas, pair):
    a, b = pair
    body = {"into": b.pk, "reason": "Same man."}
    expected = {
        "anonymous": 401,
        "no_role": 403,
        "ssr_advisor": 403,
        "outsider": 403,
        "manager": 403,
        "auditor": 403,
        "administrator": 403,
    }
    for persona, code in expected.items():
        response = api_for(personas[persona]).post(merge_url(a), body, format="json")
        assert response.status_code == code, persona
    assert not PersonMerge.objects.exists()
    hro = api_for(personas["hro"])
    assert hro.post("/api/v1/people/999999/merge/", body, format="json").status_code == 404
    assert hro.post(merge_url(a), {"into": 999999, "reason": "x"}, format="json").status_code == 400
    assert hro.post(merge_url(a), {"into": b.pk}, format="json").status_code == 400


def test_api_merge_refusals_are_409_with_their_rule(api_for, hro, pair):
    a, b = pair
    client = api_for(hro)
    response = client.post(merge_url(a), {"into": a.pk, "reason": "x"}, format="json")
    assert (response.status_code, response.json()["rule"]) == (409, "merge_same_person")
    client.post(merge_url(a), {"into": b.pk, "reason": "x"}, format="json")
    response = client.post(merge_url(a), {"into": b.pk, "reason": "x"}, format="json")
    assert (response.status_code, response.json()["rule"]) == (409, "merge_source_merged")
    c = PersonFactory()
    response = client.post(merge_url(c), {"into": a.pk, "reason": "x"}, format="json")
    assert (response.status_code, response.json()["rule"]) == (409, "merge_target_merged")


def test_api_undo_and_its_refusals(api_for, hro, manager, pair):
    a, b = pair
    record = merging.merge(a, b, hro, "Same man.")
    url = f"/api/v1/person-merges/{record.pk}/undo/"
    assert api_for(manager).post(url, {"reason": "x"}, format="json").status_code == 403
    client = api_for(hro)
    assert client.post(url, {}, format="json").status_code == 400
    response = client.post(url, {"reason": "Two people."}, format="json")
    assert response.status_code == 200
    assert response.json()["undone_by"] == hro.username
    a.refresh_from_db()
    assert a.merged_into is None
    response = client.post(url, {"reason": "Again."}, format="json")
    assert (response.status_code, response.json()["rule"]) == (409, "merge_already_undone")
    assert client.post("/api/v1/person-merges/999999/undo/", {"reason": "x"}).status_code == 404


def test_api_undo_refused_while_a_later_merge_involves_them(api_for, hro, pair):
    a, b = pair
    first = merging.merge(a, b, hro, "Same man.")
    merging.merge(b, PersonFactory(), hro, "Same again.")
    response = api_for(hro).post(
        f"/api/v1/person-merges/{first.pk}/undo/", {"reason": "x"}, format="json"
    )
    assert (response.status_code, response.json()["rule"]) == (409, "merge_later_merge")


def test_api_person_merges_list_for_registry_readers(api_for, hro, auditor, ssr_advisor, pair):
    a, b = pair
    record = merging.merge(a, b, hro, "Same man.")
    rows = api_for(auditor).get("/api/v1/person-merges/").json()["results"]
    assert [row["id"] for row in rows] == [record.pk]
    assert api_for(ssr_advisor).get("/api/v1/person-merges/").status_code == 403
    assert api_for(ssr_advisor).get(f"/api/v1/person-merges/{record.pk}/").status_code == 404
    assert api_for(auditor).get(f"/api/v1/person-merges/{record.pk}/").status_code == 200


def test_api_duplicates_and_dismissal(api_for, hro, manager, pair):
    a, b = pair
    client = api_for(hro)
    assert api_for(manager).get("/api/v1/people/duplicates/").status_code == 403
    data = client.get("/api/v1/people/duplicates/").json()
    assert data["page"] == 1 and data["next"] is None
    [found] = data["results"]
    assert {found["person"]["id"], found["other"]["id"]} == {a.pk, b.pk}
    assert found["level"] == "likely"
    response = client.post(
        "/api/v1/people/duplicates/dismiss/", {"first": a.pk, "second": b.pk}, format="json"
    )
    assert response.status_code == 204
    assert DuplicateDismissal.objects.count() == 1
    assert client.get("/api/v1/people/duplicates/").json()["results"] == []
    response = client.post(
        "/api/v1/people/duplicates/dismiss/", {"first": a.pk, "second": a.pk}, format="json"
    )
    assert (response.status_code, response.json()["rule"]) == (409, "merge_same_person")
