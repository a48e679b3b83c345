"""Reads of the obligation register and reminders, scoped by the one access rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value

from accounts.access import AccessPath, visible_q
from accounts.models import ROLE_GROUP_NAMES, ROLE_PRECEDENCE, Role, User
from reminders.models import Digest, Obligation, Reminder

# Milestones that put someone else's item on a person's list (they were told because it is overdue).
ESCALATED = ["manager", "escalation"]
# Users per visibility query: each is one SELECT of a UNION ALL (SQLite allows 500).
VISIBILITY_CHUNK = 100

OBLIGATION_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="ombudsman_case__named_users",
    assigned=("owner",),
)
COMPLAINT_OBLIGATION_ACCESS = AccessPath(
    service_area="service_area",
    restricted="is_restricted",
    named_users="complaint__named_users",
    assigned=("owner",),
)


def visible_obligations(user) -> QuerySet[Obligation]:
    """Obligations whose case or complaint the user may open: lists never show what the page hides."""
    return Obligation.objects.filter(
        visible_q(user, Obligation, OBLIGATION_ACCESS) | visible_q(user, Obligation, COMPLAINT_OBLIGATION_ACCESS)
    )


def items_for(user, *, today: dt.date) -> list[Obligation]:
    """Everything open that has been reminded to this person: the digest's list and their page's."""
    from complaints.selectors import annotate_due

    if user is None:
        return []
    reminded = Reminder.objects.filter(obligation=OuterRef("pk"), recipient=user)
    escalated_to_me = reminded.filter(milestone__in=ESCALATED)
    rows = list(
        visible_obligations(user)
        .filter(done_on__isnull=True)
        # Mine while I own it (a reassigned item leaves the old owner's list), or escalated to me.
        .filter((Q(owner=user) & Exists(reminded)) | Exists(escalated_to_me))
        .select_related("service_area", "owner")
        .order_by("due_on", "id")
    )
    return annotate_due(rows, today=today, attr="due_on")


def prime_access(users: Iterable) -> None:
    """Read the roles and service areas of many users in two queries, for `visible_q`.

    Fills the per-user caches that `accounts.access.role_of` and `service_area_ids` would fill
    one user at a time, with the same rule: a superuser is a complaints admin, else the widest
    role whose group the user is in."""
    users = [u for u in users if getattr(u, "_role_cache", "unset") == "unset"]
    if not users:
        return
    ids = [u.pk for u in users]
    groups, areas = defaultdict(set), defaultdict(list)
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list("user_id", "group__name"):
        groups[user_id].add(name)
    for user_id, area_id in User.service_areas.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "servicearea_id"
    ):
        areas[user_id].append(area_id)
    for user in users:
        names = groups[user.pk]
        user._role_cache = (
            Role.COMPLAINTS_ADMIN
            if user.is_superuser
            else next((role for role in ROLE_PRECEDENCE if ROLE_GROUP_NAMES[role] in names), None)
        )
        user._service_area_ids_cache = sorted(areas[user.pk])


def visible_pairs(wanted: dict) -> set[tuple[int, int]]:
    """(user id, obligation id) for each wanted obligation its user may open, by `visible_obligations`.

    `wanted` maps users to obligation ids. One UNION ALL query per VISIBILITY_CHUNK users (plus
    two to read their roles and areas), however many users and items."""
    users = [u for u, ids in wanted.items() if ids]
    prime_access(users)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(users), VISIBILITY_CHUNK):
        parts = [
            visible_obligations(user)
            .filter(pk__in=sorted(wanted[user]))
            .order_by()
            .annotate(user_id=Value(user.pk, output_field=IntegerField()))
            .values_list("user_id", "pk")
            for user in users[start : start + VISIBILITY_CHUNK]
        ]
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        pairs.update(query)
    return pairs


def digest_lists(digests: list[Digest]) -> dict[int, dict]:
    """What each digest lists, in the same few queries for any number of digests and items.

    - "new": the digest's reminders whose record the recipient may open;
    - "hidden": its reminders of restricted records the recipient may not open: escalated to
      them all the same, but shown without title or link (only that it exists, when it was due
      and whom to ask);
    - "others": every other open item reminded to the person (as on their reminders page,
      `items_for`). A mailbox gets its new reminders only.
    """
    new: dict[int, list[Reminder]] = {d.pk: [] for d in digests}
    for reminder in (
        Reminder.objects.filter(digest_id__in=list(new))
        .select_related("obligation__service_area", "obligation__owner")
        .order_by("obligation__due_on", "id")
    ):
        new[reminder.digest_id].append(reminder)
    users = {d.recipient_id: d.recipient for d in digests if d.recipient_id}
    reminded: dict[int, set[int]] = defaultdict(set)
    if users:
        # The person's open items, as items_for: theirs while they own it, or escalated to them.
        for user_id, obligation_id in (
            Reminder.objects.filter(recipient_id__in=list(users), obligation__done_on__isnull=True)
            .filter(Q(obligation__owner_id=F("recipient_id")) | Q(milestone__in=ESCALATED))
            .order_by()
            .values_list("recipient_id", "obligation_id")
            .distinct()
        ):
            reminded[user_id].add(obligation_id)
    wanted = {user: set(reminded[user_id]) for user_id, user in users.items()}
    for d in digests:
        if d.recipient_id:
            wanted[users[d.recipient_id]].update(r.obligation_id for r in new[d.pk])
    visible = visible_pairs(wanted)
    other_ids = {o for user_id, ids in reminded.items() for o in ids if (user_id, o) in visible}
    others_by_id = (
        Obligation.objects.filter(pk__in=sorted(other_ids)).select_related("service_area", "owner").in_bulk()
        if other_ids
        else {}
    )
    lists = {}
    for d in digests:
        reminders = new[d.pk]
        if not d.recipient_id:
            lists[d.pk] = {"new": reminders, "others": [], "hidden": []}
            continue
        new_ids = {r.obligation_id for r in reminders}
        others = [
            others_by_id[o]
            for o in reminded[d.recipient_id]
            if o not in new_ids and (d.recipient_id, o) in visible and o in others_by_id
        ]
        lists[d.pk] = {
            "new": [r for r in reminders if (d.recipient_id, r.obligation_id) in visible],
            "others": sorted(others, key=lambda o: (o.due_on, o.pk)),
            "hidden": [r for r in reminders if (d.recipient_id, r.obligation_id) not in visible],
        }
    return lists


def delivery_log(*, status: str = "") -> QuerySet[Digest]:
    qs = Digest.objects.select_related("recipient").order_by("-day", "-id")
    return qs.filter(status=status) if status else qs
