"""The one small-numbers rule for every published table and its CSV (DOMAIN.md §6, "Small numbers").

A figure built from 1 to 4 complaints could identify someone when a report names a service,
a stage and a period, so it is shown as "fewer than 5":

- a count of 1 to 4 is "fewer than 5"; 0 is shown as 0 (nobody can be identified by it) and
  5 or more as the number;
- a rate is shown only when both its numerator and its denominator are 0 or at least 5 (a
  percentage of a known total gives the numerator away); an average, median or sum only when
  the count it is built from is 0 or at least 5; otherwise the cell says "fewer than 5";
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


Base = int | tuple | None


def _bases(base: Base) -> tuple:
    if base is None:
        return ()
    return base if isinstance(base, tuple) else (base,)


def is_suppressed(base: Base) -> bool:
    """True when a figure built from `base` items (or from several counts, a tuple) must not be shown."""
    return any(b is not None and 0 < b < THRESHOLD for b in _bases(base))


def published(value, *, base: Base = None, fmt: Callable = str, empty: str = NOTHING) -> str:
    """A figure as a published table shows it.

    `base` is the number of items the figure is built from (a count is its own base); a rate
    passes its numerator and denominator as a tuple, since either could give the other away.
    `fmt` formats a figure that may be shown; `empty` is what a figure with nothing to measure
    shows (a rate with no responses, for example).
    """
    if base is None and isinstance(value, int):
        base = value
    if is_suppressed(base):
        return FEWER_THAN
    if value is None:
        return empty
    return fmt(value)


def change(
    current,
    previous,
    *,
    current_base: Base = None,
    previous_base: Base = None,
    unit: str = "",
    fmt: Callable | None = None,
) -> str:
    """The change from the previous period in words ("up 3", "down 2.5 points", "no change").

    Words rather than a sign or a colour, so it reads the same printed in black and white.
    """
    if current_base is None and isinstance(current, int):
        current_base = current
    if previous_base is None and isinstance(previous, int):
        previous_base = previous
    if is_suppressed(current_base) or is_suppressed(previous_base):
        return NOT_SHOWN
    if current is None or previous is None:
        return "no comparison"
    difference = Decimal(current) - Decimal(previous)
    if difference == 0:
        return "no change"
    amount = abs(difference)
    if fmt is not None:
        amount_text = fmt(amount)
    else:
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
