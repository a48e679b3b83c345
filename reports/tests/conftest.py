"""Fixtures for report tests: bank holidays, the personas and a small hand-counted set of complaints.

The hand-counted complaints are built through `complaints.services` with explicit dates, so the
figures below can be checked with a calendar (bank holidays 2025: 25 August; none in June or
July; 2024: none in June). Corporate procedure: acknowledge within 5 working days; respond
within 10 working days of the acknowledgement (Stage 2: 20).

Year 2025 to 2026 (1 April 2025 to 31 March 2026), Housing unless said:

  A  2 Jun email    ack 3 Jun, due 17 Jun, responded 17 Jun (on the due date: ON TIME), upheld, £100
  B  2 Jun phone    ack 3 Jun, due 17 Jun, responded 18 Jun (next working day: LATE), not upheld
  C  2 Jun email    ack 3 Jun, due 17 Jun extended to 24 Jun (told 10 Jun), responded 24 Jun (ON TIME),
                    partly upheld; Stage 2 asked 1 Jul, ack 2 Jul, due 30 Jul, responded 30 Jul, not upheld
  D  2 Jun letter   withdrawn 5 Jun before any response
  E  2 Jun email    ack 3 Jun, responded 17 Jun (ON TIME), upheld; 3 actions due 30 Jun: done 27 Jun
                    (on time), done 2 Jul (late), not done
  F  2 Jun email    ack 3 Jun, responded 20 Jun (late), upheld, then withdrawn 25 Jun
  G  18 Aug email   ack 19 Aug, due 3 Sep, responded 26 Aug (ON TIME), not upheld
  H  2 Jun web form restricted; ack 3 Jun, responded 10 Jun (ON TIME), not upheld
  N  2 Jun email    Highways (another service area): ack 3 Jun, responded 10 Jun, not upheld

Year 2024 to 2025: seven web-form complaints received 3 June 2024, acknowledged 4 June, due
18 June; five responded 18 June (on time), two 19 June (late); all not upheld.

Counted by hand, for a Housing manager (N is outside their areas; H counts though restricted):
  received: Stage 1 8 (a year earlier 7), Stage 2 1; withdrawn 2 (D, F)
  channel: email 5 (A C E F G), phone 1, letter 1, web form 1
  Stage 1 responses without withdrawn complaints: A B C E G H = 6; within the time limit: A C E G H = 5
  working days to respond, Stage 1: A 11, B 12, C 16, E 11, G 5 (25 Aug is a bank holiday), H 6
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Role, ServiceArea
from calendars.services import load_bank_holidays
from complaints import services
from complaints.models import Channel, Outcome, Procedure

BANK_HOLIDAY_YEARS = range(2019, 2029)
TODAY = dt.date(2026, 4, 30)
D = dt.date


@pytest.fixture
def bank_holidays(db) -> int:
    return load_bank_holidays(years=BANK_HOLIDAY_YEARS)


@pytest.fixture
def people(make_user):
    """casey: a Housing caseworker; cora: another (Stage 2 handler); mona: a Housing manager;
    max: a Highways manager; hugo: a Highways caseworker; ada: a complaints admin."""
    return {
        "casey": make_user("casey", Role.CASEWORKER, service_areas=["Housing"]),
        "cora": make_user("cora", Role.CASEWORKER, service_areas=["Housing"]),
        "mona": make_user("mona", Role.MANAGER, service_areas=["Housing"]),
        "max": make_user("max", Role.MANAGER, service_areas=["Highways"]),
        "hugo": make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]),
        "ada": make_user("ada", Role.COMPLAINTS_ADMIN),
    }


def area(name: str) -> ServiceArea:
    return ServiceArea.objects.get(name=name)


def register(handler, received_on, *, channel=Channel.EMAIL, area_name="Housing", name="Jane Doe-Smith", **details):
    return services.complaint_register(
        by=handler,
        today=TODAY,
        procedure=Procedure.objects.get(slug=details.pop("procedure", "corporate")),
        service_area=area(area_name),
        channel=channel,
        received_on=received_on,
        complainant_name=name,
        complainant_email="jane.doe-smith@example.org",
        complainant_phone="07700 900123",
        complainant_address="1 Example Street, Exampletown",
        summary="The repair to my front door was not done.",
        handler=handler,
        **details,
    )


def stage_of(complaint, number=1):
    return complaint.stages.get(number=number)


def acknowledge(complaint, on, number=1, **kwargs):
    return services.stage_acknowledge(
        by=complaint.handler, stage=stage_of(complaint, number), acknowledged_on=on, today=TODAY, **kwargs
    )


def respond(complaint, on, outcome, number=1, **kwargs):
    stage = stage_of(complaint, number)
    return services.stage_respond(
        by=stage.handler, stage=stage, responded_on=on, outcome=outcome, today=TODAY, **kwargs
    )


def answered(handler, received_on, ack_on, responded_on, outcome=Outcome.NOT_UPHELD, **details):
    complaint = register(handler, received_on, **details)
    acknowledge(complaint, ack_on)
    respond(complaint, responded_on, outcome)
    return complaint


@pytest.fixture
def hand_counted(people, bank_holidays):
    """The complaints in the module docstring; returns them by letter."""
    casey, cora, hugo = people["casey"], people["cora"], people["hugo"]
    made = {}
    made["A"] = register(casey, D(2025, 6, 2))
    acknowledge(made["A"], D(2025, 6, 3))
    respond(made["A"], D(2025, 6, 17), Outcome.UPHELD, payment_amount=Decimal("100"), payment_reason="Time and trouble")

    made["B"] = answered(casey, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 18), channel=Channel.PHONE)

    made["C"] = register(casey, D(2025, 6, 2))
    acknowledge(made["C"], D(2025, 6, 3))
    services.stage_extend(
        by=casey,
        stage=stage_of(made["C"]),
        new_due=D(2025, 6, 24),
        reason="Waiting for the contractor's report",
        complainant_told_on=D(2025, 6, 10),
        today=TODAY,
    )
    respond(made["C"], D(2025, 6, 24), Outcome.PARTLY_UPHELD)
    services.escalation_request(
        by=casey,
        stage=stage_of(made["C"]),
        requested_on=D(2025, 7, 1),
        reasons="The repair is still not done",
        handler=cora,
        today=TODAY,
    )
    acknowledge(made["C"], D(2025, 7, 2), number=2)
    respond(made["C"], D(2025, 7, 30), Outcome.NOT_UPHELD, number=2)

    made["D"] = register(casey, D(2025, 6, 2), channel=Channel.LETTER)
    services.complaint_withdraw(
        by=casey, complaint=made["D"], withdrawn_on=D(2025, 6, 5), reason="Resolved by phone", today=TODAY
    )

    made["E"] = register(casey, D(2025, 6, 2))
    acknowledge(made["E"], D(2025, 6, 3))
    respond(
        made["E"],
        D(2025, 6, 17),
        Outcome.UPHELD,
        actions=[
            ("Replace the door", casey, D(2025, 6, 30)),
            ("Check the frame", casey, D(2025, 6, 30)),
            ("Write to the residents", casey, D(2025, 6, 30)),
        ],
    )
    first, second, _third = made["E"].actions.order_by("id")
    services.action_complete(by=casey, action=first, completed_on=D(2025, 6, 27), today=TODAY)
    services.action_complete(by=casey, action=second, completed_on=D(2025, 7, 2), today=TODAY)

    made["F"] = answered(casey, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 20), Outcome.UPHELD)
    services.complaint_withdraw(
        by=casey, complaint=made["F"], withdrawn_on=D(2025, 6, 25), reason="Moved away", today=TODAY
    )

    made["G"] = answered(casey, D(2025, 8, 18), D(2025, 8, 19), D(2025, 8, 26))
    made["H"] = answered(
        casey, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 10), channel=Channel.WEB_FORM, is_restricted=True
    )
    made["N"] = answered(hugo, D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 10), area_name="Highways")

    for n in range(7):
        made[f"P{n}"] = answered(
            casey,
            D(2024, 6, 3),
            D(2024, 6, 4),
            D(2024, 6, 18) if n < 5 else D(2024, 6, 19),
            channel=Channel.WEB_FORM,
        )
    return made
