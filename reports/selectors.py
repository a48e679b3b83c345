"""Reads for reports: every figure is computed in the database, scoped to the user's service areas.

Scope (issue 6, "Privacy in every report"): a figure counts every complaint or case in the
service areas the user works in (complaints admins: all of them), restricted ones included,
because a count names nobody. Anything that lists a record by reference goes through the one
access rule (`accounts.access.visible_q`, via the complaints and Ombudsman selectors), and a
restricted record is never listed by reference in a table meant for publication.

Every query here is an aggregate or a bounded list of values: the number of queries a report
makes does not depend on the number of complaints (tested). The one figure that cannot be an
SQL aggregate is working days to respond, which needs the bank holidays: it fetches only the
distinct (received, responded) date pairs of the responded stages with how many share each, in
one query, and counts working days in Python with running totals
(`reports.rules.WorkingDayCounter`), never a query per row. The performance report asks each
table once for both of its periods (this one and a year earlier), with a count per period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404

from accounts.access import is_complaints_admin, is_manager, service_area_ids
from accounts.models import ServiceArea, User
from calendars.models import BankHoliday, ClosureDay, WorkingDayCalendar
from calendars.selectors import VERSION_KEY as CALENDARS_VERSION_KEY
from complaints.models import (
    Action,
    Complaint,
    ComplaintStage,
    ComplaintStatus,
    Extension,
    Outcome,
)
from complaints.selectors import visible_complaints
from config.versions import bump, read_versions
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


def figures_versions(year_starts: Iterable[int]) -> list:
    """The all-years version, the calendars' version and each year's version, from one cache read
    (a missing one is started)."""
    keys = [FIGURES_VERSION_KEY, *(YEAR_VERSION_KEY.format(y) for y in year_starts)]
    found = read_versions(keys, extra=[CALENDARS_VERSION_KEY])
    return [found.get(k) for k in (keys[0], CALENDARS_VERSION_KEY, *keys[1:])]


def figures_version() -> int:
    """The all-years version of the cached figures."""
    return figures_versions([])[0]


def forget_figures(year_starts: Iterable[int] | None = None) -> None:
    """Start a new version of the cached report figures of the financial years starting in
    `year_starts` (called when a record they count changes), or of every year if None."""
    bump(*([FIGURES_VERSION_KEY] if year_starts is None else [YEAR_VERSION_KEY.format(y) for y in set(year_starts)]))


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


def _in_any(lookup: str, periods: list[Period]) -> Q:
    q = Q()
    for p in periods:
        q |= Q(**{f"{lookup}__range": (p.start, p.end)})
    return q


def _performance(*, user, periods: list[Period], today: dt.date, service_area, procedure) -> list[PerformanceFigures]:
    """`performance_figures` for several periods at once, in seven queries whatever the periods and
    the number of complaints: each table is asked once, with one count per period (FILTER), grouped
    by stage where the report shows stages. Periods may overlap (a long custom period and the
    same period a year earlier): each is counted on its own."""
    scope = _complaint_scope(user, service_area=service_area, procedure=procedure)
    via_complaint = _complaint_scope(user, service_area=service_area, procedure=procedure, prefix="complaint__")
    via_stage = _complaint_scope(user, service_area=service_area, procedure=procedure, prefix="stage__complaint__")
    live = ~Q(complaint__status=ComplaintStatus.WITHDRAWN)
    ranges = [(p.start, p.end) for p in periods]
    stages: list[dict[int, StageFigures]] = [{} for _ in periods]

    def stage(i: int, number: int) -> StageFigures:
        return stages[i].setdefault(number, StageFigures(number=number))

    # 1. Stages received or responded in any period, by stage number.
    stage_rows = ComplaintStage.objects.filter(via_complaint)
    counts = {}
    for i, span in enumerate(ranges):
        got, answered = Q(received_on__range=span), Q(responded_on__range=span)
        paid = answered & Q(payment_amount__gt=0)
        counts |= {
            f"received_{i}": Count("id", filter=got),
            f"answered_{i}": Count("id", filter=answered),
            f"responses_{i}": Count("id", filter=answered & live),
            f"on_time_{i}": Count("id", filter=answered & live & Q(responded_on__lte=F("deadline"))),
            f"upheld_{i}": Count("id", filter=answered & live & Q(outcome=Outcome.UPHELD)),
            f"partly_upheld_{i}": Count("id", filter=answered & live & Q(outcome=Outcome.PARTLY_UPHELD)),
            f"not_upheld_{i}": Count("id", filter=answered & live & Q(outcome=Outcome.NOT_UPHELD)),
            f"escalated_{i}": Count("id", filter=answered & live & Q(escalation_request__isnull=False)),
            f"payments_{i}": Count("id", filter=paid),
            f"paid_{i}": Sum("payment_amount", filter=paid),
        }
    for row in (
        stage_rows.filter(_in_any("received_on", periods) | _in_any("responded_on", periods))
        .alias(deadline=Coalesce("agreed_response_on", "response_due"))
        .values("number")
        .annotate(**counts)
        .order_by()
    ):
        for i in range(len(periods)):
            if row[f"received_{i}"]:
                stage(i, row["number"]).received = row[f"received_{i}"]
            if row[f"answered_{i}"]:
                figures = stage(i, row["number"])
                for name in ("responses", "on_time", "upheld", "partly_upheld", "not_upheld", "escalated", "payments"):
                    setattr(figures, name, row[f"{name}_{i}"])
                figures.paid = row[f"paid_{i}"] or Decimal(0)

    # 2. Working days to respond: the (received, responded) dates of live responses, each pair once
    #    with how many stages share it, counted against their calendar's non-working days.
    pairs = list(
        stage_rows.filter(_in_any("responded_on", periods), live)
        .values_list(
            "number",
            "received_on",
            "responded_on",
            "complaint__procedure__calendar__divisions",
            "complaint__procedure__calendar__counts_closure_days",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    first = min([p[1] for p in pairs] + [p.start for p in periods])
    last = max([p[2] for p in pairs] + [p.end for p in periods])
    calendars = non_working_by_calendar({(p[3], p[4]) for p in pairs}, first=first, last=last)
    counters: dict[CalendarKey, rules.WorkingDayCounter] = {}
    for number, received_on, responded_on, divisions, counts_closure_days, n in pairs:
        key = (divisions, counts_closure_days)
        counter = counters.get(key)
        if counter is None:
            counter = counters[key] = rules.WorkingDayCounter(first=first, last=last, non_working=calendars[key])
        days = counter.count(received_on, responded_on)
        for i, (start, end) in enumerate(ranges):
            if start <= responded_on <= end:
                stage(i, number).day_counts[days] += n

    # 3. Extensions the complainant was told of in any period, by stage number.
    extensions = Extension.objects.filter(via_stage)
    counts = {}
    for i, span in enumerate(ranges):
        told = Q(complainant_told_on__range=span)
        counts |= {
            f"n_{i}": Count("id", filter=told),
            f"stages_{i}": Count("stage", distinct=True, filter=told),
            f"restricted_{i}": Count("id", filter=told & Q(stage__complaint__is_restricted=True)),
        }
    for row in (
        extensions.filter(_in_any("complainant_told_on", periods)).values("stage__number").annotate(**counts).order_by()
    ):
        for i in range(len(periods)):
            if row[f"n_{i}"]:
                figures = stage(i, row["stage__number"])
                figures.extensions, figures.extended_stages = row[f"n_{i}"], row[f"stages_{i}"]
                figures.restricted_extensions = row[f"restricted_{i}"]

    # 4. Why, by stage and reason. Reasons of restricted complaints are counted above but not
    #    listed: they may describe a child.
    counts = {f"n_{i}": Count("id", filter=Q(complainant_told_on__range=span)) for i, span in enumerate(ranges)}
    reasons: list[list[tuple[int, str, int]]] = [[] for _ in periods]
    for row in (
        extensions.filter(_in_any("complainant_told_on", periods), stage__complaint__is_restricted=False)
        .values("stage__number", "reason")
        .annotate(**counts)
        .order_by("stage__number", "reason")  # reasons in the database's collation, as before
    ):
        for i in range(len(periods)):
            if row[f"n_{i}"]:
                reasons[i].append((row["stage__number"], row["reason"], row[f"n_{i}"]))
    for listed in reasons:  # most used first; a stable sort keeps the reasons' order among equals
        listed.sort(key=lambda r: (r[0], -r[2]))

    # 5. Complaints received (and withdrawn ones closed) in any period, by channel, category and month.
    withdrawn = Q(status=ComplaintStatus.WITHDRAWN)
    counts = {}
    for i, span in enumerate(ranges):
        got = Q(received_on__range=span)
        counts |= {
            f"complaints_{i}": Count("id", filter=got),
            f"withdrawn_received_{i}": Count("id", filter=got & withdrawn),
            f"withdrawn_in_period_{i}": Count("id", filter=Q(closed_on__range=span) & withdrawn),
        }
    totals = [dict.fromkeys(("complaints", "withdrawn_received", "withdrawn_in_period"), 0) for _ in periods]
    by_channel = [defaultdict(int) for _ in periods]
    by_category = [defaultdict(int) for _ in periods]
    by_month = [defaultdict(int) for _ in periods]
    for row in (
        Complaint.objects.filter(scope)
        .filter(_in_any("received_on", periods) | (withdrawn & _in_any("closed_on", periods)))
        .annotate(month=TruncMonth("received_on"))
        .values("channel", "category__name", "month")
        .annotate(**counts)
        .order_by()
    ):
        for i in range(len(periods)):
            for name in totals[i]:
                totals[i][name] += row[f"{name}_{i}"]
            n = row[f"complaints_{i}"]
            if n:
                by_channel[i][row["channel"]] += n
                by_category[i][row["category__name"] or ""] += n
                by_month[i][_as_date(row["month"])] += n

    # 6. Actions promised in responses sent in any period.
    counts = {}
    for i, span in enumerate(ranges):
        promised = Q(stage__responded_on__range=span)
        counts |= {
            f"promised_{i}": Count("id", filter=promised),
            f"on_time_{i}": Count("id", filter=promised & Q(completed_on__lte=F("due_on"))),
            f"late_{i}": Count("id", filter=promised & Q(completed_on__gt=F("due_on"))),
            f"outstanding_{i}": Count("id", filter=promised & Q(completed_on__isnull=True)),
            f"overdue_{i}": Count("id", filter=promised & Q(completed_on__isnull=True, due_on__lt=today)),
        }
    actions = Action.objects.filter(via_complaint, _in_any("stage__responded_on", periods)).aggregate(**counts)

    return [
        PerformanceFigures(
            period=period,
            stages=dict(sorted(stages[i].items())),
            by_channel=dict(by_channel[i]),
            by_category=dict(by_category[i]),
            extension_reasons=reasons[i],
            actions={
                name: actions[f"{name}_{i}"] for name in ("promised", "on_time", "late", "outstanding", "overdue")
            },
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
