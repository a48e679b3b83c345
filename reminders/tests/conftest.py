"""Fixtures for reminder tests: bank holidays, the people, and obligations in the register.

Obligations are made through `reminders.services.obligation_sync`, the one write the domain
services use, so the rows are the same shape as the real ones. Pass `today` explicitly; the
reference day is Mon 30 Nov 2026, clear of bank holidays (Christmas 2026 comes later).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from accounts.models import Role, ServiceArea
from calendars.services import load_bank_holidays
from reminders import services
from reminders.models import ObligationKind

BANK_HOLIDAY_YEARS = range(2019, 2029)
TODAY = dt.date(2026, 11, 30)  # a Monday

_keys = itertools.count(1)


@pytest.fixture
def bank_holidays(db) -> int:
    return load_bank_holidays(years=BANK_HOLIDAY_YEARS)


@pytest.fixture
def people(make_user):
    """The personas.

    owen: a caseworker in Housing whose manager is mona; owns most obligations.
    cara: a colleague caseworker in Housing (also managed by mona).
    hugo: a caseworker in Highways (an outsider to Housing).
    mona: the Housing manager.
    lena: a caseworker in Housing who is the Link Officer of the LGSCO cases.
    ada:  a complaints admin.
    Housing has a team mailbox; Highways has none.
    """
    mona = make_user("mona", Role.MANAGER, service_areas=["Housing"])
    housing = ServiceArea.objects.get(name="Housing")
    housing.mailbox = "housing-complaints@example.gov.uk"
    housing.save()
    return {
        "mona": mona,
        "owen": make_user("owen", Role.CASEWORKER, service_areas=["Housing"], manager=mona),
        "cara": make_user("cara", Role.CASEWORKER, service_areas=["Housing"], manager=mona),
        "hugo": make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]),
        "lena": make_user("lena", Role.CASEWORKER, service_areas=["Housing"]),
        "ada": make_user("ada", Role.COMPLAINTS_ADMIN),
    }


@pytest.fixture
def areas(people):
    return {a.name: a for a in ServiceArea.objects.all()}


def make_obligation(
    *,
    owner,
    due_on: dt.date,
    kind: str = ObligationKind.COMPLAINT_RESPONSE,
    title: str | None = None,
    service_area=None,
    key: str | None = None,
    done_on: dt.date | None = None,
    **extra,
):
    """One obligation in the register, through `obligation_sync` (as the domain services do)."""
    n = next(_keys)
    return services.obligation_sync(
        key=key or f"test:{n}",
        kind=kind,
        title=title or f"ITEM-{n:04d}: respond to Mx {n}",
        url=f"/complaints/{n}/",
        due_on=due_on,
        done_on=done_on,
        owner=owner,
        service_area=service_area or owner.service_areas.first(),
        **extra,
    )


@pytest.fixture
def obligation_for():
    return make_obligation
