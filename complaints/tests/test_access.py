"""Who sees which complaint: `selectors.visible_complaints` (lists) and `complaint_for` (the page).

Both go through `accounts.access.visible_q`, so every persona is checked against both.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from complaints import selectors, services
from complaints.tests.factories import (
    CaseworkerFactory,
    ComplaintsAdminFactory,
    ManagerFactory,
    ServiceAreaFactory,
    UserFactory,
    log_complaint,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]


@pytest.fixture
def people():
    send = ServiceAreaFactory(name="Children's Services - SEND")
    highways = ServiceAreaFactory(name="Highways")
    return {
        "send": send,
        "highways": highways,
        "handler": CaseworkerFactory(service_areas=[send]),
        "colleague": CaseworkerFactory(service_areas=[send]),
        "other_area_caseworker": CaseworkerFactory(service_areas=[highways]),
        "manager": ManagerFactory(service_areas=[send]),
        "other_area_manager": ManagerFactory(service_areas=[highways]),
        "admin": ComplaintsAdminFactory(),
        "no_role": UserFactory(service_areas=[send]),
    }


def sees(user, complaint) -> bool:
    """Whether the user sees the complaint in the list and on its page; the two must agree."""
    in_list = selectors.visible_complaints(user).filter(pk=complaint.pk).exists()
    try:
        selectors.complaint_for(user, complaint.pk)
        on_page = True
    except Http404:
        on_page = False
    assert in_list == on_page, "the list and the complaint page must use one scoping rule"
    return on_page


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("handler", True),
        ("colleague", True),
        ("other_area_caseworker", False),
        ("manager", True),
        ("other_area_manager", False),
        ("admin", True),
        ("no_role", False),
    ],
)
def test_an_unrestricted_complaint_is_seen_by_its_service_area_managers_and_admins(people, persona, expected):
    complaint = log_complaint(handler=people["handler"], service_area=people["send"])
    assert sees(people[persona], complaint) is expected


def test_another_service_areas_complaint_answers_404(people):
    complaint = log_complaint(handler=people["handler"], service_area=people["send"])
    with pytest.raises(Http404):
        selectors.complaint_for(people["other_area_caseworker"], complaint.pk)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("handler", True),
        ("logger", True),
        ("colleague", False),
        ("other_area_caseworker", False),
        ("manager", False),
        ("admin", False),
    ],
)
def test_a_restricted_complaint_is_seen_only_by_the_people_named_on_it(people, persona, expected):
    people["logger"] = CaseworkerFactory(service_areas=[people["send"]])
    complaint = log_complaint(
        by=people["logger"], handler=people["handler"], service_area=people["send"], is_restricted=True
    )
    assert sees(people[persona], complaint) is expected


@pytest.mark.parametrize("persona", ["colleague", "manager", "admin", "other_area_caseworker"])
def test_naming_someone_on_a_restricted_complaint_lets_them_see_it(people, persona):
    complaint = log_complaint(
        handler=people["handler"], service_area=people["send"], is_restricted=True, named_users=[people[persona]]
    )
    assert sees(people[persona], complaint)


def test_a_caseworker_of_another_area_who_handles_the_complaint_sees_it(people):
    complaint = log_complaint(
        by=people["colleague"], handler=people["other_area_caseworker"], service_area=people["send"]
    )
    assert sees(people["other_area_caseworker"], complaint)
    assert not sees(CaseworkerFactory(service_areas=[people["highways"]]), complaint)


def test_a_new_stage_handler_of_a_restricted_complaint_is_named_and_sees_it(people):
    complaint = log_complaint(
        handler=people["handler"], service_area=people["send"], is_restricted=True, procedure="children"
    )
    stage = complaint.stages.get()
    services.stage_respond(
        by=stage.handler,
        stage=stage,
        responded_on=complaint.received_on,
        outcome="not_upheld",
        today=complaint.received_on,
    )
    assert not sees(people["colleague"], complaint)
    services.escalation_request(
        by=people["handler"],
        stage=stage,
        requested_on=complaint.received_on,
        reasons="Unhappy",
        handler=people["colleague"],
        today=complaint.received_on,
    )
    assert sees(people["colleague"], complaint)


def test_a_caseworker_in_two_service_areas_sees_both(people):
    both = CaseworkerFactory(service_areas=[people["send"], people["highways"]])
    send = log_complaint(handler=people["handler"], service_area=people["send"])
    roads = log_complaint(handler=people["other_area_caseworker"], service_area=people["highways"])
    assert set(selectors.visible_complaints(both)) == {send, roads}


def test_the_list_has_no_duplicates_when_a_complaint_names_several_people(people):
    extra = [CaseworkerFactory(service_areas=[people["send"]]) for _ in range(3)]
    complaint = log_complaint(
        by=people["colleague"],
        handler=people["handler"],
        service_area=people["send"],
        is_restricted=True,
        named_users=[*extra, people["admin"], people["manager"]],
    )
    plain = log_complaint(handler=people["handler"], service_area=people["send"])
    assert complaint.named_users.count() == 7
    for persona in ("handler", "colleague", "manager", "admin"):
        listed = list(selectors.visible_complaints(people[persona]).values_list("pk", flat=True))
        assert sorted(listed) == sorted({complaint.pk, plain.pk}), persona
        assert selectors.visible_complaints(people[persona]).count() == 2
    # The handler is named and assigned and in the service area: still one row, and one page.
    assert selectors.complaint_for(people["handler"], complaint.pk) == complaint


def test_the_admin_sees_every_unrestricted_complaint_in_every_service_area(people):
    send = log_complaint(handler=people["handler"], service_area=people["send"])
    roads = log_complaint(handler=people["other_area_caseworker"], service_area=people["highways"])
    log_complaint(handler=people["handler"], service_area=people["send"], is_restricted=True)
    assert set(selectors.visible_complaints(people["admin"])) == {send, roads}
