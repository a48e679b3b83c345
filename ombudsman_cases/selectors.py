"""Reads for LGSCO cases; list and page use the same scoping rule as complaints (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import attrgetter

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from accounts.access import AccessPath, access_scope, may_open, scoped_sql, visible_q
from accounts.services import record_access
from calendars.rules import add_calendar_days
from calendars.selectors import VERSION_KEY as CALENDARS_VERSION_KEY
from calendars.selectors import default_non_working_around
from complaints.deadlines import days_left
from complaints.models import Complaint
from complaints.selectors import CHOICES_VERSION_KEY, LIST_VERSION_KEY, DueInfo, readable_change
from config.versions import digest, remember
from ombudsman_cases.models import (
    CaseEvent,
    CommitteeConsideration,
    LgscoStatus,
    OmbudsmanCase,
    Payment,
    Recommendation,
)
from reminders.models import OMBUDSMAN_KINDS
from reminders.selectors import visible_obligations

CASE_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="named_users",
    assigned=("link_officer", "recommendations__owner"),
    # A recommendation filed under another service area brings its case into that area's view.
    other_service_areas=("recommendations__service_area",),
)
OVERDUE_WINDOW_DAYS = 30


@dataclass(slots=True)
class OverdueRow:
    """One open obligation on the overdue view and its CSV: plain values read in the one query
    (a list of hundreds of rows builds no model instances)."""

    id: int
    kind: str
    source_key: str
    title: str
    url: str
    due_on: dt.date
    ombudsman_case_id: int | None
    case_reference: str | None
    owner_id: int
    owner_first_name: str
    owner_last_name: str
    owner_username: str
    service_area_id: int
    service_area_name: str
    due_info: DueInfo | None = None

    @property
    def owner_name(self) -> str:
        """As the person is named everywhere (accounts.User.__str__): full name, else username."""
        return f"{self.owner_first_name} {self.owner_last_name}".strip() or self.owner_username


OVERDUE_COLUMNS = (
    "id",
    "kind",
    "source_key",
    "title",
    "url",
    "due_on",
    "ombudsman_case_id",
    "case_reference",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "service_area_id",
    "service_area__name",
)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a filter: a row's id and its name as the row's str() gives it."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def listed_choices(user, name, build, label=lambda row: row[1]) -> list[Choice]:
    """A filter's options from the queryset `build()` gives, as (id, ...) tuples through `label`,
    with its SQL compiled once per process (`scoped_sql`; `name` holds what else it depends on).
    Plain rows rather than model instances: a manager's owner filter lists every member of staff
    in their areas."""
    # Kept until a person, their roles or areas, or a service area changes (as the complaint list's).
    kept = remember(CHOICES_VERSION_KEY, f"ombudsman:choices:{digest(name, access_scope(user))}")
    if kept.value is None:
        sql, params = scoped_sql(user, name, build)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            kept.keep([Choice(row[0], label(row)) for row in cursor.fetchall()])
    return kept.value


def person_name(row) -> str:
    """(id, first name, last name, username) as accounts.User.__str__ names a person."""
    return f"{row[1]} {row[2]}".strip() or row[3]


def visible_cases(user) -> QuerySet[OmbudsmanCase]:
    return OmbudsmanCase.objects.filter(visible_q(user, OmbudsmanCase, CASE_ACCESS))


def visible_case_ids(user) -> RawSQL:
    """`visible_cases` as a subquery of ids, its SQL compiled once per process (`scoped_sql`)."""
    return RawSQL(*scoped_sql(user, "visible_case_ids", lambda: visible_cases(user).order_by().values("pk")))


def case_for(user, pk: int) -> OmbudsmanCase:
    """The case page's lookup: a case in another service area answers 404; restricted openings are logged."""
    try:
        case = (
            OmbudsmanCase.objects.filter(pk__in=visible_case_ids(user))
            .select_related("service_area", "category", "link_officer")
            .get(pk=pk)
        )
    except OmbudsmanCase.DoesNotExist as exc:
        raise Http404("No case found") from exc
    record_access(user=user, record=case, record_type="ombudsman_case")
    return case


