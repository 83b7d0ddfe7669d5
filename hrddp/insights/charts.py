"""Charts drawn on the server as SVG: no JavaScript, nothing fetched from elsewhere.

Python works out the geometry (rectangles, lines and texts in a fixed coordinate space); one
template, ``insights/charts/chart.svg``, writes them out, escaped, inside an ``<svg role="img">``
named by its ``<title>`` and described by its ``<desc>``. Every bar carries its number as text
beside it and every series is named in a legend, so no number is told by colour alone; the page
puts the same numbers in a table under each chart.

Colours are dark enough to stand out 3:1 from the white page (WCAG 1.4.11) and to carry white
text 4.5:1; the second series of a pair is also hatched.
"""

import math
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.models import Level, risk_score
from hrddp.display import format_amount

WIDTH = 720
FONT = 13
INK = "#212529"
MUTED = "#595959"
GRID = "#adb5bd"
BLUE = "#005a9c"
BROWN = "#9c4a00"
DARK_RED = "#8b0000"
# Verification statuses: alleged, credible, verified, discounted.
STATUS_FILLS = {
    "alleged": "#b35900",
    "credible": "#0072b2",
    "verified": "#6a3d9a",
    "discounted": "#767676",
}
# Heat-map cells: light tints under dark text (contrast above 9:1).
LEVEL_FILLS = {Level.LOW: "#d4edda", Level.MEDIUM: "#ffe69c", Level.HIGH: "#f5c2c7"}


@dataclass
class Rect:
    kind = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    css: str = ""
    value: object = None
    tooltip: str = ""
    hatch: bool = False
    data: tuple = ()
    stroke: str = ""

    def svg(self, chart_id):
        box = (
            f'x="{coordinate(self.x)}" y="{coordinate(self.y)}" '
            f'width="{coordinate(self.width)}" height="{coordinate(self.height)}"'
        )
        parts = [f'<rect class="{escape(self.css)}" {box} fill="{escape(self.fill)}"']
        if self.stroke:
            parts.append(f' stroke="{escape(self.stroke)}"')
        if self.value is not None:
            parts.append(f' data-value="{escape(self.value)}"')
        parts += [f' data-{escape(name)}="{escape(value)}"' for name, value in self.data]
        parts.append(">")
        if self.tooltip:
            parts.append(f"<title>{escape(self.tooltip)}</title>")
        parts.append("</rect>")
        if self.hatch:
            parts.append(f'<rect {box} fill="url(#{escape(chart_id)}-hatch)" aria-hidden="true"/>')
        return "".join(parts)


@dataclass
class Text:
    kind = "text"
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: int = FONT
    fill: str = INK
    weight: str = "normal"

    def svg(self, chart_id):
        weight = f' font-weight="{escape(self.weight)}"' if self.weight != "normal" else ""
        return (
            f'<text x="{coordinate(self.x)}" y="{coordinate(self.y)}" '
            f'text-anchor="{escape(self.anchor)}" font-size="{escape(self.size)}" '
            f'fill="{escape(self.fill)}"{weight}>{escape(self.text)}</text>'
        )


@dataclass
class Line:
    kind = "line"
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID

    def svg(self, chart_id):
        return (
            f'<line x1="{coordinate(self.x1)}" y1="{coordinate(self.y1)}" '
            f'x2="{coordinate(self.x2)}" y2="{coordinate(self.y2)}" '
            f'stroke="{escape(self.stroke)}" stroke-width="1"/>'
        )


@dataclass
class Series:
    name: str
    fill: str
    hatch: bool = False


def coordinate(value):
    """One decimal, never localised: SVG wants "12.5" in every language."""
    return f"{value:.1f}"


def render(chart_id, title, description, height, shapes, css=""):
    # The shapes write themselves, escaping every text: a chart has hundreds of them, and the
    # template language would spend most of the page's time on them.
    return render_to_string(
        "insights/charts/chart.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "width": WIDTH,
            "height": round(height),
            "shapes": mark_safe("\n".join(shape.svg(chart_id) for shape in shapes)),
            "css": css,
        },
    )


def number(value):
    return intcomma(value)


