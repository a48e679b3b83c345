"""Reads for reports: every figure is computed in the database, scoped to the user's service areas.

Scope (issue 6, "Privacy in every report"): a figure counts every complaint or case in the
service areas the user works in (complaints admins: all of them), restricted ones included,
because a count names nobody. Anything that lists a record by reference goes through the one
access rule (`accounts.access.visible_q`, via the complaints and Ombudsman selectors), and a
restricted record is never listed by reference in a table meant for publication.

Every query here is an aggregate or a bounded list of values: the number of queries a report
makes does not depend on the number of complaints (tested). Working days to respond are counted
in SQL too: weekdays between the two dates by arithmetic, less the calendar's non-working
weekdays between them, found by binary search (`width_bucket`) in the sorted list passed in. The
performance report asks each table once for both of its periods (this one and a year earlier),
with a count per period, and returns a few hundred rows at most (PostgreSQL only: raw SQL with
FILTER and GROUPING SETS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.access import is_complaints_admin, is_manager, service_area_ids
from accounts.models import ServiceArea, User
from calendars.models import BankHoliday, ClosureDay, WorkingDayCalendar
from calendars.selectors import VERSION_KEY as CALENDARS_VERSION_KEY
from complaints.models import (
    Action,
    Category,
    Complaint,
    ComplaintStage,
    ComplaintStatus,
    EscalationRequest,
    Extension,
    Outcome,
    Procedure,
)
from complaints.selectors import visible_complaints
from ombudsman_cases.models import (
    UPHELD_OUTCOMES,
    LgscoStatus,
    OmbudsmanCase,
    PublicInterestReport,
    Recommendation,
)
from ombudsman_cases.models import Outcome as CaseOutcome
from ombudsman_cases.selectors import case_for, visible_cases
from reports import rules
from reports.models import LearningItem, LearningStatus, LgscoPublishedFigures
from reports.rules import Period

# Investigated, as the LGSCO's annual letter counts it (DOMAIN.md §2.2): the upheld decisions
# and the not upheld ones; not premature, out of jurisdiction or closed after initial enquiries.
INVESTIGATED_OUTCOMES = [*UPHELD_OUTCOMES, CaseOutcome.NOT_UPHELD]
COMPLIED = [LgscoStatus.COMPLIED, LgscoStatus.COMPLIED_LATE]


# --- who may see reports, and over what ---------------------------------------------------------


def can_see_reports(user) -> bool:
    """Reports are for managers and complaints admins (issue 6)."""
    return is_manager(user)


def reporting_area_ids(user) -> list[int] | None:
    """The service areas a user's figures cover: None means all of them (complaints admins)."""
    if is_complaints_admin(user):
        return None
    return service_area_ids(user)


def reporting_areas(user) -> QuerySet[ServiceArea]:
    areas = reporting_area_ids(user)
    qs = ServiceArea.objects.all()
    return qs if areas is None else qs.filter(pk__in=areas)


def _in_areas(lookup: str, areas: list[int] | None) -> Q:
    return Q() if areas is None else Q(**{f"{lookup}__in": areas})


def _complaint_scope(user, *, service_area=None, procedure=None, prefix: str = "") -> Q:
    q = _in_areas(f"{prefix}service_area", reporting_area_ids(user))
    if service_area is not None:
        q &= Q(**{f"{prefix}service_area": service_area})
    if procedure is not None:
        q &= Q(**{f"{prefix}procedure": procedure})
    return q


# --- working days (bank holidays for every calendar, in one query) -------------------------------

CLOSURE = "closure"  # what a closure day is called in the one query below, beside the bank-holiday divisions

# A calendar as the report needs it: (its divisions, whether it counts closure days).
CalendarKey = tuple[str, bool]


def non_working_by_calendar(calendars: Iterable[CalendarKey], *, first: dt.date, last: dt.date) -> dict:
    """Each calendar's non-working days from first to last: one query, whatever the calendars.

    The same sets `calendars.selectors.non_working_days` gives one calendar at a time (its
    divisions' bank holidays, plus closure days if it counts them)."""
    in_range = Q(date__range=(first, last))
    holidays = BankHoliday.objects.filter(in_range).annotate(kind=F("division"), day=F("date"))
    closures = ClosureDay.objects.filter(in_range).annotate(
        kind=Value(CLOSURE, output_field=CharField()), day=F("date")
    )
    rows = list(
        holidays.values_list("kind", "day").order_by().union(closures.values_list("kind", "day").order_by(), all=True)
    )
    result = {}
    for divisions, counts_closure_days in calendars:
        kinds = set(WorkingDayCalendar(divisions=divisions).division_values())
        if counts_closure_days:
            kinds.add(CLOSURE)
        result[(divisions, counts_closure_days)] = frozenset(day for kind, day in rows if kind in kinds)
    return result


