"""The one place that decides what a signed-in user may see and do.

Rules (role × service area × restricted flag × assignment):

- A complaints admin sees everything that is not restricted, in every service area.
- A manager sees everything that is not restricted in their service areas.
- A caseworker sees what is not restricted in their service areas, and anything assigned to them.
- A restricted record (e.g. about a child) is seen only by the people named on it, whatever
  their role. Naming the handler is the services' job, so a handler never loses their case.

Domain apps describe where these facts live on their model with an `AccessPath`, and both their
list and their detail selectors filter through `visible_q`, so a list never shows an item whose
page the same user cannot open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db.models import F, Q
from django.db.models.lookups import In
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from accounts.models import ROLE_GROUP_NAMES, ROLE_PRECEDENCE, Role, User


def role_of(user) -> Role | None:
    """The widest role a user holds; superusers count as complaints admins. Cached per request."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_role_cache", "unset")
    if cached != "unset":
        return cached
    role = _widest_role(user, set(user.groups.values_list("name", flat=True)))
    user._role_cache = role
    return role


def _widest_role(user, group_names) -> Role | None:
    if user.is_superuser:
        return Role.COMPLAINTS_ADMIN
    for candidate in ROLE_PRECEDENCE:
        if ROLE_GROUP_NAMES[candidate] in group_names:
            return candidate
    return None


def remember(user, *, group_names, service_area_ids) -> None:
    """Keep a user's roles and service areas, loaded with the user, for the rest of the request."""
    user._role_cache = _widest_role(user, set(group_names))
    user._service_area_ids_cache = list(service_area_ids)


def is_complaints_admin(user) -> bool:
    return role_of(user) == Role.COMPLAINTS_ADMIN


def is_manager(user) -> bool:
    """Managers and complaints admins may do what a manager may (e.g. extend past the cap)."""
    return role_of(user) in (Role.MANAGER, Role.COMPLAINTS_ADMIN)


def service_area_ids(user) -> list[int]:
    """Ids of the service areas a user belongs to. Cached per request."""
    cached = getattr(user, "_service_area_ids_cache", None)
    if cached is None:
        cached = list(user.service_areas.values_list("id", flat=True))
        user._service_area_ids_cache = cached
    return cached


@dataclass(frozen=True)
class AccessPath:
    """Where the access facts live on a model, as ORM lookups from that model."""

    service_area: str = "service_area"
    restricted: str = "is_restricted"
    named_users: str = "named_users"
    assigned: tuple[str, ...] = field(default_factory=tuple)
    # Other service areas that also bring a row into a user's areas (e.g. a recommendation's area).
    other_service_areas: tuple[str, ...] = field(default_factory=tuple)


class _InFewIds(In):
    """`pk IN (subquery)` for a subquery of a few ids (the rows naming or assigned to one user).

    On PostgreSQL written `pk = ANY(ARRAY(subquery))`: the subquery runs once, first, and its ids
    are an index condition, so a visibility filter `(unrestricted AND in my areas) OR named` reads
    the two indexes and combines them (a BitmapOr), where `IN (subquery)` is a filter tested on
    every row the rest of the query reads (e.g. every open complaint, not only those in my areas).
    Elsewhere (SQLite) the plain `IN`."""

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql":
            return f"= ANY(ARRAY{rhs})"
        return super().get_rhs_op(connection, rhs)


def _pk_in(model, lookup: str, user) -> Q:
    # A local foreign key is a plain filter; across a relation, a subquery rather than a join,
    # so a row named or assigned many times is listed once.
    if "__" not in lookup and not model._meta.get_field(lookup).many_to_many:
        return Q(**{lookup: user})
    return Q(_InFewIds(F("pk"), _related_pks(model, lookup, user).query))


def _related_pks(model, lookup: str, value):
    """A subquery of the ids of `model` rows whose `lookup` matches `value`.

    Through a reverse foreign key (e.g. a case's `recommendations__owner`) it reads the related
    table alone (the recommendations' case ids), not that table joined back to every row of
    `model`: the same rows, without a pass over the whole of `model` in each query."""
    relation, _, rest = lookup.partition("__")
    field = model._meta.get_field(relation)
    if rest and field.one_to_many:
        return field.related_model._default_manager.filter(**{rest: value}).values(field.field.attname)
    return model._default_manager.filter(**{lookup: value}).values("pk")


