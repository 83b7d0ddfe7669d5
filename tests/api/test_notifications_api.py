"""Notifications through the API, as on the notification page (domain.md 6): each user reads
their own notifications and marks them read, one or all; someone else's does not exist for them."""

import pytest
from django.urls import reverse

from hrddp.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(hro, manager):
    """Two unread and one read notification of the HRO, one of the manager."""
    return {
        "first": Notification.objects.create(user=hro, subject="Review due", url="/a/"),
        "second": Notification.objects.create(user=hro, subject="Trigger fired", url="/b/"),
        "read": Notification.objects.create(
            user=hro, subject="Old", read_at="2026-01-01T00:00:00Z"
        ),
        "managers": Notification.objects.create(user=manager, subject="Decide", url="/c/"),
    }


def subjects(response):
    return {row["subject"] for row in response.json()["results"]}


def test_notifications_ladder(api_for, personas, inbox):
    expected = {"anonymous": 401, "no_role": 403, "hro": 200, "manager": 200, "outsider": 200}
    for name, status in expected.items():
        response = api_for(personas[name]).get(reverse("api:notification-list"))
        assert response.status_code == status, name


def test_notifications_each_user_reads_only_their_own(api_for, hro, manager, outsider, inbox):
    url = reverse("api:notification-list")
    assert subjects(api_for(hro).get(url)) == {"Review due", "Trigger fired", "Old"}
    assert subjects(api_for(manager).get(url)) == {"Decide"}
    assert subjects(api_for(outsider).get(url)) == set()
    detail = reverse("api:notification-detail", args=[inbox["managers"].pk])
    assert api_for(hro).get(detail).status_code == 404
    assert api_for(manager).get(detail).json()["subject"] == "Decide"


def test_notifications_unread_filter_lists_only_unread(api_for, hro, inbox):
    response = api_for(hro).get(reverse("api:notification-list"), {"unread": "true"})
    assert subjects(response) == {"Review due", "Trigger fired"}


def test_notification_marked_read_one_leaves_the_others_unread(api_for, hro, inbox):
    response = api_for(hro).post(reverse("api:notification-read", args=[inbox["first"].pk]))
    assert response.status_code == 200
    assert response.json() == {"marked_read": 1}
    unread = Notification.objects.filter(user=hro, read_at__isnull=True)
    assert set(unread.values_list("subject", flat=True)) == {"Trigger fired"}


def test_notification_of_someone_else_cannot_be_marked_read(api_for, hro, inbox):
    response = api_for(hro).post(reverse("api:notification-read", args=[inbox["managers"].pk]))
    assert response.status_code == 404
    inbox["managers"].refresh_from_db()
    assert inbox["managers"].read_at is None


def test_notifications_marked_read_all_are_only_the_callers(api_for, hro, inbox):
    response = api_for(hro).post(reverse("api:notification-read-all"))
    assert response.json() == {"marked_read": 2}
    assert not Notification.objects.filter(user=hro, read_at__isnull=True).exists()
    inbox["managers"].refresh_from_db()
    assert inbox["managers"].read_at is None


def test_notifications_list_runs_constant_queries(api_for, hro, django_assert_max_num_queries):
    client = api_for(hro)
    url = reverse("api:notification-list")
    for count in (1, 30):
        Notification.objects.bulk_create(
            Notification(user=hro, subject=f"n{i}") for i in range(count)
        )
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_notification_read_is_post_only(api_for, hro, inbox):
    assert api_for(hro).get(reverse("api:notification-read-all")).status_code == 405
