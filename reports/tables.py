"""Report tables as the page and the CSV show them: the same cells, so the two always agree.

A `Table` holds display text, already passed through the small-numbers rule
(`reports.suppression`) when the table is meant for publication. The page renders the cells;
the CSV export writes the same text, so "CSV matches the page" is true by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import reverse

from complaints.models import Channel
from ombudsman_cases.models import Outcome as CaseOutcome
from reports import rules
from reports.models import LearningTheme
from reports.rules import long_date
from reports.suppression import change, days_text, money_text, percent_text, published


@dataclass
class Cell:
    text: str
    numeric: bool = False
    header: bool = False  # a row header (<th scope="row">)
    tag: str = ""  # a GOV.UK tag colour for words that are also in `text` (never colour alone)
    href: str = ""  # a link on the page only


@dataclass
class Table:
    name: str
    caption: str
    columns: list[tuple[str, bool]]  # (heading, numeric)
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    empty: str = "Nothing to show for this period."
    published: bool = True  # passes through the small-numbers rule

    def csv_rows(self) -> Iterator[list[str]]:
        yield [heading for heading, _ in self.columns]
        for row in self.rows:
            yield [cell.text for cell in row]


def header(text: str) -> Cell:
    return Cell(text, header=True)


def num(text: str) -> Cell:
    return Cell(text, numeric=True)


def stage_label(number: int) -> str:
    return f"Stage {number}"


def count(n: int) -> Cell:
    return num(published(n))


def rate(value, denominator: int, numerator: int) -> Cell:
    return num(published(value, base=(denominator, numerator), fmt=percent_text))


def days(value, base: int) -> Cell:
    return num(published(value, base=base, fmt=days_text))


def money(value, base: int) -> Cell:
    return num(published(value, base=base, fmt=money_text))


def counted_change(current: int, previous: int) -> Cell:
    return num(change(current, previous))


def rate_change(current, previous, current_base: tuple, previous_base: tuple) -> Cell:
    return num(change(current, previous, current_base=current_base, previous_base=previous_base, unit=" points"))


# --- the performance report ------------------------------------------------------------------------

SUPPRESSION_NOTE = "A figure built from 1 to 4 complaints is shown as “fewer than 5” so nobody can be identified."


def performance_tables(current, previous) -> list[Table]:
    """Every table of the performance report; `previous` is the same period a year earlier."""
    numbers = sorted(set(current.stages) | set(previous.stages)) or [1]
    prev_label = f"{previous.period.dates}"
    tables = [
        _summary(current, previous, numbers),
        _received_by_stage(current, previous, numbers),
        _breakdown(
            "received_by_channel",
            "Complaints received by channel",
            "Channel",
            current.by_channel,
            previous.by_channel,
            dict(Channel.choices),
        ),
        _breakdown(
            "received_by_category",
            "Complaints received by category",
            "Category",
            current.by_category,
            previous.by_category,
            {"": "No category recorded"},
        ),
        _timeliness(current, previous, numbers),
        _response_days(current, previous, numbers),
        _outcomes(current, previous, numbers),
        _escalation(current, previous),
        _extensions(current, previous, numbers),
        _extension_reasons(current),
        _payments(current, previous, numbers),
        _actions(current, previous),
        _withdrawn(current, previous),
        _months(current, previous),
    ]
    for table in tables:
        if table.name != "summary" and not table.note:
            table.note = f"“A year earlier” is {prev_label}."
    return tables


def _summary(cur, prev, numbers) -> Table:
    table = Table(
        "summary",
        "Summary, compared with the same period a year earlier",
        [("Measure", False), ("This period", True), ("A year earlier", True), ("Change", True)],
        note=f"The period a year earlier is {prev.period.dates}. {SUPPRESSION_NOTE}",
    )
    rows = table.rows
    rows.append(
        [
            header("Complaints received"),
            count(cur.complaints),
            count(prev.complaints),
            counted_change(cur.complaints, prev.complaints),
        ]
    )
    for n in numbers[1:]:
        c, p = cur.stage(n).received, prev.stage(n).received
        rows.append([header(f"{stage_label(n)} requests received"), count(c), count(p), counted_change(c, p)])
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        rows.append(
            [
                header(f"{stage_label(n)} responses within the time limit"),
                rate(c.on_time_rate, c.responses, c.on_time),
                rate(p.on_time_rate, p.responses, p.on_time),
                rate_change(c.on_time_rate, p.on_time_rate, (c.responses, c.on_time), (p.responses, p.on_time)),
            ]
        )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        rows.append(
            [
                header(f"{stage_label(n)} upheld or partly upheld"),
                rate(c.upheld_rate, c.responses, c.upheld_or_partly),
                rate(p.upheld_rate, p.responses, p.upheld_or_partly),
                rate_change(
                    c.upheld_rate, p.upheld_rate, (c.responses, c.upheld_or_partly), (p.responses, p.upheld_or_partly)
                ),
            ]
        )
    rows.append(
        [
            header("Stage 1 responses escalated to Stage 2"),
            rate(cur.escalation_rate, cur.escalation_base, cur.escalated),
            rate(prev.escalation_rate, prev.escalation_base, prev.escalated),
            rate_change(
                cur.escalation_rate,
                prev.escalation_rate,
                (cur.escalation_base, cur.escalated),
                (prev.escalation_base, prev.escalated),
            ),
        ]
    )
    rows.append(
        [
            header("Payments made"),
            count(cur.payments),
            count(prev.payments),
            counted_change(cur.payments, prev.payments),
        ]
    )
    rows.append(
        [
            header("Total paid"),
            money(cur.paid, cur.payments),
            money(prev.paid, prev.payments),
            num(change(cur.paid, prev.paid, current_base=cur.payments, previous_base=prev.payments, fmt=money_text)),
        ]
    )
    rows.append(
        [
            header("Actions completed on time"),
            rate(cur.actions_on_time_rate, cur.actions["promised"], cur.actions["on_time"]),
            rate(prev.actions_on_time_rate, prev.actions["promised"], prev.actions["on_time"]),
            rate_change(
                cur.actions_on_time_rate,
                prev.actions_on_time_rate,
                (cur.actions["promised"], cur.actions["on_time"]),
                (prev.actions["promised"], prev.actions["on_time"]),
            ),
        ]
    )
    rows.append(
        [
            header("Complaints received and withdrawn"),
            count(cur.withdrawn_received),
            count(prev.withdrawn_received),
            counted_change(cur.withdrawn_received, prev.withdrawn_received),
        ]
    )
    return table


def _received_by_stage(cur, prev, numbers) -> Table:
    table = Table(
        "received_by_stage",
        "Complaints received by stage",
        [("Stage", False), ("Received", True), ("A year earlier", True), ("Change", True)],
    )
    for n in numbers:
        c, p = cur.stage(n).received, prev.stage(n).received
        table.rows.append([header(stage_label(n)), count(c), count(p), counted_change(c, p)])
    table.note = (
        "Stage 1 counts complaints received in the period; later stages count requests to escalate received in "
        "the period. Withdrawn complaints are included."
    )
    return table


def _breakdown(name, caption, heading, current: dict, previous: dict, labels: dict) -> Table:
    table = Table(name, caption, [(heading, False), ("Complaints", True), ("A year earlier", True), ("Change", True)])
    keys = sorted(set(current) | set(previous), key=lambda k: (-(current.get(k, 0)), labels.get(k, k)))
    for key in keys:
        c, p = current.get(key, 0), previous.get(key, 0)
        table.rows.append([header(labels.get(key, key)), count(c), count(p), counted_change(c, p)])
    return table


def _timeliness(cur, prev, numbers) -> Table:
    table = Table(
        "timeliness",
        "Responses within the time limit, by stage",
        [
            ("Stage", False),
            ("Responses", True),
            ("Within the time limit", True),
            ("Within the time limit (%)", True),
            ("A year earlier (%)", True),
            ("Change", True),
        ],
        note=(
            "Responses sent in the period. Within the time limit means on or before the deadline in force: the "
            "response date agreed with the complainant if there is one, otherwise the response deadline after any "
            "extension. Withdrawn complaints are left out."
        ),
    )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        table.rows.append(
            [
                header(stage_label(n)),
                count(c.responses),
                count(c.on_time),
                rate(c.on_time_rate, c.responses, c.on_time),
                rate(p.on_time_rate, p.responses, p.on_time),
                rate_change(c.on_time_rate, p.on_time_rate, (c.responses, c.on_time), (p.responses, p.on_time)),
            ]
        )
    return table


def _response_days(cur, prev, numbers) -> Table:
    table = Table(
        "response_days",
        "Working days to respond, by stage",
        [
            ("Stage", False),
            ("Responses", True),
            ("Average", True),
            ("Median", True),
            ("Average a year earlier", True),
            ("Median a year earlier", True),
        ],
        note=(
            "Working days from the date the stage was received (day 0) to the response, not counting weekends or "
            "bank holidays. Withdrawn complaints are left out."
        ),
    )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        table.rows.append(
            [
                header(stage_label(n)),
                count(c.responses),
                days(c.mean_days, c.responses),
                days(c.median_days, c.responses),
                days(p.mean_days, p.responses),
                days(p.median_days, p.responses),
            ]
        )
    return table


def _outcomes(cur, prev, numbers) -> Table:
    table = Table(
        "outcomes",
        "Outcomes of responses, by stage",
        [
            ("Stage", False),
            ("Upheld", True),
            ("Partly upheld", True),
            ("Not upheld", True),
            ("Upheld or partly upheld (%)", True),
            ("A year earlier (%)", True),
        ],
        note="Responses sent in the period. Withdrawn complaints are left out.",
    )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        table.rows.append(
            [
                header(stage_label(n)),
                count(c.upheld),
                count(c.partly_upheld),
                count(c.not_upheld),
                rate(c.upheld_rate, c.responses, c.upheld_or_partly),
                rate(p.upheld_rate, p.responses, p.upheld_or_partly),
            ]
        )
    return table


def _escalation(cur, prev) -> Table:
    table = Table(
        "escalation",
        "Escalation from Stage 1 to Stage 2",
        [("Measure", False), ("This period", True), ("A year earlier", True), ("Change", True)],
        note=(
            "Stage 1 responses sent in the period, and how many of them the complainant took to Stage 2. "
            "Withdrawn complaints are left out."
        ),
    )
    table.rows = [
        [
            header("Stage 1 responses"),
            count(cur.escalation_base),
            count(prev.escalation_base),
            counted_change(cur.escalation_base, prev.escalation_base),
        ],
        [
            header("Escalated to Stage 2"),
            count(cur.escalated),
            count(prev.escalated),
            counted_change(cur.escalated, prev.escalated),
        ],
        [
            header("Escalation rate"),
            rate(cur.escalation_rate, cur.escalation_base, cur.escalated),
            rate(prev.escalation_rate, prev.escalation_base, prev.escalated),
            rate_change(
                cur.escalation_rate,
                prev.escalation_rate,
                (cur.escalation_base, cur.escalated),
                (prev.escalation_base, prev.escalated),
            ),
        ],
    ]
    return table


def _extensions(cur, prev, numbers) -> Table:
    table = Table(
        "extensions",
        "Extensions of the response deadline, by stage",
        [
            ("Stage", False),
            ("Extensions agreed", True),
            ("Stages extended", True),
            ("Extensions a year earlier", True),
            ("Change", True),
        ],
        note="Extensions the complainant was told of in the period.",
    )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        table.rows.append(
            [
                header(stage_label(n)),
                count(c.extensions),
                count(c.extended_stages),
                count(p.extensions),
                counted_change(c.extensions, p.extensions),
            ]
        )
    return table


def _extension_reasons(cur) -> Table:
    table = Table(
        "extension_reasons",
        "Why deadlines were extended",
        [("Stage", False), ("Reason", False), ("Extensions", True)],
        empty="No extensions in this period.",
    )
    for number, reason, n in cur.extension_reasons:
        table.rows.append([header(stage_label(number)), Cell(reason), count(n)])
    restricted = sum(s.restricted_extensions for s in cur.stages.values())
    table.note = "Reasons as recorded, for extensions the complainant was told of in the period." + (
        f" Reasons for {published(restricted)} extension{'s' if restricted != 1 else ''} on restricted complaints "
        "are counted in the table above but not listed."
        if restricted
        else ""
    )
    return table


def _payments(cur, prev, numbers) -> Table:
    table = Table(
        "payments",
        "Payments made in stage responses",
        [
            ("Stage", False),
            ("Payments", True),
            ("Total paid", True),
            ("Payments a year earlier", True),
            ("Total a year earlier", True),
        ],
        note="Payments recorded with responses sent in the period, withdrawn complaints included.",
    )
    for n in numbers:
        c, p = cur.stage(n), prev.stage(n)
        table.rows.append(
            [
                header(stage_label(n)),
                count(c.payments),
                money(c.paid, c.payments),
                count(p.payments),
                money(p.paid, p.payments),
            ]
        )
    table.rows.append(
        [
            header("All stages"),
            count(cur.payments),
            money(cur.paid, cur.payments),
            count(prev.payments),
            money(prev.paid, prev.payments),
        ]
    )
    return table


def _actions(cur, prev) -> Table:
    table = Table(
        "actions",
        "Actions promised in responses",
        [("Measure", False), ("This period", True), ("A year earlier", True), ("Change", True)],
        note=(
            "Actions promised in responses sent in the period. On time means completed on or before the action's due "
            "date; overdue means not completed and past its due date today."
        ),
    )
    labels = [
        ("promised", "Actions promised"),
        ("on_time", "Completed on time"),
        ("late", "Completed late"),
        ("outstanding", "Not completed yet"),
        ("overdue", "Not completed and overdue"),
    ]
    for key, label in labels:
        c, p = cur.actions[key], prev.actions[key]
        table.rows.append([header(label), count(c), count(p), counted_change(c, p)])
    table.rows.append(
        [
            header("Completed on time (%)"),
            rate(cur.actions_on_time_rate, cur.actions["promised"], cur.actions["on_time"]),
            rate(prev.actions_on_time_rate, prev.actions["promised"], prev.actions["on_time"]),
            rate_change(
                cur.actions_on_time_rate,
                prev.actions_on_time_rate,
                (cur.actions["promised"], cur.actions["on_time"]),
                (prev.actions["promised"], prev.actions["on_time"]),
            ),
        ]
    )
    return table


def _withdrawn(cur, prev) -> Table:
    table = Table(
        "withdrawn",
        "Withdrawn complaints",
        [("Measure", False), ("This period", True), ("A year earlier", True), ("Change", True)],
        note=(
            "Withdrawn complaints count as received (by stage, channel and category) and are left out of the "
            "figures about responses: time limits, working days, outcomes and escalation."
        ),
    )
    table.rows = [
        [
            header("Received in the period and since withdrawn"),
            count(cur.withdrawn_received),
            count(prev.withdrawn_received),
            counted_change(cur.withdrawn_received, prev.withdrawn_received),
        ],
        [
            header("Withdrawn during the period"),
            count(cur.withdrawn_in_period),
            count(prev.withdrawn_in_period),
            counted_change(cur.withdrawn_in_period, prev.withdrawn_in_period),
        ],
    ]
    return table


def months_rows(cur, prev) -> list[tuple[dt.date, int, dt.date, int]]:
    months = rules.months_in(cur.period)
    previous_months = rules.months_in(prev.period)
    return [
        (month, cur.by_month.get(month, 0), before, prev.by_month.get(before, 0))
        for month, before in zip(months, previous_months, strict=False)
    ]


def _months(cur, prev) -> Table:
    table = Table(
        "received_by_month",
        "Complaints received by month",
        [("Month", False), ("Received", True), ("A year earlier", True)],
    )
    for month, c, _before, p in months_rows(cur, prev):
        table.rows.append([header(f"{month:%B %Y}"), count(c), count(p)])
    return table


# --- the Ombudsman figures ---------------------------------------------------------------------

OMBUDSMAN_NOTE = (
    "These are the figures the LGSCO itself publishes for every council, so they are shown in full, without the "
    "“fewer than 5” rule, to be checked against the LGSCO's own."
)


def _compare_count(ours: int, theirs) -> Cell:
    if theirs is None:
        return Cell("No LGSCO figure entered")
    if ours == theirs:
        return Cell("Same")
    return Cell(f"Differs: LGSCO {theirs}, our records {ours}", tag="yellow")


def _compare_rate(ours, theirs) -> Cell:
    if theirs is None:
        return Cell("No LGSCO figure entered")
    if ours is None:
        return Cell(f"Differs: LGSCO {percent_text(theirs)}, our records have nothing to measure", tag="yellow")
    if rules.whole_percent(ours) == rules.whole_percent(theirs):
        return Cell("Same")
    return Cell(
        f"Differs: LGSCO {percent_text(theirs)}, our records {percent_text(rules.whole_percent(ours))}", tag="yellow"
    )


def _rate_text(value) -> str:
    return percent_text(rules.whole_percent(value)) if value is not None else "nothing to measure"


def ombudsman_tables(figures, compliance_years) -> list[Table]:
    pub = figures.published
    theirs = (lambda name: getattr(pub, name)) if pub else (lambda name: None)

    def published_text(name, is_rate=False) -> str:
        value = theirs(name)
        if value is None:
            return "not entered"
        return percent_text(value) if is_rate else str(value)

    letter = Table(
        "annual_letter",
        f"LGSCO annual letter figures, {figures.year.label}",
        [("Measure", False), ("Our records", True), ("LGSCO published", True), ("Check", False)],
        note=OMBUDSMAN_NOTE,
        published=False,
    )
    count_rows = [
        ("Decisions", "decisions", figures.decisions),
        ("Investigated (upheld or not upheld)", "investigated", figures.investigated),
        ("Upheld", "upheld", figures.upheld),
        ("Public interest reports received", "public_interest_reports", figures.reports),
    ]
    rate_rows = [
        (
            "Uphold rate (upheld ÷ investigated)",
            "uphold_rate",
            figures.uphold_rate,
            f"{figures.upheld} of {figures.investigated}",
        ),
        (
            "Satisfactory remedy rate (remedied by the council before the decision ÷ upheld)",
            "satisfactory_remedy_rate",
            figures.satisfactory_remedy_rate,
            f"{figures.satisfactory_remedy} of {figures.upheld}",
        ),
        (
            "Compliance rate (complied ÷ compliance outcomes recorded)",
            "compliance_rate",
            figures.compliance_rate,
            f"{figures.complied} of {figures.compliance_outcomes}",
        ),
    ]
    for label, name, ours in count_rows[:3]:
        letter.rows.append(
            [header(label), num(str(ours)), num(published_text(name)), _compare_count(ours, theirs(name))]
        )
    for label, name, ours, of in rate_rows:
        letter.rows.append(
            [
                header(label),
                num(f"{_rate_text(ours)} ({of})"),
                num(published_text(name, is_rate=True)),
                _compare_rate(ours, theirs(name)),
            ]
        )
    label, name, ours = count_rows[3]
    letter.rows.append([header(label), num(str(ours)), num(published_text(name)), _compare_count(ours, theirs(name))])
    letter.rows.append(
        [
            header("Recommendations completed late"),
            num(f"{figures.late_recommendations} of {figures.completed_recommendations} completed"),
            num("not published"),
            Cell("—"),
        ]
    )

    outcomes = Table(
        "decisions_by_outcome",
        f"Decisions by outcome, {figures.year.label}",
        [("Outcome", False), ("Decisions", True)],
        note=OMBUDSMAN_NOTE,
        published=False,
        empty="No final decisions in this year.",
    )
    for value, label in CaseOutcome.choices:
        if figures.by_outcome.get(value):
            outcomes.rows.append([header(label), num(str(figures.by_outcome[value]))])

    compliance = Table(
        "compliance_by_year",
        "Compliance with LGSCO recommendations, by year",
        [("Year", False), ("Outcomes recorded", True), ("Complied", True), ("Rate", True)],
        note="Compliance outcomes the LGSCO recorded in each year (1 April to 31 March). " + OMBUDSMAN_NOTE,
        published=False,
    )
    for period, outcomes_n, complied in compliance_years:
        compliance.rows.append(
            [
                header(period.label),
                num(str(outcomes_n)),
                num(str(complied)),
                num(_rate_text(rules.percent(complied, outcomes_n))),
            ]
        )
    return [letter, outcomes, compliance]


# --- the learning register ---------------------------------------------------------------------


def learning_tables(register, *, today, reference_for) -> list[Table]:
    """The register's counts by theme and service area (published) and its items (operational)."""
    counts_columns = [("Open", True), ("Done", True), ("Dropped", True), ("Total", True)]

    def count_cells(row) -> list[Cell]:
        return [count(row["open_count"]), count(row["done_count"]), count(row["dropped_count"]), count(row["total"])]

    themes = dict(LearningTheme.choices)
    by_theme = Table(
        "learning_by_theme",
        "Service improvements by theme",
        [("Theme", False), *counts_columns],
        note=SUPPRESSION_NOTE.replace("complaints", "items"),
        empty="No service improvements recorded.",
    )
    for row in register.by_theme:
        by_theme.rows.append([header(themes.get(row["theme"], row["theme"])), *count_cells(row)])
    by_area = Table(
        "learning_by_service_area",
        "Service improvements by service area",
        [("Service area", False), *counts_columns],
        note=SUPPRESSION_NOTE.replace("complaints", "items"),
        empty="No service improvements recorded.",
    )
    for row in register.by_area:
        by_area.rows.append([header(row["service_area__name"]), *count_cells(row)])
    items = Table(
        "learning_items",
        "Service improvements agreed",
        [
            ("Theme", False),
            ("Service improvement", False),
            ("Service area", False),
            ("From", False),
            ("Owner", False),
            ("Due", False),
            ("Status", False),
        ],
        note=(
            "For managers: references, never complainants' names. Improvements from restricted complaints or cases are "
            "listed without their reference."
        ),
        published=False,
        empty="No service improvements recorded.",
    )
    for item in register.items:
        source_text, source_href = reference_for(item)
        overdue = item.status == "open" and item.due_on < today
        status = item.get_status_display()
        if item.status == "done":
            status = f"Done {long_date(item.completed_on)}"
        elif item.status == "dropped":
            status = f"Dropped {long_date(item.dropped_on)}"
        elif overdue:
            status = "Open: overdue"
        items.rows.append(
            [
                header(item.get_theme_display()),
                Cell(item.improvement, href=reverse("reports:learning_detail", args=[item.pk])),
                Cell(item.service_area.name),
                Cell(source_text, href=source_href),
                Cell(str(item.owner)),
                Cell(long_date(item.due_on)),
                Cell(status, tag="red" if overdue else ""),
            ]
        )
    return [by_theme, by_area, items]
