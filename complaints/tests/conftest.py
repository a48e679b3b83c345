"""Fixtures for complaint tests.

Deadlines are counted against the bank holidays in the database, which migrations do not load:
a module of database tests uses `pytestmark = pytest.mark.usefixtures("bank_holidays")` (or
takes the fixture) so that every working-day count sees them.
"""

from __future__ import annotations

import pytest

from calendars.services import load_bank_holidays

BANK_HOLIDAY_YEARS = range(2019, 2029)


@pytest.fixture
def bank_holidays(db) -> int:
    """England (and other UK divisions') bank holidays for 2019-2028; returns the rows added."""
    return load_bank_holidays(years=BANK_HOLIDAY_YEARS)