# --- the performance report -------------------------------------------------------------------


@dataclass
class StageFigures:
    number: int
    received: int = 0
    responses: int = 0  # responses in the period, withdrawn complaints left out
    on_time: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    escalated: int = 0
    payments: int = 0
    paid: Decimal = Decimal(0)
    extensions: int = 0
    extended_stages: int = 0
    restricted_extensions: int = 0
    # Working days to respond, as {working days: how many responses took that long}.
    day_counts: Counter = field(default_factory=Counter)

    @property
    def days(self) -> list[int]:
        """Working days to respond of every response counted, fewest first."""
        return sorted(self.day_counts.elements())

    @property
    def on_time_rate(self) -> Decimal | None:
        return rules.percent(self.on_time, self.responses)

    @property
    def upheld_or_partly(self) -> int:
        return self.upheld + self.partly_upheld

    @property
    def upheld_rate(self) -> Decimal | None:
        return rules.percent(self.upheld_or_partly, self.responses)

    @property
    def mean_days(self) -> Decimal | None:
        return rules.mean_and_median_of_counts(self.day_counts)[0]

    @property
    def median_days(self) -> Decimal | None:
        return rules.mean_and_median_of_counts(self.day_counts)[1]


@dataclass
class PerformanceFigures:
    period: Period
    stages: dict[int, StageFigures]
    complaints: int
    withdrawn_received: int
    withdrawn_in_period: int
    by_channel: dict[str, int]
    by_category: dict[str, int]
    extension_reasons: list[tuple[int, str, int]]
    actions: dict[str, int]
    by_month: dict[dt.date, int]

    def stage(self, number: int) -> StageFigures:
        return self.stages.get(number) or StageFigures(number=number)

    @property
    def payments(self) -> int:
        return sum(s.payments for s in self.stages.values())

    @property
    def paid(self) -> Decimal:
        return sum((s.paid for s in self.stages.values()), start=Decimal(0))

    @property
    def escalation_base(self) -> int:
        return self.stage(1).responses

    @property
    def escalated(self) -> int:
        return self.stage(1).escalated

    @property
    def escalation_rate(self) -> Decimal | None:
        return rules.percent(self.escalated, self.escalation_base)

    @property
    def actions_on_time_rate(self) -> Decimal | None:
        return rules.percent(self.actions["on_time"], self.actions["promised"])


def performance_figures(
    *, user, period: Period, today: dt.date, service_area=None, procedure=None
) -> PerformanceFigures:
    """Every figure of the complaints performance report for one period (issue 6; DOMAIN.md §5.3).

    - Received by stage: stages whose received date (the complaint for Stage 1, the escalation
      request for later stages) is in the period.
    - Responded within the time limit: stages responded in the period whose response date is on
      or before the deadline in force, the agreed response date if there is one, else the
      response deadline after any extension or clock stop. On the due date is on time.
    - Outcomes, average and median working days, escalation: stages responded in the period.
    - Withdrawn complaints count as received (by stage, channel and category) and are shown
      separately; they are left out of every figure about responses (timeliness, working days,
      outcomes, escalation). Extensions, payments and actions count as they happened.
    - Payments: Stage responses sent in the period with a payment.
    - Actions: promised in responses sent in the period; on time is completed on or before the
      action's due date.
    """
    return _performance(user=user, periods=[period], today=today, service_area=service_area, procedure=procedure)[0]


REPORT_CACHE_SECONDS = 3600
# The cached figures' versions: one for every year (a category or procedure renamed), and one per
# financial year (by the year it starts) for the records whose dates fall in it (`reports.signals`).
FIGURES_VERSION_KEY = "reports:figures-version"
YEAR_VERSION_KEY = "reports:figures-version:{}"


def _fresh_version() -> int:
    """A version never handed out before, even if the cache lost the key (so no stale entry matches)."""
    return time.time_ns()


def figures_versions(year_starts: Iterable[int]) -> list:
    """The all-years version, the calendars' version and each year's version, from one cache read
    (a missing one is started)."""
    keys = [FIGURES_VERSION_KEY, CALENDARS_VERSION_KEY, *(YEAR_VERSION_KEY.format(y) for y in year_starts)]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found and k != CALENDARS_VERSION_KEY]
    if missing:
        for key in missing:
            cache.add(key, _fresh_version(), timeout=None)
        found |= cache.get_many(missing)
    return [found.get(k) for k in keys]


def figures_version() -> int:
    """The all-years version of the cached figures."""
    return figures_versions([])[0]


