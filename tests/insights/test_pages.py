"""The insights dashboard and its CSV exports: who may read them, what they show, what they cost."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus, InterventionStatus
from hrddp.accounts.models import Role
from hrddp.insights.services import refresh_summaries
from tests.factories import InstitutionFactory, UnitFactory, UserFactory, ViolationFactory

from .conftest import END, INSIDE, START

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("insights:dashboard")
CHARTS = [
    "portfolio-balance",
    "impartiality",
    "risk-heat-map",
    "pipeline",
    "interventions",
    "violations",
]
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def export_url(chart):
    return reverse("insights:export", args=[chart])


def read_csv(response):
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def portfolio(supported, agency):
    """The mission supports the Army; UNDP supports the Secret Service."""
    supported([UnitFactory(institution=InstitutionFactory(name="Army"))], ["logistics"], value=100)
    supported(
        [UnitFactory(institution=InstitutionFactory(name="Secret Service"))],
        ["vetting_support"],
        value=70,
        entity=agency,
    )


# The permission ladder


def test_anonymous_user_is_sent_to_sign_in(client):
    for url in (DASHBOARD, export_url("pipeline")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_user_without_role_gets_403(client_for, no_role_user):
    client = client_for(no_role_user)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(export_url("pipeline")).status_code == 403


def test_ssr_advisor_gets_403(client_for, ssr_advisor):
    client = client_for(ssr_advisor)
    assert client.get(DASHBOARD).status_code == 403
    for chart in CHARTS:
        assert client.get(export_url(chart)).status_code == 403


@pytest.mark.parametrize("persona", ["manager", "hro", "auditor", "administrator"])
def test_readers_of_the_entity_see_the_dashboard(client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(DASHBOARD)
    assert response.status_code == 200


def test_manager_sees_own_entitys_support_only(client_for, manager, portfolio):
    response = client_for(manager).get(DASHBOARD, PERIOD)

    page = response.content.decode()
    assert "Army" in page
    assert "Secret Service" not in page
    assert [row.name for row in response.context["balance"]] == ["Army"]
    pipeline = {status: n for status, _label, n in response.context["pipeline"]}
    assert pipeline["active"] == 1


def test_manager_of_two_entities_sees_both(client_for, mission, agency, portfolio):
    both = UserFactory(roles=[(mission, Role.MANAGER), (agency, Role.AUDITOR)])

    response = client_for(both).get(DASHBOARD, PERIOD)

    assert [row.name for row in response.context["balance"]] == ["Army", "Secret Service"]


def test_ssr_role_elsewhere_adds_no_entity(client_for, mission, agency, portfolio):
    """Requests count only from the entities where the user holds a reader's role."""
    user = UserFactory(roles=[(mission, Role.MANAGER), (agency, Role.REQUESTER)])

    response = client_for(user).get(DASHBOARD, PERIOD)

    assert [row.name for row in response.context["balance"]] == ["Army"]


# What the page shows


def test_every_chart_is_an_accessible_svg_with_its_numbers_in_a_table(
    client_for, manager, portfolio
):
    page = client_for(manager).get(DASHBOARD, PERIOD).content.decode()

    svgs = re.findall(r"<svg [^>]*>", page)
    # balance, impartiality, two heat maps, pipeline, interventions, two violations charts
    assert len(svgs) == 8
    for svg in svgs:
        assert 'role="img"' in svg
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert f'<title id="{chart_id}-title">' in page
        assert f'<desc id="{chart_id}-desc">' in page
    assert page.count("<caption>") >= 7
    for chart in CHARTS:
        assert export_url(chart) in page


def test_flagged_institutions_are_named_in_words(client_for, manager, portfolio):
    page = client_for(manager).get(DASHBOARD, PERIOD).content.decode()

    assert "1 institution receives capacity support and no governance support" in page
    assert "Capacity support without governance support" in page


def test_heat_map_svg_has_25_cells_each_with_its_count(client_for, manager, supported, assessed):
    assessed(supported([UnitFactory()]), AssessmentStatus.DRAFT, [(3, 4, (1, 2)), (3, 4, None)])

    page = client_for(manager).get(DASHBOARD).content.decode()

    inherent = page.split('id="heat-map-inherent"')[1].split("</svg>")[0]
    cells = re.findall(
        r'<rect class="cell"[^>]*data-value="(\d+)" data-likelihood="(\d)" data-severity="(\d)"',
        inherent,
    )
    assert len(cells) == 25
    assert {(lk, sv): int(n) for n, lk, sv in cells if n != "0"} == {("3", "4"): 2}


def test_period_filter_changes_the_support_counted(client_for, manager, portfolio):
    client = client_for(manager)
    later = {"start": "2026-01-01", "end": "2026-12-31"}

    assert client.get(DASHBOARD, later).context["balance"] == []
    assert len(client.get(DASHBOARD, PERIOD).context["balance"]) == 1


