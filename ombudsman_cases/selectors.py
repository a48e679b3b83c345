"""Reads for LGSCO cases; list and page use the same scoping rule as complaints (accounts.access)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.access import AccessPath, visible_q
from accounts.services import record_access
from calendars.rules import add_calendar_days
from complaints.deadlines import days_left
from complaints.selectors import DueInfo, non_working_for_today, readable_change, visible_complaints
from ombudsman_cases.models import (
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
# What the overdue view and its CSV read of each obligation, its owner and its service area.
OVERDUE_FIELDS = (
    "kind",
    "source_key",
    "title",
    "url",
    "due_on",
    "ombudsman_case_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "service_area__name",
)


def visible_cases(user) -> QuerySet[OmbudsmanCase]:
    return OmbudsmanCase.objects.filter(visible_q(user, OmbudsmanCase, CASE_ACCESS))


def case_for(user, pk: int) -> OmbudsmanCase:
    """The case page's lookup: a case in another service area answers 404; restricted openings are logged."""
    try:
        case = visible_cases(user).select_related("service_area", "category", "link_officer").get(pk=pk)
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


def case_list(*, user, filters: dict) -> QuerySet[OmbudsmanCase]:
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
        qs = qs.filter(service_area=filters["service_area"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    q = (filters.get("q") or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        reference = f"{digits[:2]} {digits[2:5]} {digits[5:]}".strip() if len(digits) == 8 else q
        qs = qs.filter(Q(reference__icontains=reference) | Q(summary__icontains=q))
    return qs.order_by("-received_on", "-id")


def _due(date, today, non_working) -> DueInfo:
    return DueInfo(date, days_left(date, today=today, non_working=non_working) if date else None)


def case_page(*, user, case: OmbudsmanCase, today: dt.date) -> dict:
    """Everything the case page shows, in the same 6 queries whatever the case holds."""
    non_working = non_working_for_today(today)
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
    for rec in recommendations:
        rec.due_info = _due(rec.due_on, today, non_working) if not rec.evidence_sent_on else None
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
    linked = list(
        case.complaints.only("id", "reference").annotate(
            can_open=Exists(visible_complaints(user).filter(pk=OuterRef("pk")))
        )
    )
    events = list(case.events.select_related("actor").order_by("-at", "-id")[:200])
    for event in events:
        event.change_rows = [
            (k.replace("_", " ").capitalize(), readable_change(old), readable_change(new))
            for k, (old, new) in event.changes.items()
        ]
    return {
        "case": case,
        "recommendations": recommendations,
        "reports": reports,
        "linked_complaints": [(c, c.can_open) for c in linked],
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
    order the page shows them (service area, owner, due date), and the window's last day.

    One query for the rows, whatever the number of cases: the LGSCO reference is a subquery per row
    (an index lookup), not a join with every case."""
    filters = filters or {}
    horizon = add_calendar_days(today, OVERDUE_WINDOW_DAYS)
    qs = visible_obligations(user).filter(kind__in=OMBUDSMAN_KINDS, done_on__isnull=True, due_on__lte=horizon)
    if filters.get("service_area"):
        qs = qs.filter(service_area=filters["service_area"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    if filters.get("window") == "overdue":
        qs = qs.filter(due_on__lt=today)
    reference = OmbudsmanCase.objects.filter(pk=OuterRef("ombudsman_case_id")).order_by().values("reference")[:1]
    qs = (
        qs.select_related("service_area", "owner")
        .only(*OVERDUE_FIELDS)
        .annotate(case_reference=Subquery(reference))
        .order_by("service_area__name", "owner__first_name", "owner__last_name", "owner_id", "due_on", "id")
    )
    return qs, horizon


def with_due_info(rows, *, today: dt.date):
    """Attach "days left" to each row as it passes, without a query per row (for lists and streams)."""
    non_working = non_working_for_today(today)
    for row in rows:
        row.due_info = _due(row.due_on, today, non_working)
        yield row


def overdue_items(*, user, today: dt.date, filters: dict | None = None):
    """The overdue view's rows as a list, each with its `due_info`, and the window's last day."""
    qs, horizon = overdue_queryset(user=user, today=today, filters=filters)
    return list(with_due_info(qs, today=today)), horizon


def group_overdue(rows):
    """[(service area, [(owner, [rows])])] in the order the rows came (area, owner, due date)."""
    return [
        (area, [(owner, list(items)) for owner, items in groupby(area_rows, key=lambda r: r.owner)])
        for area, area_rows in ((a, list(r)) for a, r in groupby(rows, key=lambda r: r.service_area))
    ]


def financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The year 1 April to 31 March that contains today (DOMAIN.md §2.5)."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def compliance_panel(*, user, today: dt.date) -> dict:
    """Recommendations due this year: on time, late, outstanding; and the LGSCO compliance rate.

    Compliance rate (LGSCO annual letter, DOMAIN.md §2.5): compliance outcomes in the year where
    the LGSCO was satisfied the recommendation was implemented ÷ compliance outcomes recorded in
    the year. One aggregate query that reads, through the indexes on the two dates, only the
    recommendations due or given an outcome in the year, of the cases the user may open."""
    start, end = financial_year(today)
    in_year = Q(due_on__range=(start, end))
    outcome_in_year = Q(lgsco_outcome_on__range=(start, end))
    figures = Recommendation.objects.filter(
        in_year | outcome_in_year, case__in=visible_cases(user).values("pk")
    ).aggregate(
        due=Count("id", filter=in_year),
        on_time=Count("id", filter=in_year & Q(completed_on__isnull=False, is_late=False)),
        late=Count("id", filter=in_year & Q(is_late=True)),
        outstanding=Count("id", filter=in_year & Q(completed_on__isnull=True)),
        overdue=Count("id", filter=in_year & Q(completed_on__isnull=True, due_on__lt=today)),
        outcomes=Count("id", filter=outcome_in_year & ~Q(lgsco_status=LgscoStatus.PENDING)),
        satisfied=Count(
            "id", filter=outcome_in_year & Q(lgsco_status__in=[LgscoStatus.COMPLIED, LgscoStatus.COMPLIED_LATE])
        ),
    )
    figures["rate"] = round(100 * figures["satisfied"] / figures["outcomes"]) if figures["outcomes"] else None
    figures.update(start=start, end=end)
    return figures
