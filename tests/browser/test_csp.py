"""Every main page works under the Content Security Policy (settings.CONTENT_SECURITY_POLICY, no
'unsafe-inline'): headless Chromium, on the demo data, reports no violation for any persona.

Chromium tells of a violation twice: a ``securitypolicyviolation`` event on the document and a
console message. The listener comes in through Playwright's init script, which the page's own
policy does not govern, and reports to Python through an exposed function, which survives
navigation."""

import datetime

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from assessments.models import Assessment, Intervention
from hrddp.accounts.models import User
from hrddp.community.models import Perception
from hrddp.registry.models import Unit, Violation
from hrddp.support.models import SupportRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` (${event.sourceFile || event.documentURI}:${event.lineNumber}) ${event.sample}`
    );
});
"""


@pytest.fixture
def csp_violations(page):
    """The violations Chromium reports, each with the page it happened on."""
    found = []
    page.expose_function("reportCspViolation", lambda text: found.append(f"{page.url}: {text}"))
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and found.append(f"{page.url}: console: {message.text}")
        ),
    )
    return found


def visit(page, url):
    # Until the network is quiet: pages that fetch more after loading (the API docs fetch the
    # schema, then draw it) have done so.
    response = page.goto(url, wait_until="networkidle")
    # Violation reports are queued as tasks: let them arrive before the next page.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    page.wait_for_timeout(100)
    return response


def test_the_check_sees_a_violation(live_server, page, csp_violations):
    visit(page, f"{live_server.url}/accounts/login/")
    page.evaluate("() => document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(300)

    assert any("style-src" in violation for violation in csp_violations)


@pytest.fixture
def demo(db):
    call_command("seed_demo", scale=0.1, verbosity=0)


def persona_pages():
    """{username: [path, ...]}: each persona's main pages on the demo data."""
    mission = {"entity__code": "mission"}
    unit = Unit.objects.filter(parent__isnull=False).order_by("pk").first()
    violation = Violation.objects.filter(sources__isnull=False).order_by("pk").first()
    request = SupportRequest.objects.filter(**mission).order_by("pk").first()
    assessment = Assessment.objects.filter(request__entity__code="mission").order_by("pk").first()
    intervention = Intervention.objects.order_by("pk").first()
    perception = Perception.objects.create(
        date=datetime.date.today(),
        area=unit.location or "Kanda",
        method="survey",
        population_group="Market traders",
        unit=unit,
        trust_in_force=2,
        trust_in_mission=3,
        concerns="Checkpoints at night.",
    )
    admin_user = User.objects.get(username="admin")
    task = PeriodicTask.objects.create(
        name="Monitoring sweep",
        task="assessments.tasks.sweep",
        interval=IntervalSchedule.objects.create(every=120, period=IntervalSchedule.SECONDS),
    )
    registry = [
        "/registry/units/",
        f"/registry/units/{unit.pk}/",
        "/registry/violations/",
        f"/registry/violations/{violation.pk}/",
        "/insights/",
        "/community/perceptions/",
    ]
    support = [
        "/",
        "/requests/",
        f"/requests/{request.pk}/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/print/",
    ]
    return {
        "hro": [
            *support,
            *registry,
            "/registry/violations/triage/",
            "/registry/violations/new/",
            f"/registry/violations/{violation.pk}/edit/",
            f"/registry/units/{unit.pk}/edit/",
            f"/community/perceptions/{perception.pk}/edit/",
            "/community/report/",
            "/api/docs/",
            "/transfer/import/",
        ],
        "ssr": [
            *support[:3],
            "/requests/new/",
            "/registry/units/",
            f"/registry/units/{unit.pk}/",
            "/accounts/password/",
        ],
        "auditor": [*support, *registry, "/assessments/interventions/"],
        "manager": [
            *support,
            "/requests/waivers/",
            "/insights/",
            "/assessments/interventions/",
            f"/assessments/interventions/{intervention.pk}/",
            "/assessments/notifications/",
            "/accounts/two-factor/",
        ],
        "admin": [
            "/admin/",
            "/admin/registry/unit/",
            f"/admin/registry/unit/{unit.pk}/change/",
            f"/admin/registry/violation/{violation.pk}/change/",
            f"/admin/accounts/user/{admin_user.pk}/change/",
            f"/admin/django_celery_beat/periodictask/{task.pk}/change/",
        ],
    }


@pytest.mark.parametrize("username", ["hro", "ssr", "auditor", "manager", "admin"])
def test_main_pages_report_no_csp_violation(
    live_server, page, sign_in, csp_violations, demo, username
):
    paths = persona_pages()[username]
    sign_in(username, "demo1234")

    answers = {path: visit(page, f"{live_server.url}{path}").status for path in paths}

    assert answers == {path: 200 for path in paths}
    assert csp_violations == []
