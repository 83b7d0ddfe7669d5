"""The SVG builders: accessible, escaped, and scaled to the numbers they draw."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from hrddp.insights import charts


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def bars(svg):
    return [
        (float(width), int(value))
        for width, value in re.findall(
            r'class="bar"[^>]*width="([\d.]+)"[^>]*data-value="(\d+)"', svg
        )
    ]


def test_chart_is_an_image_named_by_its_title_and_description():
    svg = charts.bar_chart("c", "Requests by state", "Three states.", [("Draft", 2)])

    assert re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="c-title c-desc"', svg)
    assert '<title id="c-title">Requests by state</title>' in svg
    assert '<desc id="c-desc">Three states.</desc>' in svg


def test_labels_are_escaped():
    svg = charts.grouped_bar_chart(
        "c",
        "t",
        "d",
        [("<script>x</script>", "", [(1, "1 request")])],
        [charts.Series("S", "#000")],
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_bars_are_proportional_to_their_numbers_and_labelled():
    svg = charts.bar_chart("c", "t", "d", [("A", 10), ("B", 5), ("C", 0)])

    (a, _), (b, _), (c, _) = bars(svg)
    assert a == 2 * b and c == 0
    assert ">10</text>" in svg and ">5</text>" in svg and ">0</text>" in svg


def test_empty_charts_still_render():
    assert "Nothing to show" in charts.grouped_bar_chart("c", "t", "d", [], [])
    assert "<svg" in charts.stacked_column_chart("c", "t", "d", [], [])
    assert len(bars(charts.bar_chart("c", "t", "d", [("A", 0)]))) == 1


def test_nice_axis_tops():
    assert charts.nice_top(0) == (1, 1)
    assert charts.nice_top(4) == (4, 1)
    assert charts.nice_top(23) == (25, 5)
    assert charts.nice_top(180) == (200, 50)


def test_money_keeps_currencies_apart():
    assert charts.money({}) == "—"
    assert (
        charts.money({"USD": Decimal("1500.00"), "EUR": Decimal("7.50")})
        == "EUR\u00a07.50; USD\u00a01,500"
    )