def recommendation_for(user, case_pk: int, pk: int) -> Recommendation:
    case = case_for(user, case_pk)
    try:
        rec = case.recommendations.select_related("owner", "service_area").get(pk=pk)
    except Recommendation.DoesNotExist as exc:
        raise Http404("No recommendation found") from exc
    rec.case = case
    return rec


@lru_cache(maxsize=64)
def _url_parts(name: str, count: int, script_prefix: str, urlconf) -> tuple[str, ...]:
    """The text around each of `count` ids in the URL of `name` (one reverse() per process)."""
    markers = [str(987654321 + i) for i in range(count)]
    rest = reverse(name, args=markers, urlconf=urlconf)
    parts = []
    for marker in markers:
        before, _, rest = rest.partition(marker)
        parts.append(before)
    return (*parts, rest)


def url_for(name: str, *ids: int) -> str:
    """reverse(name, args=ids) for integer ids, without resolving the pattern again: a call of
    reverse() costs about 0.1 ms, and a page of links would make one a link."""
    parts = _url_parts(name, len(ids), get_script_prefix(), get_urlconf())
    return "".join(f"{before}{int(i)}" for before, i in zip(parts, ids, strict=False)) + parts[-1]


def url_maker(name: str, *args) -> Callable[[int], str]:
    """The URL of `name` for any last id (see url_for)."""
    return lambda pk: url_for(name, *args, pk)


# What a row of the case list shows (templates/ombudsman_cases/case_list.html), and no more.
CASE_LIST_FIELDS = (
    "id",
    "reference",
    "is_restricted",
    "status",
    "outcome",
    "received_on",
    "service_area__name",
    "link_officer__first_name",
    "link_officer__last_name",
    "link_officer__username",
)


