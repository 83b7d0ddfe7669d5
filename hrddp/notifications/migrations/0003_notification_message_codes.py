"""Notifications sent before they were stored as codes hold English sentences: those that are one
of the product's known messages get their code and parameters (so they read in the reader's
language); any other is left as recorded."""

from django.db import migrations

from hrddp import texts

SUBJECTS = [
    "Review of “%(title)s” due on %(due)s",
    "Review of “%(title)s” is due",
    "Review of “%(title)s” overdue since %(due)s",
    "Overdue intervention on %(unit)s: a decision is needed",
    "Trigger on “%(request)s”: %(reason)s",
    "Sign-in to your account was locked from an unknown address",
]
BODIES = [
    "The periodic review of this support is due on %(due)s; the approval is valid until %(valid)s.",
    "The authorities' response was due on %(due)s and the intervention is unresolved. "
    "Decide to continue with measures or to suspend.",
    "Someone entered a wrong password for your account %(username)s %(failures)s times from the "
    "address %(address)s. Sign-in to your account from that address is locked for %(minutes)s "
    "minutes; from any other address you can still sign in. If this was not you, someone may be "
    "guessing your password: tell your administrator, and change your password if you think it "
    "is known.",
    "Unit concerned: %(unit)s. The request is under review.",
]
INTERVENTION_OPEN = "An intervention is open: intercession due %(i)s, response due %(r)s."


def parse_subject(subject):
    parsed = texts.parse(subject, SUBJECTS)
    if parsed and "reason" in parsed["params"]:
        # A trigger's kind, written as its English label: translated when read.
        parsed["params"]["reason"] = {"label": parsed["params"]["reason"]}
    return parsed


def parse_body(body):
    parsed = texts.parse(body, BODIES)
    if parsed:
        return parsed
    head, sep, tail = body.partition(" An intervention is open:")
    if sep:
        parts = [texts.parse(head, BODIES), texts.parse(sep.strip() + tail, [INTERVENTION_OPEN])]
        if all(parts):
            return parts
    return None


def to_codes(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.filter(message={}).only("pk", "subject", "body"):
        subject = parse_subject(notification.subject)
        if subject is None:
            continue
        message = {"subject": subject}
        body = parse_body(notification.body)
        if body is not None:
            message["body"] = body
        Notification.objects.filter(pk=notification.pk).update(message=message)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_notification_message")]
    operations = [migrations.RunPython(to_codes, migrations.RunPython.noop)]