def forget_figures(year_starts: Iterable[int] | None = None) -> None:
    """Start a new version of the cached report figures of the financial years starting in
    `year_starts` (called when a record they count changes), or of every year if None."""
    keys = [FIGURES_VERSION_KEY] if year_starts is None else [YEAR_VERSION_KEY.format(y) for y in set(year_starts)]
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, _fresh_version(), timeout=None)


def year_start(day: dt.date) -> int:
    """The calendar year in which the financial year holding `day` starts (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def performance_cache_key(*, user, period: Period, today: dt.date, service_area=None, procedure=None) -> str | None:
    """The cache key of a finished period's report (with the versions of every financial year the
    period and the same period a year earlier touch), or None while the period is not over."""
    if period.end >= today:
        return None
    periods = [period, period.previous()]
    first = year_start(min(p.start for p in periods))
    versions = figures_versions(range(first, year_start(max(p.end for p in periods)) + 1))
    areas = reporting_area_ids(user)
    return ":".join(
        [
            "reports:performance",
            hashlib.blake2b(repr(versions).encode(), digest_size=12).hexdigest(),
            "all" if areas is None else ",".join(map(str, sorted(areas))),
            str(getattr(service_area, "pk", "")),
            str(getattr(procedure, "pk", "")),
            period.start.isoformat(),
            period.end.isoformat(),
            period.kind,
            today.isoformat(),
        ]
    )


_KEY_UNKNOWN = object()


def performance_report(
    *, user, period: Period, today: dt.date, service_area=None, procedure=None, key=_KEY_UNKNOWN
) -> tuple[PerformanceFigures, PerformanceFigures]:
    """The figures of `performance_figures` for the period and for the same period a year earlier,
    from one set of queries (each table asked once, both periods counted side by side).

    A finished period's figures are cached for an hour (under `performance_cache_key`, which the
    caller may pass in as `key`): they change only through late edits. A saved or deleted
    complaint, stage, extension, escalation request or action starts a new version of the
    financial years its dates fall in, before and after the change (`reports.signals`); a
    category or procedure, or any change to the calendars, starts a new version of every year.
    The key holds the version of every financial year the two periods touch, so a late edit
    shows at once, and an edit to another year leaves these figures in use. A period that is not
    over yet is counted afresh every time."""
    periods = [period, period.previous()]

    def count():
        return tuple(
            _performance(user=user, periods=periods, today=today, service_area=service_area, procedure=procedure)
        )

    if key is _KEY_UNKNOWN:
        key = performance_cache_key(
            user=user, period=period, today=today, service_area=service_area, procedure=procedure
        )
    if key is None:
        return count()
    figures = cache.get(key)
    if figures is None:
        figures = count()
        cache.set(key, figures, REPORT_CACHE_SECONDS)
    return figures


def _scope_sql(user, *, service_area, procedure, alias: str) -> tuple[str, list]:
    """`_complaint_scope` as an SQL condition on the complaint table aliased `alias`."""
    parts, params = ["TRUE"], []
    areas = reporting_area_ids(user)
    if areas is not None:
        parts.append(f"{alias}.service_area_id = ANY(%s::bigint[])")
        params.append(list(areas))
    for column, value in (("service_area_id", service_area), ("procedure_id", procedure)):
        if value is not None:
            parts.append(f"{alias}.{column} = %s")
            params.append(getattr(value, "pk", value))
    return " AND ".join(parts), params


def _any_range_sql(column: str, ranges: list[tuple[dt.date, dt.date]]) -> tuple[str, list]:
    """`column` in any of the ranges, as one condition per range (each can use the column's index)."""
    sql = " OR ".join(f"{column} BETWEEN %s AND %s" for _ in ranges)
    return f"({sql})", [day for span in ranges for day in span]


# Weekdays (Monday to Friday) from Monday 1 January 1900 to the day, inclusive: the difference for
# two days is the number of weekdays after the first up to the second.
_WEEKDAYS = "((({d}) - DATE '1900-01-01') / 7 * 5 + LEAST((({d}) - DATE '1900-01-01') %% 7 + 1, 5))"


def _working_days_sql(calendar_holidays: dict[int, list[dt.date]]) -> tuple[str, list]:
    """Working days from s.received_on to s.responded_on (the day received is day 0, DOMAIN.md
    §4.3(1)) for the calendar of procedure p: the weekdays between, less the calendar's
    non-working weekdays between, counted by `width_bucket` over their sorted list (a binary
    search). The same number as `rules.WorkingDayCounter.count`."""
    holidays, params = "CASE p.calendar_id", []
    for calendar_id, days in calendar_holidays.items():
        holidays += " WHEN %s THEN %s::date[]"
        params += [calendar_id, days]
    holidays += " ELSE '{}'::date[] END"
    sql = (
        f"{_WEEKDAYS.format(d='s.responded_on')} - {_WEEKDAYS.format(d='s.received_on')}"
        f" - width_bucket(s.responded_on, {holidays}) + width_bucket(s.received_on, {holidays})"
    )
    return sql, params + params


def _calendar_holidays(*, last: dt.date) -> dict[int, list[dt.date]]:
    """Each working-day calendar's non-working weekdays up to `last`, sorted: two small queries."""
    calendars = list(WorkingDayCalendar.objects.values_list("pk", "divisions", "counts_closure_days"))
    first = dt.date(1900, 1, 1)
    non_working = non_working_by_calendar({(d, c) for _, d, c in calendars}, first=first, last=last)
    return {
        pk: sorted(day for day in non_working[(divisions, closures)] if day.weekday() < 5)
        for pk, divisions, closures in calendars
    }


STAGE_FIGURES = ("responses", "on_time", "upheld", "partly_upheld", "not_upheld", "escalated", "payments")
STAGE_COLUMNS = ("received", "answered", *STAGE_FIGURES, "paid")  # per period, in the query's order


def _performance(*, user, periods: list[Period], today: dt.date, service_area, procedure) -> list[PerformanceFigures]:
    """`performance_figures` for several periods at once, in a fixed number of queries whatever the
    periods and the number of complaints: each table is asked once, with one count per period
    (FILTER), grouped by stage where the report shows stages. Periods may overlap (a long custom
    period and the same period a year earlier): each is counted on its own.

    The stage counts and the working days to respond come from one pass over the stages
    (GROUPING SETS: by stage, and by stage and working days), the days counted in SQL against
    each calendar's non-working days; the extension counts and reasons likewise from one pass."""
    scope_sql, scope_params = _scope_sql(user, service_area=service_area, procedure=procedure, alias="c")
    ranges = [(p.start, p.end) for p in periods]
    stages: list[dict[int, StageFigures]] = [{} for _ in periods]

    def stage(i: int, number: int) -> StageFigures:
        figures = stages[i].get(number)
        if figures is None:
            figures = stages[i][number] = StageFigures(number=number)
        return figures

    # 1. Stages received or responded in any period, by stage number; and the working days to
    #    respond of the live responses, by stage number and days.
    working_days, days_params = _working_days_sql(_calendar_holidays(last=max(end for _, end in ranges)))
    columns, column_params = [], []
    outcomes = {"upheld": Outcome.UPHELD, "partly_upheld": Outcome.PARTLY_UPHELD, "not_upheld": Outcome.NOT_UPHELD}
    for span in ranges:
        answered = "t.responded_on BETWEEN %s AND %s"
        live = f"{answered} AND t.live"
        for name, condition in (
            ("received", "t.received_on BETWEEN %s AND %s"),
            ("answered", answered),
            ("responses", live),
            ("on_time", f"{live} AND t.responded_on <= t.deadline"),
            ("upheld", f"{live} AND t.outcome = %s"),
            ("partly_upheld", f"{live} AND t.outcome = %s"),
            ("not_upheld", f"{live} AND t.outcome = %s"),
            ("escalated", f"{live} AND t.escalated"),
            ("payments", f"{answered} AND t.payment_amount > 0"),
        ):
            columns.append(f"COUNT(*) FILTER (WHERE {condition})")
            column_params += [*span, outcomes[name]] if name in outcomes else list(span)
        columns.append(f"SUM(t.payment_amount) FILTER (WHERE {answered} AND t.payment_amount > 0)")
        column_params += list(span)
    received_in, received_params = _any_range_sql("s.received_on", ranges)
    responded_in, responded_params = _any_range_sql("s.responded_on", ranges)
    sql = f"""
        SELECT t.number, t.days, GROUPING(t.days), {", ".join(columns)}
        FROM (
            SELECT s.number, s.received_on, s.responded_on, s.outcome, s.payment_amount,
                   COALESCE(s.agreed_response_on, s.response_due) AS deadline,
                   c.status <> %s AS live, e.id IS NOT NULL AS escalated,
                   CASE WHEN s.responded_on IS NOT NULL THEN {working_days} END AS days
            FROM {ComplaintStage._meta.db_table} s
            JOIN {Complaint._meta.db_table} c ON c.id = s.complaint_id
            JOIN {Procedure._meta.db_table} p ON p.id = c.procedure_id
            LEFT JOIN {EscalationRequest._meta.db_table} e ON e.stage_id = s.id
            WHERE ({received_in} OR {responded_in}) AND {scope_sql}
        ) t
        GROUP BY GROUPING SETS ((t.number), (t.number, t.days))
    """
    params = [
        *column_params,
        ComplaintStatus.WITHDRAWN,
        *days_params,
        *received_params,
        *responded_params,
        *scope_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for number, days, by_stage, *values in rows:
        for i in range(len(periods)):
            width = len(STAGE_COLUMNS)
            counts = dict(zip(STAGE_COLUMNS, values[i * width : (i + 1) * width], strict=True))
            if by_stage:  # the stage's totals
                if counts["received"]:
                    stage(i, number).received = counts["received"]
                if counts["answered"]:
                    figures = stage(i, number)
                    for name in STAGE_FIGURES:
                        setattr(figures, name, counts[name])
                    figures.paid = counts["paid"] or Decimal(0)
            elif days is not None and counts["responses"]:
                stage(i, number).day_counts[days] += counts["responses"]

    # 2. Extensions the complainant was told of in any period: by stage number, and by stage
    #    number and reason. Reasons of restricted complaints are counted but not listed: they may
    #    describe a child.
    told_in, told_params = _any_range_sql("x.complainant_told_on", ranges)
    columns, column_params = [], []
    for span in ranges:
        told = "t.complainant_told_on BETWEEN %s AND %s"
        columns += [
            f"COUNT(*) FILTER (WHERE {told})",
            f"COUNT(DISTINCT t.stage_id) FILTER (WHERE {told})",
            f"COUNT(*) FILTER (WHERE {told} AND t.is_restricted)",
        ]
        column_params += list(span) * 3
    sql = f"""
        SELECT t.number, t.reason, GROUPING(t.reason), {", ".join(columns)}
        FROM (
            SELECT s.number, x.stage_id, x.reason, x.complainant_told_on, c.is_restricted
            FROM {Extension._meta.db_table} x
            JOIN {ComplaintStage._meta.db_table} s ON s.id = x.stage_id
            JOIN {Complaint._meta.db_table} c ON c.id = s.complaint_id
            WHERE {told_in} AND {scope_sql}
        ) t
        GROUP BY GROUPING SETS ((t.number), (t.number, t.is_restricted, t.reason))
        HAVING GROUPING(t.reason) = 1 OR NOT t.is_restricted
        ORDER BY t.number, t.reason
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *told_params, *scope_params])
        rows = cursor.fetchall()
    reasons: list[list[tuple[int, str, int]]] = [[] for _ in periods]
    for number, reason, by_stage, *values in rows:
        for i in range(len(periods)):
            told, extended, restricted = values[i * 3 : i * 3 + 3]
            if not told:
                continue
            if by_stage:
                figures = stage(i, number)
                figures.extensions, figures.extended_stages, figures.restricted_extensions = told, extended, restricted
            else:
                reasons[i].append((number, reason, told))
    for listed in reasons:  # most used first; a stable sort keeps the reasons' order among equals
        listed.sort(key=lambda r: (r[0], -r[2]))

    # 3. Complaints received (and withdrawn ones closed) in any period: in all, and by channel, by
    #    category and by month (GROUPING SETS: one pass, a few dozen rows).
    received_in, received_params = _any_range_sql("c.received_on", ranges)
    closed_in, closed_params = _any_range_sql("c.closed_on", ranges)
    columns, column_params = [], []
    for span in ranges:
        got = "t.received_on BETWEEN %s AND %s"
        columns += [
            f"COUNT(*) FILTER (WHERE {got})",
            f"COUNT(*) FILTER (WHERE {got} AND t.withdrawn)",
            "COUNT(*) FILTER (WHERE t.closed_on BETWEEN %s AND %s AND t.withdrawn)",
        ]
        column_params += list(span) * 3
    sql = f"""
        SELECT GROUPING(t.channel, t.category, t.month), t.channel, t.category, t.month, {", ".join(columns)}
        FROM (
            SELECT c.channel, g.name AS category, c.received_on, c.closed_on, c.status = %s AS withdrawn,
                   date_trunc('month', c.received_on::timestamp)::date AS month
            FROM {Complaint._meta.db_table} c
            LEFT JOIN {Category._meta.db_table} g ON g.id = c.category_id
            WHERE ({received_in} OR (c.status = %s AND {closed_in})) AND {scope_sql}
        ) t
        GROUP BY GROUPING SETS ((), (t.channel), (t.category), (t.month))
    """
    withdrawn = ComplaintStatus.WITHDRAWN
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, withdrawn, *received_params, withdrawn, *closed_params, *scope_params])
        rows = cursor.fetchall()
    totals = [dict.fromkeys(("complaints", "withdrawn_received", "withdrawn_in_period"), 0) for _ in periods]
    by_channel = [defaultdict(int) for _ in periods]
    by_category = [defaultdict(int) for _ in periods]
    by_month = [defaultdict(int) for _ in periods]
    # GROUPING(channel, category, month) is a bit mask of the columns a row is not grouped by.
    for grouped_out, channel, category, month, *values in rows:
        for i in range(len(periods)):
            received, withdrawn_received, withdrawn_in_period = values[i * 3 : i * 3 + 3]
            if grouped_out == 0b111:
                totals[i].update(
                    complaints=received,
                    withdrawn_received=withdrawn_received,
                    withdrawn_in_period=withdrawn_in_period,
                )
            elif not received:
                continue
            elif grouped_out == 0b011:
                by_channel[i][channel] += received
            elif grouped_out == 0b101:
                by_category[i][category or ""] += received
            else:
                by_month[i][month] += received

    # 4. Actions promised in responses sent in any period.
    columns, column_params = [], []
    for span in ranges:
        promised = "s.responded_on BETWEEN %s AND %s"
        columns += [
            f"COUNT(*) FILTER (WHERE {promised})",
            f"COUNT(*) FILTER (WHERE {promised} AND a.completed_on <= a.due_on)",
            f"COUNT(*) FILTER (WHERE {promised} AND a.completed_on > a.due_on)",
            f"COUNT(*) FILTER (WHERE {promised} AND a.completed_on IS NULL)",
            f"COUNT(*) FILTER (WHERE {promised} AND a.completed_on IS NULL AND a.due_on < %s)",
        ]
        column_params += [*span * 5, today]
    responded_in, responded_params = _any_range_sql("s.responded_on", ranges)
    sql = f"""
        SELECT {", ".join(columns)}
        FROM {Action._meta.db_table} a
        JOIN {ComplaintStage._meta.db_table} s ON s.id = a.stage_id
        JOIN {Complaint._meta.db_table} c ON c.id = a.complaint_id
        WHERE {responded_in} AND {scope_sql}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *responded_params, *scope_params])
        values = cursor.fetchone()
    names = ("promised", "on_time", "late", "outstanding", "overdue")
    actions = [dict(zip(names, values[i * 5 : i * 5 + 5], strict=True)) for i in range(len(periods))]

    return [
        PerformanceFigures(
            period=period,
            stages=dict(sorted(stages[i].items())),
            by_channel=dict(by_channel[i]),
            by_category=dict(by_category[i]),
            extension_reasons=reasons[i],
            actions=actions[i],
            by_month=dict(by_month[i]),
            **totals[i],
        )
        for i, period in enumerate(periods)
    ]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def operational_stages(*, user, period: Period, service_area=None, procedure=None):
    """The manager's operational export: one row per stage received or responded in the period.

    References, never names (issue 6); only complaints the user may open (the access rule), so a
    restricted complaint appears only to the people named on it. Values only, no instances."""
    in_period = (period.start, period.end)
    qs = ComplaintStage.objects.filter(
        _complaint_scope(user, service_area=service_area, procedure=procedure, prefix="complaint__"),
        complaint__in=visible_complaints(user),
    ).filter(Q(received_on__range=in_period) | Q(responded_on__range=in_period))
    return (
        qs.annotate(deadline=Coalesce("agreed_response_on", "response_due"), extension_count=Count("extensions"))
        .order_by("complaint__received_on", "complaint__reference", "number")
        .values_list(
            "complaint__reference",
            "complaint__procedure__name",
            "complaint__service_area__name",
            "complaint__category__name",
            "complaint__channel",
            "complaint__status",
            "number",
            "received_on",
            "deadline",
            "responded_on",
            "extension_count",
            "outcome",
            "payment_amount",
        )
    )


