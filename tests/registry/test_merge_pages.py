"""The merge on the pages (issue 15): an HRO merges from a person's page, the merged person's
page says "Merged into B" with a link and the undo, and merged people leave the people list,
its exports and the people picker."""

import pytest
from django.urls import reverse

from hrddp.registry import matching, merging
from hrddp.registry.models import PersonMerge
from tests.factories import AssignmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    a = PersonFactory(name="Abdel Rahman Mahamat", rank="Captain")
    b = PersonFactory(name="Abderrahmane Mahamat", rank="")
    matching.index_people([a, b])
    return a, b


def test_merge_page_merges_into_the_chosen_record(client_for, hro, pair):
    a, b = pair
    AssignmentFactory(person=a)
    client = client_for(hro)
    url = reverse("registry:person_merge", args=[a.pk])
    assert client.get(url, {"into": b.pk}).status_code == 200
    response = client.post(url, {"into": str(b.pk), "reason": "Same man, two spellings."})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[b.pk])
    a.refresh_from_db()
    assert a.merged_into == b
    assert b.assignments.count() == 1


def test_merge_page_shows_the_refusal(client_for, hro, pair):
    a, b = pair
    merging.merge(b, PersonFactory(), hro, "Earlier merge.")
    response = client_for(hro).post(
        reverse("registry:person_merge", args=[a.pk]), {"into": str(b.pk), "reason": "Same."}
    )
    # A merged person cannot be chosen in the picker: the form refuses it.
    assert response.status_code == 400
    assert not PersonMerge.objects.filter(source=a).exists()


def test_merge_page_is_for_hros(client_for, manager, pair):
    a, b = pair
    response = client_for(manager).post(
        reverse("registry:person_merge", args=[a.pk]), {"into": str(b.pk), "reason": "Same."}
    )
    assert response.status_code == 403
    assert not PersonMerge.objects.exists()


def test_merged_person_page_says_merged_into_with_a_link_and_the_undo(client_for, hro, pair):
    a, b = pair
    record = merging.merge(a, b, hro, "Same man.")
    page = client_for(hro).get(reverse("registry:person_detail", args=[a.pk])).content.decode()
    assert "Merged into" in page
    assert reverse("registry:person_detail", args=[b.pk]) in page
    assert reverse("registry:merge_undo", args=[record.pk]) in page


def test_merged_person_page_has_no_undo_for_a_manager(client_for, manager, hro, pair):
    a, b = pair
    record = merging.merge(a, b, hro, "Same man.")
    page = client_for(manager).get(reverse("registry:person_detail", args=[a.pk])).content.decode()
    assert "Merged into" in page
    assert reverse("registry:merge_undo", args=[record.pk]) not in page


def test_undo_page_action_restores_the_person(client_for, hro, pair):
    a, b = pair
    record = merging.merge(a, b, hro, "Same man.")
    client = client_for(hro)
    url = reverse("registry:merge_undo", args=[record.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"reason": ""})  # no reason: nothing undone
    a.refresh_from_db()
    assert a.merged_into == b
    response = client.post(url, {"reason": "Two people."})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.merged_into is None


def test_merged_people_leave_the_people_list_its_export_and_the_picker(client_for, hro, pair):
    a, b = pair
    merging.merge(a, b, hro, "Same man.")
    client = client_for(hro)
    listed = client.get(reverse("registry:person_list")).content.decode()
    assert reverse("registry:person_detail", args=[a.pk]) not in listed
    assert reverse("registry:person_detail", args=[b.pk]) in listed
    csv = b"".join(
        client.get(reverse("registry:person_list"), {"format": "csv"}).streaming_content
    ).decode()
    assert "Abderrahmane Mahamat" in csv
    assert "Captain Abdel Rahman Mahamat" not in csv and "\nAbdel Rahman Mahamat," not in csv
    picked = client.get(reverse("pickers:people"), {"q": "Mahamat"}).json()["results"]
    assert [row["id"] for row in picked] == [b.pk]
