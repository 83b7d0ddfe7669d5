"""Every persona's main pages fit a phone (issue 16): at 375×812 no page scrolls sideways, and the
menu, collapsed behind its "Menu" button, opens and signs out. On a laptop the menu is one row, in
English and in French.

With SCREENSHOTS set to a folder, each page is also photographed there, to be looked at."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.models import Assessment, AssessmentStatus, Intervention
from hrddp.accounts.models import User
from hrddp.registry.models import Person, Unit, Violation
from hrddp.support.models import SupportRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
PERSONAS = ["hro", "ssr", "manager", "auditor", "admin", "staff"]


@pytest.fixture
def demo(db):
    call_command("seed_demo", scale=0.1, verbosity=0)
    # A staff member with no role: they may still report an abuse and manage their account.
    User.objects.create_user(username="staff", password="demo1234", first_name="Sam")


def main_pages():
    """{username: [path, ...]}: each persona's main pages on the demo data."""
    mission = {"entity__code": "mission"}
    unit = Unit.objects.filter(parent__isnull=False).order_by("pk").first()
    person = Person.objects.filter(assignments__isnull=False).order_by("pk").first()
    violation = Violation.objects.filter(sources__isnull=False).order_by("pk").first()
    request = SupportRequest.objects.filter(**mission).order_by("pk").first()
    assessments = Assessment.objects.filter(request__entity__code="mission").order_by("pk")
    assessment = assessments.first()
    draft = assessments.filter(status=AssessmentStatus.DRAFT).first() or assessment
    intervention = Intervention.objects.filter(request__entity__code="mission").first()
    lists = ["/", "/requests/", "/registry/units/", "/assessments/interventions/"]
    notifications = "/assessments/notifications/"
    registry = [
        f"/registry/units/{unit.pk}/",
        "/registry/people/",
        f"/registry/people/{person.pk}/",
        "/registry/violations/",
        f"/registry/violations/{violation.pk}/",
        "/registry/institutions/",
        "/insights/",
        "/community/perceptions/",
    ]
    reading = [
        f"/requests/{request.pk}/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/print/",
    ]
    return {
        "hro": [
            *lists,
            *reading,
            *registry,
            f"/assessments/{draft.pk}/edit/",
            "/registry/violations/triage/",
            f"/assessments/interventions/{intervention.pk}/",
            notifications,
            "/transfer/import/",
            "/search/?q=battalion",
        ],
        "ssr": [
            *lists,
            f"/requests/{request.pk}/",
            "/requests/new/",
            f"/registry/units/{unit.pk}/",
            "/registry/institutions/",
            notifications,
        ],
        "manager": [
            *lists,
            *reading,
            *registry,
            "/requests/waivers/",
            f"/assessments/interventions/{intervention.pk}/",
            notifications,
        ],
        "auditor": [*lists, *reading, *registry, "/requests/waivers/", notifications],
        "admin": [*lists, *registry, notifications, "/transfer/import/"],
        # Without a role the home page says so (403); these are the pages they may use.
        "staff": [
            "/community/report/",
            "/community/reports/",
            "/accounts/password/",
            "/accounts/api-tokens/",
            "/accounts/two-factor/",
        ],
    }


