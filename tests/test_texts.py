"""Text the system writes is stored as a code and parameters and rendered in the reader's language
(issue 16): hrddp.texts, and the migration of sentences stored before."""

import datetime
import importlib

from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from hrddp import texts

LAPSE = gettext_noop("Not renewed by its valid-until date, %(date)s.")


def test_system_text_is_stored_as_a_code_and_parameters_not_as_a_sentence():
    stored = texts.text(LAPSE, date=datetime.date(2027, 3, 1))
    assert stored == {"msgid": LAPSE, "params": {"date": {"date": "2027-03-01"}}}


def test_system_text_renders_in_the_readers_language_and_date_format():
    stored = texts.text(LAPSE, date=datetime.date(2027, 3, 1))
    with translation.override("en"):
        assert texts.render(stored) == "Not renewed by its valid-until date, 1 Mar 2027."
    with translation.override("fr"):
        assert texts.render(stored) == (
            "Non renouvelée avant sa date de fin de validité, le 1 mars 2027."
        )


def test_a_choice_label_parameter_is_translated_for_the_reader():
    stored = texts.text("%(kind)s", kind=gettext_lazy("French"))
    assert stored["params"]["kind"] == {"label": "French"}
    with translation.override("fr"):
        assert texts.render(stored) == "Français"


def test_older_text_is_shown_as_recorded():
    assert texts.render_any("Recorded in English.") == "Recorded in English."


def test_known_english_sentences_of_older_rows_become_codes():
    parsed = texts.parse(
        "Review of “Fuel” overdue since 2026-12-03",
        ["Review of “%(title)s” is due", "Review of “%(title)s” overdue since %(due)s"],
    )
    assert parsed == texts.text(
        "Review of “%(title)s” overdue since %(due)s", title="Fuel", due=datetime.date(2026, 12, 3)
    )
    assert texts.parse("Bonjour", ["Review of “%(title)s” is due"]) is None


def test_older_notifications_migrate_their_known_subjects_and_bodies():
    migration = importlib.import_module(
        "hrddp.notifications.migrations.0003_notification_message_codes"
    )
    subject = migration.parse_subject("Trigger on “Fuel”: Newly verified violation")
    assert subject["params"]["reason"] == {"label": "Newly verified violation"}
    body = migration.parse_body(
        "Unit concerned: 3rd Battalion. The request is under review. An intervention is open: "
        "intercession due 2026-12-10, response due 2027-01-03."
    )
    assert [part["msgid"] for part in body] == [
        "Unit concerned: %(unit)s. The request is under review.",
        migration.INTERVENTION_OPEN,
    ]
    with translation.override("en"):
        assert texts.render(body).endswith("intercession due 10 Dec 2026, response due 3 Jan 2027.")