# --- Ombudsman figures (the LGSCO annual review letter, DOMAIN.md §2.5) --------------------------


@dataclass
class OmbudsmanFigures:
    year: Period
    decisions: int
    investigated: int
    upheld: int
    satisfactory_remedy: int
    compliance_outcomes: int
    complied: int
    late_recommendations: int
    completed_recommendations: int
    reports: int
    further_reports: int
    by_outcome: dict[str, int]
    published: LgscoPublishedFigures | None

    @property
    def uphold_rate(self) -> Decimal | None:
        return rules.percent(self.upheld, self.investigated)

    @property
    def satisfactory_remedy_rate(self) -> Decimal | None:
        return rules.percent(self.satisfactory_remedy, self.upheld)

    @property
    def compliance_rate(self) -> Decimal | None:
        return rules.percent(self.complied, self.compliance_outcomes)


def _case_scope(user) -> Q:
    return _in_areas("service_area", reporting_area_ids(user))


def _recommendation_scope(user) -> Q:
    areas = reporting_area_ids(user)
    if areas is None:
        return Q()
    # A recommendation filed under another service area belongs to that area's figures too.
    return Q(case__service_area__in=areas) | Q(service_area__in=areas)


def ombudsman_figures(*, user, year: Period) -> OmbudsmanFigures:
    """The annual-letter figures for one year (1 April to 31 March) from the council's records.

    - Decisions: cases with a final decision in the year.
    - Investigated: those upheld or not upheld (not premature, out of jurisdiction or closed
      after initial enquiries). Upheld: `UPHELD_OUTCOMES`. Uphold rate = upheld ÷ investigated.
    - Satisfactory remedy rate = upheld where the council had already provided a satisfactory
      remedy ÷ upheld.
    - Compliance rate = recommendations whose LGSCO compliance outcome, recorded in the year, is
      complied (on time or late) ÷ every compliance outcome recorded in the year.
    - Late recommendations: completed in the year after the due date in force.
    - Public interest reports: received in the year (further reports included, and counted too).
    """
    in_year = (year.start, year.end)
    decided = OmbudsmanCase.objects.filter(_case_scope(user), final_decision_on__range=in_year)
    cases = decided.aggregate(
        decisions=Count("id"),
        investigated=Count("id", filter=Q(outcome__in=INVESTIGATED_OUTCOMES)),
        upheld=Count("id", filter=Q(outcome__in=UPHELD_OUTCOMES)),
        satisfactory_remedy=Count("id", filter=Q(outcome=CaseOutcome.UPHELD_SATISFACTORY_REMEDY)),
    )
    by_outcome = {r["outcome"]: r["n"] for r in decided.values("outcome").annotate(n=Count("id")).order_by()}
    recs = Recommendation.objects.filter(_recommendation_scope(user)).aggregate(
        compliance_outcomes=Count(
            "id", filter=Q(lgsco_outcome_on__range=in_year) & ~Q(lgsco_status=LgscoStatus.PENDING)
        ),
        complied=Count("id", filter=Q(lgsco_outcome_on__range=in_year, lgsco_status__in=COMPLIED)),
        late_recommendations=Count("id", filter=Q(completed_on__range=in_year, is_late=True)),
        completed_recommendations=Count("id", filter=Q(completed_on__range=in_year)),
    )
    reports = PublicInterestReport.objects.filter(
        _in_areas("case__service_area", reporting_area_ids(user)), received_on__range=in_year
    ).aggregate(reports=Count("id"), further_reports=Count("id", filter=Q(is_further_report=True)))
    published = LgscoPublishedFigures.objects.filter(year_start=year.start.year).select_related("entered_by").first()
    return OmbudsmanFigures(year=year, by_outcome=by_outcome, published=published, **cases, **recs, **reports)