def screenshot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def page_width(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("username", PERSONAS)
def test_no_main_page_scrolls_sideways_on_a_phone(live_server, page, sign_in, demo, username):
    page.set_viewport_size(PHONE)
    paths = main_pages()[username]
    sign_in(username, "demo1234")

    too_wide, answers = {}, {}
    for path in paths:
        answers[path] = page.goto(f"{live_server.url}{path}").status
        scroll_width, window_width = page_width(page)
        if scroll_width > window_width:
            too_wide[path] = scroll_width
        screenshot(page, f"375-{username}-{path.strip('/').replace('/', '_') or 'home'}")

    assert answers == {path: 200 for path in paths}
    assert too_wide == {}


@pytest.mark.parametrize("username", PERSONAS)
def test_the_phone_menu_opens_and_signs_out(live_server, page, sign_in, demo, username):
    page.set_viewport_size(PHONE)
    sign_in(username, "demo1234")
    sign_out = page.get_by_role("button", name="Sign out")
    # Closed on a phone: the page starts with its content, not with the menu.
    assert not sign_out.is_visible()

    page.get_by_text("Menu", exact=True).click()
    navigation = page.get_by_role("navigation", name="Main navigation")
    assert navigation.get_by_role("link", name="Interventions").is_visible() is (
        username != "staff"
    )
    navigation.locator(".site-account > summary").click()
    screenshot(page, f"375-{username}-menu-open")
    assert page_width(page)[0] <= PHONE["width"]
    sign_out.click()

    page.wait_for_url(f"{live_server.url}/accounts/login/**")


def test_the_phone_menu_works_from_the_keyboard(live_server, page, sign_in, demo):
    page.set_viewport_size(PHONE)
    sign_in("hro", "demo1234")
    menu = page.locator("details.site-menu")

    page.locator("summary", has_text="Menu").focus()
    page.keyboard.press("Enter")
    assert menu.evaluate("element => element.open")
    page.get_by_role("navigation").locator(".site-account > summary").focus()
    page.keyboard.press("Enter")
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.is_visible()
    # Escape closes the open dropdown and gives the focus back to its summary.
    sign_out.focus()
    page.keyboard.press("Escape")
    assert not sign_out.is_visible()
    assert page.evaluate("document.activeElement.parentElement.matches('.site-account')")


def test_the_menu_reads_without_javascript(live_server, browser, demo):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("hro")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    navigation = page.get_by_role("navigation", name="Main navigation")
    assert navigation.get_by_role("link", name="Support requests").is_visible()
    navigation.locator(".site-account > summary").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page_width(page)[0] <= PHONE["width"]
    context.close()


def menu_rows(page):
    """How many rows the laptop menu's top-level items sit on."""
    return page.evaluate(
        """() => new Set(Array.from(document.querySelectorAll(
            'nav .navbar-brand, nav .site-links > li, nav .site-search'
        )).map((item) => Math.round(item.getBoundingClientRect().top / 10))).size"""
    )


@pytest.mark.parametrize("username", ["hro", "manager", "auditor", "admin", "ssr"])
def test_the_laptop_menu_is_one_row_in_english_and_french(
    live_server, page, sign_in, demo, username
):
    page.set_viewport_size(LAPTOP)
    sign_in(username, "demo1234")
    assert page.locator("summary", has_text="Menu").is_hidden()
    assert menu_rows(page) == 1
    assert page_width(page)[0] <= LAPTOP["width"]
    screenshot(page, f"1280-{username}-en")

    # The language is chosen in the account's dropdown.
    page.locator(".site-account > summary").click()
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert menu_rows(page) == 1
    assert page_width(page)[0] <= LAPTOP["width"]
    page.locator(".site-account > summary").click()
    screenshot(page, f"1280-{username}-fr-account-open")


LONG_URL = (
    "https://reliefweb.int/report/kandara/" + "a-very-long-path-without-a-break-" * 4 + "x.pdf"
)
LONG_WORD = "Antidisestablishmentarianism" * 3


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_long_urls_and_long_words_wrap_inside_their_column(
    live_server, page, sign_in, demo, viewport
):
    request = SupportRequest.objects.filter(entity__code="mission").order_by("pk").first()
    SupportRequest.objects.filter(pk=request.pk).update(
        description=f"See {LONG_URL} and {LONG_WORD}."
    )
    page.set_viewport_size(viewport)
    sign_in("manager", "demo1234")

    page.goto(f"{live_server.url}/requests/{request.pk}/")

    description = page.get_by_text(LONG_WORD)
    assert description.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page_width(page)[0] <= viewport["width"]
