"""Issue 12, hole 4: one request title stopped all mail. A title with a line break was accepted;
the mail built from it raised BadHeaderError at every run of the queue and held back every message
behind it, for every entity. Now single-line fields refuse control characters (pages, API), mail
subjects are built on one line, and a message that cannot be sent is set aside with its error,
shown to administrators, while the rest of the queue goes out."""

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from mailer.models import Message, MessageLog

from hrddp.accounts.models import Role
from hrddp.notifications import tasks
from hrddp.notifications.models import Notification
from hrddp.notifications.services import notify
from hrddp.support.models import SupportRequest
from tests.factories import InstitutionFactory, UnitFactory, UserFactory, api_client

pytestmark = pytest.mark.django_db

INJECTED = "Police support\r\nBcc: everyone@example.org"
REFUSAL = "Enter this on a single line, without line breaks, tabs or other control characters."


@pytest.fixture
def queued_mail(settings):
    """Mail goes through django-mailer's queue, as in production, and out to the test outbox."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def queue(subject, to):
    get_connection().send_messages([EmailMessage(subject, "Body.", to=[to])])


def test_trust_4_title_with_newline_refused_on_the_page(client_for, mission, ssr_advisor):
    unit = UnitFactory()
    response = client_for(ssr_advisor).post(
        reverse("support:create"),
        {
            "entity": mission.pk,
            "title": INJECTED,
            "policy_types": ["logistics"],
            "description": "Fuel.",
            "recipient_units": [unit.pk],
            "currency": "USD",
            "urgency": "routine",
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_trust_4_title_with_newline_refused_by_the_api(mission, ssr_advisor):
    body = {
        "entity": "mission",
        "title": INJECTED,
        "support_types": ["logistics"],
        "recipient_units": [UnitFactory().pk],
        "currency": "USD",
    }
    response = api_client(ssr_advisor).post("/api/v1/support-requests/", body, format="json")
    assert response.status_code == 400
    assert response.json()["title"] == [REFUSAL]
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("name", ["3rd\nBattalion", "3rd\tBattalion", "3rd\x1b[2JBattalion"])
def test_trust_4_unit_name_with_control_characters_refused(hro, name):
    body = {"name": name, "institution": InstitutionFactory().pk}
    response = api_client(hro).post("/api/v1/units/", body, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == [REFUSAL]


def test_trust_4_subject_built_on_one_line_from_a_title_already_stored(
    queued_mail, mission, ssr_advisor
):
    """A title stored before the rule (or by a path that skips it) still makes a sendable mail."""
    ssr_advisor.email = "ssr@example.org"
    ssr_advisor.save()
    notify(
        [ssr_advisor],
        ("Review of “%(title)s” is due", {"title": INJECTED}),
        ("Body.", {}),
    )
    assert Notification.objects.get().subject == (
        "Review of “Police support Bcc: everyone@example.org” is due"
    )
    tasks.send_queued_mail()
    [sent] = mail.outbox
    assert sent.subject == "Review of “Police support Bcc: everyone@example.org” is due"
    assert sent.bcc == [] and sent.to == ["ssr@example.org"]
    assert not Message.objects.exists()


def test_trust_4_a_message_that_cannot_be_sent_is_set_aside_and_the_rest_goes_out(queued_mail):
    queue(INJECTED, "first@example.org")  # queued first, as the review's title was
    queue("Reminder", "second@example.org")
    queue("Another reminder", "third@example.org")
    tasks.send_queued_mail()
    assert sorted(m.to[0] for m in mail.outbox) == ["second@example.org", "third@example.org"]
    [kept] = Message.objects.deferred()
    assert kept.email.subject == INJECTED
    [log] = MessageLog.objects.filter(result="3")
    assert log.log_message.startswith("BadHeaderError")
    # The next run neither fails nor tries the message again; new mail still goes out.
    queue("Tomorrow's reminder", "second@example.org")
    tasks.send_queued_mail()
    assert len(mail.outbox) == 3
    assert Message.objects.count() == 1


def test_trust_4_administrators_see_the_mail_set_aside_with_its_error(
    queued_mail, client_for, mission, agency, administrator, manager
):
    manager.email = "manager@example.org"
    manager.save()
    queue(INJECTED, "manager@example.org")
    tasks.send_queued_mail()
    page = client_for(administrator).get(reverse("ops:mail_set_aside"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "manager@example.org" in text
    assert "holds a line break" in text
    assert "BadHeaderError" in text
    home = client_for(administrator).get(reverse("home")).content.decode()
    assert "1 email set aside" in home
    # Another entity's administrator does not see mail to the mission's members.
    other = UserFactory(username="undp-admin", roles=[(agency, Role.ADMINISTRATOR)])
    assert "manager@example.org" not in (
        client_for(other).get(reverse("ops:mail_set_aside")).content.decode()
    )
    assert client_for(manager).get(reverse("ops:mail_set_aside")).status_code == 403


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


def test_trust_4_mail_the_server_refuses_is_listed_with_why(
    queued_mail, settings, client_for, administrator, manager
):
    settings.MAILER_EMAIL_BACKEND = "tests.notifications.test_trust_4_mail.RefusingBackend"
    manager.email = "manager@example.org"
    manager.save()
    queue("Reminder", "manager@example.org")
    tasks.send_queued_mail()
    assert Message.objects.deferred().count() == 1
    text = client_for(administrator).get(reverse("ops:mail_set_aside")).content.decode()
    assert "The mail server refused the message or could not be reached." in text
    assert "No such user" in text
