"""Bar charts drawn on the server as inline SVG: no JavaScript, no CDN (issue 6).

This module only works out geometry; `templates/reports/includes/chart.html` draws it. Every
bar carries its value as text, the second series is hatched as well as outlined, and the
legend names both, so nothing depends on colour. The chart has a title and a description
(`role="img"`), and the page puts the same numbers in a table beside it for screen readers.
A value the small-numbers rule hides is not drawn: its place says "<5".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from reports import rules
from reports.suppression import is_suppressed, percent_text, published

WIDTH = 640
HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 36, 48


@dataclass
class Series:
    label: str
    values: list  # numbers, or None for a value that is hidden or has nothing to measure
    texts: list[str]  # the value as words, for the bar's label and the description
    hatched: bool = False


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    hatched: bool
    label: str
    label_x: float
    label_y: float


@dataclass
class Chart:
    id: str
    title: str
    description: str
    table_caption: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[float, float, str]] = field(default_factory=list)  # (swatch x, text x, words)
    legend_hatched: list[bool] = field(default_factory=list)
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    plot_top: float = TOP
    plot_bottom: float = HEIGHT - BOTTOM

    @property
    def tick_label_x(self) -> float:
        return self.plot_left - 6

    @property
    def x_label_y(self) -> float:
        return self.plot_bottom + 18

    @property
    def legend_items(self) -> list[tuple[float, float, str, bool]]:
        return [
            (x, tx, words, hatched) for (x, tx, words), hatched in zip(self.legend, self.legend_hatched, strict=True)
        ]


def nice_step(largest: float, intervals: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `intervals` gridlines."""
    if largest <= 0:
        return 1
    raw = largest / intervals
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return max(1, multiple * power)  # every chart without a fixed maximum counts things
    return 10 * power


def _number(value) -> float:
    return float(Decimal(value)) if value is not None else 0.0


def _tick_text(value: float, suffix: str) -> str:
    return f"{int(value)}{suffix}" if value == int(value) else f"{value:.1f}{suffix}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: list[str],
    series: list[Series],
    table_caption: str,
    maximum: float | None = None,
    suffix: str = "",
) -> Chart:
    """A vertical bar chart, one group of bars per category and one bar per series."""
    largest = max([_number(v) for s in series for v in s.values if v is not None] + [0])
    if maximum is None:
        step = nice_step(largest)
        maximum = step * max(1, math.ceil(largest / step))
    else:
        step = maximum / 4
    chart = Chart(id=chart_id, title=title, description="", table_caption=table_caption)
    plot_height = chart.plot_bottom - chart.plot_top
    plot_width = chart.plot_right - chart.plot_left
    tick = 0.0
    while tick <= maximum + 1e-9:
        chart.ticks.append((chart.plot_bottom - plot_height * tick / maximum, _tick_text(tick, suffix)))
        tick += step
    group = plot_width / max(1, len(categories))
    bar_width = group * 0.8 / max(1, len(series))
    every = max(1, math.ceil(len(categories) / 12))
    for i, category in enumerate(categories):
        left = chart.plot_left + group * i + group * 0.1
        if i % every == 0:
            chart.x_labels.append((chart.plot_left + group * (i + 0.5), category))
        for j, s in enumerate(series):
            value = s.values[i]
            height = plot_height * min(_number(value), maximum) / maximum if value is not None else 0.0
            x = left + bar_width * j
            chart.bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(chart.plot_bottom - height, 1),
                    width=round(bar_width - 2, 1),
                    height=round(height, 1),
                    hatched=s.hatched,
                    label=s.texts[i] if value is not None else "<5" if "fewer" in s.texts[i] else "none",
                    label_x=round(x + (bar_width - 2) / 2, 1),
                    label_y=round(chart.plot_bottom - height - 4, 1),
                )
            )
    x = chart.plot_left
    for s in series:
        words = s.label + ((" (hatched)" if s.hatched else " (solid)") if len(series) > 1 else "")
        chart.legend.append((x, x + 22, words))
        chart.legend_hatched.append(s.hatched)
        x += 22 + 7 * len(words) + 24
    chart.description = "; ".join(
        f"{category}: " + ", ".join(f"{s.label} {s.texts[i]}" for s in series) for i, category in enumerate(categories)
    )
    return chart


# --- the report's charts -----------------------------------------------------------------------------


def _shown(value, base, fmt=str):
    """(value to draw, text) after the small-numbers rule: a hidden value is not drawn."""
    text = published(value, base=base, fmt=fmt)
    return (None if is_suppressed(base) or value is None else value), text


def months_chart(months: list[tuple], *, this_label: str, before_label: str) -> Chart:
    """Complaints received per month, this period (solid) and a year earlier (hatched)."""
    current = [_shown(c, c) for _month, c, _before, _p in months]
    previous = [_shown(p, p) for _month, _c, _before, p in months]
    return bar_chart(
        chart_id="chart-months",
        title="Complaints received per month",
        categories=[f"{month:%b %y}" for month, *_ in months],
        series=[
            Series(this_label, [v for v, _ in current], [t for _, t in current]),
            Series(before_label, [v for v, _ in previous], [t for _, t in previous], hatched=True),
        ],
        table_caption="Complaints received by month",
    )


def timeliness_chart(figures, previous, numbers: list[int]) -> Chart:
    """The share of responses within the time limit, by stage, this period and a year earlier."""
    this = [
        _shown(figures.stage(n).on_time_rate, (figures.stage(n).responses, figures.stage(n).on_time), percent_text)
        for n in numbers
    ]
    before = [
        _shown(previous.stage(n).on_time_rate, (previous.stage(n).responses, previous.stage(n).on_time), percent_text)
        for n in numbers
    ]
    return bar_chart(
        chart_id="chart-timeliness",
        title="Responses within the time limit, by stage",
        categories=[f"Stage {n}" for n in numbers],
        series=[
            Series("This period", [v for v, _ in this], [t for _, t in this]),
            Series("A year earlier", [v for v, _ in before], [t for _, t in before], hatched=True),
        ],
        table_caption="Responses within the time limit, by stage",
        maximum=100,
        suffix="%",
    )


def compliance_chart(years: list[tuple]) -> Chart:
    """The LGSCO compliance rate for each of the last five years (LGSCO figures are not suppressed)."""
    values, texts = [], []
    for _period, outcomes, complied in years:
        rate = rules.percent(complied, outcomes)
        values.append(rules.whole_percent(rate))
        texts.append(percent_text(rules.whole_percent(rate)) if rate is not None else "no outcomes")
    chart = bar_chart(
        chart_id="chart-compliance",
        title="Compliance with LGSCO recommendations, by year",
        categories=[period.label.replace(" to ", "–") for period, *_ in years],
        series=[Series("Compliance rate", values, texts)],
        table_caption="Compliance with LGSCO recommendations, by year",
        maximum=100,
        suffix="%",
    )
    for bar, text in zip(chart.bars, texts, strict=True):
        if text == "no outcomes":
            bar.label = "none"
    return chart
