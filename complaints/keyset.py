"""Pages of a long sorted list by where they start, not by their number (keyset pagination).

A page is read from the key of the row just before it (Next) or just after it (Previous), and
the last page is the first page of the reversed order. Each is one index read of a page, so the
four-hundredth page costs what the first costs: OFFSET would read and throw away every row
before it. The total is counted only up to a cap: past it, "more than" is all a person needs,
and counting every row is the part of a list that grows with the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

# The key of a row in a URL: "<sort value>_<id>", e.g. "2026-12-03_48211".
CURSOR_SEPARATOR = "_"
MAX_CURSOR_LENGTH = 120


@dataclass(frozen=True)
class SortKey:
    """One way to sort a list: a key that is never NULL, its direction, and how to read it from a URL.

    Rows with the same key are ordered by id in the same direction, so every row has one place."""

    expression: Any
    descending: bool = False
    parse: Callable[[str], Any] = str

    def ordering(self, *, reverse: bool = False) -> list[str]:
        sign = "-" if self.descending != reverse else ""
        return [f"{sign}sort_key", f"{sign}pk"]

    def unindexed(self) -> SortKey:
        """The same order through an expression no index has. For a filter that finds few rows
        through an index of its own (a search): PostgreSQL then sorts those few rather than walk
        the sort's index, reading most rows to find a page of matches."""
        return replace(self, expression=Coalesce(self.expression, self.expression))


def parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@dataclass
class Page:
    rows: list
    has_previous: bool
    has_next: bool
    # How many rows the whole list has, counted up to the cap; `more_than` when there are more.
    count: int
    more_than: bool

    @property
    def start_cursor(self) -> str | None:
        return cursor_of(self.rows[0]) if self.rows else None

    @property
    def end_cursor(self) -> str | None:
        return cursor_of(self.rows[-1]) if self.rows else None


def cursor_of(row) -> str:
    value = row.sort_key
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f"{text}{CURSOR_SEPARATOR}{row.pk}"


def parse_cursor(raw: str | None, sort: SortKey) -> tuple[Any, int] | None:
    """A cursor from a URL as (key, id), or None when it is missing or not one we could have written."""
    if not raw or len(raw) > MAX_CURSOR_LENGTH or "\x00" in raw:
        return None
    value, separator, pk = raw.rpartition(CURSOR_SEPARATOR)
    if not separator or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    try:
        return sort.parse(value), int(pk)
    except (TypeError, ValueError):
        return None


def _beyond(cursor: tuple[Any, int], *, ascending: bool) -> Q:
    # "key > v OR (key = v AND id > i)", written so the first condition is an index range.
    value, pk = cursor
    if ascending:
        return Q(sort_key__gte=value) & (Q(sort_key__gt=value) | Q(pk__gt=pk))
    return Q(sort_key__lte=value) & (Q(sort_key__lt=value) | Q(pk__lt=pk))


def keyset_page(
    qs: QuerySet,
    *,
    sort: SortKey,
    size: int,
    count_cap: int,
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    counted: int | None = None,
    fetch: Callable[[QuerySet], list] = list,
) -> Page:
    """One page of `qs` in `sort` order: the first, the one after or before a cursor, or the last.

    One query whatever the page and the data size: the page's rows, each with the count of the
    whole list up to the cap (a subquery the database runs once); one more only when a cursor
    points past either end (a stale link), to show the end it points to. `counted` is that count
    (up to `count_cap + 1`) when the caller has it already. `fetch` reads the rows of a page's
    queryset (`list` by default): rows need `pk`, `sort_key` and `capped_count`."""
    if counted is None:
        sql, params = qs.order_by().values("pk")[: count_cap + 1].query.sql_with_params()
        capped_count = RawSQL(f"SELECT COUNT(*) FROM ({sql}) capped", params, output_field=IntegerField())
    else:
        capped_count = Value(counted, output_field=IntegerField())
    keyed = qs.annotate(sort_key=sort.expression, capped_count=capped_count)
    after_key, before_key = parse_cursor(after, sort), parse_cursor(before, sort)

    def read(*, cursor=None, backwards: bool) -> list:
        nonlocal counted
        rows = keyed
        if cursor is not None:
            rows = rows.filter(_beyond(cursor, ascending=sort.descending == backwards))
        rows = fetch(rows.order_by(*sort.ordering(reverse=backwards))[: size + 1])
        if rows and counted is None:
            counted = rows[0].capped_count
        return rows

    def last_page() -> tuple[bool, list]:
        rows = read(backwards=True)
        # When the count is exact, the last page holds what is left after the full pages before
        # it, so that Previous from it and Next from the first page meet the same pages.
        last_size = (counted % size or size) if counted and counted <= count_cap else size
        return len(rows) > last_size, rows[:last_size][::-1]

    if after_key is not None:
        rows = read(cursor=after_key, backwards=False)
        has_previous, has_next = True, len(rows) > size
        rows = rows[:size]
        if not rows:  # nothing after this row any more: show the last page
            has_next = False
            has_previous, rows = last_page()
    elif before_key is not None:
        rows = read(cursor=before_key, backwards=True)
        has_previous, has_next, rows = len(rows) > size, True, rows[:size][::-1]
        if not rows:  # nothing before this row any more: show the first page
            rows = read(backwards=False)
            has_previous, has_next, rows = False, len(rows) > size, rows[:size]
    elif last:
        has_next = False
        has_previous, rows = last_page()
    else:
        rows = read(backwards=False)
        has_previous, has_next = False, len(rows) > size
        rows = rows[:size]
    counted = counted or 0  # no row read: nothing matches
    return Page(
        rows=rows,
        has_previous=has_previous,
        has_next=has_next,
        count=min(counted, count_cap),
        more_than=counted > count_cap,
    )
