"""French, the product's second language: once a user picks it in the language selector, the main
pages, the choice labels and the rule messages come in French instead of English."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop

from assessments import workflow
from assessments.models import MeasureStatus, Transition
from hrddp import texts
from hrddp.community.services import report_abuse
from hrddp.notifications.models import Notification
from hrddp.notifications.services import notify
from hrddp.registry.models import VerificationStatus
from hrddp.transfer.models import ImportJob
from tests.factories import (
    InstitutionFactory,
    UnitFactory,
    ViolationFactory,
    add_risk,
    category,
    complete_assessment,
    make_request,
)
from tests.transfer.test_import import units_file, upload

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def in_french(client_for):
    """``in_french(user)``: the test client, signed in as ``user``, after choosing French."""

    def sign_in(user):
        client = client_for(user)
        response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
        assert response.status_code == 302
        return client

    return sign_in


@pytest.fixture
def unit(db):
    parent = UnitFactory(name="1st Brigade")
    return UnitFactory(name="3rd Battalion", parent=parent)


@pytest.fixture
def awaiting_decision(mission, ssr_advisor, hro, unit):
    """A request for ``unit``, whose record holds a recent verified torture case, walked to a
    manager's decision with one risk and no measure agreed (so rule D3 blocks approval)."""
    ViolationFactory(units=[unit], date=timezone.localdate() - datetime.timedelta(days=120))
    request = make_request(mission, ssr_advisor, [unit], title="Fuel for patrols")
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    assessment = complete_assessment(workflow.current_assessment(request))
    add_risk(assessment, 3, 3, measures=[("monitor_access", MeasureStatus.PROPOSED)])
    workflow.apply(request.pk, "submit_for_decision", hro)
    request.refresh_from_db()
    return request


def french_page(response, present=(), absent=()):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    for text in ("Demandes d’appui", "Se déconnecter", "Mot de passe", "Français"):
        assert text in html
    for text in ("Support requests", "Sign out", "Skip to main content"):
        assert text not in html
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text
    return html


def test_choosing_french_sets_the_language_of_every_later_page(client_for, in_french, manager):
    assert '<html lang="en">' in client_for(manager).get(reverse("home")).content.decode()
    client = in_french(manager)
    french_page(client.get(reverse("home")), present=["Accueil", "Aller au contenu principal"])


def test_home_page_in_french_for_a_manager(in_french, manager, awaiting_decision):
    french_page(
        in_french(manager).get(reverse("home")),
        present=[
            "Ce qui vous attend",
            "En tant que responsable",
            "1 demande en attente de votre décision",
        ],
        absent=["What waits for you", "As manager", "awaiting your decision"],
    )


def test_registry_pages_in_french_for_a_human_rights_officer(in_french, hro, unit):
    torture = ViolationFactory(units=[unit], category=category("torture"))
    ViolationFactory(
        units=[unit],
        category=category("unlawful_killing"),
        verification_status=VerificationStatus.ALLEGED,
    )
    client = in_french(hro)
    french_page(
        client.get(reverse("registry:unit_list")),
        present=["Filtrer les unités", "Unité mère", "Tri"],
        absent=["Filter units", "Parent unit", "Triage"],
    )
    french_page(
        client.get(reverse("registry:unit_detail", args=[unit.pk])),
        present=[">Antécédents<", "Affectations de commandement en cours", "Indicateurs"],
        absent=[">Record<", "Current command assignments", "Brought by current commanders"],
    )
    french_page(
        client.get(reverse("registry:violation_list")),
        present=[
            "Violations, les plus récentes en premier",
            "Vérifiée",
            "Alléguée",
            "Appliquer les filtres",
        ],
        absent=["most recent first", ">Verified<", ">Alleged<", "Apply filters"],
    )
    french_page(
        client.get(reverse("registry:triage")),
        present=[
            "File de tri",
            "1 violation alléguée attend une décision de vérification.",
            "Écartée",
        ],
        absent=["Triage queue", "waits for a verification decision", "Discounted"],
    )
    french_page(
        client.get(reverse("registry:violation_detail", args=[torture.pk])),
        # a source's reliability (feminine in French) is told apart from a risk level by context
        present=[
            "Fiabilité de la source",
            ">Moyenne<",
            "Historique de la vérification",
        ],
        absent=["Source reliability", "Moderate", "Verification history"],
    )


def test_support_request_pages_in_french(in_french, ssr_advisor, manager, awaiting_decision):
    french_page(
        in_french(ssr_advisor).get(reverse("support:list")),
        present=["Nouvelle demande", "1 demande d’appui", "En attente de décision"],
        absent=["New request", "1 support request", "Awaiting decision"],
    )
    html = french_page(
        in_french(manager).get(reverse("support:detail", args=[awaiting_decision.pk])),
        present=[
            "Évaluation des risques",
            "Historique",
            "Approuver",
            # rule D3, a message built in Python, explains why approval is not possible yet
            "Les antécédents d’un bénéficiaire comportent une violation grave comptabilisable",
        ],
        absent=["Risk assessment", ">History<", ">Approve<", "recent countable grave violation"],
    )
    assert f"«{NBSP}Approuver{NBSP}» n’est pas encore possible" in html