def compliance_by_year(*, user, last_year_start: int, years: int = 5) -> list[tuple[Period, int, int]]:
    """(year, compliance outcomes recorded, complied) for `years` financial years: one query."""
    periods = [rules.financial_year(last_year_start - n) for n in reversed(range(years))]
    aggregates = {}
    for p in periods:
        in_year = Q(lgsco_outcome_on__range=(p.start, p.end))
        aggregates[f"outcomes_{p.start.year}"] = Count("id", filter=in_year & ~Q(lgsco_status=LgscoStatus.PENDING))
        aggregates[f"complied_{p.start.year}"] = Count("id", filter=in_year & Q(lgsco_status__in=COMPLIED))
    counts = Recommendation.objects.filter(_recommendation_scope(user)).aggregate(**aggregates)
    return [(p, counts[f"outcomes_{p.start.year}"], counts[f"complied_{p.start.year}"]) for p in periods]


def published_figures_for(year_start: int) -> LgscoPublishedFigures | None:
    return LgscoPublishedFigures.objects.filter(year_start=year_start).first()


# --- the learning register ----------------------------------------------------------------------


def visible_learning(user) -> QuerySet[LearningItem]:
    """Learning items in the user's reporting areas, and any the user owns (so an owner can mark theirs done)."""
    areas = reporting_area_ids(user)
    if areas is None:  # every area (an empty Q would vanish in the OR below)
        return LearningItem.objects.all()
    return LearningItem.objects.filter(Q(service_area__in=areas) | Q(owner=user))