def test_invalid_period_is_refused_and_the_default_shown(client_for, manager):
    response = client_for(manager).get(DASHBOARD, {"start": "2025-06-01", "end": "2025-01-01"})

    assert response.status_code == 200
    assert "The period cannot end before it starts." in response.content.decode()
    assert response.context["scope"].start != datetime.date(2025, 6, 1)


def test_violations_over_time_are_shown_to_registry_readers(client_for, auditor):
    ViolationFactory()

    page = client_for(auditor).get(DASHBOARD).content.decode()

    assert 'id="violations-grave-chart"' in page


# CSV exports


def test_portfolio_balance_csv_has_one_row_per_institution_with_values_per_currency(
    client_for, manager, supported, portfolio
):
    supported(
        [UnitFactory(institution=InstitutionFactory(name="Police"))],
        ["hr_ihl_training"],
        value=9,
        currency="EUR",
    )

    rows = read_csv(client_for(manager).get(export_url("portfolio-balance"), PERIOD))

    assert rows[0] == [
        "Institution",
        "Requests",
        "Capacity requests",
        "Governance requests",
        "Capacity without governance",
        "Value (EUR)",
        "Capacity value (EUR)",
        "Governance value (EUR)",
        "Value (USD)",
        "Capacity value (USD)",
        "Governance value (USD)",
    ]
    assert rows[1] == ["Army", "1", "1", "0", "yes", "", "", "", "100.00", "100.00", ""]
    assert rows[2] == ["Police", "1", "0", "1", "no", "9.00", "", "9.00", "", "", ""]
    assert len(rows) == 3


def test_pipeline_csv_lists_every_state(client_for, manager, portfolio):
    rows = read_csv(client_for(manager).get(export_url("pipeline")))

    assert rows[0] == ["Status code", "Status", "Requests"]
    assert len(rows) == 15
    assert ["active", "Active", "1"] in rows


def test_heat_map_csv_has_50_cells(client_for, manager):
    rows = read_csv(client_for(manager).get(export_url("risk-heat-map")))

    assert len(rows) == 1 + 50
    assert {row[0] for row in rows[1:]} == {"inherent", "residual"}


def test_impartiality_violations_and_interventions_csv(
    client_for, manager, supported, intervention
):
    unit = UnitFactory(institution=InstitutionFactory(name="Army"))
    intervention(supported([unit]), InterventionStatus.OPEN, datetime.date(2020, 1, 1))
    ViolationFactory(units=[unit], date=INSIDE)
    refresh_summaries()
    client = client_for(manager)

    impartiality = read_csv(client.get(export_url("impartiality"), PERIOD))
    assert impartiality[1] == ["Army", "1", "1"]
    violations = read_csv(client.get(export_url("violations"), PERIOD))
    assert len(violations) == 1 + 12
    assert violations[6][0] == "2025-06" and violations[6][-1] == "1"
    interventions = read_csv(client.get(export_url("interventions")))
    assert ["overdue", "Overdue", "1"] in interventions


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.example","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_trust_11_insights_csv_cells_cannot_start_a_formula(
    client_for, manager, supported, intervention, name
):
    """An institution's name is typed by users: in every insights CSV, as in the lists' exports,
    a cell a spreadsheet would run as a formula starts with an apostrophe."""
    unit = UnitFactory(institution=InstitutionFactory(name=name))
    intervention(supported([unit], ["logistics"], value=5), InterventionStatus.OPEN, INSIDE)
    ViolationFactory(units=[unit], date=INSIDE)
    refresh_summaries()
    client = client_for(manager)

    for chart in ("portfolio-balance", "impartiality"):
        rows = read_csv(client.get(export_url(chart), PERIOD))
        assert rows[1][0] == "'" + name, chart
        cells = [cell for row in rows for cell in row]
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_unknown_chart_is_404(client_for, manager):
    assert client_for(manager).get(export_url("nothing")).status_code == 404


# Cost


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_runs_a_fixed_number_of_queries(
    client_for, manager, supported, assessed, intervention, size, django_assert_max_num_queries
):
    for index in range(size):
        unit = UnitFactory()
        request = supported([unit, UnitFactory()], ["logistics"], value=index)
        assessed(request, AssessmentStatus.SUBMITTED, [(2, 3, (1, 1))])
        intervention(request, InterventionStatus.OPEN, INSIDE)
        ViolationFactory(units=[unit], date=INSIDE)
    client = client_for(manager)

    with django_assert_max_num_queries(15):
        assert client.get(DASHBOARD, PERIOD).status_code == 200
    with django_assert_max_num_queries(6):
        read_csv(client.get(export_url("portfolio-balance"), PERIOD))
