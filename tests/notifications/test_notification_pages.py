"""In-app notifications (domain.md 5): each user sees and marks read only their own."""

import pytest
from django.urls import reverse

from hrddp.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ = reverse("notifications:read")


def notify(user, subject, url="/requests/1/"):
    return Notification.objects.create(user=user, subject=subject, body="Details.", url=url)


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(LIST), client.post(READ)):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_with_no_role_gets_403(client_for, no_role_user):
    notify(no_role_user, "Stray")
    client = client_for(no_role_user)
    assert client.get(LIST).status_code == 403
    assert client.post(READ).status_code == 403
    assert Notification.objects.get().read_at is None


def test_the_list_shows_only_the_users_own_notifications_newest_first(client_for, manager, hro):
    notify(manager, "Older review reminder")
    notify(manager, "Newer intervention alert", url="/assessments/interventions/7/")
    notify(hro, "Someone else's trigger")
    page = client_for(manager).get(LIST).content.decode()
    assert page.index("Newer intervention alert") < page.index("Older review reminder")
    assert 'href="/assessments/interventions/7/"' in page
    assert "Someone else" not in page


def test_unread_notifications_are_highlighted_until_marked_read(client_for, manager):
    notification = notify(manager, "Review due")
    client = client_for(manager)
    assert "Unread" in client.get(LIST).content.decode()
    response = client.post(READ, {"notification": notification.pk})
    assert response.status_code == 302 and response.url == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Unread" not in client.get(LIST).content.decode()


def test_marking_one_read_leaves_the_others_unread(client_for, manager):
    first, second = notify(manager, "First"), notify(manager, "Second")
    client_for(manager).post(READ, {"notification": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=True)) == [second]


def test_mark_all_read_marks_only_the_users_own(client_for, manager, hro):
    notify(manager, "One")
    notify(manager, "Two")
    theirs = notify(hro, "Theirs")
    client_for(manager).post(READ)
    assert not Notification.objects.filter(user=manager, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_nobody_marks_someone_elses_notification(client_for, manager, hro):
    theirs = notify(hro, "Theirs")
    assert client_for(manager).post(READ, {"notification": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_takes_only_post_and_a_number(client_for, manager):
    client = client_for(manager)
    assert client.get(READ).status_code == 405
    assert client.post(READ, {"notification": "all"}).status_code == 400


def test_the_nav_count_falls_as_notifications_are_read(client_for, manager):
    notification = notify(manager, "One")
    notify(manager, "Two")
    client = client_for(manager)
    assert "Notifications (2)" in client.get(LIST).content.decode()
    client.post(READ, {"notification": notification.pk})
    assert "Notifications (1)" in client.get(LIST).content.decode()


def test_a_link_that_is_not_a_path_in_the_product_is_not_rendered(client_for, manager):
    notify(manager, "Odd", url="javascript:alert(1)")
    assert "javascript:" not in client_for(manager).get(LIST).content.decode()


def test_the_list_is_paginated_by_25(client_for, manager):
    Notification.objects.bulk_create(Notification(user=manager, subject=f"N{n}") for n in range(30))
    assert "Page 1 of 2" in client_for(manager).get(LIST).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_constant_number_of_queries(
    client_for, manager, rows, django_assert_max_num_queries
):
    other = UserFactory()
    Notification.objects.bulk_create(
        Notification(user=user, subject=f"N{n}", url="/")
        for n in range(rows)
        for user in (manager, other)
    )
    client = client_for(manager)
    with django_assert_max_num_queries(7):
        assert client.get(LIST).status_code == 200


def test_mark_all_as_read_is_offered_only_when_something_is_unread(client_for, manager):
    """Issue 16: no "Mark all as read" with nothing to read."""
    client = client_for(manager)
    assert "Mark all as read" not in client.get(LIST).content.decode()
    notify(manager, "Review due")
    assert "Mark all as read" in client.get(LIST).content.decode()
    client.post(READ)
    page = client.get(LIST).content.decode()
    assert "Review due" in page and "Mark all as read" not in page