def learning_item_for(user, pk: int) -> LearningItem:
    try:
        return (
            visible_learning(user)
            .select_related("service_area", "owner", "complaint", "ombudsman_case", "created_by")
            .get(pk=pk)
        )
    except LearningItem.DoesNotExist as exc:
        raise Http404("No learning item found") from exc


@dataclass
class LearningRegister:
    by_theme: list[dict]
    by_area: list[dict]
    items: list[LearningItem]


def learning_register(*, user, filters: dict) -> LearningRegister:
    """The register by theme and by service area (counts in the database), and the items themselves."""
    items = LearningItem.objects.filter(_in_areas("service_area", reporting_area_ids(user)))
    if filters.get("theme"):
        items = items.filter(theme=filters["theme"])
    if filters.get("service_area"):
        items = items.filter(service_area=filters["service_area"])
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    counts = {
        "open_count": Count("id", filter=Q(status=LearningStatus.OPEN)),
        "done_count": Count("id", filter=Q(status=LearningStatus.DONE)),
        "dropped_count": Count("id", filter=Q(status=LearningStatus.DROPPED)),
        "total": Count("id"),
    }
    by_theme = list(items.values("theme").annotate(**counts).order_by("theme"))
    by_area = list(items.values("service_area__name").annotate(**counts).order_by("service_area__name"))
    rows = list(
        items.select_related("service_area", "owner", "complaint", "ombudsman_case").order_by(
            "theme", "service_area__name", "due_on", "id"
        )
    )
    return LearningRegister(by_theme=by_theme, by_area=by_area, items=rows)