def visible_q(user, model, path: AccessPath) -> Q:
    """A filter on `model` matching exactly the rows this user may open (see the module docstring)."""
    role = role_of(user)
    if role is None:
        return Q(pk__in=[])
    named = _pk_in(model, path.named_users, user)
    unrestricted = Q(**{path.restricted: False})
    if role == Role.COMPLAINTS_ADMIN:
        return unrestricted | named
    areas = service_area_ids(user)
    mine = Q(**{f"{path.service_area}__in": areas})
    for lookup in path.other_service_areas:
        mine |= Q(pk__in=_related_pks(model, f"{lookup}__in", areas))
    if role == Role.CASEWORKER:
        for lookup in path.assigned:
            mine |= _pk_in(model, lookup, user)
    return (unrestricted & mine) | named


def may_open(
    user, *, service_area_ids_of_record, restricted: bool, assigned: bool = False, named: bool = False
) -> bool:
    """`visible_q`'s rule for one record from facts already read: its service areas (its own and
    any `other_service_areas`), its restricted flag, whether it is assigned to the user (one of the
    path's `assigned` lookups) and whether the user is named on it.

    For bulk checks over many people and records at once (digest batches), where a `visible_q`
    query per person costs more to plan than to run. Load the people with `prime_access` first.
    reminders/tests/test_digest_batches.py holds this and `visible_q` to the same answers."""
    role = role_of(user)
    if role is None:
        return False
    if named:
        return True
    if restricted:
        return False
    if role == Role.COMPLAINTS_ADMIN:
        return True
    if not set(service_area_ids(user)).isdisjoint(service_area_ids_of_record):
        return True
    return role == Role.CASEWORKER and assigned


def prime_access(users) -> None:
    """Read the roles and service areas of many users in two queries (see `remember`), so that
    `role_of`, `service_area_ids` and `may_open` ask the database nothing more for them."""
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
        remember(user, group_names=groups[user.pk], service_area_ids=sorted(areas[user.pk]))


_SCOPED_SQL: dict[tuple, tuple[str, tuple]] = {}


def access_scope(user) -> tuple:
    """What `visible_q` reads of the user (besides the records themselves): who they are, their
    role and their service areas. A value built from visible records is kept under it."""
    return (user.pk, role_of(user), tuple(service_area_ids(user)))


def scoped_sql(user, name, build) -> tuple[str, tuple]:
    """The SQL and parameters of the queryset `build()` gives, a query scoped through `visible_q`,
    compiled by the ORM once per process: for the small counts of a dashboard, building such a
    query cost more than running it. Its SQL depends on the user, their role and their service
    areas (what `visible_q` reads), all in the key, and on `name`, which must hold every other value the
    query is built from."""
    key = (name, *access_scope(user))
    found = _SCOPED_SQL.get(key)
    if found is None:
        if len(_SCOPED_SQL) >= 2000:
            _SCOPED_SQL.clear()
        found = _SCOPED_SQL[key] = build().query.sql_with_params()
    return found


def can_see_service_area(user, service_area_id: int) -> bool:
    return is_complaints_admin(user) or service_area_id in service_area_ids(user)


# Service navigation per role: (text, url name). Only pages that exist are listed.
NAVIGATION = {
    Role.CASEWORKER: [
        ("My work", "home"),
        ("Complaints", "complaints:list"),
        ("Log a complaint", "complaints:create"),
        ("Online complaints", "intake:queue"),
        ("Ombudsman cases", "ombudsman_cases:list"),
        ("My reminders", "reminders:mine"),
    ],
    Role.MANAGER: [
        ("Overdue and due soon", "home"),
        ("Complaints", "complaints:list"),
        ("Online complaints", "intake:queue"),
        ("Ombudsman cases", "ombudsman_cases:list"),
        ("My reminders", "reminders:mine"),
        ("Reports", "reports:index"),
    ],
    Role.COMPLAINTS_ADMIN: [
        ("Rules and users", "home"),
        ("Complaints", "complaints:list"),
        ("Online complaints", "intake:queue"),
        ("Ombudsman cases", "ombudsman_cases:list"),
        ("Overdue and due soon", "ombudsman_cases:overdue"),
        ("Reports", "reports:index"),
    ],
}


def navigation_for(user, current_path: str) -> list[dict]:
    """Service navigation items for the user's role; the most specific match is the current page."""
    role = role_of(user)
    if role is None:
        return []
    links = _navigation_links(role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    items = [{"text": text, "href": href, "active": False} for text, href in links]
    matches = [
        i for i in items if current_path == i["href"] or (i["href"] != "/" and current_path.startswith(i["href"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["href"]))["active"] = True
    return items


@lru_cache(maxsize=64)
def _navigation_links(role: Role, script_prefix: str, urlconf: str) -> tuple[tuple[str, str], ...]:
    """(text, href) of a role's navigation: reversed once per process, not on every page."""
    links = []
    for text, url_name in [*NAVIGATION.get(role, []), ("Change password", "accounts:password_change")]:
        try:
            links.append((text, reverse(url_name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(links)
