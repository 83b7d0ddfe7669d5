"""The insights dashboard on the demo data, in headless Chromium: the charts render, a screenshot is
kept, and axe-core (vendored under tests/browser/vendor, never served to users) finds no serious or
critical accessibility violation on the main pages."""

from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from hrddp.registry.models import Unit
from hrddp.support.models import SupportRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-results" / "dashboard.png"


def serious_violations(page):
    # Evaluated, not added as a <script>: the pages' Content Security Policy runs no inline script.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run()")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_the_accessibility_check_finds_a_known_violation(page):
    page.set_content(
        '<html lang="en"><head><title>Test</title></head>'
        '<body><main><h1>Test</h1><img src="chart.png"></main></body></html>'
    )

    assert any(violation.startswith("image-alt") for violation in serious_violations(page))


@pytest.fixture
def demo(db):
    call_command("seed_demo", scale=0.1, verbosity=0)


def test_dashboard_charts_render_on_the_demo_data(live_server, page, sign_in, demo):
    sign_in("manager", "demo1234")
    page.goto(f"{live_server.url}/insights/")

    for chart_id in (
        "portfolio-chart",
        "impartiality-chart",
        "heat-map-inherent",
        "heat-map-residual",
        "pipeline-chart",
        "interventions-chart",
        "violations-grave-chart",
        "violations-other-chart",
    ):
        box = page.locator(f"svg#{chart_id}").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, chart_id

    cells = page.locator("#heat-map-inherent rect.cell")
    assert cells.count() == 25
    assert page.locator('#heat-map-inherent rect.cell:not([data-value="0"])').count() > 0
    assert page.locator("#pipeline-chart rect.bar").count() == 14
    assert page.locator('#pipeline-chart rect.bar:not([data-value="0"])').count() > 0
    assert page.locator('#portfolio-chart rect.bar:not([data-value="0"])').count() > 0
    assert page.locator("#violations-grave-chart rect.segment").count() > 0
    # The flag is written out, not only drawn.
    assert page.get_by_text("capacity support and no governance support").count() > 0

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_main_pages_have_no_serious_accessibility_violation(live_server, page, sign_in, demo):
    unit = Unit.objects.filter(parent__isnull=False).order_by("pk").first()
    support_request = SupportRequest.objects.filter(entity__code="mission").order_by("pk").first()
    assessment = Assessment.objects.filter(request__entity__code="mission").order_by("pk").first()
    pages = [
        "/",
        "/insights/",
        "/registry/units/",
        f"/registry/units/{unit.pk}/",
        "/registry/violations/",
        "/requests/",
        f"/requests/{support_request.pk}/",
        f"/assessments/{assessment.pk}/",
        "/assessments/interventions/",
        "/assessments/notifications/",
    ]

    found = {}
    for username in ("manager", "hro"):
        sign_in(username, "demo1234")
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("main h1").count() == 1, path
            violations = serious_violations(page)
            if violations:
                found[f"{username} {path}"] = violations

    assert found == {}