def test_assessment_page_in_french(in_french, hro, awaiting_decision):
    assessment = workflow.current_assessment(awaiting_decision)
    french_page(
        in_french(hro).get(reverse("assessments:detail", args=[assessment.pk])),
        present=[
            "F1 Antécédents de violations graves",
            "Risques et mesures d’atténuation",
            "Risque inhérent",
            "Proposée",
            "Appuyer",
        ],
        absent=[
            "Record of grave violations",
            "Risks and mitigatory measures",
            "Inherent risk",
            "Proposed",
        ],
    )


def english_interface_strings():
    """The English strings of the interface that have a French translation: none of them may show
    in the body of a page served in French."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("fr")._catalog
    return sorted(
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str)
        and "\x04" not in msgid
        and msgid != msgstr
        # Short words ("Unit", "Low") also occur inside French text and demo names.
        and len(msgid) >= 12
        and not any(mark in msgid for mark in ("%", "{", "\n"))
    )


def page_text(html):
    import html as html_module
    import re

    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_every_main_page_in_french_has_no_untranslated_interface_string(
    in_french, hro, manager, ssr_advisor, unit, awaiting_decision
):
    assessment = workflow.current_assessment(awaiting_decision)
    torture = ViolationFactory(units=[unit], verification_status=VerificationStatus.ALLEGED)
    pages = {
        hro: [
            reverse("home"),
            reverse("registry:unit_list"),
            reverse("registry:unit_detail", args=[unit.pk]),
            reverse("registry:person_list"),
            reverse("registry:violation_list"),
            reverse("registry:violation_detail", args=[torture.pk]),
            reverse("registry:triage"),
            reverse("assessments:detail", args=[assessment.pk]),
            reverse("community:perception_list"),
            reverse("community:perception_create"),
            reverse("community:report"),
            reverse("community:my_reports"),
            reverse("registry:institution_list"),
            reverse("registry:institution_detail", args=[unit.institution_id]),
            reverse("registry:unit_create"),
            reverse("registry:unit_update", args=[unit.pk]),
            reverse("registry:assignment_list"),
            reverse("registry:violation_create"),
            reverse("registry:violation_update", args=[torture.pk]),
            reverse("assessments:print", args=[assessment.pk]),
            reverse("password_change"),
        ],
        manager: [
            reverse("home"),
            reverse("support:list"),
            reverse("support:detail", args=[awaiting_decision.pk]),
            reverse("support:waivers"),
            reverse("assessments:intervention_list"),
            reverse("notifications:list"),
            reverse("insights:dashboard"),
        ],
        ssr_advisor: [
            reverse("home"),
            reverse("support:create"),
            reverse("support:list"),
            reverse("registry:unit_detail", args=[unit.pk]),
        ],
    }
    english = english_interface_strings()
    assert len(english) > 300
    for user, urls in pages.items():
        client = in_french(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = page_text(response.content.decode())
            untranslated = [msgid for msgid in english if msgid in text]
            assert untranslated == [], (url, untranslated)


def test_screening_pages_in_french_with_the_matchers_reasons(
    in_french, mission, ssr_advisor, hro, unit
):
    """Issue 15: the screening page and a participant's candidates, with why they matched
    (stored as codes, rendered in the reader's language)."""
    from hrddp.registry import matching
    from hrddp.screening import services_screening
    from tests.factories import ParticipantFactory, PersonFactory

    person = PersonFactory(name="Jean-Baptiste Mbuyi")
    matching.index_people([person])
    request = make_request(mission, ssr_advisor, [unit], title="Formation DIH")
    workflow.apply(request.pk, "submit", ssr_advisor)
    workflow.apply(request.pk, "start_assessment", hro)
    participant = ParticipantFactory(request=request, name="MBUYI Jean Baptiste")
    services_screening.screen([participant])
    client = in_french(hro)
    french_page(
        client.get(reverse("screening:request", args=[request.pk])),
        present=["Vérification des participants", "Tout vérifier", "Non vérifiés (D8)"],
        absent=["Screening of participants", "Screen all"],
    )
    french_page(
        client.get(reverse("screening:participant", args=[participant.pk])),
        present=["les mêmes noms dans un autre ordre", "Enregistrer l’issue"],
        absent=["the same names in another order", "Record the outcome"],
    )


# Text the system writes is stored as a code and its parameters, and read in the reader's
# language (issue 16): the stored row holds the code, the French page shows the catalogue's
# French for it, and never the English sentence.


def system_text_in(language, stored):
    with translation.override(language):
        return escape(texts.render(stored))


def test_history_reasons_written_by_the_system_read_in_french(
    in_french, manager, awaiting_decision
):
    lapse_reason = texts.text(
        gettext_noop("Not renewed by its valid-until date, %(date)s."),
        date=datetime.date(2026, 12, 3),
    )
    Transition.objects.create(
        request=awaiting_decision,
        action="lapse",
        from_status=awaiting_decision.status,
        to_status=awaiting_decision.status,
        reason_text=lapse_reason,
    )
    html = french_page(
        in_french(manager).get(reverse("support:detail", args=[awaiting_decision.pk]))
    )
    assert system_text_in("fr", lapse_reason) in html
    assert "Non renouvelée avant sa date de fin de validité, le 3 déc. 2026." in html
    assert system_text_in("en", lapse_reason) not in html


def test_notifications_read_in_the_readers_language_of_the_day(in_french, hro):
    # Sent while the reader's language was English, read after choosing French.
    subject = (gettext_noop("Review of “%(title)s” is due"), {"title": "Fuel for patrols"})
    body = (
        gettext_noop(
            "The periodic review of this support is due on %(due)s; the approval is valid until "
            "%(valid)s."
        ),
        {"due": datetime.date(2026, 12, 3), "valid": datetime.date(2027, 3, 1)},
    )
    notify([hro], subject, body, "/")
    notification = Notification.objects.get(user=hro)
    assert notification.message["subject"]["msgid"] == subject[0]
    html = french_page(in_french(hro).get(reverse("notifications:list")))
    for stored in (notification.message["subject"], notification.message["body"]):
        assert system_text_in("fr", stored) in html
        assert system_text_in("en", stored) not in html


def test_the_reporters_words_and_the_systems_framing_are_kept_apart(in_french, hro, client_for):
    reporter = hro
    violation = report_abuse(
        reporter,
        {
            "narrative": "Des soldats ont frappé un homme.",
            "date": timezone.localdate(),
            "location": "Kanda",
            "category": category("ill_treatment"),
            "perpetrators": "Six soldats aux bérets verts.",
        },
    )
    assert violation.narrative == "Des soldats ont frappé un homme."
    assert violation.perpetrators_described == "Six soldats aux bérets verts."
    url = reverse("registry:violation_detail", args=[violation.pk])
    html = french_page(in_french(hro).get(url))
    with translation.override("fr"):
        framing = escape(gettext("Perpetrators as described by the reporter:"))
    assert f"{framing}</strong> Six soldats aux bérets verts." in html
    # The choice of French is kept on the account: back to English, the framing follows.
    type(hro).objects.filter(pk=hro.pk).update(language="en")
    english = client_for(hro).get(url).content.decode()
    assert "Perpetrators as described by the reporter:</strong> Six soldats" in english
    assert framing != "Perpetrators as described by the reporter:"


def test_import_errors_read_in_french(in_french, hro):
    InstitutionFactory(name="National Army", external_ref="INST-1")
    client = in_french(hro)
    upload(client, "units", units_file(["U-1", "", "", "INST-1", "", ""]))
    job = ImportJob.objects.get()
    [[column, stored]] = job.rows[0]["errors"]
    assert column == "name" and texts.is_text(stored)
    html = french_page(client.get(reverse("transfer:import_job", args=[job.pk])))
    assert system_text_in("fr", stored) in html
    assert "Ce champ ne peut pas être vide." in html
    assert system_text_in("en", stored) not in html


# One date format and one date-time format per language, on every page (issue 16).
ENGLISH_DATE = r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"
FRENCH_DATE = (
    r"\b\d{1,2} (?:janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}"
)
OTHER_DATES = [
    r"\b\d{4}-\d{2}-\d{2}\b",  # ISO: exports and date inputs only
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",  # 12/03/2026 or 03/12/2026
    r"\b\d{1,2} (?:January|February|March|April|June|July|August|September|October|November|"
    r"December|janvier|février|avril|juillet|septembre|octobre|novembre|décembre)\b",
    r"\b[ap]\.m\.",
]


def visible_text(html):
    """The page's text, without markup and attribute values (where ISO dates are fine)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    html = re.sub(r'value="[^"]*"|max="[^"]*"|min="[^"]*"|href="[^"]*"', " ", html)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_language_uses_one_date_format(client_for, hro, manager, awaiting_decision, language):
    violation = ViolationFactory(date=datetime.date(2026, 11, 3))
    notify([hro], (gettext_noop("Review of “%(title)s” is due"), {"title": "Fuel"}), [], "/")
    pages = [
        (hro, reverse("registry:violation_detail", args=[violation.pk])),
        (hro, reverse("notifications:list")),
        (manager, reverse("support:detail", args=[awaiting_decision.pk])),
    ]
    expected = ENGLISH_DATE if language == "en" else FRENCH_DATE
    for user, url in pages:
        client = client_for(user)
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        text = visible_text(client.get(url).content.decode())
        assert re.search(expected, text), url
        for pattern in OTHER_DATES:
            assert not re.search(pattern, text), (url, re.search(pattern, text).group())
    with translation.override(language):
        moment = datetime.datetime(2026, 12, 3, 6, 4, tzinfo=datetime.UTC)
        assert (
            date_format(moment, "DATETIME_FORMAT")
            == {
                "en": "3 Dec 2026, 06:04",
                "fr": "3 déc. 2026 06:04",
            }[language]
        )
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == date_format(
            moment, "DATETIME_FORMAT"
        )
        assert date_format(moment.date(), "SHORT_DATE_FORMAT") == date_format(moment, "DATE_FORMAT")
