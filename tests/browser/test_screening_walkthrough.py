"""Issue 15's walk through screening in the browser (domain.md 4.5 rule D8, 4.6): an SSR advisor
imports a list of 300 trainees, the HRO screens them, confirms two matches, excludes one
participant and clears the rest; approval is blocked by D8 while one participant is unscreened,
and the manager's approval lists the exclusion."""

import csv
import re

import pytest
from playwright.sync_api import expect

from assessments import workflow
from hrddp.celery import app as celery_app
from hrddp.registry import matching
from hrddp.screening.models import Outcome, Participant
from hrddp.support.models import RequestStatus
from tests.browser.steps import act
from tests.factories import (
    PersonFactory,
    UnitFactory,
    ViolationFactory,
    complete_assessment,
    make_request,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = [
    "Amani",
    "Bahati",
    "Chiku",
    "Dalila",
    "Eshe",
    "Faraji",
    "Goma",
    "Hodari",
    "Imani",
    "Jabari",
]
LAST = ["Kabeya", "Lukusa", "Mwamba", "Nsimba", "Ondongo", "Pembe", "Rukia", "Sefu", "Tshala"]


@pytest.fixture
def tasks_run_at_once():
    """The screening run and the import are Celery tasks: here they run in the web request."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def trainees_csv(path, unit):
    """298 trainees nobody in the registry resembles, and two written otherwise than the registry
    writes them: surname first without the hyphen, and another transliteration."""
    rows = [
        (f"{first} {last} {chr(65 + n % 26)}{chr(65 + n // 26 % 26)}", f"SN-{n:04d}")
        for n, (first, last) in enumerate((f, la) for f in FIRST for la in LAST * 4)
    ][:298]
    rows += [("MBUYI Jean Baptiste", "SN-9001"), ("Muhamad Abderrahmane", "SN-9002")]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["name", "rank", "service_number", "date_of_birth", "place_of_birth", "unit", "role"]
        )
        for name, number in rows:
            writer.writerow([name, "Lieutenant", number, "", "", unit.external_ref, "trainee"])
    return path


def decide_participant(page, live_server, request, name, outcome, reason=""):
    """On the screening page, find ``name`` among those with candidates, confirm the candidate,
    and record ``outcome``."""
    page.goto(f"{live_server.url}/screening/requests/{request.pk}/?filter=pending")
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("button", name="Confirmed: same person").first.click()
    page.wait_for_load_state()
    confirmed = page.get_by_role("heading", level=3).filter(has_text="Confirmed: same person")
    expect(confirmed).to_have_count(1)
    page.get_by_label("Outcome").select_option(outcome)
    if reason:
        page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()


def test_screening_300_trainees_in_the_browser(
    live_server, page, sign_in, mission, ssr_advisor, hro, manager, tmp_path, tasks_run_at_once
):
    unit = UnitFactory(name="3rd Battalion", external_ref="U-3")
    mbuyi = PersonFactory(name="Jean-Baptiste Mbuyi", rank="Major")
    abdel = PersonFactory(name="Mohammed Abdel-Rahman", rank="Captain")
    ViolationFactory(people=[mbuyi])  # a recent verified torture case
    matching.index_people([mbuyi, abdel])
    request = make_request(
        mission, ssr_advisor, [unit], support_types=("hr_ihl_training",), title="IHL course"
    )

    # The SSR advisor imports the list of trainees (a dry run first), then submits the request.
    sign_in("ssr")
    page.goto(f"{live_server.url}/transfer/import/participants/{request.pk}/")
    page.get_by_label(re.compile("File")).set_input_files(trainees_csv(tmp_path / "t.csv", unit))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    assert request.participants.count() == 300
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    expect(page.get_by_text("300").first).to_be_visible()
    act(page, "Submit")

    # The HRO takes it into assessment and screens the 300 in one run.
    sign_in("hro")
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    act(page, "Take into assessment")
    page.goto(f"{live_server.url}/screening/requests/{request.pk}/")
    page.get_by_role("button", name="Screen all").click()
    page.wait_for_load_state()
    expect(page.get_by_text("300 of 300 participants searched")).to_be_visible()
    assert Participant.objects.filter(request=request, matched_at__isnull=True).count() == 0

    # Two matches confirmed: one excluded (a torture case), one needing more information.
    decide_participant(
        page, live_server, request, "MBUYI Jean Baptiste", "excluded", "Torture case, 2026."
    )
    decide_participant(page, live_server, request, "Muhamad Abderrahmane", "needs_information")
    assert {p.name: p.person for p in Participant.objects.exclude(person=None)} == {
        "MBUYI Jean Baptiste": mbuyi,
        "Muhamad Abderrahmane": abdel,
    }

    # The rest are cleared in one action.
    page.goto(f"{live_server.url}/screening/requests/{request.pk}/")
    page.get_by_role("button", name=re.compile("^Clear the rest")).click()
    page.wait_for_load_state()
    outcomes = Participant.objects.filter(request=request)
    assert outcomes.filter(outcome=Outcome.CLEARED).count() == 298
    assert list(outcomes.unscreened().values_list("name", flat=True)) == ["Muhamad Abderrahmane"]

    # The assessment goes for decision (its content is not this test's subject).
    complete_assessment(workflow.current_assessment(request))
    workflow.apply(request.pk, "submit_for_decision", hro)

    # D8: the manager cannot approve while one participant is unscreened.
    sign_in("manager")
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    blocked = page.get_by_role("status").filter(has_text="“Approve” is not possible yet")
    expect(blocked).to_contain_text("D8")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    # The HRO clears the last one; the manager approves, and the decision lists the exclusion.
    sign_in("hro")
    page.goto(f"{live_server.url}/screening/participants/{abdel.participations.get().pk}/")
    page.get_by_label("Outcome").select_option("cleared")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()
    sign_in("manager")
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    act(page, "Approve", reason="Training approved without the excluded officer.")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    exclusions = page.locator("td", has_text="Excluded participants (rule D8)")
    expect(exclusions).to_contain_text("MBUYI Jean Baptiste")
    expect(exclusions).to_contain_text("Torture case, 2026.")
    expect(exclusions).not_to_contain_text("Abderrahmane")
