"""The insights dashboard (domain.md 6.2, 6.3, 4.4, 4.5, 5) and a CSV file of each chart's numbers.

Readers are the managers, HROs, auditors and administrators, over the support requests of the
entities in which they hold one of those roles. SSR advisors get 403: they follow their own
requests on the request pages. The violations over time come from the whole registry, so they are
shown to registry readers only.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from assessments.models import risk_score
from hrddp.accounts.access import REGISTRY_READERS, can_read_registry, role_required
from hrddp.accounts.models import Entity
from hrddp.registry.models import VerificationStatus
from hrddp.transfer.exporting import csv_line

from . import charts, queries
from .forms import PeriodForm
from .models import GraveViolationsByInstitutionDay, ViolationsByDay

INSIGHT_READERS = REGISTRY_READERS


@dataclass
class Scope:
    today: datetime.date
    form: PeriodForm
    start: datetime.date
    end: datetime.date
    entity_ids: set
    registry: bool

    @property
    def query(self):
        return urlencode({"start": self.start.isoformat(), "end": self.end.isoformat()})


def scope_for(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    start, end = form.period()
    return Scope(
        today=today,
        form=form,
        start=start,
        end=end,
        entity_ids=request.user.entity_ids_for(*INSIGHT_READERS),
        registry=can_read_registry(request.user),
    )


@dataclass
class AsOf:
    """When a summarised figure was taken from the registry, and that said in the reader's
    language: "as of 10:42", with the date when it was not today."""

    moment: datetime.datetime | None
    text: str

    def __str__(self):
        return self.text


def as_of(moment, today):
    if moment is None:
        return AsOf(None, _("not computed yet"))
    moment = timezone.localtime(moment)
    time = date_format(moment, "TIME_FORMAT")
    if moment.date() == today:
        return AsOf(moment, _("as of %(time)s") % {"time": time})
    text = _("as of %(date)s, %(time)s") % {
        "date": date_format(moment, "DATE_FORMAT"),
        "time": time,
    }
    return AsOf(moment, text)


def requests_text(count, values):
    text = ngettext("%(n)s request", "%(n)s requests", count) % {"n": charts.number(count)}
    return f"{text} · {charts.money(values)}" if values else text


FLAG = gettext_lazy("⚠ Capacity support without governance support")


def portfolio_chart(rows):
    series = [
        charts.Series(_("Capacity"), charts.BLUE),
        charts.Series(_("Governance"), charts.BROWN, hatch=True),
    ]
    groups = [
        (
            row.name,
            str(FLAG) if row.capacity_without_governance else "",
            [
                (row.capacity_requests, requests_text(row.capacity_requests, row.capacity_value)),
                (
                    row.governance_requests,
                    requests_text(row.governance_requests, row.governance_value),
                ),
            ],
        )
        for row in rows
    ]
    flagged = sum(row.capacity_without_governance for row in rows)
    return charts.grouped_bar_chart(
        "portfolio-chart",
        _("Portfolio balance: capacity and governance support per institution"),
        _(
            "Approved support per security institution, in requests and value, capacity beside "
            "governance. %(flagged)s of %(total)s institutions receive capacity support and no "
            "governance support. The numbers are in the table below."
        )
        % {"flagged": flagged, "total": len(rows)},
        groups,
        series,
    )


def impartiality_chart(rows, freshness):
    series = [
        charts.Series(pgettext_lazy("chart series", "Support"), charts.BLUE),
        charts.Series(_("Grave violations"), charts.DARK_RED, hatch=True),
    ]
    groups = [
        (
            row.name,
            "",
            [
                (row.requests, requests_text(row.requests, row.value)),
                (
                    row.countable_grave_violations,
                    ngettext(
                        "%(n)s countable grave violation",
                        "%(n)s countable grave violations",
                        row.countable_grave_violations,
                    )
                    % {"n": charts.number(row.countable_grave_violations)},
                ),
            ],
        )
        for row in rows
    ]
    return charts.grouped_bar_chart(
        "impartiality-chart",
        _("Impartiality: support beside grave violations, per institution"),
        _(
            "For %(total)s security institutions, the approved support received in the period "
            "beside the countable grave violations attributed to them in the period (%(as_of)s). "
            "The numbers are in the table below."
        )
        % {"total": len(rows), "as_of": freshness},
        groups,
        series,
    )


def heat_map_charts(heat):
    description = _(
        "%(n)s risks of undecided assessments, counted by likelihood (1 to 5, across) and "
        "severity (1 to 5, up). The numbers are in the table below."
    )
    return {
        "inherent": charts.heat_map(
            "heat-map-inherent",
            _("Inherent risk: risks as rated"),
            description % {"n": heat["inherent"].total},
            heat["inherent"],
        ),
        "residual": charts.heat_map(
            "heat-map-residual",
            _("Residual risk: risks after mitigation"),
            description % {"n": heat["residual"].total},
            heat["residual"],
        ),
    }


def pipeline_chart(rows):
    return charts.bar_chart(
        "pipeline-chart",
        _("Support requests by state"),
        _("%(n)s support requests of your entities, by state, in workflow order.")
        % {"n": sum(count for _s, _l, count in rows)},
        [(label, count) for _s, label, count in rows],
    )


def interventions_chart(counts):
    items = [(label, count) for _s, label, count in counts.by_status]
    items.append((_("Overdue"), counts.overdue, charts.DARK_RED))
    return charts.bar_chart(
        "interventions-chart",
        _("Interventions by status"),
        _("%(open)s open interventions (open or escalated), %(overdue)s of them overdue.")
        % {"open": counts.open, "overdue": counts.overdue},
        items,
    )


def violations_series():
    return [
        charts.Series(VerificationStatus(status).label, charts.STATUS_FILLS[status])
        for status in VerificationStatus
    ]


def violations_charts(months, freshness):
    charts_by_kind = {}
    for key, grave, title in (
        ("grave", True, _("Grave violations per month, by verification status")),
        ("other", False, _("Other violations per month, by verification status")),
    ):
        columns = [(m.month, [count for _s, count in m.series(grave)]) for m in months]
        charts_by_kind[key] = charts.stacked_column_chart(
            f"violations-{key}-chart",
            title,
            _(
                "%(n)s violations over %(months)s months (%(as_of)s). The numbers are in the "
                "table below."
            )
            % {
                "n": sum(sum(counts) for _m, counts in columns),
                "months": len(columns),
                "as_of": freshness,
            },
            columns,
            violations_series(),
        )
    return charts_by_kind


@role_required(*INSIGHT_READERS)
def dashboard(request):
    scope = scope_for(request)
    balance = queries.portfolio_balance(scope.entity_ids, scope.start, scope.end)
    fairness = queries.impartiality(scope.entity_ids, scope.start, scope.end, balance)
    heat = queries.risk_heat_map(scope.entity_ids)
    pipeline = queries.pipeline(scope.entity_ids)
    interventions = queries.interventions(scope.entity_ids, scope.today)
    taken = queries.summaries_as_of()
    freshness = {
        "impartiality": as_of(taken[GraveViolationsByInstitutionDay], scope.today),
        "violations": as_of(taken[ViolationsByDay], scope.today),
    }
    context = {
        "scope": scope,
        "form": scope.form,
        "entities": Entity.objects.filter(pk__in=scope.entity_ids).order_by("name"),
        "freshness": freshness,
        "balance": balance,
        "flagged": [row for row in balance if row.capacity_without_governance],
        "portfolio_chart": portfolio_chart(balance),
        "impartiality": fairness,
        "impartiality_chart": impartiality_chart(fairness, freshness["impartiality"]),
        "heat": heat,
        "heat_charts": heat_map_charts(heat),
        "pipeline": pipeline,
        "pipeline_chart": pipeline_chart(pipeline),
        "interventions": interventions,
        "interventions_chart": interventions_chart(interventions),
    }
    if scope.registry:
        months = queries.violations_over_time(scope.start, scope.end, today=scope.today)
        context.update(
            violation_months=months,
            violation_statuses=list(VerificationStatus),
            violations_charts=violations_charts(months, freshness["violations"]),
        )
    return render(request, "insights/dashboard.html", context)


# CSV exports: each returns (file name stem, header, rows).


def heat_map_rows(scope):
    heat = queries.risk_heat_map(scope.entity_ids)
    header = [_("Risk"), _("Likelihood"), _("Severity"), _("Score"), _("Level"), _("Risks")]
    rows = [
        [kind, likelihood, severity, risk_score(likelihood, severity), level, count]
        for kind in ("inherent", "residual")
        for row in heat[kind].rows()
        for likelihood, severity, count, level in row
    ]
    return "risk-heat-map", header, rows


def pipeline_rows(scope):
    header = [_("Status code"), _("Status"), _("Requests")]
    return "pipeline", header, [list(row) for row in queries.pipeline(scope.entity_ids)]


def portfolio_rows(scope):
    balance = queries.portfolio_balance(scope.entity_ids, scope.start, scope.end)
    currencies = sorted({c for row in balance for c in row.value})
    header = [
        _("Institution"),
        _("Requests"),
        _("Capacity requests"),
        _("Governance requests"),
        _("Capacity without governance"),
    ]
    for currency in currencies:
        header += [
            _("Value (%(c)s)") % {"c": currency},
            _("Capacity value (%(c)s)") % {"c": currency},
            _("Governance value (%(c)s)") % {"c": currency},
        ]
    rows = []
    for row in balance:
        line = [
            row.name,
            row.requests,
            row.capacity_requests,
            row.governance_requests,
            _("yes") if row.capacity_without_governance else _("no"),
        ]
        for currency in currencies:
            line += [
                row.value.get(currency, ""),
                row.capacity_value.get(currency, ""),
                row.governance_value.get(currency, ""),
            ]
        rows.append(line)
    return f"portfolio-balance-{scope.start}-{scope.end}", header, rows


def taken_at(model):
    """A summary's time for a CSV header: ISO, unambiguous whatever the reader's language."""
    moment = queries.summaries_as_of()[model]
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else "—"


def impartiality_rows(scope):
    rows = queries.impartiality(scope.entity_ids, scope.start, scope.end)
    currencies = sorted({c for row in rows for c in row.value})
    header = [
        _("Institution"),
        _("Supported requests"),
        _("Countable grave violations (as of %(time)s)")
        % {"time": taken_at(GraveViolationsByInstitutionDay)},
    ]
    header += [_("Value (%(c)s)") % {"c": currency} for currency in currencies]
    lines = [
        [row.name, row.requests, row.countable_grave_violations]
        + [row.value.get(currency, "") for currency in currencies]
        for row in rows
    ]
    return f"impartiality-{scope.start}-{scope.end}", header, lines


def violations_rows(scope):
    if not scope.registry:
        raise PermissionDenied
    months = queries.violations_over_time(scope.start, scope.end, today=scope.today)
    header = [_("Month")]
    for grave, status in queries.VIOLATION_SERIES:
        kind = _("grave") if grave else _("not grave")
        header.append(f"{kind}: {VerificationStatus(status).label}")
    header.append(_("Total (as of %(time)s)") % {"time": taken_at(ViolationsByDay)})
    rows = [
        [f"{m.month:%Y-%m}"] + [m.counts[series] for series in queries.VIOLATION_SERIES] + [m.total]
        for m in months
    ]
    return f"violations-{scope.start}-{scope.end}", header, rows


def interventions_rows(scope):
    counts = queries.interventions(scope.entity_ids, scope.today)
    header = [_("Interventions"), _("Label"), _("Count")]
    rows = [list(row) for row in counts.by_status]
    rows.append(["open_or_escalated", _("Open or escalated"), counts.open])
    rows.append(["overdue", _("Overdue"), counts.overdue])
    return f"interventions-{scope.today}", header, rows


EXPORTS = {
    "risk-heat-map": heat_map_rows,
    "pipeline": pipeline_rows,
    "portfolio-balance": portfolio_rows,
    "impartiality": impartiality_rows,
    "violations": violations_rows,
    "interventions": interventions_rows,
}


@role_required(*INSIGHT_READERS)
def export(request, chart):
    if chart not in EXPORTS:
        raise Http404
    name, header, rows = EXPORTS[chart](scope_for(request))
    # Every cell guarded against spreadsheet formulas, as in the lists' exports.
    lines = (csv_line(row) for row in [header, *rows])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
