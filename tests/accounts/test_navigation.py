"""The site menu (templates/base.html, issue 16): each role finds the pages it may use in it, and
the account's links, Sign out included, are in it for everyone signed in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu_of(client_for, user):
    page = client_for(user).get(reverse("home")).content.decode()
    return page[page.index('<nav class="navbar') : page.index("</nav>")]


@pytest.mark.parametrize("persona", ["hro", "ssr_advisor", "manager", "auditor", "administrator"])
def test_interventions_are_in_the_menu_of_every_role(request, client_for, persona):
    menu = menu_of(client_for, request.getfixturevalue(persona))
    assert f'href="{reverse("assessments:intervention_list")}"' in menu


@pytest.mark.parametrize(
    "persona, importer",
    [
        ("hro", True),
        ("administrator", True),
        ("ssr_advisor", False),
        ("manager", False),
        ("auditor", False),
    ],
)
def test_import_is_in_the_menu_of_those_who_may_import_only(request, client_for, persona, importer):
    menu = menu_of(client_for, request.getfixturevalue(persona))
    assert (f'href="{reverse("transfer:import_start")}"' in menu) is importer
    # The menu offers no page that would answer 403.
    answer = client_for(request.getfixturevalue(persona)).get(reverse("transfer:import_start"))
    assert (answer.status_code == 200) is importer


@pytest.mark.parametrize(
    "persona", ["hro", "ssr_advisor", "manager", "auditor", "administrator", "no_role_user"]
)
def test_the_account_links_and_sign_out_are_in_the_menu_of_everyone_signed_in(
    request, client_for, persona
):
    menu = menu_of(client_for, request.getfixturevalue(persona))
    for name in ("password_change", "two_factor", "api_tokens", "logout", "set_language"):
        assert f'"{reverse(name)}"' in menu, name
    assert "Sign out" in menu


def test_the_menu_is_rendered_open_so_that_it_reads_without_javascript(client_for, hro):
    menu = menu_of(client_for, hro)
    assert '<details class="site-menu" open' in menu
    assert 'aria-label="Main navigation"' in menu
