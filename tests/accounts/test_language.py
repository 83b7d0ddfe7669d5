"""Each user's language: chosen once, it follows them to other devices and into their emails."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_noop

from hrddp.notifications.models import Notification
from hrddp.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_choosing_a_language_keeps_it_on_the_account_for_other_devices(client_for, hro):
    client_for(hro).post(reverse("set_language"), {"language": "fr", "next": "/"})
    hro.refresh_from_db()
    assert hro.language == "fr"
    other_device = Client()
    other_device.force_login(hro)
    response = other_device.get(reverse("home"))
    assert '<html lang="fr">' in response.content.decode()


def test_notifications_and_emails_come_in_each_recipients_language(hro, manager):
    hro.language, hro.email = "fr", "hro@example.org"
    hro.save()
    manager.email = "manager@example.org"
    manager.save()
    subject = (gettext_noop("Review of “%(title)s” is due"), {"title": "Fuel"})
    body = (
        gettext_noop("Overdue intervention on %(unit)s: a decision is needed"),
        {"unit": "3rd Battalion"},
    )
    notify([hro, manager], subject, body, "/requests/1/")
    french = Notification.objects.get(user=hro)
    english = Notification.objects.get(user=manager)
    assert english.subject == "Review of “Fuel” is due"
    assert french.subject != english.subject and "Fuel" in french.subject
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient["hro@example.org"].subject == french.subject
    assert by_recipient["manager@example.org"].subject == english.subject
