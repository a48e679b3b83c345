"""Reads: every user-facing lookup is scoped by `accounts.access`, the same for list and page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.access import (
    AccessPath,
    access_scope,
    is_complaints_admin,
    scoped_sql,
    service_area_ids,
    visible_q,
)
from accounts.models import ROLE_GROUP_NAMES, ROLE_PRECEDENCE, ServiceArea, User
from accounts.services import record_access
from calendars.rules import add_working_days
from calendars.selectors import default_non_working_around, non_working_days_around
from complaints.deadlines import days_left
from complaints.keyset import Page, SortKey, keyset_page, parse_date
from complaints.models import (
    OPEN_STAGE_STATUSES,
    Complaint,
    ComplaintPoint,
    ComplaintStage,
    ComplaintStatus,
    Extension,
    PointOutcome,
    Procedure,
    StageRule,
    StageSuspension,
)
from config.versions import Remembered, digest, remember

COMPLAINT_ACCESS = AccessPath(
    service_area="service_area", restricted="is_restricted", named_users="named_users", assigned=("handler",)
)


def today() -> dt.date:
    return timezone.localdate()


def rule_in_force(*, procedure: Procedure, number: int, on: dt.date) -> StageRule | None:
    """The version of a stage's rule in force on a date: the latest that starts on or before it."""
    return (
        StageRule.objects.filter(
            procedure_stage__procedure=procedure, procedure_stage__number=number, effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )


def suspension_on(*, procedure: Procedure, number: int, on: dt.date) -> StageSuspension | None:
    """The suspension of a procedure stage covering a date, if any."""
    return (
        StageSuspension.objects.filter(
            procedure_stage__procedure=procedure, procedure_stage__number=number, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("-starts_on")
        .first()
    )


def visible_complaints(user) -> QuerySet[Complaint]:
    """The complaints this user may open. Lists and the complaint page both start here."""
    return Complaint.objects.filter(visible_q(user, Complaint, COMPLAINT_ACCESS))


def complaint_for(user, pk: int) -> Complaint:
    """The complaint page's lookup: another service area's complaint answers 404.

    Every opening of a restricted complaint is logged (who, when, which) here, so no page that
    shows one can forget to."""
    try:
        complaint = (
            visible_complaints(user)
            .select_related("procedure__calendar", "service_area", "category", "handler")
            .get(pk=pk)
        )
    except Complaint.DoesNotExist as exc:
        raise Http404("No complaint found") from exc
    record_access(user=user, record=complaint, record_type="complaint")
    return complaint


@dataclass
class DueInfo:
    """How a deadline stands today, in words as well as numbers (never colour alone)."""

    due: dt.date | None
    days: int | None

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0

    @property
    def words(self) -> str:
        if self.days is None:
            return "No deadline"
        if self.days < 0:
            n = -self.days
            return f"{n} working day{'s' if n != 1 else ''} overdue"
        if self.days == 0:
            return "Due today"
        return f"{self.days} working day{'s' if self.days != 1 else ''} left"

    @property
    def tag(self) -> str:
        if self.days is None:
            return ""
        if self.days < 0:
            return "Overdue"
        if self.days <= 2:
            return "Due soon"
        return ""


def annotate_due(rows, *, today: dt.date, attr: str = "next_due_date"):
    """Attach a DueInfo to each row as `.due_info` without a query per row."""
    non_working = default_non_working_around(today)
    for row in rows:
        due = getattr(row, attr)
        row.due_info = DueInfo(due, days_left(due, today=today, non_working=non_working) if due else None)
    return rows


@dataclass(slots=True)
class ComplaintRow:
    """A complaint as a table of complaints shows it (the list, My work): plain values, read with
    `values_list` rather than as four models per row (complaint, procedure, area, handler)."""

    pk: int
    reference: str
    is_restricted: bool
    status: str
    complainant_name: str
    current_stage_number: int
    number_of_stages: int
    service_area_name: str
    next_due_date: dt.date | None
    next_due_label: str
    # Where a list page puts the row, and how many rows that list has (complaints.keyset).
    sort_key: object = None
    capped_count: int | None = None
    handler_name: str = ""
    due_info: DueInfo | None = None


# The columns of a ComplaintRow, in its order; the handler's name is read as User.__str__ writes it.
ROW_COLUMNS = (
    "pk",
    "reference",
    "is_restricted",
    "status",
    "complainant_name",
    "current_stage_number",
    "procedure__number_of_stages",
    "service_area__name",
    "next_due_date",
    "next_due_label",
)
HANDLER_NAME = ("handler__first_name", "handler__last_name", "handler__username")


def complaint_rows(qs: QuerySet[Complaint], *, keyed: bool = False) -> list[ComplaintRow]:
    """The ComplaintRows of a queryset, in its order (with a keyset page's `sort_key` and
    `capped_count` annotations if keyed)."""
    columns = (*ROW_COLUMNS, "sort_key", "capped_count") if keyed else ROW_COLUMNS
    return [
        ComplaintRow(*values, handler_name=f"{first} {last}".strip() or username)
        for *values, first, last, username in qs.values_list(*columns, *HANDLER_NAME)
    ]


def my_open_stages(*, user, today: dt.date) -> list[ComplaintRow]:
    """My work: the open complaints I handle, the nearest deadline first (only the columns it shows)."""
    complaints = (
        visible_complaints(user)
        .filter(handler=user, status=ComplaintStatus.OPEN)
        .order_by(F("next_due_date").asc(nulls_last=True), "id")
    )
    return annotate_due(complaint_rows(complaints), today=today)


# Complaints with no deadline (closed, withdrawn) come last whichever way the deadline is sorted:
# the key stands in a date beyond every deadline (soonest first) or before every one (latest first),
# so the key is never NULL and a page can start after any row. The PostgreSQL indexes on these
# keys are in migration 0006.
NO_DEADLINE_SOONEST_FIRST = dt.date(9999, 12, 31)
NO_DEADLINE_LATEST_FIRST = dt.date(1, 1, 1)
COMPLAINT_SORTS = {
    "due": SortKey(Coalesce("next_due_date", Value(NO_DEADLINE_SOONEST_FIRST)), parse=parse_date),
    "-due": SortKey(Coalesce("next_due_date", Value(NO_DEADLINE_LATEST_FIRST)), descending=True, parse=parse_date),
    "received": SortKey(F("received_on"), parse=parse_date),
    "-received": SortKey(F("received_on"), descending=True, parse=parse_date),
    "reference": SortKey(F("reference")),
    "-reference": SortKey(F("reference"), descending=True),
}
# The list counts up to this many complaints and then says "more than": counting them all is what
# grows with the data (EXPLAIN on 100,000 complaints: a caseworker's full count reads every row).
LIST_COUNT_CAP = 1000
# The shortest search the trigram indexes can serve; shorter ones read the list in its order.
TRIGRAM = 3


def _pk(value):
    return getattr(value, "pk", value)


def _complaints_matching(*, user, filters: dict, today: dt.date) -> QuerySet[Complaint]:
    qs = visible_complaints(user)
    if filters.get("service_area"):
        qs = qs.filter(service_area_id=_pk(filters["service_area"]))
    if filters.get("procedure"):
        qs = qs.filter(procedure_id=_pk(filters["procedure"]))
    if filters.get("stage"):
        qs = qs.filter(current_stage_number=filters["stage"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("handler"):
        qs = qs.filter(handler_id=_pk(filters["handler"]))
    if filters.get("received_from"):
        qs = qs.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(received_on__lte=filters["received_to"])
    due = filters.get("due")
    if due:
        qs = qs.filter(status=ComplaintStatus.OPEN, next_due_date__isnull=False)
        if due == "overdue":
            qs = qs.filter(next_due_date__lt=today)
        elif due in ("5", "20"):
            horizon = add_working_days(today, int(due), default_non_working_around(today))
            qs = qs.filter(next_due_date__gte=today, next_due_date__lte=horizon)
    q = (filters.get("q") or "").strip()
    if q:
        # A reference typed in full is also found by "contains"; on PostgreSQL trigram indexes
        # (migration 0006) serve all three.
        qs = qs.filter(
            Q(reference__icontains=q) | Q(complainant_name__icontains=q) | Q(affected_person_name__icontains=q)
        )
    return qs


def complaint_sort(filters: dict) -> SortKey:
    return COMPLAINT_SORTS.get(filters.get("sort") or "due", COMPLAINT_SORTS["due"])


def complaint_list(*, user, filters: dict, today: dt.date) -> QuerySet[Complaint]:
    """All complaints the user may see, filtered and sorted by plain query parameters."""
    return (
        _complaints_matching(user=user, filters=filters, today=today)
        .select_related("procedure", "service_area", "handler")
        .annotate(sort_key=complaint_sort(filters).expression)
        .order_by(*complaint_sort(filters).ordering())
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the list's filters offer, each as (id, label) in the order the page lists them."""

    service_areas: list[tuple[int, str]]
    procedures: list[tuple[int, str]]
    handlers: list[tuple[int, str]]


STAFF_GROUPS = tuple(ROLE_GROUP_NAMES[role] for role in ROLE_PRECEDENCE)


def complaint_filter_choices(*, user) -> FilterChoices:
    """The list's filter options in one query: the user's service areas (every area for a
    complaints admin), every procedure, and the active people with a role in those areas
    (complaints.views._staff_in), each person once, by name. Kept in the cache for the same
    areas until a person, area or procedure changes (CHOICES_VERSION_KEY).

    Raw SQL: as three ORM queries, building them took several times longer than running them."""
    every_area = is_complaints_admin(user)
    areas = [] if every_area else service_area_ids(user)
    remembered = remember(
        CHOICES_VERSION_KEY, f"complaints:filter-choices:{int(every_area)}:{','.join(map(str, areas))}"
    )
    if remembered.value is None:
        remembered.keep(_read_filter_choices(every_area=every_area, areas=areas))
    return remembered.value


def _read_filter_choices(*, every_area: bool, areas: list[int]) -> FilterChoices:
    sql = _filter_choices_sql(every_area=every_area, areas=len(areas))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*areas, *STAFF_GROUPS, *areas])
        found = cursor.fetchall()
    choices = FilterChoices([], [], [])
    lists = (choices.service_areas, choices.procedures, choices.handlers)
    for kind, pk, name, last_name, username in found:
        # A person as User.__str__ writes them: the full name, else the username.
        label = (f"{name} {last_name}".strip() or username) if kind == 2 else name
        lists[kind].append((pk, label))
    return choices


FILTER_CHOICES_SQL = """
SELECT 0, a.id, a.name, '', '' FROM {area} a {area_is_mine}
UNION ALL
SELECT 1, p.id, p.name, '', '' FROM {procedure} p
UNION ALL
SELECT 2, u.id, u.first_name, u.last_name, u.username FROM {user} u
WHERE u.is_active
  AND EXISTS (SELECT 1 FROM {user_groups} ug JOIN {group} g ON g.id = ug.{group_id}
              WHERE ug.{groups_user_id} = u.id AND g.name IN ({staff_groups}))
  AND EXISTS (SELECT 1 FROM {user_areas} ua WHERE ua.{areas_user_id} = u.id {membership_is_mine})
ORDER BY 1, 3, 4, 5
"""


@lru_cache(maxsize=64)
def _filter_choices_sql(*, every_area: bool, areas: int) -> str:
    """FILTER_CHOICES_SQL with the tables' names and a placeholder per area (none for an admin)."""
    qn = connection.ops.quote_name
    groups, memberships = User._meta.get_field("groups"), User._meta.get_field("service_areas")
    in_areas = f"IN ({', '.join(['%s'] * areas) or 'NULL'})"
    return FILTER_CHOICES_SQL.format(
        area=qn(ServiceArea._meta.db_table),
        procedure=qn(Procedure._meta.db_table),
        user=qn(User._meta.db_table),
        group=qn(groups.remote_field.model._meta.db_table),
        user_groups=qn(groups.m2m_db_table()),
        group_id=qn(groups.m2m_reverse_name()),
        groups_user_id=qn(groups.m2m_column_name()),
        staff_groups=", ".join(["%s"] * len(STAFF_GROUPS)),
        user_areas=qn(memberships.m2m_db_table()),
        areas_user_id=qn(memberships.m2m_column_name()),
        area_is_mine="" if every_area else f"WHERE a.id {in_areas}",
        membership_is_mine="" if every_area else f"AND ua.{qn(memberships.m2m_reverse_name())} {in_areas}",
    )


# What the API's list serializes of a complaint (api.serializers.ComplaintListSerializer); the
# rest stays unread.
LIST_COLUMNS = (
    "reference",
    "is_restricted",
    "status",
    "complainant_name",
    "current_stage_number",
    "received_on",
    "next_due_date",
    "next_due_label",
    "service_area__name",
    "procedure__name",
    "procedure__number_of_stages",
    "handler__first_name",
    "handler__last_name",
    "handler__username",
)


def complaint_list_page(
    *,
    user,
    filters: dict,
    today: dt.date,
    size: int,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
) -> Page:
    """One page of the complaint list as complaints (the API's), in two queries whatever the page or
    the number of complaints: the first page, the page after or before a row (Next, Previous), or
    the last page."""
    return _list_page(
        user=user,
        filters=filters,
        today=today,
        size=size,
        after=after,
        before=before,
        last=last,
        fetch=lambda qs: list(qs.select_related("procedure", "service_area", "handler").only(*LIST_COLUMNS)),
    )


def complaint_table_page(
    *,
    user,
    filters: dict,
    today: dt.date,
    size: int,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
) -> Page:
    """The same page as `complaint_list_page`, as the ComplaintRows the list page shows."""
    return _list_page(
        user=user,
        filters=filters,
        today=today,
        size=size,
        after=after,
        before=before,
        last=last,
        fetch=lambda qs: complaint_rows(qs, keyed=True),
    )


def _list_page(*, user, filters: dict, today: dt.date, size: int, after, before, last: bool, fetch) -> Page:
    matching = _complaints_matching(user=user, filters=filters, today=today)
    sort = complaint_sort(filters)
    # What the filters match is kept (complaints changed: a new version) rather than counted again
    # for every page: for a search, the ids of the matches; otherwise their number.
    remembered = _remembered_matches(user=user, filters=filters, today=today)
    counted = None
    if len((filters.get("q") or "").strip()) >= TRIGRAM:
        sort = sort.unindexed()
        # A search reads each complaint its trigram indexes find from the table, to check it: once
        # to count the matches and again for the page. Reading the matches' ids rather than their
        # number in the first pass lets the page read its rows by id (one pass instead of two).
        # Those ids are the complaints this user may see that match: the page needs no other check.
        ids = remembered.value
        if ids is None:
            ids = list(matching.order_by().values_list("pk", flat=True)[: LIST_COUNT_CAP + 1])
            remembered.keep(ids)
        counted = len(ids)
        if counted <= LIST_COUNT_CAP:
            matching = Complaint.objects.filter(pk__in=ids)
    else:
        counted = remembered.value
    page = keyset_page(
        matching,
        sort=sort,
        size=size,
        count_cap=LIST_COUNT_CAP,
        after=after,
        before=before,
        last=last,
        counted=counted,
        fetch=fetch,
    )
    if remembered.value is None:
        remembered.keep(LIST_COUNT_CAP + 1 if page.more_than else page.count)
    annotate_due(page.rows, today=today)
    return page


# The list's count and filter options are kept in the cache, each with the version of what it was
# counted or read from; a change to any complaint (complaints.signals) moves LIST_VERSION_KEY on, a
# change to a person, their roles or areas, a service area or a procedure moves CHOICES_VERSION_KEY
# on, so neither is ever shown out of date. Paging through a list, or coming back to it, then
# counts it once instead of on every page.
LIST_VERSION_KEY = "complaints:list-version"
CHOICES_VERSION_KEY = "complaints:filter-choices-version"


def _remembered_matches(*, user, filters: dict, today: dt.date) -> Remembered:
    """What the complaints the user may see that match the filters came to when last read, for
    the current version of the complaints, if the cache has it: the ids of a search's matches,
    else their count (either up to LIST_COUNT_CAP + 1). The key holds everything that depends on:
    who is asking (what `visible_q` reads), the filters but the order, today (the "due" filters)
    and the cap."""
    chosen = sorted((name, _pk(value)) for name, value in filters.items() if name != "sort" and value not in (None, ""))
    key = digest(access_scope(user), chosen, today, LIST_COUNT_CAP)
    return remember(LIST_VERSION_KEY, f"complaints:list-matches:{key}")


def readable_change(value):
    """Timeline values are stored as ISO text and codes; show them as the rest of the page does."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return f"{dt.date.fromisoformat(value):%-d %b %Y}"
        except ValueError:
            pass
    if isinstance(value, str) and value.islower() and "_" in value:
        return value.replace("_", " ").capitalize()
    return value


def complaint_version(complaint: Complaint) -> int:
    """The complaint's newest timeline entry (0 if none): every change to a complaint, its stages,
    actions or documents records one (`services._record`, `retention`), so anything built from the
    complaint under an older entry is out of date."""
    return complaint.events.order_by("-id").values_list("id", flat=True).first() or 0


def complaint_page(*, complaint: Complaint, today: dt.date) -> dict:
    """Everything the complaint page shows, in the same few queries however much the complaint holds.

    One query per kind of row (stages, extensions, clock stops, points with their outcomes,
    signposting, actions, documents, timeline); rows that point back at a stage or a point are
    joined to the ones already loaded, in Python, rather than fetched again.
    """
    stages = list(
        complaint.stages.select_related("rule__procedure_stage", "handler", "escalation_request")
        .prefetch_related(
            Prefetch("extensions", queryset=Extension.objects.select_related("approved_by")),
            "clock_stops",
        )
        .order_by("number")
    )
    by_id = {stage.pk: stage for stage in stages}
    points, outcomes = _points_and_outcomes(complaint)
    # Only an open stage has deadlines to count; a closed complaint needs no bank holidays.
    open_stages = any(stage.is_open for stage in stages)
    non_working = non_working_days_around(calendar=complaint.procedure.calendar, day=today) if open_stages else None
    for stage in stages:
        stage.complaint = complaint
        stage.outcomes_by_point = outcomes.get(stage.pk, [])
        stage.ack_info = (
            DueInfo(stage.acknowledge_due, days_left(stage.acknowledge_due, today=today, non_working=non_working))
            if stage.acknowledge_due and not stage.acknowledged_on and stage.is_open
            else None
        )
        due = stage.agreed_response_on or stage.response_due
        stage.response_info = (
            DueInfo(due, days_left(due, today=today, non_working=non_working))
            if not stage.responded_on and stage.is_open
            else None
        )
        stage.responded_in_time = bool(stage.responded_on and stage.responded_on <= due)
        stage.clock_running_stop = next((s for s in stage.clock_stops.all() if s.restarted_on is None), None)
    signpostings = list(complaint.signpostings.all())
    actions = list(complaint.actions.select_related("owner").order_by("due_on", "id"))
    for row in (*signpostings, *actions):
        row.stage = by_id[row.stage_id]
    events = list(complaint.events.select_related("actor").order_by("-at", "-id")[:200])
    for event in events:
        # Written out here rather than by template filters: the timeline may hold 200 entries.
        at = timezone.localtime(event.at)
        event.when = f"{at.day} {at:%b %Y, %H:%M}"
        event.change_rows = [
            (name.replace("_", " ").capitalize(), readable_change(old) or "(none)", readable_change(new) or "(none)")
            for name, (old, new) in event.changes.items()
            if old != new
        ]
    return {
        "stages": stages,
        "current_stage": stages[-1] if stages else None,
        "points": points,
        "actions": actions,
        "signpostings": signpostings,
        "documents": list(complaint.documents.select_related("uploaded_by")),
        "events": events,
    }


def _points_and_outcomes(complaint: Complaint) -> tuple[list[ComplaintPoint], dict[int, list[PointOutcome]]]:
    """The complaint's points in order, and each stage's outcome for each point, in one query.

    A LEFT JOIN from the points to their outcomes: a point not yet answered comes once, with
    no outcome; a point answered at two stages comes twice.
    """
    points: dict[int, ComplaintPoint] = {}
    outcomes: dict[int, list[PointOutcome]] = {}
    rows = complaint.points.order_by("number", "outcomes__stage_id").values_list(
        "id", "number", "text", "outcomes__id", "outcomes__stage_id", "outcomes__outcome"
    )
    for point_id, number, text, outcome_id, stage_id, outcome in rows:
        point = points.get(point_id)
        if point is None:
            point = points[point_id] = ComplaintPoint(id=point_id, complaint=complaint, number=number, text=text)
        if outcome_id is not None:
            outcomes.setdefault(stage_id, []).append(
                PointOutcome(id=outcome_id, stage_id=stage_id, point=point, outcome=outcome)
            )
    return list(points.values()), outcomes


DUE_COUNTS_SQL = """
SELECT COUNT(*) FILTER (WHERE next_due_date < %s), COUNT(*) FILTER (WHERE next_due_date BETWEEN %s AND %s)
FROM ({open_visible}) AS open_visible
"""


def complaint_due_counts(*, user, today: dt.date) -> dict:
    """How many open complaints in the user's view are overdue, and due in the next 5 working days."""
    horizon = add_working_days(today, 5, default_non_working_around(today))
    # Kept until a complaint changes (LIST_VERSION_KEY), like the list's counts.
    kept = remember(LIST_VERSION_KEY, f"complaints:due-counts:{digest(access_scope(user), today, horizon)}")
    if kept.value is None:
        sql, params = scoped_sql(
            user,
            "complaint_due_counts",
            lambda: (
                visible_complaints(user)
                .filter(status=ComplaintStatus.OPEN, next_due_date__isnull=False)
                .order_by()
                .values("next_due_date")
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(DUE_COUNTS_SQL.format(open_visible=sql), [today, today, horizon, *params])
            kept.keep(cursor.fetchone())
    overdue_count, due_soon_count = kept.value
    return {"overdue_count": overdue_count, "due_soon_count": due_soon_count, "horizon": horizon}


def admin_overview(*, today: dt.date) -> dict:
    """A complaints admin's home: procedures with their current rules and suspensions."""
    procedures = list(Procedure.objects.select_related("calendar").prefetch_related("stages").order_by("name"))
    suspensions = list(
        StageSuspension.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("procedure_stage__procedure")
        .order_by("starts_on")
    )
    open_count = Complaint.objects.filter(status=ComplaintStatus.OPEN).count()
    return {"procedures": procedures, "suspensions": suspensions, "open_count": open_count, "today": today}


def procedure_rules(*, today: dt.date) -> list[Procedure]:
    """Each procedure with its stages, every rule version (newest first) and suspensions."""
    procedures = list(
        Procedure.objects.select_related("calendar")
        .prefetch_related("stages__rules", "stages__suspensions")
        .order_by("name")
    )
    for procedure in procedures:
        for stage in procedure.stages.all():
            versions = sorted(stage.rules.all(), key=lambda r: r.effective_from, reverse=True)
            stage.versions = versions
            stage.current_rule = next((r for r in versions if r.effective_from <= today), None)
            stage.current_suspension = next(
                (
                    s
                    for s in stage.suspensions.all()
                    if s.starts_on <= today and (s.ends_on is None or s.ends_on >= today)
                ),
                None,
            )
    return procedures


def open_stage_for(complaint: Complaint) -> ComplaintStage | None:
    return complaint.stages.filter(status__in=OPEN_STAGE_STATUSES).first()


def handler_choices(*, complaint: Complaint):
    """People who may handle a stage: staff in the complaint's service area with a role."""
    from accounts.models import User

    return (
        User.objects.filter(is_active=True, service_areas=complaint.service_area)
        .filter(groups__name__in=["Caseworker", "Manager", "Complaints admin"])
        .distinct()
        .order_by("first_name", "last_name")
    )


def subject_access_matches(*, q: str) -> QuerySet[Complaint]:
    """Every complaint naming a person as complainant, person affected or representative.

    For a subject access request: unscoped by service area (complaints admins only), and every
    restricted complaint shown is logged as opened."""
    q = q.strip()
    if len(q) < 3:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(
            Q(complainant_name__icontains=q)
            | Q(complainant_email__iexact=q)
            | Q(affected_person_name__icontains=q)
            | Q(representative_name__icontains=q)
        )
        .select_related("procedure", "service_area", "category", "handler")
        .order_by("received_on", "id")
    )
