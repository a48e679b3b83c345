"""Fixtures for LGSCO case tests: bank holidays, uploads in a temporary folder, and the people.

Database modules use `pytestmark = pytest.mark.usefixtures("bank_holidays")`: migrations do not
load bank holidays, and working-day due dates and "days left" need them. test_deadlines.py is
pure and takes none of these.
"""

from __future__ import annotations

import pytest

from accounts.models import Role, ServiceArea
from calendars.services import load_bank_holidays

BANK_HOLIDAY_YEARS = range(2019, 2029)


@pytest.fixture
def bank_holidays(db) -> int:
    return load_bank_holidays(years=BANK_HOLIDAY_YEARS)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(make_user):
    """The personas.

    lena: a caseworker in Children's services, the Link Officer of the cases she opens.
    cora: a colleague caseworker in Children's services.
    hugo: a caseworker in Highways, another service area.
    mona: a manager of Children's services and Adult care.
    max:  a manager of Highways only.
    ada:  a complaints admin (every service area).
    """
    return {
        "lena": make_user("lena", Role.CASEWORKER, service_areas=["Children's services"]),
        "cora": make_user("cora", Role.CASEWORKER, service_areas=["Children's services"]),
        "hugo": make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]),
        "mona": make_user("mona", Role.MANAGER, service_areas=["Children's services", "Adult care"]),
        "max": make_user("max", Role.MANAGER, service_areas=["Highways"]),
        "ada": make_user("ada", Role.COMPLAINTS_ADMIN),
    }


@pytest.fixture
def areas(people):
    return {a.name: a for a in ServiceArea.objects.all()}
