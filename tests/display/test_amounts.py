"""Money shown one way (issue 16): an amount with its currency, digits grouped as the reader's
language groups them, the code where that language puts it; on the pages, the print and the
insights alike."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from hrddp.display import format_amount
from hrddp.insights import charts
from tests.factories import UnitFactory, make_request

NBSP = "\u00a0"


def test_amount_in_english_puts_the_code_first_and_groups_thousands_with_commas():
    assert format_amount(Decimal("25000.00"), "USD") == f"USD{NBSP}25,000"


def test_amount_keeps_cents_only_when_there_are_some():
    assert format_amount(Decimal("1250.5"), "EUR") == f"EUR{NBSP}1,250.50"


def test_amount_in_french_puts_the_code_after_and_groups_with_spaces():
    with translation.override("fr"):
        text = format_amount(Decimal("25000.00"), "USD")
    assert text.replace("\u202f", NBSP) == f"25{NBSP}000{NBSP}USD"


def test_no_amount_is_a_dash():
    assert format_amount(None, "USD") == "—"


def test_insights_sums_per_currency_are_written_the_same_way():
    assert charts.money({"USD": Decimal("180000"), "EUR": 5000}) == (
        f"EUR{NBSP}5,000; USD{NBSP}180,000"
    )


@pytest.fixture
def priced_request(mission, ssr_advisor):
    return make_request(
        mission,
        ssr_advisor,
        [UnitFactory(name="3rd Battalion")],
        title="Fuel",
        value=Decimal("25000.00"),
        currency="USD",
    )


@pytest.mark.django_db
def test_request_page_shows_the_amount_once_and_formatted(client_for, ssr_advisor, priced_request):
    html = client_for(ssr_advisor).get(reverse("support:detail", args=[priced_request.pk]))
    html = html.content.decode()
    assert f"USD{NBSP}25,000" in html
    assert "25000.00" not in html


@pytest.mark.django_db
def test_request_page_in_french_writes_the_amount_the_french_way(
    client_for, ssr_advisor, priced_request
):
    client = client_for(ssr_advisor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    html = client.get(reverse("support:detail", args=[priced_request.pk])).content.decode()
    assert f"25{NBSP}000{NBSP}USD" in html.replace("\u202f", NBSP)