def learning_owner_choices(user) -> QuerySet[User]:
    """People who may own a learning action: staff with a role in the user's reporting areas."""
    areas = reporting_area_ids(user)
    qs = User.objects.filter(is_active=True, groups__name__in=["Caseworker", "Manager", "Complaints admin"])
    if areas is not None:
        qs = qs.filter(service_areas__in=areas)
    return qs.distinct().order_by("first_name", "last_name", "username")


def complaint_by_reference(user, reference: str) -> Complaint | None:
    """A complaint the user may open, by its reference (any case)."""
    return visible_complaints(user).filter(reference__iexact=reference.strip()).select_related("service_area").first()


def case_by_reference(user, reference: str) -> OmbudsmanCase | None:
    return visible_cases(user).filter(reference=reference).select_related("service_area").first()


def complaint_visible(user, pk) -> Complaint | None:
    return visible_complaints(user).filter(pk=pk).select_related("service_area").first()


def case_visible(user, pk) -> OmbudsmanCase | None:
    return visible_cases(user).filter(pk=pk).select_related("service_area").first()


# --- the case report for a committee --------------------------------------------------------------


@dataclass
class CaseReport:
    case: OmbudsmanCase
    complaints: list[Complaint]
    hidden_complaints: int
    recommendations: list[Recommendation]
    reports: list[PublicInterestReport]
    # Names recorded on every linked complaint (values only), so the report can make sure none appears.
    people: list[tuple[str, str, str]] = field(default_factory=list)