def money(values):
    """{currency: sum} as "EUR 5,000; USD 180,000" (each amount as every page writes it,
    ``hrddp.display.format_amount``), or an em dash."""
    if not values:
        return "—"
    return "; ".join(format_amount(amount, currency) for currency, amount in sorted(values.items()))


def nice_top(maximum, steps=5):
    """A round upper bound and step for an axis of whole numbers reaching ``maximum``."""
    if maximum <= steps:
        return max(maximum, 1), 1
    raw = maximum / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return math.ceil(maximum / step) * step, step


def shorten(text, limit=70):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def legend(series, y, x=0):
    shapes = []
    for item in series:
        shapes.append(Rect(x, y - 11, 14, 14, item.fill, css="swatch", hatch=item.hatch))
        shapes.append(Text(x + 20, y, item.name))
        x += 20 + 7.5 * len(str(item.name)) + 24
    return shapes


def bar_chart(chart_id, title, description, items, fill=BLUE, label_width=230):
    """Horizontal bars: ``items`` is [(label, count)] or [(label, count, fill)]."""
    row, bar = 28, 18
    left, right = label_width + 10, WIDTH - 70
    top, _step = nice_top(max((item[1] for item in items), default=0))
    scale = (right - left) / top
    shapes = []
    for index, item in enumerate(items):
        label, count = item[0], item[1]
        y = 4 + index * row
        shapes.append(Text(label_width, y + 14, shorten(label, 34), anchor="end"))
        width = count * scale
        shapes.append(
            Rect(
                left,
                y,
                width,
                bar,
                item[2] if len(item) > 2 else fill,
                css="bar",
                value=count,
                tooltip=f"{label}: {number(count)}",
            )
        )
        shapes.append(Text(left + width + 6, y + 14, number(count), weight="bold"))
    shapes.append(Line(left, 0, left, 4 + len(items) * row, stroke=INK))
    return render(chart_id, title, description, 8 + len(items) * row, shapes)


def grouped_bar_chart(chart_id, title, description, groups, series):
    """Horizontal bars in groups: ``groups`` is [(label, note, [(count, text)] per series)].
    The group's label heads it, its note (a flag) follows in dark red, each bar is named by its
    series on the left and followed by its text."""
    row, bar = 24, 16
    left, right = 150, WIDTH - 190
    top, _step = nice_top(max((count for g in groups for count, _t in g[2]), default=0))
    scale = (right - left) / top
    shapes = legend(series, 16)
    y = 40
    for label, note, bars in groups:
        shapes.append(Text(0, y + 12, shorten(label), weight="bold"))
        y += 20
        if note:
            shapes.append(Text(0, y + 12, note, fill=DARK_RED, weight="bold"))
            y += 20
        for item, (count, text) in zip(series, bars, strict=True):
            shapes.append(Text(left - 8, y + 12, item.name, anchor="end", size=12))
            width = count * scale
            shapes.append(
                Rect(
                    left,
                    y,
                    width,
                    bar,
                    item.fill,
                    css="bar",
                    value=count,
                    hatch=item.hatch,
                    tooltip=f"{label}, {item.name}: {text}",
                )
            )
            shapes.append(Text(left + width + 6, y + 12, text, size=12))
            y += row
        y += 12
    if not groups:
        shapes.append(Text(0, y + 12, _("Nothing to show for this period."), fill=MUTED))
        y += 24
    return render(chart_id, title, description, y, shapes)


