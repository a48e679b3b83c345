"""The one small-numbers rule for published tables (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.suppression import FEWER_THAN, change, money_text, percent_text, published


@pytest.mark.parametrize("n, shown", [(0, "0"), (1, FEWER_THAN), (4, FEWER_THAN), (5, "5"), (123, "123")])
def test_counts_of_1_to_4_are_fewer_than_5_and_5_is_5(n, shown):
    assert published(n) == shown


def test_a_rate_is_hidden_when_its_numerator_or_denominator_is_small():
    assert published(Decimal("83.3"), base=(6, 5), fmt=percent_text) == "83.3%"
    assert published(Decimal("50.0"), base=(6, 3), fmt=percent_text) == FEWER_THAN
    assert published(Decimal("100.0"), base=(4, 4), fmt=percent_text) == FEWER_THAN
    assert published(None, base=(0, 0), fmt=percent_text) == "none"


def test_a_sum_is_hidden_when_it_comes_from_fewer_than_5_items():
    assert published(Decimal("100"), base=1, fmt=money_text) == FEWER_THAN
    assert published(Decimal("1250.5"), base=7, fmt=money_text) == "£1,250.50"


@pytest.mark.parametrize(
    "current, previous, kwargs, words",
    [
        (8, 7, {}, "up 1"),
        (7, 8, {}, "down 1"),
        (7, 7, {}, "no change"),
        (8, 3, {}, "not shown"),
        (3, 8, {}, "not shown"),
        (0, 0, {}, "no change"),
        (
            Decimal("83.3"),
            Decimal("71.4"),
            {"current_base": (6, 5), "previous_base": (7, 5), "unit": " points"},
            "up 11.9 points",
        ),
        (Decimal("83.3"), None, {"current_base": (6, 5), "previous_base": (0, 0)}, "no comparison"),
        (Decimal("250"), Decimal("100"), {"current_base": 5, "previous_base": 6, "fmt": money_text}, "up £150.00"),
    ],
)
def test_changes_are_words_and_never_reveal_a_hidden_figure(current, previous, kwargs, words):
    assert change(current, previous, **kwargs) == words
