"""Reads of the obligation register and reminders, scoped by the one access rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from accounts.access import AccessPath, may_open, prime_access, visible_q
from reminders.models import Digest, Obligation, Reminder

# What a digest shows of an item's owner (str(user)).
OWNER_NAME_FIELDS = ("first_name", "last_name", "username")
# Milestones that put someone else's item on a person's list (they were told because it is overdue).
ESCALATED = ["manager", "escalation"]

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


def visible_pairs(wanted: dict) -> set[tuple[int, int]]:
    """(user id, obligation id) for each wanted obligation its user may open.

    `wanted` maps users to obligation ids. The rule is `accounts.access.may_open` (the rule of
    `visible_q` with OBLIGATION_ACCESS or COMPLAINT_OBLIGATION_ACCESS, what `visible_obligations`
    filters by), evaluated on facts read in bulk (the users' roles and areas; the obligations'
    area, restricted flag and owner; who is named on their cases and complaints), so a batch
    of digests costs the same five queries however many people and items it has, where one
    `visible_obligations` query per person costs more to plan than to run.
    test_visible_pairs_agree_with_visible_obligations holds the two to the same answers.
    """
    users = [u for u, ids in wanted.items() if ids]
    if not users:
        return set()
    prime_access(users)
    # Each path's named_users is "<record>__<people>": read who is named from the records themselves.
    named_on = [path.named_users.split("__", 1) for path in (OBLIGATION_ACCESS, COMPLAINT_OBLIGATION_ACCESS)]
    facts = {
        pk: rest
        for pk, *rest in Obligation.objects.filter(pk__in=sorted(set().union(*wanted.values()))).values_list(
            "pk", "service_area", "is_restricted", "owner", *(record for record, _ in named_on)
        )
    }
    named = set()  # (record, record id, user id)
    for i, (record, people) in enumerate(named_on):
        record_ids = sorted({row[3 + i] for row in facts.values()} - {None})
        if record_ids:
            model = Obligation._meta.get_field(record).related_model
            named.update(
                (record, record_id, user_id)
                for record_id, user_id in model._default_manager.filter(
                    pk__in=record_ids, **{f"{people}__in": [u.pk for u in users]}
                ).values_list("pk", people)
            )
    pairs = set()
    for user in users:
        for pk in wanted[user]:
            if pk not in facts:
                continue
            area, restricted, owner, *record_ids = facts[pk]
            named_here = any(
                (record, record_id, user.pk) in named
                for (record, _), record_id in zip(named_on, record_ids, strict=True)
            )
            if may_open(
                user,
                service_area_ids_of_record=(area,),
                restricted=restricted,
                assigned=owner == user.pk,
                named=named_here,
            ):
                pairs.add((user.pk, pk))
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
    reminders = list(Reminder.objects.filter(digest_id__in=[d.pk for d in digests]))
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
    recipient_of = {d.pk: d.recipient_id for d in digests}
    for r in reminders:
        if recipient_of[r.digest_id]:
            wanted[users[recipient_of[r.digest_id]]].add(r.obligation_id)
    visible = visible_pairs(wanted)
    needed = {r.obligation_id for r in reminders}
    needed.update(o for user_id, ids in reminded.items() for o in ids if (user_id, o) in visible)
    obligations = (
        Obligation.objects.filter(pk__in=sorted(needed))
        .select_related("owner")
        .only(*(f.name for f in Obligation._meta.concrete_fields), *(f"owner__{f}" for f in OWNER_NAME_FIELDS))
        .in_bulk()
    )
    new: dict[int, list[Reminder]] = {d.pk: [] for d in digests}
    for r in reminders:
        r.obligation = obligations[r.obligation_id]
        new[r.digest_id].append(r)
    lists = {}
    for d in digests:
        mine = sorted(new[d.pk], key=lambda r: (r.obligation.due_on, r.pk))
        if not d.recipient_id:
            lists[d.pk] = {"new": mine, "others": [], "hidden": []}
            continue
        user_id = d.recipient_id
        new_ids = {r.obligation_id for r in mine}
        others = [obligations[o] for o in reminded[user_id] if o not in new_ids and (user_id, o) in visible]
        lists[d.pk] = {
            "new": [r for r in mine if (user_id, r.obligation_id) in visible],
            "others": sorted(others, key=lambda o: (o.due_on, o.pk)),
            "hidden": [r for r in mine if (user_id, r.obligation_id) not in visible],
        }
    return lists


def delivery_log(*, status: str = "") -> QuerySet[Digest]:
    qs = Digest.objects.select_related("recipient").order_by("-day", "-id")
    return qs.filter(status=status) if status else qs