def case_report(*, user, case_pk: int) -> CaseReport:
    """Everything a committee case report shows, for a case the user may open (404 otherwise).

    Linked complaints the user may not open (restricted, not named on them) are counted, not shown."""
    case = case_for(user, case_pk)
    linked = case.complaints.all()
    complaints = list(
        visible_complaints(user)
        .filter(pk__in=linked.values("pk"))
        .select_related("procedure", "category", "service_area")
        .prefetch_related(
            "stages__rule__procedure_stage",
            "stages__extensions",
            "stages__escalation_request",
            "stages__clock_stops",
            "signpostings__suspension__procedure_stage",
            "signpostings__stage",
            "procedure__stages__suspensions",
        )
        .order_by("received_on", "id")
    )
    hidden = linked.count() - len(complaints)
    recommendations = list(
        case.recommendations.select_related("service_area")
        .prefetch_related("extensions", "payments")
        .order_by("due_on", "id")
    )
    reports = list(case.reports.prefetch_related("committees").order_by("received_on", "id"))
    return CaseReport(
        case=case,
        complaints=complaints,
        hidden_complaints=hidden,
        recommendations=recommendations,
        reports=reports,
        people=list(linked.values_list("complainant_name", "affected_person_name", "representative_name")),
    )


def case_choices(user) -> QuerySet[OmbudsmanCase]:
    """Cases with a final decision the user may open, newest decision first (for the case report picker)."""
    return (
        visible_cases(user)
        .filter(final_decision_on__isnull=False)
        .order_by("-final_decision_on", "-id")
        .values_list("pk", "reference", "final_decision_on")
    )


def months_received(figures: PerformanceFigures) -> list[tuple[dt.date, int]]:
    """(month, complaints received) for every month of the period, with zero months."""
    counts = defaultdict(int, figures.by_month)
    return [(month, counts[month]) for month in rules.months_in(figures.period)]
