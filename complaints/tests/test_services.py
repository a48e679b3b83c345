"""complaints.services against a real database: state, timeline rows and refusals.

Dates are worked out by hand from the seeded rules and the England calendar (2026 bank holidays
used here: Good Friday 3 Apr, Easter Monday 6 Apr, Early May 4 May, Spring 25 May).

The standard corporate case, received Mon 2 Mar 2026:
  acknowledge by Mon 9 Mar (5 WD); response provisionally due Mon 23 Mar (10 WD from 9 Mar);
  acknowledged Wed 4 Mar -> response due Wed 18 Mar; caseworker's extension cap Wed 1 Apr (+10 WD);
  responded Tue 17 Mar -> escalation window ends Thu 16 Apr (20 WD, across Easter).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services, workflow
from complaints.models import (
    Action,
    ClockStop,
    Complaint,
    ComplaintEvent,
    ComplaintStage,
    ComplaintStatus,
    ContactMethod,
    Document,
    EscalationRequest,
    Extension,
    Outcome,
    PointOutcome,
    Procedure,
    ProcedureStage,
    ReferenceCounter,
    Signposting,
    SignpostReason,
    StageRule,
    StageStatus,
    StageSuspension,
)
from complaints.tests.factories import CaseworkerFactory, ManagerFactory, ServiceAreaFactory, log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
RECEIVED = D(2026, 3, 2)
ACK_DUE = D(2026, 3, 9)
PROVISIONAL_DUE = D(2026, 3, 23)
ACKNOWLEDGED = D(2026, 3, 4)
RESPONSE_DUE = D(2026, 3, 18)
EXTENSION_CAP = D(2026, 4, 1)
RESPONDED = D(2026, 3, 17)
WINDOW_ENDS = D(2026, 4, 16)


# --- helpers -----------------------------------------------------------------------------------


def stage_of(complaint: Complaint, number: int = 1) -> ComplaintStage:
    return ComplaintStage.objects.get(complaint=complaint, number=number)


def kinds(complaint: Complaint) -> list[str]:
    return list(ComplaintEvent.objects.filter(complaint=complaint).order_by("id").values_list("kind", flat=True))


def last_event(complaint: Complaint, kind: str) -> ComplaintEvent:
    return ComplaintEvent.objects.filter(complaint=complaint, kind=kind).latest("id")


def acknowledge(stage: ComplaintStage, on: dt.date, **kwargs) -> ComplaintStage:
    return services.stage_acknowledge(by=stage.handler, stage=stage, acknowledged_on=on, today=on, **kwargs)


def respond(stage: ComplaintStage, on: dt.date, **kwargs) -> ComplaintStage:
    kwargs.setdefault("outcome", Outcome.PARTLY_UPHELD)
    return services.stage_respond(by=stage.handler, stage=stage, responded_on=on, today=on, **kwargs)


def escalate(stage: ComplaintStage, on: dt.date, handler, **kwargs) -> ComplaintStage:
    kwargs.setdefault("reasons", "The council has not put right the missed education.")
    return services.escalation_request(
        by=stage.handler, stage=stage, requested_on=on, handler=handler, today=on, **kwargs
    )


def responded_corporate_complaint(**overrides):
    """The standard corporate case, acknowledged on 4 Mar and responded to on 17 Mar 2026."""
    complaint = log_complaint(**overrides)
    respond(acknowledge(stage_of(complaint), ACKNOWLEDGED), RESPONDED)
    return complaint


def colleague_of(complaint: Complaint):
    return CaseworkerFactory(service_areas=[complaint.service_area])


def suspend_stage(procedure_slug: str, number: int, starts_on: dt.date, ends_on: dt.date | None = None):
    stage = ProcedureStage.objects.get(procedure__slug=procedure_slug, number=number)
    return StageSuspension.objects.create(
        procedure_stage=stage, starts_on=starts_on, ends_on=ends_on, reason="Emergency response to the pandemic"
    )


def signposting(told_on: dt.date) -> services.SignpostingDetails:
    return services.SignpostingDetails(
        told_on=told_on,
        method=ContactMethod.LETTER,
        wording="You can ask the Local Government and Social Care Ombudsman to look at your complaint.",
    )


# --- registering -------------------------------------------------------------------------------


def test_registering_issues_sequential_references_for_the_year_received():
    area = ServiceAreaFactory()
    first = log_complaint(service_area=area)
    second = log_complaint(service_area=area, received_on=D(2026, 3, 3))
    older = log_complaint(service_area=area, received_on=D(2025, 12, 15))
    assert (first.reference, second.reference) == ("CMP-2026-00001", "CMP-2026-00002")
    assert older.reference == "CMP-2025-00001"
    assert ReferenceCounter.objects.get(year=2026).last_number == 2


def test_registering_opens_stage_one_with_deadlines_from_the_rule_version_in_force():
    complaint = log_complaint()
    stage = stage_of(complaint)
    assert stage.rule == StageRule.objects.get(
        procedure_stage__procedure__slug="corporate", procedure_stage__number=1, version=1
    )
    assert stage.status == StageStatus.AWAITING_ACKNOWLEDGEMENT
    assert stage.received_on == RECEIVED
    assert stage.acknowledge_due == ACK_DUE
    assert stage.response_due == stage.original_response_due == PROVISIONAL_DUE
    assert stage.response_due_is_provisional
    assert stage.handler == complaint.handler
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (ACK_DUE, "Acknowledge by")
    assert complaint.current_stage_number == 1
    assert complaint.status == ComplaintStatus.OPEN
    assert [p.text for p in complaint.points.all()] == [complaint.summary]
    assert kinds(complaint) == ["logged", "stage_opened"]
    opened = last_event(complaint, "stage_opened")
    assert "rule version 1" in opened.summary
    assert opened.changes["acknowledge_due"] == [None, "2026-03-09"]
    assert opened.changes["response_due"] == [None, "2026-03-23"]
    assert opened.actor == complaint.created_by


def test_registering_records_each_point_of_complaint():
    complaint = log_complaint(points=["No placement from September 2019", "  ", "Stage 2 was not offered"])
    assert list(complaint.points.values_list("number", "text")) == [
        (1, "No placement from September 2019"),
        (2, "Stage 2 was not offered"),
    ]


def test_a_received_date_in_the_future_is_refused_and_nothing_is_saved():
    handler = CaseworkerFactory(service_areas=[ServiceAreaFactory()])
    before = (Complaint.objects.count(), ComplaintEvent.objects.count(), ReferenceCounter.objects.count())
    with pytest.raises(ValidationError) as refused:
        log_complaint(handler=handler, received_on=D(2026, 3, 3), today=D(2026, 3, 2))
    assert "received_on" in refused.value.message_dict
    assert (Complaint.objects.count(), ComplaintEvent.objects.count(), ReferenceCounter.objects.count()) == before


def test_submitting_the_same_log_form_twice_creates_one_complaint():
    handler = CaseworkerFactory(service_areas=[ServiceAreaFactory()])
    token = uuid.uuid4()
    first = log_complaint(handler=handler, submission_token=token)
    second = log_complaint(handler=handler, submission_token=token)
    assert second.pk == first.pk
    assert Complaint.objects.filter(submission_token=token).count() == 1
    assert ComplaintStage.objects.filter(complaint=first).count() == 1
    assert ReferenceCounter.objects.get(year=2026).last_number == 1


def test_a_restricted_complaint_names_its_logger_and_handler():
    area = ServiceAreaFactory()
    logger, handler, social_worker = (CaseworkerFactory(service_areas=[area]) for _ in range(3))
    complaint = log_complaint(
        by=logger, handler=handler, service_area=area, is_restricted=True, named_users=[social_worker]
    )
    assert set(complaint.named_users.all()) == {logger, handler, social_worker}


# --- acknowledging -----------------------------------------------------------------------------


def test_an_acknowledgement_before_receipt_is_refused_and_nothing_is_saved():
    complaint = log_complaint()
    stage = stage_of(complaint)
    with pytest.raises(ValidationError) as refused:
        services.stage_acknowledge(by=stage.handler, stage=stage, acknowledged_on=D(2026, 2, 27), today=RECEIVED)
    assert "acknowledged_on" in refused.value.message_dict
    stage.refresh_from_db()
    assert (stage.status, stage.acknowledged_on, stage.response_due, stage.version) == (
        StageStatus.AWAITING_ACKNOWLEDGEMENT,
        None,
        PROVISIONAL_DUE,
        1,
    )
    assert "acknowledged" not in kinds(complaint)


def test_an_acknowledgement_in_the_future_is_refused():
    stage = stage_of(log_complaint())
    with pytest.raises(ValidationError) as refused:
        services.stage_acknowledge(by=stage.handler, stage=stage, acknowledged_on=D(2026, 3, 5), today=ACKNOWLEDGED)
    assert "acknowledged_on" in refused.value.message_dict


def test_acknowledging_fixes_the_response_deadline_from_the_actual_acknowledgement_date():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PROGRESS
    assert stage.acknowledged_on == ACKNOWLEDGED
    assert stage.response_due == stage.original_response_due == RESPONSE_DUE
    assert not stage.response_due_is_provisional
    assert stage.version == 2
    event = last_event(complaint, "acknowledged")
    assert event.stage_number == 1
    assert event.actor == stage.handler
    assert event.changes == {
        "status": ["awaiting_acknowledgement", "in_progress"],
        "acknowledged_on": [None, "2026-03-04"],
        "response_due": ["2026-03-23", "2026-03-18"],
    }
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (RESPONSE_DUE, "Respond by")


def test_acknowledging_twice_is_not_an_allowed_transition():
    stage = acknowledge(stage_of(log_complaint()), ACKNOWLEDGED)
    with pytest.raises(workflow.TransitionNotAllowed):
        acknowledge(stage, D(2026, 3, 5))


# --- responding --------------------------------------------------------------------------------


def test_a_response_before_the_acknowledgement_is_refused():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    with pytest.raises(ValidationError) as refused:
        services.stage_respond(
            by=stage.handler, stage=stage, responded_on=D(2026, 3, 3), outcome=Outcome.UPHELD, today=RESPONDED
        )
    assert "responded_on" in refused.value.message_dict
    stage.refresh_from_db()
    assert (stage.status, stage.responded_on) == (StageStatus.IN_PROGRESS, None)
    assert "responded" not in kinds(complaint)


def test_a_stage_cannot_be_responded_to_before_it_is_acknowledged():
    stage = stage_of(log_complaint())
    with pytest.raises(workflow.TransitionNotAllowed):
        respond(stage, RESPONDED)


def test_responding_records_outcomes_and_remedy_and_opens_the_escalation_window():
    complaint = log_complaint(points=["No placement", "No reply to letters"])
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    first, second = complaint.points.all()
    respond(
        stage,
        RESPONDED,
        outcome=Outcome.PARTLY_UPHELD,
        point_outcomes={first.pk: Outcome.UPHELD, second.pk: Outcome.NOT_UPHELD},
        apology_given=True,
        payment_amount=Decimal("500.00"),
        payment_reason="Time and trouble",
    )
    stage.refresh_from_db()
    assert stage.status == StageStatus.RESPONDED
    assert stage.outcome == Outcome.PARTLY_UPHELD
    assert stage.escalation_deadline == WINDOW_ENDS
    assert stage.payment_amount == Decimal("500.00")
    assert dict(PointOutcome.objects.filter(stage=stage).values_list("point__number", "outcome")) == {
        1: Outcome.UPHELD,
        2: Outcome.NOT_UPHELD,
    }
    event = last_event(complaint, "responded")
    assert "within the time limit" in event.summary
    assert event.changes["payment_amount"] == [None, "500.00"]
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (WINDOW_ENDS, "Close if not escalated by")


def test_a_late_response_says_so_on_the_timeline():
    complaint = log_complaint()
    respond(acknowledge(stage_of(complaint), ACKNOWLEDGED), D(2026, 3, 19))
    assert "after the time limit" in last_event(complaint, "responded").summary


def test_responding_twice_is_not_an_allowed_transition():
    complaint = responded_corporate_complaint()
    with pytest.raises(workflow.TransitionNotAllowed):
        respond(stage_of(complaint), D(2026, 3, 18))
    assert kinds(complaint).count("responded") == 1


# --- extending ---------------------------------------------------------------------------------


def extend(stage: ComplaintStage, new_due: dt.date, by=None, **kwargs) -> Extension:
    return services.stage_extend(
        by=by or stage.handler,
        stage=stage,
        new_due=new_due,
        reason=kwargs.pop("reason", "Waiting for school records"),
        complainant_told_on=D(2026, 3, 16),
        today=D(2026, 3, 16),
        **kwargs,
    )


@pytest.mark.parametrize("new_due", [RESPONSE_DUE, D(2026, 3, 17)], ids=["the same day", "a day earlier"])
def test_an_extension_not_later_than_the_current_deadline_is_refused(new_due):
    stage = acknowledge(stage_of(log_complaint()), ACKNOWLEDGED)
    with pytest.raises(ValidationError) as refused:
        extend(stage, new_due)
    assert "new_due" in refused.value.message_dict
    assert not Extension.objects.exists()
    stage.refresh_from_db()
    assert stage.response_due == RESPONSE_DUE


def test_a_caseworker_may_extend_up_to_the_cap_and_the_earlier_deadlines_are_kept():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    extension = extend(stage, EXTENSION_CAP)
    assert (extension.previous_due, extension.new_due, extension.beyond_cap) == (RESPONSE_DUE, EXTENSION_CAP, False)
    assert extension.approved_by == stage.handler
    stage.refresh_from_db()
    assert stage.response_due == EXTENSION_CAP
    assert stage.original_response_due == RESPONSE_DUE
    assert last_event(complaint, "extended").changes == {"response_due": ["2026-03-18", "2026-04-01"]}
    complaint.refresh_from_db()
    assert complaint.next_due_date == EXTENSION_CAP


def test_a_second_extension_keeps_the_first_extensions_date_as_its_previous_deadline():
    stage = acknowledge(stage_of(log_complaint()), ACKNOWLEDGED)
    extend(stage, D(2026, 3, 25))
    second = extend(stage, EXTENSION_CAP)
    assert (second.previous_due, second.new_due) == (D(2026, 3, 25), EXTENSION_CAP)
    stage.refresh_from_db()
    assert stage.original_response_due == RESPONSE_DUE


def test_a_caseworker_may_not_extend_beyond_the_cap():
    stage = acknowledge(stage_of(log_complaint()), ACKNOWLEDGED)
    with pytest.raises(ValidationError) as refused:
        extend(stage, D(2026, 4, 2))
    assert "new_due" in refused.value.message_dict
    assert "manager" in refused.value.message_dict["new_due"][0]
    assert not Extension.objects.exists()


def test_a_manager_may_extend_beyond_the_cap_and_it_is_marked():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    manager = ManagerFactory(service_areas=[complaint.service_area])
    extension = extend(stage, D(2026, 4, 2), by=manager)
    assert extension.beyond_cap
    assert extension.approved_by == manager
    assert "manager approved" in last_event(complaint, "extended").summary
    stage.refresh_from_db()
    assert stage.response_due == D(2026, 4, 2)


def test_acknowledging_after_an_early_extension_makes_the_response_deadline_no_longer_provisional():
    stage = stage_of(log_complaint())
    services.stage_extend(
        by=stage.handler,
        stage=stage,
        new_due=D(2026, 3, 25),
        reason="Complex",
        complainant_told_on=D(2026, 3, 3),
        today=D(2026, 3, 3),
    )
    acknowledge(stage, ACKNOWLEDGED)
    stage.refresh_from_db()
    assert stage.response_due == D(2026, 3, 25)
    assert not stage.response_due_is_provisional


# --- versioned rules ---------------------------------------------------------------------------


def test_a_new_rule_version_applies_to_stages_opened_from_its_date_and_leaves_older_stages_alone():
    v1 = StageRule.objects.get(procedure_stage__procedure__slug="corporate", procedure_stage__number=1, version=1)
    area = ServiceAreaFactory()
    # Received Mon 15 Dec 2025: acknowledge by Mon 22 Dec, response provisionally due Thu 8 Jan 2026.
    before = log_complaint(service_area=area, received_on=D(2025, 12, 15))
    old_stage = stage_of(before)
    assert (old_stage.rule, old_stage.acknowledge_due, old_stage.response_due) == (v1, D(2025, 12, 22), D(2026, 1, 8))

    v2 = StageRule.objects.create(
        procedure_stage=v1.procedure_stage,
        version=2,
        effective_from=D(2026, 1, 1),
        acknowledge_within=5,
        respond_within=15,
        respond_from="acknowledgement",
        max_extension=10,
        escalation_window=20,
    )
    old_stage.refresh_from_db()
    assert (old_stage.rule, old_stage.response_due, old_stage.version) == (v1, D(2026, 1, 8), 1)

    # Received Mon 5 Jan 2026: acknowledge by Mon 12 Jan, response 15 WD later, Mon 2 Feb.
    after = log_complaint(service_area=area, received_on=D(2026, 1, 5))
    new_stage = stage_of(after)
    assert (new_stage.rule, new_stage.acknowledge_due, new_stage.response_due) == (v2, D(2026, 1, 12), D(2026, 2, 2))
    assert "rule version 2" in last_event(after, "stage_opened").summary

    # Acknowledging the older complaint on Fri 19 Dec 2025 still counts v1's 10 WD (to Wed 7 Jan), not v2's 15.
    services.stage_acknowledge(
        by=old_stage.handler, stage=old_stage, acknowledged_on=D(2025, 12, 19), today=D(2026, 1, 5)
    )
    old_stage.refresh_from_db()
    assert (old_stage.rule, old_stage.response_due) == (v1, D(2026, 1, 7))


def test_a_procedure_with_no_rule_in_force_on_the_date_received_is_refused():
    handler = CaseworkerFactory(service_areas=[ServiceAreaFactory()])
    with pytest.raises(ValidationError) as refused:
        log_complaint(handler=handler, received_on=D(2014, 12, 31))
    assert "procedure" in refused.value.message_dict
    assert not Complaint.objects.exists()


# --- escalating --------------------------------------------------------------------------------


def test_escalating_on_the_last_day_of_the_window_opens_stage_two_with_its_own_rule():
    complaint = responded_corporate_complaint()
    stage_one = stage_of(complaint)
    stage_two_handler = colleague_of(complaint)
    stage_two = escalate(stage_one, WINDOW_ENDS, stage_two_handler)
    assert stage_two.number == 2
    assert stage_two.rule == StageRule.objects.get(
        procedure_stage__procedure__slug="corporate", procedure_stage__number=2, version=1
    )
    assert stage_two.received_on == WINDOW_ENDS
    assert stage_two.handler == stage_two_handler
    assert stage_two.status == StageStatus.AWAITING_ACKNOWLEDGEMENT
    # Thu 16 Apr + 5 WD = Thu 23 Apr; provisional response 20 WD later (Early May skipped) = Fri 22 May.
    assert (stage_two.acknowledge_due, stage_two.response_due) == (D(2026, 4, 23), D(2026, 5, 22))
    stage_one.refresh_from_db()
    assert (stage_one.status, stage_one.closed_on) == (StageStatus.ESCALATED, WINDOW_ENDS)
    request = EscalationRequest.objects.get(stage=stage_one)
    assert request.within_window and request.requested_on == WINDOW_ENDS
    complaint.refresh_from_db()
    assert complaint.current_stage_number == 2
    assert complaint.handler == stage_two_handler
    assert (complaint.next_due_date, complaint.next_due_label) == (D(2026, 4, 23), "Acknowledge by")
    assert kinds(complaint)[-2:] == ["escalation_requested", "stage_opened"]


def test_a_late_escalation_request_is_refused_without_a_reason_for_accepting_it():
    complaint = responded_corporate_complaint()
    stage_one = stage_of(complaint)
    with pytest.raises(ValidationError) as refused:
        escalate(stage_one, D(2026, 4, 17), colleague_of(complaint))
    assert "late_reason_accepted" in refused.value.message_dict
    stage_one.refresh_from_db()
    assert stage_one.status == StageStatus.RESPONDED
    assert not ComplaintStage.objects.filter(complaint=complaint, number=2).exists()
    assert not EscalationRequest.objects.exists()


def test_a_late_escalation_request_is_accepted_with_a_reason():
    complaint = responded_corporate_complaint()
    stage_two = escalate(
        stage_of(complaint),
        D(2026, 4, 17),
        colleague_of(complaint),
        late_reason_accepted="The complainant was in hospital",
    )
    assert stage_two.received_on == D(2026, 4, 17)
    request = EscalationRequest.objects.get(stage__complaint=complaint)
    assert not request.within_window
    assert request.late_reason_accepted == "The complainant was in hospital"
    assert "outside the window" in last_event(complaint, "escalation_requested").summary


def test_stage_two_with_the_stage_one_handler_is_refused():
    complaint = responded_corporate_complaint()
    stage_one = stage_of(complaint)
    with pytest.raises(ValidationError) as refused:
        escalate(stage_one, D(2026, 4, 1), stage_one.handler)
    assert "handler" in refused.value.message_dict
    assert not ComplaintStage.objects.filter(complaint=complaint, number=2).exists()


def test_escalating_into_a_suspended_stage_is_refused_and_names_the_suspension():
    complaint = responded_corporate_complaint()
    suspend_stage("corporate", 2, starts_on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        escalate(stage_of(complaint), D(2026, 4, 1), colleague_of(complaint))
    message = refused.value.message_dict["requested_on"][0]
    assert "suspended" in message
    assert "Emergency response to the pandemic" in message
    assert not ComplaintStage.objects.filter(complaint=complaint, number=2).exists()


def test_escalating_after_a_suspension_has_ended_is_allowed():
    complaint = responded_corporate_complaint()
    suspend_stage("corporate", 2, starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 31))
    stage_two = escalate(stage_of(complaint), D(2026, 4, 1), colleague_of(complaint))
    assert stage_two.number == 2


def test_escalating_from_the_final_stage_is_refused():
    complaint = responded_corporate_complaint()
    stage_two = escalate(stage_of(complaint), D(2026, 4, 1), colleague_of(complaint))
    stage_two = acknowledge(stage_two, D(2026, 4, 2))
    respond(stage_two, D(2026, 4, 20))
    with pytest.raises(ValidationError) as refused:
        escalate(stage_two, D(2026, 4, 21), colleague_of(complaint))
    assert "requested_on" in refused.value.message_dict


# --- closing -----------------------------------------------------------------------------------


def close(stage: ComplaintStage, on: dt.date, **kwargs) -> Complaint:
    return services.complaint_close(by=stage.handler, stage=stage, closed_on=on, today=on, **kwargs)


def test_closing_when_the_next_stage_is_suspended_requires_signposting():
    complaint = responded_corporate_complaint()
    suspension = suspend_stage("corporate", 2, starts_on=D(2026, 3, 1))
    stage_one = stage_of(complaint)
    with pytest.raises(ValidationError) as refused:
        close(stage_one, D(2026, 3, 20))
    assert "wording" in refused.value.message_dict
    stage_one.refresh_from_db()
    assert stage_one.status == StageStatus.RESPONDED
    assert not Signposting.objects.exists()

    close(stage_one, D(2026, 3, 20), signposting=signposting(D(2026, 3, 18)))
    signpost = Signposting.objects.get(complaint=complaint)
    assert signpost.reason == SignpostReason.NEXT_STAGE_SUSPENDED
    assert signpost.suspension == suspension
    assert (signpost.stage, signpost.told_on, signpost.method) == (stage_one, D(2026, 3, 18), ContactMethod.LETTER)
    assert "Stage 2 suspended" in last_event(complaint, "signposted").summary
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == (ComplaintStatus.CLOSED, D(2026, 3, 20))
    stage_one.refresh_from_db()
    assert (stage_one.status, stage_one.closed_on) == (StageStatus.CLOSED, D(2026, 3, 20))
    assert kinds(complaint)[-2:] == ["signposted", "closed"]


def test_signposting_with_blank_wording_is_refused():
    complaint = responded_corporate_complaint()
    suspend_stage("corporate", 2, starts_on=D(2026, 3, 1))
    blank = services.SignpostingDetails(told_on=D(2026, 3, 18), method=ContactMethod.EMAIL, wording="   ")
    with pytest.raises(ValidationError) as refused:
        close(stage_of(complaint), D(2026, 3, 20), signposting=blank)
    assert "wording" in refused.value.message_dict


def test_closing_after_the_final_stage_requires_signposting():
    complaint = responded_corporate_complaint()
    stage_two = escalate(stage_of(complaint), D(2026, 4, 1), colleague_of(complaint))
    respond(acknowledge(stage_two, D(2026, 4, 2)), D(2026, 4, 20))
    with pytest.raises(ValidationError) as refused:
        close(stage_two, D(2026, 4, 21))
    assert "wording" in refused.value.message_dict

    close(stage_two, D(2026, 4, 21), signposting=signposting(D(2026, 4, 20)))
    signpost = Signposting.objects.get(complaint=complaint)
    assert (signpost.reason, signpost.suspension, signpost.stage) == (SignpostReason.FINAL_STAGE, None, stage_two)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_closing_after_stage_one_with_stage_two_available_needs_no_signposting():
    complaint = responded_corporate_complaint()
    close(stage_of(complaint), D(2026, 3, 20))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert not Signposting.objects.exists()
    assert (complaint.next_due_date, complaint.next_due_label) == (None, "")


def test_a_single_stage_procedure_requires_signposting_at_close():
    complaint = log_complaint(procedure="adults", received_on=D(2026, 1, 14))
    stage = acknowledge(stage_of(complaint), D(2026, 1, 16), agreed_response_on=D(2026, 3, 31))
    respond(stage, D(2026, 3, 27))
    with pytest.raises(ValidationError) as refused:
        close(stage, D(2026, 3, 30))
    assert "wording" in refused.value.message_dict


def test_a_responded_final_stage_asks_for_closing_and_signposting_at_once():
    complaint = responded_corporate_complaint()
    stage_two = escalate(stage_of(complaint), D(2026, 4, 1), colleague_of(complaint))
    respond(acknowledge(stage_two, D(2026, 4, 2)), D(2026, 4, 20))
    complaint.refresh_from_db()
    # No escalation window after the final stage: the complaint must not sit unseen.
    assert complaint.next_due_label == "Close and signpost to the Ombudsman"
    assert complaint.next_due_date == D(2026, 4, 20)


# --- withdrawing and reopening -----------------------------------------------------------------


def test_withdrawing_and_reopening_returns_an_acknowledged_stage_to_in_progress():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    services.complaint_withdraw(
        by=stage.handler,
        complaint=complaint,
        withdrawn_on=D(2026, 3, 10),
        reason="Phoned to say the placement is now sorted",
        today=D(2026, 3, 10),
    )
    complaint.refresh_from_db()
    stage.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == (ComplaintStatus.WITHDRAWN, D(2026, 3, 10))
    assert (stage.status, stage.closed_on) == (StageStatus.WITHDRAWN, D(2026, 3, 10))
    assert complaint.next_due_date is None

    services.complaint_reopen(by=stage.handler, complaint=complaint, reason="The placement fell through")
    complaint.refresh_from_db()
    stage.refresh_from_db()
    assert (complaint.status, complaint.closed_on) == (ComplaintStatus.OPEN, None)
    assert (stage.status, stage.closed_on) == (StageStatus.IN_PROGRESS, None)
    assert (complaint.next_due_date, complaint.next_due_label) == (RESPONSE_DUE, "Respond by")
    assert kinds(complaint)[-2:] == ["withdrawn", "reopened"]
    assert last_event(complaint, "reopened").changes == {"status": ["withdrawn", "open"]}


def test_reopening_a_withdrawn_unacknowledged_stage_returns_it_to_awaiting_acknowledgement():
    complaint = log_complaint()
    stage = stage_of(complaint)
    services.complaint_withdraw(
        by=stage.handler,
        complaint=complaint,
        withdrawn_on=D(2026, 3, 3),
        reason="Withdrawn by email",
        today=D(2026, 3, 3),
    )
    services.complaint_reopen(by=stage.handler, complaint=complaint, reason="Sent again")
    stage.refresh_from_db()
    assert stage.status == StageStatus.AWAITING_ACKNOWLEDGEMENT


def test_reopening_a_closed_complaint_returns_the_stage_to_responded():
    complaint = responded_corporate_complaint()
    stage = stage_of(complaint)
    close(stage, D(2026, 3, 20))
    services.complaint_reopen(by=stage.handler, complaint=complaint, reason="Closed by mistake")
    stage.refresh_from_db()
    complaint.refresh_from_db()
    assert (stage.status, stage.closed_on) == (StageStatus.RESPONDED, None)
    assert complaint.status == ComplaintStatus.OPEN
    assert (complaint.next_due_date, complaint.next_due_label) == (WINDOW_ENDS, "Close if not escalated by")


def test_an_open_complaint_cannot_be_reopened():
    complaint = log_complaint()
    with pytest.raises(workflow.TransitionNotAllowed):
        services.complaint_reopen(by=complaint.handler, complaint=complaint, reason="Why not")


def test_withdrawing_needs_a_reason_and_saves_nothing_without_one():
    complaint = log_complaint()
    with pytest.raises(ValidationError) as refused:
        services.complaint_withdraw(
            by=complaint.handler, complaint=complaint, withdrawn_on=D(2026, 3, 3), reason=" ", today=D(2026, 3, 3)
        )
    assert "reason" in refused.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


# --- two editors -------------------------------------------------------------------------------


def test_a_second_edit_from_a_stale_form_is_refused_and_changes_nothing():
    complaint = log_complaint()
    stage = stage_of(complaint)
    colleague = colleague_of(complaint)
    opened_at = stage.version
    services.stage_acknowledge(
        by=stage.handler, stage=stage, acknowledged_on=ACKNOWLEDGED, today=ACKNOWLEDGED, expected_version=opened_at
    )
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    with pytest.raises(services.StaleEdit) as stale:
        services.stage_extend(
            by=colleague,
            stage=stage,
            new_due=D(2026, 3, 25),
            reason="Complex",
            complainant_told_on=ACKNOWLEDGED,
            today=ACKNOWLEDGED,
            expected_version=opened_at,
        )
    assert [e.kind for e in stale.value.changes] == ["acknowledged"]
    assert "Someone else changed this stage" in str(stale.value)
    assert not Extension.objects.exists()
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before
    stage.refresh_from_db()
    assert (stage.version, stage.response_due) == (opened_at + 1, RESPONSE_DUE)


def test_the_same_action_from_two_stale_forms_is_recorded_once():
    complaint = log_complaint()
    stage = stage_of(complaint)
    services.stage_acknowledge(
        by=stage.handler, stage=stage, acknowledged_on=ACKNOWLEDGED, today=ACKNOWLEDGED, expected_version=1
    )
    with pytest.raises(services.StaleEdit):
        services.stage_acknowledge(
            by=colleague_of(complaint),
            stage=stage,
            acknowledged_on=D(2026, 3, 5),
            today=D(2026, 3, 5),
            expected_version=1,
        )
    stage.refresh_from_db()
    assert stage.acknowledged_on == ACKNOWLEDGED
    assert kinds(complaint).count("acknowledged") == 1


# --- clock stops -------------------------------------------------------------------------------


def test_a_clock_stop_moves_the_response_deadline_by_the_working_days_stopped():
    # Children's Stage 1 received Mon 2 Mar 2026: response due 10 WD later, Mon 16 Mar.
    complaint = log_complaint(procedure="children")
    stage = stage_of(complaint)
    assert (stage.status, stage.acknowledge_due, stage.response_due) == (StageStatus.IN_PROGRESS, None, D(2026, 3, 16))
    stop = services.clock_stop(
        by=stage.handler, stage=stage, stopped_on=D(2026, 3, 9), reason="Waiting for an advocate", today=D(2026, 3, 9)
    )
    services.clock_restart(by=stage.handler, stage=stage, restarted_on=D(2026, 3, 16), today=D(2026, 3, 16))
    stop.refresh_from_db()
    stage.refresh_from_db()
    assert stop.restarted_on == D(2026, 3, 16)
    # Mon 9 to Fri 13 Mar did not count: 5 WD, so Mon 23 Mar.
    assert stage.response_due == D(2026, 3, 23)
    assert stage.original_response_due == D(2026, 3, 23)  # a clock stop is not an extension
    assert last_event(complaint, "clock_restarted").changes == {"response_due": ["2026-03-16", "2026-03-23"]}
    assert kinds(complaint)[-2:] == ["clock_stopped", "clock_restarted"]
    complaint.refresh_from_db()
    assert complaint.next_due_date == D(2026, 3, 23)


def test_a_clock_stop_across_easter_adds_only_the_working_days():
    complaint = log_complaint(procedure="children", received_on=D(2026, 3, 23))
    stage = stage_of(complaint)
    # Mon 23 Mar + 10 WD (Good Friday and Easter Monday skipped) = Wed 8 Apr.
    assert stage.response_due == D(2026, 4, 8)
    services.clock_stop(
        by=stage.handler, stage=stage, stopped_on=D(2026, 3, 30), reason="Waiting for an advocate", today=D(2026, 3, 30)
    )
    services.clock_restart(by=stage.handler, stage=stage, restarted_on=D(2026, 4, 7), today=D(2026, 4, 7))
    stage.refresh_from_db()
    # 30 Mar - 2 Apr: 4 WD (3 and 6 Apr are bank holidays), so Wed 8 Apr + 4 WD = Tue 14 Apr.
    assert stage.response_due == D(2026, 4, 14)


def test_a_corporate_stage_refuses_a_clock_stop():
    stage = acknowledge(stage_of(log_complaint()), ACKNOWLEDGED)
    with pytest.raises(ValidationError) as refused:
        services.clock_stop(
            by=stage.handler, stage=stage, stopped_on=D(2026, 3, 9), reason="Waiting", today=D(2026, 3, 9)
        )
    assert "stopped_on" in refused.value.message_dict
    assert not ClockStop.objects.exists()


def test_a_clock_cannot_be_stopped_twice_or_restarted_when_running():
    stage = stage_of(log_complaint(procedure="children"))
    with pytest.raises(ValidationError) as not_stopped:
        services.clock_restart(by=stage.handler, stage=stage, restarted_on=D(2026, 3, 9), today=D(2026, 3, 9))
    assert "restarted_on" in not_stopped.value.message_dict
    services.clock_stop(by=stage.handler, stage=stage, stopped_on=D(2026, 3, 9), reason="Advocate", today=D(2026, 3, 9))
    with pytest.raises(ValidationError) as already:
        services.clock_stop(
            by=stage.handler, stage=stage, stopped_on=D(2026, 3, 10), reason="Again", today=D(2026, 3, 10)
        )
    assert "stopped_on" in already.value.message_dict


def test_after_a_clock_stop_a_caseworker_may_still_extend_by_the_rules_full_allowance():
    complaint = log_complaint(procedure="children")
    stage = stage_of(complaint)
    services.clock_stop(by=stage.handler, stage=stage, stopped_on=D(2026, 3, 9), reason="Advocate", today=D(2026, 3, 9))
    services.clock_restart(by=stage.handler, stage=stage, restarted_on=D(2026, 3, 16), today=D(2026, 3, 16))
    # Due Mon 23 Mar after the stop; + 10 WD (Easter skipped) = Wed 8 Apr.
    extension = services.stage_extend(
        by=stage.handler,
        stage=stage,
        new_due=D(2026, 4, 8),
        reason="Complex",
        complainant_told_on=D(2026, 3, 16),
        today=D(2026, 3, 16),
    )
    assert not extension.beyond_cap


# --- children's review panel -------------------------------------------------------------------


def test_recording_the_review_panel_fixes_the_council_response_due_from_the_report():
    complaint = log_complaint(procedure="children")
    area = complaint.service_area
    stage_one = stage_of(complaint)
    respond(stage_one, D(2026, 3, 13))
    investigator = CaseworkerFactory(service_areas=[area])
    stage_two = escalate(stage_one, D(2026, 3, 16), investigator)
    # Stage 2: 25 WD from Mon 16 Mar 2026, across Easter = Wed 22 Apr.
    assert stage_two.response_due == D(2026, 4, 22)
    respond(stage_two, D(2026, 4, 20))
    stage_two.refresh_from_db()
    assert stage_two.escalation_deadline == D(2026, 5, 19)
    stage_three = escalate(stage_two, D(2026, 4, 27), CaseworkerFactory(service_areas=[area]))

    # Requested Mon 27 Apr: panel within 30 WD (4 and 25 May skipped) = Wed 10 Jun; report 5 WD after that
    # = Wed 17 Jun; council response 15 WD after the report = Wed 8 Jul, all provisional.
    assert stage_three.status == StageStatus.IN_PROGRESS
    assert (stage_three.panel_meeting_due, stage_three.panel_report_due, stage_three.response_due) == (
        D(2026, 6, 10),
        D(2026, 6, 17),
        D(2026, 7, 8),
    )
    assert stage_three.response_due_is_provisional
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (D(2026, 6, 10), "Review panel to meet by")

    services.stage_record_panel(
        by=stage_three.handler, stage=stage_three, panel_met_on=D(2026, 6, 2), today=D(2026, 6, 2)
    )
    stage_three.refresh_from_db()
    # Met Tue 2 Jun: report due Tue 9 Jun; provisional response 15 WD later, Tue 30 Jun.
    assert (stage_three.panel_report_due, stage_three.response_due) == (D(2026, 6, 9), D(2026, 6, 30))
    assert stage_three.response_due_is_provisional
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (D(2026, 6, 9), "Panel report due by")

    services.stage_record_panel(
        by=stage_three.handler, stage=stage_three, panel_report_on=D(2026, 6, 8), today=D(2026, 6, 8)
    )
    stage_three.refresh_from_db()
    # Report received Mon 8 Jun: council response within 15 WD = Mon 29 Jun.
    assert stage_three.response_due == stage_three.original_response_due == D(2026, 6, 29)
    assert not stage_three.response_due_is_provisional
    assert last_event(complaint, "panel").changes["response_due"] == ["2026-06-30", "2026-06-29"]
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (D(2026, 6, 29), "Respond by")


def test_a_report_before_the_meeting_is_refused():
    complaint = log_complaint(procedure="children")
    stage_one = stage_of(complaint)
    respond(stage_one, D(2026, 3, 13))
    stage_two = escalate(stage_one, D(2026, 3, 16), colleague_of(complaint))
    respond(stage_two, D(2026, 4, 20))
    stage_three = escalate(stage_two, D(2026, 4, 27), colleague_of(complaint))
    with pytest.raises(ValidationError) as refused:
        services.stage_record_panel(
            by=stage_three.handler,
            stage=stage_three,
            panel_met_on=D(2026, 6, 2),
            panel_report_on=D(2026, 6, 1),
            today=D(2026, 6, 8),
        )
    assert "panel_report_on" in refused.value.message_dict


# --- adult social care -------------------------------------------------------------------------


def test_adults_acknowledgement_needs_an_agreed_date_within_the_six_month_outer_limit():
    # Received Wed 14 Jan 2026: acknowledge within 3 WD (Mon 19 Jan); outer limit 6 months, Tue 14 Jul 2026.
    complaint = log_complaint(procedure="adults", received_on=D(2026, 1, 14))
    stage = stage_of(complaint)
    assert (stage.acknowledge_due, stage.response_due) == (D(2026, 1, 19), D(2026, 7, 14))
    assert not stage.response_due_is_provisional

    with pytest.raises(ValidationError) as missing:
        acknowledge(stage, D(2026, 1, 16))
    assert "agreed_response_on" in missing.value.message_dict
    with pytest.raises(ValidationError) as too_late:
        acknowledge(stage, D(2026, 1, 16), agreed_response_on=D(2026, 7, 15))
    assert "14 July 2026" in too_late.value.message_dict["agreed_response_on"][0]
    stage.refresh_from_db()
    assert (stage.status, stage.acknowledged_on, stage.agreed_response_on) == (
        StageStatus.AWAITING_ACKNOWLEDGEMENT,
        None,
        None,
    )

    acknowledge(stage, D(2026, 1, 16), agreed_response_on=D(2026, 4, 30))
    stage.refresh_from_db()
    assert (stage.agreed_response_on, stage.response_due) == (D(2026, 4, 30), D(2026, 7, 14))
    assert last_event(complaint, "acknowledged").changes["agreed_response_on"] == [None, "2026-04-30"]
    complaint.refresh_from_db()
    assert (complaint.next_due_date, complaint.next_due_label) == (D(2026, 4, 30), "Respond by")


def test_adults_agreed_date_on_the_outer_limit_is_accepted():
    stage = stage_of(log_complaint(procedure="adults", received_on=D(2026, 1, 14)))
    acknowledge(stage, D(2026, 1, 16), agreed_response_on=D(2026, 7, 14))
    stage.refresh_from_db()
    assert stage.agreed_response_on == D(2026, 7, 14)


# --- actions promised --------------------------------------------------------------------------


def test_actions_promised_in_a_response_are_tracked_and_late_completion_is_marked():
    complaint = log_complaint()
    owner = colleague_of(complaint)
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    respond(
        stage,
        RESPONDED,
        actions=[
            ("Apologise in writing", owner, D(2026, 3, 24)),
            ("Review the post-16 transfer procedure", owner, D(2026, 4, 30)),
        ],
    )
    apology, review = Action.objects.filter(complaint=complaint).order_by("due_on")
    assert (apology.stage, apology.owner, apology.completed_on) == (stage, owner, None)

    services.action_complete(by=owner, action=apology, completed_on=D(2026, 3, 24), today=D(2026, 3, 24))
    on_time = last_event(complaint, "action_completed")
    assert "(late)" not in on_time.summary
    assert "Apologise in writing" in on_time.summary

    services.action_complete(by=owner, action=review, completed_on=D(2026, 5, 5), today=D(2026, 5, 5))
    assert "(late)" in last_event(complaint, "action_completed").summary
    review.refresh_from_db()
    assert review.completed_on == D(2026, 5, 5)


def test_an_action_due_before_the_response_is_refused():
    complaint = log_complaint()
    stage = acknowledge(stage_of(complaint), ACKNOWLEDGED)
    with pytest.raises(ValidationError) as refused:
        respond(stage, RESPONDED, actions=[("Apologise", stage.handler, D(2026, 3, 16))])
    assert "actions" in refused.value.message_dict
    assert not Action.objects.exists()
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PROGRESS


def test_an_action_cannot_be_completed_twice():
    complaint = responded_corporate_complaint()
    stage = stage_of(complaint)
    action = Action.objects.create(
        complaint=complaint, stage=stage, description="Apologise", owner=stage.handler, due_on=D(2026, 3, 24)
    )
    services.action_complete(by=stage.handler, action=action, completed_on=D(2026, 3, 20), today=D(2026, 3, 20))
    with pytest.raises(ValidationError) as refused:
        services.action_complete(by=stage.handler, action=action, completed_on=D(2026, 3, 21), today=D(2026, 3, 21))
    assert "completed_on" in refused.value.message_dict


# --- documents ---------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_pdf_is_stored_under_a_random_name_with_its_type_from_its_content(media_root):
    complaint = log_complaint()
    upload = SimpleUploadedFile("Stage 1 response to Ms B.pdf", PDF, content_type="application/octet-stream")
    document = services.document_upload(
        by=complaint.handler, complaint=complaint, uploaded_file=upload, description="Stage 1 response letter"
    )
    document.refresh_from_db()
    assert document.content_type == "application/pdf"
    assert document.original_name == "Stage 1 response to Ms B.pdf"
    assert document.size == len(PDF)
    assert "Ms B" not in document.file.name and "response" not in document.file.name
    assert not document.file.name.endswith(".pdf")
    assert document.file.name.startswith(f"complaints/{complaint.pk}/")
    [path] = stored_files(media_root)
    assert path.read_bytes() == PDF
    assert "Stage 1 response letter" in last_event(complaint, "document").summary


def test_two_uploads_with_the_same_name_get_different_stored_names(media_root):
    complaint = log_complaint()
    names = {
        services.document_upload(
            by=complaint.handler,
            complaint=complaint,
            uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
            description="",
        ).file.name
        for _ in range(2)
    }
    assert len(names) == 2


def test_an_executable_named_pdf_is_refused(media_root):
    complaint = log_complaint()
    upload = SimpleUploadedFile("letter.pdf", EXE, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.document_upload(by=complaint.handler, complaint=complaint, uploaded_file=upload, description="Letter")
    assert "file" in refused.value.message_dict
    assert not Document.objects.exists()
    assert stored_files(media_root) == []
    assert "document" not in kinds(complaint)


def test_an_oversize_file_is_refused(settings, media_root):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    complaint = log_complaint()
    upload = SimpleUploadedFile("evidence.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.document_upload(by=complaint.handler, complaint=complaint, uploaded_file=upload, description="")
    assert "file" in refused.value.message_dict
    assert "1 MB" in refused.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_exactly_at_the_limit_is_accepted(settings, media_root):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    complaint = log_complaint()
    content = PDF + b"0" * (1024 * 1024 - len(PDF))
    document = services.document_upload(
        by=complaint.handler,
        complaint=complaint,
        uploaded_file=SimpleUploadedFile("evidence.pdf", content),
        description="",
    )
    assert document.size == 1024 * 1024


def test_an_empty_file_is_refused(media_root):
    complaint = log_complaint()
    with pytest.raises(ValidationError) as refused:
        services.document_upload(
            by=complaint.handler,
            complaint=complaint,
            uploaded_file=SimpleUploadedFile("empty.pdf", b""),
            description="",
        )
    assert "file" in refused.value.message_dict


# --- procedures seeded -------------------------------------------------------------------------


def test_the_four_procedures_are_seeded_with_their_stage_counts():
    assert dict(Procedure.objects.values_list("slug", "number_of_stages")) == {
        "corporate": 2,
        "housing": 2,
        "children": 3,
        "adults": 1,
    }
