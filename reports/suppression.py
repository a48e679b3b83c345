"""The one small-numbers rule for every published table and its CSV (DOMAIN.md §6, "Small numbers").

A figure built from 1 to 4 complaints could identify someone when a report names a service,
a stage and a period, so it is shown as "fewer than 5":

- a count of 1 to 4 is "fewer than 5"; 0 is shown as 0 (nobody can be identified by it) and
  5 or more as the number;
- a rate, average, median or sum is shown only when the count it is built from (its base) is
  0 or at least 5, and otherwise as "fewer than 5";
- a change against the previous period is shown only when both figures are shown, because a
  change from a hidden figure gives it away.

Every published cell on a page and in its CSV goes through `published()` or `change()`, so the
page and the export always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
NOT_SHOWN = "not shown"
NOTHING = "none"


def is_suppressed(base: int | None) -> bool:
    """True when a figure built from `base` items must not be shown."""
    return base is not None and 0 < base < THRESHOLD


def published(value, *, base: int | None = None, fmt: Callable = str, empty: str = NOTHING) -> str:
    """A figure as a published table shows it.

    `base` is the number of items the figure is built from (a count is its own base). `fmt`
    formats a figure that may be shown; `empty` is what a figure with nothing to measure shows
    (a rate with no responses, for example).
    """
    if base is None:
        base = value if isinstance(value, int) else None
    if is_suppressed(base):
        return FEWER_THAN
    if value is None:
        return empty
    return fmt(value)


def change(current, previous, *, current_base: int | None = None, previous_base: int | None = None, unit: str = "") -> str:
    """The change from the previous period in words ("up 3", "down 2.5 points", "no change").

    Words rather than a sign or a colour, so it reads the same printed in black and white.
    """
    current_base = current if current_base is None and isinstance(current, int) else current_base
    previous_base = previous if previous_base is None and isinstance(previous, int) else previous_base
    if is_suppressed(current_base) or is_suppressed(previous_base):
        return NOT_SHOWN
    if current is None or previous is None:
        return "no comparison"
    difference = Decimal(current) - Decimal(previous)
    if difference == 0:
        return "no change"
    amount = abs(difference)
    amount_text = f"{amount:,.1f}" if amount != amount.to_integral_value() else f"{int(amount):,}"
    return f"{'up' if difference > 0 else 'down'} {amount_text}{unit}"


def percent_text(value) -> str:
    """83.0 -> "83%"; 82.5 -> "82.5%"."""
    value = Decimal(value)
    return f"{int(value)}%" if value == value.to_integral_value() else f"{value:.1f}%"


def days_text(value) -> str:
    value = Decimal(value)
    return f"{int(value)}" if value == value.to_integral_value() else f"{value:.1f}"


def money_text(value) -> str:
    return f"£{Decimal(value):,.2f}"