def stacked_column_chart(chart_id, title, description, columns, series):
    """Vertical stacked columns: ``columns`` is [(date of the month, [count per series])]."""
    left, bottom, plot_top = 44, 300, 60
    top, step = nice_top(max((sum(counts) for _m, counts in columns), default=0))
    scale = (bottom - plot_top) / top
    slot = (WIDTH - left - 10) / max(len(columns), 1)
    width = min(slot * 0.7, 48)
    # Month names need about 40 units each; past that, name every few months.
    stride = math.ceil(40 / slot)
    shapes = legend(series, 16)
    for tick in range(0, top + 1, step):
        y = bottom - tick * scale
        shapes.append(Line(left, y, WIDTH - 10, y))
        shapes.append(Text(left - 6, y + 4, number(tick), anchor="end", size=11, fill=MUTED))
    for index, (month, counts) in enumerate(columns):
        x = left + index * slot + (slot - width) / 2
        y = bottom
        month_name = date_format(month, "YEAR_MONTH_FORMAT")
        for item, count in zip(series, counts, strict=True):
            if not count:
                continue
            height = count * scale
            y -= height
            shapes.append(
                Rect(
                    x,
                    y,
                    width,
                    height,
                    item.fill,
                    css="segment",
                    value=count,
                    hatch=item.hatch,
                    stroke="#ffffff",
                    tooltip=f"{month_name}, {item.name}: {number(count)}",
                )
            )
            if height >= 14 and width >= 18:
                shapes.append(
                    Text(
                        x + width / 2,
                        y + height / 2 + 4,
                        number(count),
                        anchor="middle",
                        size=11,
                        fill="#ffffff",
                    )
                )
        if slot >= 24:
            shapes.append(
                Text(
                    x + width / 2,
                    y - 4,
                    number(sum(counts)),
                    anchor="middle",
                    size=11,
                    weight="bold",
                )
            )
        if index % stride == 0:
            shapes.append(
                Text(x + width / 2, bottom + 16, date_format(month, "N"), anchor="middle", size=11)
            )
        if index == 0 or month.month == 1:
            shapes.append(
                Text(x + width / 2, bottom + 30, str(month.year), anchor="middle", size=11)
            )
    shapes.append(Line(left, bottom, WIDTH - 10, bottom, stroke=INK))
    return render(chart_id, title, description, bottom + 40, shapes)


def heat_map(chart_id, title, description, heat):
    """A 5 × 5 grid: likelihood across, severity up; each cell shows its count of risks and its
    level (by score), tinted by level."""
    cell, left, top = 84, 110, 10
    levels = dict(Level.choices)
    shapes = []
    for row_index, row in enumerate(heat.rows()):
        y = top + row_index * cell
        for likelihood, severity, count, level in row:
            x = left + (likelihood - 1) * cell
            shapes.append(
                Rect(
                    x,
                    y,
                    cell - 2,
                    cell - 2,
                    LEVEL_FILLS[level],
                    css="cell",
                    value=count,
                    stroke=MUTED,
                    data=(("likelihood", likelihood), ("severity", severity), ("level", level)),
                    tooltip=_(
                        "Likelihood %(l)s, severity %(s)s (score %(score)s, %(level)s): %(n)s"
                    )
                    % {
                        "l": likelihood,
                        "s": severity,
                        "score": risk_score(likelihood, severity),
                        "level": levels[level].lower(),
                        "n": count,
                    },
                )
            )
            shapes.append(
                Text(
                    x + cell / 2 - 1,
                    y + cell / 2 + 4,
                    number(count),
                    anchor="middle",
                    size=20,
                    weight="bold" if count else "normal",
                )
            )
            shapes.append(
                Text(
                    x + cell / 2 - 1,
                    y + cell - 10,
                    levels[level].lower(),
                    anchor="middle",
                    size=11,
                    fill=INK,
                )
            )
        shapes.append(Text(left - 8, y + cell / 2 + 4, str(5 - row_index), anchor="end"))
    grid_bottom = top + 5 * cell
    for likelihood in range(1, 6):
        shapes.append(
            Text(
                left + (likelihood - 0.5) * cell - 1,
                grid_bottom + 16,
                str(likelihood),
                anchor="middle",
            )
        )
    shapes.append(
        Text(left + 2.5 * cell, grid_bottom + 36, _("Likelihood"), anchor="middle", weight="bold")
    )
    shapes.append(Text(left - 30, top + 2.5 * cell, _("Severity"), anchor="end", weight="bold"))
    key_x = left + 5 * cell + 24
    for index, (level, scores) in enumerate(
        ((Level.HIGH, "15–25"), (Level.MEDIUM, "7–14"), (Level.LOW, "1–6"))
    ):
        y = top + 20 + index * 26
        shapes.append(Rect(key_x, y - 12, 16, 16, LEVEL_FILLS[level], css="swatch", stroke=MUTED))
        shapes.append(
            Text(
                key_x + 24,
                y + 1,
                _("%(level)s: score %(scores)s") % {"level": levels[level], "scores": scores},
            )
        )
    return render(chart_id, title, description, grid_bottom + 46, shapes)