def case_list(*, user, filters: dict, fields: tuple[str, ...] | None = None) -> QuerySet[OmbudsmanCase]:
    """The cases a user may open, newest first, filtered; with only `fields` loaded if given (the
    list page's CASE_LIST_FIELDS: a row of the API shows more)."""
    # Open recommendations are counted for the rows of the page only (a subquery per row), so the
    # paginator's count is a plain COUNT over the cases and the page costs the same at any size.
    open_recommendations = (
        Recommendation.objects.filter(case=OuterRef("pk"), evidence_sent_on__isnull=True)
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = (
        visible_cases(user)
        .select_related("service_area", "link_officer")
        .annotate(open_recommendations=Coalesce(Subquery(open_recommendations), 0))
    )
    if filters.get("service_area"):
        qs = qs.filter(service_area_id=filters["service_area"].pk)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    q = (filters.get("q") or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        reference = f"{digits[:2]} {digits[2:5]} {digits[5:]}".strip() if len(digits) == 8 else q
        qs = qs.filter(Q(reference__icontains=reference) | Q(summary__icontains=q))
    if fields:
        qs = qs.only(*fields)
    return qs.order_by("-received_on", "-id")


def case_count(*, user, filters: dict, cases: QuerySet[OmbudsmanCase]) -> int:
    """How many cases `case_list` gives for the user and filters (`cases`), counted once and kept
    until a case or a recommendation changes (OMBUDSMAN_VERSION_KEY)."""
    chosen = (
        getattr(filters.get("service_area"), "pk", None),
        filters.get("status") or "",
        (filters.get("q") or "").strip(),
    )
    kept = remember(OMBUDSMAN_VERSION_KEY, f"ombudsman:case-count:{digest(access_scope(user), chosen)}")
    if kept.value is None:
        kept.keep(cases.count())
    return kept.value


def _due(date, today, non_working) -> DueInfo:
    return DueInfo(date, days_left(date, today=today, non_working=non_working) if date else None)


def case_version(case: OmbudsmanCase) -> int:
    """The case's newest timeline entry (0 if none): every change to a case, its recommendations,
    evidence, payments, reports and committees records one (`services._record`, `retention`), so
    anything built from the case under an older entry is out of date."""
    return CaseEvent.objects.filter(case_id=case.pk).order_by("-id").values_list("id", flat=True).first() or 0


def case_page(*, user, case: OmbudsmanCase, today: dt.date) -> dict:
    """Everything the case page shows, in the same 6 queries whatever the case holds."""
    return case_record(case=case, today=today) | {"linked_complaints": linked_complaints(user=user, case=case)}


def linked_complaints(*, user, case: OmbudsmanCase) -> list[tuple[Complaint, bool]]:
    """The council complaints linked to the case, each with whether this user may open it, in one query."""
    # Who may open each linked complaint, by `may_open` from the facts read with it (the rule of
    # visible_complaints, whose query took longer to build than the page's other queries to run).
    linked = list(
        case.complaints.only("id", "reference", "service_area_id", "is_restricted", "handler_id").annotate(
            named=Exists(Complaint.named_users.through.objects.filter(complaint_id=OuterRef("pk"), user_id=user.pk))
        )
    )
    return [
        (
            complaint,
            may_open(
                user,
                service_area_ids_of_record=[complaint.service_area_id],
                restricted=complaint.is_restricted,
                assigned=complaint.handler_id == user.pk,
                named=complaint.named,
            ),
        )
        for complaint in linked
    ]


def case_record(*, case: OmbudsmanCase, today: dt.date) -> dict:
    """What the case page shows that is the same for everyone who may see it (recommendations,
    reports and committees, timeline, deadlines in words), in the same 4 queries whatever the case holds."""
    non_working = default_non_working_around(today)
    paid = (
        Payment.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    recommendations = list(
        case.recommendations.select_related("owner", "service_area")
        .annotate(paid_total=Subquery(paid))
        .order_by("due_on", "id")
    )
    rec_url = url_maker("ombudsman_cases:recommendation", case.pk)
    for rec in recommendations:
        rec.due_info = _due(rec.due_on, today, non_working) if not rec.evidence_sent_on else None
        rec.url = rec_url(rec.pk)
    reports = list(case.reports.select_related("rule").order_by("received_on", "id"))
    # Committees for every report of the case in one query (a prefetch would skip it when there
    # are no reports, and the page's query count would depend on the case).
    committees: dict[int, list] = {report.pk: [] for report in reports}
    for committee in CommitteeConsideration.objects.filter(report__case=case).order_by("met_on", "id"):
        committees.setdefault(committee.report_id, []).append(committee)
    for report in reports:
        report.committee_list = committees[report.pk]
        report.notice_info = (
            _due(report.notice_due, today, non_working)
            if report.notice_due and not report.notice_published_on
            else None
        )
        report.response_info = _due(report.response_due, today, non_working) if not report.response_sent_on else None
    events = list(case.events.select_related("actor").order_by("-at", "-id")[:200])
    for event in events:
        # Written out here rather than by the template's date filter (up to 200 entries).
        at = timezone.localtime(event.at)
        event.when = f"{at.day} {at:%b %Y, %H:%M}"
        event.change_rows = [
            (k.replace("_", " ").capitalize(), readable_change(old), readable_change(new))
            for k, (old, new) in event.changes.items()
        ]
    return {
        "case": case,
        "recommendations": recommendations,
        "reports": reports,
        "events": events,
        "enquiry_info": _due(case.enquiry_reply_due, today, non_working)
        if case.enquiry_reply_due and not case.enquiry_reply_sent_on
        else None,
        "draft_info": _due(case.draft_comments_due, today, non_working)
        if case.draft_comments_due and not case.draft_comments_sent_on
        else None,
        "payments_total": sum((r.paid_total for r in recommendations if r.paid_total), start=0),
    }


def overdue_queryset(*, user, today: dt.date, filters: dict | None = None) -> tuple[QuerySet, dt.date]:
    """Every open obligation in the user's areas that is overdue or due in the next 30 days, in the
    order the page shows them (service area, owner, due date), as tuples of OVERDUE_COLUMNS; and the
    window's last day.

    One query for the rows, whatever the number of cases: the LGSCO reference is a subquery per row
    (an index lookup), not a join with every case."""
    filters = filters or {}
    horizon = add_calendar_days(today, OVERDUE_WINDOW_DAYS)
    qs = visible_obligations(user).filter(kind__in=OMBUDSMAN_KINDS, done_on__isnull=True, due_on__lte=horizon)
    if filters.get("service_area"):
        qs = qs.filter(service_area_id=filters["service_area"].pk)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"].pk)
    if filters.get("window") == "overdue":
        qs = qs.filter(due_on__lt=today)
    reference = OmbudsmanCase.objects.filter(pk=OuterRef("ombudsman_case_id")).order_by().values("reference")[:1]
    qs = (
        qs.annotate(case_reference=Subquery(reference))
        .order_by("service_area__name", "owner__first_name", "owner__last_name", "owner_id", "due_on", "id")
        .values_list(*OVERDUE_COLUMNS)
    )
    return qs, horizon


def overdue_rows(values, *, today: dt.date, non_working: frozenset[dt.date] | None = None):
    """OverdueRows, each with its "days left", from the query's tuples as they pass (for the page's
    list and the CSV's stream), without a query per row."""
    if non_working is None:
        non_working = default_non_working_around(today)
    for columns in values:
        row = OverdueRow(*columns)
        row.due_info = _due(row.due_on, today, non_working)
        yield row


def _overdue_filter_values(filters: dict) -> tuple:
    """The overdue filters' chosen values (ids for areas and people), in a fixed order: part of
    the keys of what is compiled or kept for them."""
    return tuple(
        getattr(filters.get(f), "pk", filters.get(f)) or None for f in ("service_area", "kind", "owner", "window")
    )


def overdue_items(*, user, today: dt.date, filters: dict | None = None) -> tuple[list[OverdueRow], dt.date]:
    """The overdue view's rows, each with its `due_info`, and the window's last day.

    The query's SQL is `overdue_queryset`'s, compiled once per process for the user, the day and
    the filters (`scoped_sql`)."""
    filters = filters or {}
    name = ("overdue", today, *_overdue_filter_values(filters))
    sql, params = scoped_sql(user, name, lambda: overdue_queryset(user=user, today=today, filters=filters)[0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchall()
    return list(overdue_rows(values, today=today)), add_calendar_days(today, OVERDUE_WINDOW_DAYS)


def overdue_list(*, user, today: dt.date, filters: dict, render) -> dict:
    """The overdue view's list for the user, the day and the filters: how many items, how many
    overdue, the window's last day, and `render(groups)` (the grouped tables' HTML). Kept until
    anything it is read from changes (OVERDUE_VERSION_KEYS): opened again, the page neither reads
    nor writes the rows."""
    chosen = _overdue_filter_values(filters)
    kept = remember(OVERDUE_VERSION_KEYS, f"ombudsman:overdue:{digest(access_scope(user), today, chosen)}")
    if kept.value is None:
        rows, horizon = overdue_items(user=user, today=today, filters=filters)
        kept.keep(
            {
                "count": len(rows),
                "overdue_count": sum(1 for r in rows if r.due_on < today),
                "horizon": horizon,
                "groups_html": render(group_overdue(rows)) if rows else "",
            }
        )
    return kept.value


def group_overdue(rows: list[OverdueRow]) -> list[tuple[str, list[tuple[str, list[OverdueRow]]]]]:
    """[(service area name, [(owner's name, [rows])])] in the order the rows came (area, owner, due date)."""
    return [
        (area_rows[0].service_area_name, [(items[0].owner_name, items) for items in _runs(area_rows, "owner_id")])
        for area_rows in _runs(rows, "service_area_id")
    ]


def _runs(rows, attr: str) -> list[list]:
    return [list(run) for _, run in groupby(rows, key=attrgetter(attr))]


def financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The year 1 April to 31 March that contains today (DOMAIN.md §2.5)."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


COMPLIANCE_FIGURES = ("due", "on_time", "late", "outstanding", "overdue", "outcomes", "satisfied")
_DUE = "due_on BETWEEN %s AND %s"
_OUTCOME = "lgsco_outcome_on BETWEEN %s AND %s"
# One row of counts over the year's recommendations (due in it, or given the LGSCO's outcome in
# it) of the cases the user may open: {visible} is visible_cases' own SQL. Written out rather than
# as seven filtered Count()s: the ORM took longer to build those than the database to answer.
COMPLIANCE_SQL = f"""
SELECT COUNT(CASE WHEN {_DUE} THEN 1 END),
       COUNT(CASE WHEN {_DUE} AND completed_on IS NOT NULL AND NOT is_late THEN 1 END),
       COUNT(CASE WHEN {_DUE} AND is_late THEN 1 END),
       COUNT(CASE WHEN {_DUE} AND completed_on IS NULL THEN 1 END),
       COUNT(CASE WHEN {_DUE} AND completed_on IS NULL AND due_on < %s THEN 1 END),
       COUNT(CASE WHEN {_OUTCOME} AND lgsco_status <> %s THEN 1 END),
       COUNT(CASE WHEN {_OUTCOME} AND lgsco_status IN (%s, %s) THEN 1 END)
FROM {Recommendation._meta.db_table}
WHERE ({_DUE} OR {_OUTCOME}) AND case_id IN ({{visible}})
"""


def compliance_panel(*, user, today: dt.date) -> dict:
    """Recommendations due this year: on time, late, outstanding; and the LGSCO compliance rate.

    Compliance rate (LGSCO annual letter, DOMAIN.md §2.5): compliance outcomes in the year where
    the LGSCO was satisfied the recommendation was implemented ÷ compliance outcomes recorded in
    the year. One query that reads, through the indexes on the two dates, only the
    recommendations due or given an outcome in the year, of the cases the user may open."""
    start, end = financial_year(today)
    # Kept until a case or a recommendation changes (OMBUDSMAN_VERSION_KEY, ombudsman_cases.signals).
    kept = remember(OMBUDSMAN_VERSION_KEY, f"ombudsman:compliance:{digest(access_scope(user), today)}")
    if kept.value is None:
        kept.keep(_compliance_figures(user=user, today=today, start=start, end=end))
    return kept.value


# The version of everything kept from Ombudsman cases and recommendations, and of the obligation
# register (ombudsman_cases.signals).
OMBUDSMAN_VERSION_KEY = "ombudsman:version"
OBLIGATIONS_VERSION_KEY = "reminders:obligations-version"
# What the overdue view's list is read from: the register, the cases (references, who may see
# them), the people and areas (names), the complaints (who may see their obligations) and the
# calendars (working days left).
OVERDUE_VERSION_KEYS = (
    OBLIGATIONS_VERSION_KEY,
    OMBUDSMAN_VERSION_KEY,
    CHOICES_VERSION_KEY,
    LIST_VERSION_KEY,
    CALENDARS_VERSION_KEY,
)


def _compliance_figures(*, user, today: dt.date, start: dt.date, end: dt.date) -> dict:
    year = [start, end]
    visible = visible_case_ids(user)
    visible_sql, visible_params = visible.sql, visible.params
    params = [
        *year * 5,
        today,
        *year,
        LgscoStatus.PENDING,
        *year,
        LgscoStatus.COMPLIED,
        LgscoStatus.COMPLIED_LATE,
        *year * 2,
        *visible_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(COMPLIANCE_SQL.format(visible=visible_sql), params)
        figures = dict(zip(COMPLIANCE_FIGURES, cursor.fetchone(), strict=True))
    figures["rate"] = round(100 * figures["satisfied"] / figures["outcomes"]) if figures["outcomes"] else None
    figures.update(start=start, end=end)
    return figures
