"""The services that change LGSCO cases, against the real database.

Each test builds its data through the services, as a user would, and checks the stored state,
the timeline (CaseEvent) and the obligation register (reminders.Obligation) that the managers'
overdue view reads. Dates follow the source case (DOMAIN.md §0): final decision 4 Feb 2022;
`TODAY` is fixed so the "not in the future" checks are predictable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ombudsman_cases import selectors, services
from ombudsman_cases.models import (
    CaseEvent,
    CommitteeConsideration,
    LgscoStatus,
    OmbudsmanCase,
    Payment,
    PublicInterestReport,
    Recommendation,
    RecommendationExtension,
    ReportRule,
)
from ombudsman_cases.tests.factories import SOURCE_DECISION, SOURCE_REFERENCE, add_recommendation, open_case
from reminders.models import Obligation, ObligationKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

D = dt.date
TODAY = D(2022, 12, 30)
RECEIVED = D(2021, 4, 1)


def refused(excinfo) -> set[str]:
    """The form fields a service's ValidationError names."""
    return set(excinfo.value.message_dict)


@pytest.fixture
def lena(people):
    return people["lena"]


@pytest.fixture
def children(areas):
    return areas["Children's services"]


@pytest.fixture
def source_case(lena, children):
    """20 008 832 with its final decision of 4 Feb 2022 (upheld)."""
    return open_case(
        by=lena,
        service_area=children,
        reference=SOURCE_REFERENCE,
        received_on=RECEIVED,
        final_decision_on=SOURCE_DECISION,
        today=TODAY,
    )


def register(by, area, reference, **extra):
    return services.case_register(
        by=by,
        today=TODAY,
        reference=reference,
        service_area=area,
        link_officer=by,
        summary="Ms B: post-16 transfer missed.",
        received_on=RECEIVED,
        **extra,
    )


def obligation(key: str) -> Obligation:
    return Obligation.objects.get(source_key=key)


# --- case_register ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["20008832", "20-008-832", "20 008 832", " 20 008 832 ", "20.008.832"])
def test_case_register_stores_the_reference_in_the_lgsco_format(lena, children, typed):
    case = register(lena, children, typed)
    case.refresh_from_db()
    assert case.reference == "20 008 832"
    assert case.status == "assessment"
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


@pytest.mark.parametrize("typed", ["2000883", "AB 008 832", "200088321", "20 008 83", ""])
def test_case_register_refuses_an_invalid_reference_and_saves_nothing(lena, children, typed):
    with pytest.raises(ValidationError) as excinfo:
        register(lena, children, typed)
    assert refused(excinfo) == {"reference"}
    assert not OmbudsmanCase.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not Obligation.objects.exists()


@pytest.mark.parametrize("typed", ["20 008 832", "20008832", "20-008-832"])
def test_case_register_refuses_a_duplicate_reference_in_any_format(lena, children, typed):
    register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        register(lena, children, typed)
    assert refused(excinfo) == {"reference"}
    assert OmbudsmanCase.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_case_register_refuses_a_received_date_in_the_future(lena, children):
    with pytest.raises(ValidationError) as excinfo:
        services.case_register(
            by=lena,
            today=TODAY,
            reference="20 008 832",
            service_area=children,
            link_officer=lena,
            summary="x",
            received_on=TODAY + dt.timedelta(days=1),
        )
    assert refused(excinfo) == {"received_on"}
    assert not OmbudsmanCase.objects.exists()


def test_a_restricted_case_names_its_creator_link_officer_and_the_named_users(people, children):
    case = services.case_register(
        by=people["mona"],
        today=TODAY,
        reference="20 008 832",
        service_area=children,
        link_officer=people["lena"],
        summary="About a child",
        received_on=RECEIVED,
        is_restricted=True,
        named_users=[people["cora"]],
    )
    assert set(case.named_users.all()) == {people["mona"], people["lena"], people["cora"]}


# --- case_record_steps --------------------------------------------------------------------------


def test_a_reply_sent_before_the_enquiry_was_received_is_refused(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(
            by=lena,
            case=case,
            today=TODAY,
            enquiry_received_on=D(2021, 6, 1),
            enquiry_reply_due=D(2021, 6, 29),
            enquiry_reply_sent_on=D(2021, 5, 31),
        )
    assert refused(excinfo) == {"enquiry_reply_sent_on"}
    case.refresh_from_db()
    assert case.enquiry_received_on is None and case.enquiry_reply_sent_on is None
    assert case.status == "assessment"
    assert not Obligation.objects.exists()


def test_a_reply_without_an_enquiry_is_refused(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(by=lena, case=case, today=TODAY, enquiry_reply_sent_on=D(2021, 6, 20))
    assert refused(excinfo) == {"enquiry_received_on"}


def test_comments_before_the_draft_decision_are_refused(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(
            by=lena,
            case=case,
            today=TODAY,
            draft_decision_received_on=D(2021, 11, 1),
            draft_comments_due=D(2021, 11, 29),
            draft_comments_sent_on=D(2021, 10, 30),
        )
    assert refused(excinfo) == {"draft_comments_sent_on"}


def test_a_final_decision_needs_an_outcome(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(by=lena, case=case, today=TODAY, final_decision_on=SOURCE_DECISION)
    assert refused(excinfo) == {"outcome"}
    case.refresh_from_db()
    assert case.final_decision_on is None


def test_an_enquiry_needs_the_reply_date_the_lgsco_set(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(by=lena, case=case, today=TODAY, enquiry_received_on=D(2021, 6, 1))
    assert refused(excinfo) == {"enquiry_reply_due"}


def test_steps_in_the_future_are_refused(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_record_steps(
            by=lena,
            case=case,
            today=TODAY,
            final_decision_on=TODAY + dt.timedelta(days=1),
            outcome="not_upheld_no_fault",
        )
    assert refused(excinfo) == {"final_decision_on"}


def test_the_status_follows_the_steps_from_assessment_to_closed(people, lena, children):
    case = register(lena, children, "20 008 832")
    assert case.status == "assessment"

    def steps(**kw):
        return services.case_record_steps(by=lena, case=case, today=TODAY, **kw).status

    assert steps(enquiry_received_on=D(2021, 6, 1), enquiry_reply_due=D(2021, 6, 29)) == "enquiries"
    assert steps(enquiry_reply_sent_on=D(2021, 6, 28)) == "enquiries"
    assert steps(draft_decision_received_on=D(2021, 12, 1), draft_comments_due=D(2021, 12, 29)) == "draft_decision"
    assert steps(draft_comments_sent_on=D(2021, 12, 20)) == "draft_decision"
    assert steps(final_decision_on=SOURCE_DECISION, outcome="upheld_fault_injustice") == "final_decision"

    rec = add_recommendation(case, by=lena, due_on=D(2022, 3, 4))
    case.refresh_from_db()
    assert case.status == "compliance", "an open recommendation puts the case into compliance monitoring"

    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 1), today=TODAY)
    case.refresh_from_db()
    assert case.status == "compliance", "completed but the evidence is not yet with the LGSCO"

    services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 2), today=TODAY)
    case.refresh_from_db()
    assert case.status == "final_decision", "nothing left to prove"

    services.case_close(by=lena, case=case, closed_on=D(2022, 4, 1), today=TODAY)
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.closed_on == D(2022, 4, 1)


def test_enquiry_and_draft_obligations_carry_the_lgscos_due_dates_and_are_done_when_sent(lena, children):
    case = register(lena, children, "20 008 832")
    services.case_record_steps(
        by=lena, case=case, today=TODAY, enquiry_received_on=D(2021, 6, 1), enquiry_reply_due=D(2021, 6, 29)
    )
    enquiry = obligation(f"case-enquiry:{case.pk}")
    assert (enquiry.kind, enquiry.due_on, enquiry.done_on) == (ObligationKind.LGSCO_ENQUIRY_REPLY, D(2021, 6, 29), None)
    assert (enquiry.owner, enquiry.service_area, enquiry.ombudsman_case) == (lena, children, case)
    assert not Obligation.objects.filter(source_key=f"case-draft:{case.pk}").exists()

    services.case_record_steps(
        by=lena,
        case=case,
        today=TODAY,
        enquiry_reply_sent_on=D(2021, 6, 25),
        draft_decision_received_on=D(2021, 12, 1),
        draft_comments_due=D(2021, 12, 29),
    )
    assert obligation(f"case-enquiry:{case.pk}").done_on == D(2021, 6, 25)
    draft = obligation(f"case-draft:{case.pk}")
    assert (draft.kind, draft.due_on, draft.done_on) == (ObligationKind.LGSCO_DRAFT_COMMENTS, D(2021, 12, 29), None)

    services.case_record_steps(by=lena, case=case, today=TODAY, draft_comments_sent_on=D(2021, 12, 22))
    assert obligation(f"case-draft:{case.pk}").done_on == D(2021, 12, 22)


def test_steps_are_written_to_the_timeline_with_old_and_new_values(lena, children):
    case = register(lena, children, "20 008 832")
    services.case_record_steps(
        by=lena, case=case, today=TODAY, enquiry_received_on=D(2021, 6, 1), enquiry_reply_due=D(2021, 6, 29)
    )
    services.case_record_steps(by=lena, case=case, today=TODAY, enquiry_reply_due=D(2021, 7, 13))
    first, second = case.events.filter(kind="steps").order_by("id")
    assert first.actor == lena
    assert first.changes == {
        "enquiry_received_on": [None, "2021-06-01"],
        "enquiry_reply_due": [None, "2021-06-29"],
    }
    assert second.changes == {"enquiry_reply_due": ["2021-06-29", "2021-07-13"]}


def test_recording_the_same_steps_again_writes_nothing(lena, children):
    case = register(lena, children, "20 008 832")
    kw = {"enquiry_received_on": D(2021, 6, 1), "enquiry_reply_due": D(2021, 6, 29)}
    services.case_record_steps(by=lena, case=case, today=TODAY, **kw)
    services.case_record_steps(by=lena, case=case, today=TODAY, **kw)
    assert case.events.filter(kind="steps").count() == 1


# --- recommendation_add -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "within", "due"),
    [
        ("months", 1, D(2022, 3, 4)),
        ("months", 3, D(2022, 5, 4)),
        ("working_days", 20, D(2022, 3, 4)),
        ("working_days", 1, D(2022, 2, 7)),
    ],
)
def test_a_recommendation_stores_its_due_date_with_the_basis(source_case, lena, basis, within, due):
    rec = add_recommendation(source_case, by=lena, due_basis=basis, due_within=within)
    rec.refresh_from_db()
    assert (rec.due_basis, rec.due_within, rec.due_on, rec.original_due_on) == (basis, within, due, due)
    event = source_case.events.get(kind="recommendation_added")
    assert due.strftime("%d %B %Y") in event.summary
    assert rec.basis_description in event.summary


def test_an_explicit_due_date_is_stored_as_given(source_case, lena):
    rec = add_recommendation(source_case, by=lena, due_basis="explicit", due_on=D(2022, 5, 13), due_within=3)
    rec.refresh_from_db()
    assert (rec.due_basis, rec.due_within, rec.due_on, rec.original_due_on) == (
        "explicit",
        None,
        D(2022, 5, 13),
        D(2022, 5, 13),
    )


def test_working_days_are_counted_with_the_bank_holidays_in_the_database(lena, children):
    case = open_case(by=lena, service_area=children, final_decision_on=D(2022, 12, 23), today=TODAY)
    rec = add_recommendation(case, by=lena, due_basis="working_days", due_within=5)
    # Tue 27 Dec 2022 and Mon 2 Jan 2023 are substitute bank holidays.
    assert rec.due_on == D(2023, 1, 4)


def test_a_recommendation_makes_an_obligation_for_its_owner(source_case, people, children):
    rec = add_recommendation(source_case, by=people["lena"], owner=people["cora"], due_on=D(2022, 3, 4))
    item = obligation(f"recommendation:{rec.pk}")
    assert (item.kind, item.due_on, item.done_on) == (ObligationKind.RECOMMENDATION, D(2022, 3, 4), None)
    assert (item.owner, item.service_area, item.ombudsman_case) == (people["cora"], children, source_case)


def test_a_negative_amount_is_refused(source_case, lena):
    with pytest.raises(ValidationError) as excinfo:
        add_recommendation(source_case, by=lena, kind="symbolic_payment", amount=Decimal("-100"))
    assert refused(excinfo) == {"amount"}
    assert not Recommendation.objects.exists()
    assert not Obligation.objects.filter(kind=ObligationKind.RECOMMENDATION).exists()


def test_a_zero_or_positive_amount_is_kept_to_the_penny(source_case, lena):
    rec = add_recommendation(source_case, by=lena, kind="symbolic_payment", amount=Decimal("3000.00"))
    rec.refresh_from_db()
    assert rec.amount == Decimal("3000.00")


@pytest.mark.parametrize("basis", ["months", "working_days"])
def test_a_basis_counted_from_the_final_decision_needs_one(lena, children, basis):
    case = open_case(by=lena, service_area=children, today=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        add_recommendation(case, by=lena, due_basis=basis, due_within=1)
    assert refused(excinfo) == {"due_basis"}
    assert not Recommendation.objects.exists()


def test_a_basis_counted_from_the_decision_needs_n(source_case, lena):
    with pytest.raises(ValidationError) as excinfo:
        add_recommendation(source_case, by=lena, due_basis="months", due_within=None)
    assert refused(excinfo) == {"due_within"}


def test_an_explicit_date_before_the_final_decision_is_refused(source_case, lena):
    with pytest.raises(ValidationError) as excinfo:
        add_recommendation(source_case, by=lena, due_basis="explicit", due_on=D(2022, 2, 3))
    assert refused(excinfo) == {"explicit_due_on"}


def test_an_explicit_basis_without_a_date_is_refused(source_case, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_add(
            by=lena,
            case=source_case,
            kind="apology",
            remedy_type="personal",
            wording="Apologise",
            owner=lena,
            service_area=source_case.service_area,
            due_basis="explicit",
        )
    assert refused(excinfo) == {"explicit_due_on"}


# --- recommendation_complete, evidence, LGSCO outcome ------------------------------------------


@pytest.fixture
def rec(source_case, lena):
    """Apologise to Ms B within one month of 4 Feb 2022: due 4 Mar 2022."""
    return add_recommendation(source_case, by=lena, due_basis="months", due_within=1)


def test_completion_before_the_final_decision_is_refused(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 2, 3), today=TODAY)
    assert refused(excinfo) == {"completed_on"}
    rec.refresh_from_db()
    assert rec.completed_on is None and rec.version == 1


def test_completion_in_the_future_is_refused(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(
            by=lena, recommendation=rec, completed_on=TODAY + dt.timedelta(days=1), today=TODAY
        )
    assert refused(excinfo) == {"completed_on"}


def test_completion_on_the_due_date_is_on_time(rec, lena):
    done = services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 4), today=TODAY)
    done.refresh_from_db()
    assert done.completed_on == D(2022, 3, 4)
    assert done.is_late is False
    assert "(on time)" in rec.case.events.get(kind="recommendation_completed").summary


def test_completion_after_the_due_date_is_late_and_stays_late(rec, lena):
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 5), today=TODAY)
    rec.refresh_from_db()
    assert rec.is_late is True
    assert "(late)" in rec.case.events.get(kind="recommendation_completed").summary

    services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 7), today=TODAY)
    services.recommendation_lgsco_outcome(
        by=lena, recommendation=rec, satisfied=True, outcome_on=D(2022, 4, 1), today=TODAY
    )
    rec.refresh_from_db()
    assert rec.is_late is True, "the LGSCO records late compliance for ever"
    assert rec.lgsco_status == LgscoStatus.COMPLIED_LATE
    assert rec.lgsco_outcome_on == D(2022, 4, 1)


def test_the_lgsco_outcome_is_complied_when_done_on_time(rec, lena):
    services.recommendation_complete(
        by=lena, recommendation=rec, completed_on=D(2022, 3, 1), evidence_sent_on=D(2022, 3, 2), today=TODAY
    )
    services.recommendation_lgsco_outcome(
        by=lena, recommendation=rec, satisfied=True, outcome_on=D(2022, 3, 10), today=TODAY
    )
    rec.refresh_from_db()
    assert rec.lgsco_status == LgscoStatus.COMPLIED
    event = rec.case.events.get(kind="lgsco_outcome")
    assert event.changes == {"lgsco_status": ["pending", "complied"]}


def test_the_lgsco_can_record_not_complied(rec, lena):
    services.recommendation_lgsco_outcome(
        by=lena, recommendation=rec, satisfied=False, outcome_on=D(2022, 6, 1), today=TODAY
    )
    rec.refresh_from_db()
    assert rec.lgsco_status == LgscoStatus.NOT_COMPLIED
    assert rec.completed_on is None


def test_the_lgsco_cannot_be_satisfied_before_completion(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_lgsco_outcome(
            by=lena, recommendation=rec, satisfied=True, outcome_on=D(2022, 6, 1), today=TODAY
        )
    assert refused(excinfo) == {"satisfied"}
    rec.refresh_from_db()
    assert rec.lgsco_status == LgscoStatus.PENDING


def test_evidence_sent_before_completion_is_refused(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(
            by=lena, recommendation=rec, completed_on=D(2022, 3, 1), evidence_sent_on=D(2022, 2, 28), today=TODAY
        )
    assert refused(excinfo) == {"evidence_sent_on"}
    rec.refresh_from_db()
    assert rec.completed_on is None and rec.evidence_sent_on is None
    assert not rec.case.events.filter(kind="recommendation_completed").exists()


def test_evidence_sent_in_the_future_is_refused(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(
            by=lena,
            recommendation=rec,
            completed_on=D(2022, 3, 1),
            evidence_sent_on=TODAY + dt.timedelta(days=1),
            today=TODAY,
        )
    assert refused(excinfo) == {"evidence_sent_on"}


def test_evidence_sent_needs_the_completion_first(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 1), today=TODAY)
    assert refused(excinfo) == {"evidence_sent_on"}
    rec.refresh_from_db()
    assert rec.evidence_sent_on is None


def test_evidence_sent_cannot_be_before_the_completion(rec, lena):
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 3), today=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 2), today=TODAY)
    assert refused(excinfo) == {"evidence_sent_on"}


def test_a_recommendation_cannot_be_completed_twice(rec, lena):
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 1), today=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 2), today=TODAY)
    assert refused(excinfo) == {"completed_on"}


def test_a_stale_version_is_refused(rec, lena):
    with pytest.raises(ValidationError) as excinfo:
        services.recommendation_complete(
            by=lena, recommendation=rec, completed_on=D(2022, 3, 1), today=TODAY, expected_version=rec.version + 1
        )
    assert refused(excinfo) == {"__all__"}


def test_the_obligation_is_done_only_when_the_evidence_is_sent_and_then_leaves_the_overdue_view(rec, people):
    lena, mona = people["lena"], people["mona"]
    today = D(2022, 3, 20)  # after the due date of 4 Mar 2022

    def overdue_keys():
        rows, _ = selectors.overdue_items(user=mona, today=today)
        return [r.source_key for r in rows]

    assert f"recommendation:{rec.pk}" in overdue_keys()
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 10), today=today)
    assert obligation(f"recommendation:{rec.pk}").done_on is None
    assert f"recommendation:{rec.pk}" in overdue_keys(), "completed but not proved to the LGSCO"

    services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 14), today=today)
    assert obligation(f"recommendation:{rec.pk}").done_on == D(2022, 3, 14)
    assert f"recommendation:{rec.pk}" not in overdue_keys()


def test_completion_and_evidence_are_written_to_the_timeline(rec, lena):
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 1), today=TODAY)
    services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 2), today=TODAY)
    completed = rec.case.events.get(kind="recommendation_completed")
    assert completed.actor == lena
    assert completed.changes == {"completed_on": [None, "2022-03-01"]}
    sent = rec.case.events.get(kind="evidence_sent")
    assert sent.changes == {"evidence_sent_on": [None, "2022-03-02"]}


# --- recommendation_extend ----------------------------------------------------------------------


def extend(by, rec, new_due_on, **kw):
    arguments = {
        "letter": "LGSCO email 1 Mar 2022, ref 20 008 832",
        "reason": "Waiting for HMRC figures",
        "agreed_on": D(2022, 3, 1),
        "today": TODAY,
    }
    arguments.update(kw)
    return services.recommendation_extend(by=by, recommendation=rec, new_due_on=new_due_on, **arguments)


def test_only_a_manager_can_record_an_extension(rec, people):
    with pytest.raises(PermissionDenied):
        extend(people["lena"], rec, D(2022, 4, 4))
    rec.refresh_from_db()
    assert rec.due_on == D(2022, 3, 4)
    assert not RecommendationExtension.objects.exists()


def test_an_extension_keeps_the_original_date(rec, people):
    extension = extend(people["mona"], rec, D(2022, 4, 4))
    rec.refresh_from_db()
    assert (rec.original_due_on, rec.due_on) == (D(2022, 3, 4), D(2022, 4, 4))
    assert (extension.previous_due_on, extension.new_due_on, extension.recorded_by) == (
        D(2022, 3, 4),
        D(2022, 4, 4),
        people["mona"],
    )
    assert obligation(f"recommendation:{rec.pk}").due_on == D(2022, 4, 4)
    event = rec.case.events.get(kind="recommendation_extended")
    assert event.changes == {"due_on": ["2022-03-04", "2022-04-04"]}

    extend(people["mona"], rec, D(2022, 5, 4))
    rec.refresh_from_db()
    assert (rec.original_due_on, rec.due_on) == (D(2022, 3, 4), D(2022, 5, 4))
    assert rec.extensions.count() == 2


@pytest.mark.parametrize("new_due_on", [D(2022, 3, 4), D(2022, 3, 3)], ids=["same date", "earlier"])
def test_an_extension_must_move_the_date_later(rec, people, new_due_on):
    with pytest.raises(ValidationError) as excinfo:
        extend(people["mona"], rec, new_due_on)
    assert refused(excinfo) == {"new_due_on"}
    assert not RecommendationExtension.objects.exists()


def test_an_extension_needs_the_lgsco_letter(rec, people):
    with pytest.raises(ValidationError) as excinfo:
        extend(people["mona"], rec, D(2022, 4, 4), letter="  ")
    assert refused(excinfo) == {"letter"}


def test_completion_after_the_original_date_but_by_the_extended_date_is_not_late(rec, people):
    extend(people["mona"], rec, D(2022, 4, 4))
    services.recommendation_complete(by=people["lena"], recommendation=rec, completed_on=D(2022, 4, 4), today=TODAY)
    rec.refresh_from_db()
    assert rec.is_late is False


def test_completion_after_the_extended_date_is_late(rec, people):
    extend(people["mona"], rec, D(2022, 4, 4))
    services.recommendation_complete(by=people["lena"], recommendation=rec, completed_on=D(2022, 4, 5), today=TODAY)
    rec.refresh_from_db()
    assert rec.is_late is True


def test_a_completed_recommendation_cannot_be_extended(rec, people):
    services.recommendation_complete(by=people["lena"], recommendation=rec, completed_on=D(2022, 3, 10), today=TODAY)
    with pytest.raises(ValidationError):
        extend(people["mona"], rec, D(2022, 4, 4))
    rec.refresh_from_db()
    assert rec.is_late is True and rec.due_on == D(2022, 3, 4)


def test_only_a_manager_can_reassign_and_the_obligation_follows(rec, people):
    with pytest.raises(PermissionDenied):
        services.recommendation_reassign(by=people["lena"], recommendation=rec, owner=people["cora"])
    services.recommendation_reassign(by=people["mona"], recommendation=rec, owner=people["cora"])
    rec.refresh_from_db()
    assert rec.owner == people["cora"]
    assert obligation(f"recommendation:{rec.pk}").owner == people["cora"]
    assert rec.case.events.get(kind="recommendation_reassigned").changes == {"owner": ["Lena Tester", "Cora Tester"]}


# --- payments -----------------------------------------------------------------------------------


def pay(rec, by, **kw):
    arguments = {
        "amount": Decimal("500.00"),
        "approved_by": by,
        "approved_on": D(2022, 2, 20),
        "method": "bank_transfer",
        "paid_on": D(2022, 2, 25),
        "proof": "FIN-123",
        "today": TODAY,
    }
    arguments.update(kw)
    return services.payment_record(by=by, recommendation=rec, **arguments)


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-500"), None])
def test_a_payment_of_nothing_or_less_is_refused(rec, people, amount):
    with pytest.raises(ValidationError) as excinfo:
        pay(rec, people["mona"], amount=amount)
    assert refused(excinfo) == {"amount"}
    assert not Payment.objects.exists()


def test_a_payment_before_its_approval_is_refused(rec, people):
    with pytest.raises(ValidationError) as excinfo:
        pay(rec, people["mona"], approved_on=D(2022, 2, 25), paid_on=D(2022, 2, 24))
    assert refused(excinfo) == {"paid_on"}
    assert not Payment.objects.exists()


def test_a_payment_is_recorded_with_its_proof(rec, people):
    payment = pay(rec, people["mona"])
    assert (payment.amount, payment.paid_on, payment.proof, payment.recorded_by) == (
        Decimal("500.00"),
        D(2022, 2, 25),
        "FIN-123",
        people["mona"],
    )
    assert "£500.00" in rec.case.events.get(kind="payment").summary


# --- public interest reports --------------------------------------------------------------------


REPORT_RECEIVED = D(2022, 2, 10)


def add_report(case, by, received_on=REPORT_RECEIVED, **kw):
    return services.report_add(by=by, case=case, received_on=received_on, today=TODAY, **kw)


def test_report_clocks_run_from_the_date_received_not_publication(source_case, lena):
    services.case_record_steps(by=lena, case=source_case, today=TODAY, decision_published_on=D(2022, 3, 3))
    report = add_report(source_case, lena, received_on=D(2022, 2, 4))
    report.refresh_from_db()
    assert report.notice_due == D(2022, 2, 18)
    assert report.response_due == report.original_response_due == D(2022, 5, 3)
    assert report.rule.notice_within_weeks == 2
    assert obligation(f"pir-notice:{report.pk}").due_on == D(2022, 2, 18)
    assert obligation(f"pir-response:{report.pk}").due_on == D(2022, 5, 3)
    assert "3 May 2022" in source_case.events.get(kind="report_received").summary


def test_a_report_uses_the_rule_in_force_when_it_was_received(source_case, lena):
    ReportRule.objects.create(effective_from=D(2022, 6, 1), notice_within_weeks=1, source="enacted text")
    before = add_report(source_case, lena, received_on=D(2022, 5, 31))
    after = add_report(source_case, lena, received_on=D(2022, 6, 1), is_further_report=True)
    assert before.notice_due == D(2022, 6, 14)
    assert after.notice_due == D(2022, 6, 8)


def test_a_report_in_the_future_is_refused(source_case, lena):
    with pytest.raises(ValidationError) as excinfo:
        add_report(source_case, lena, received_on=TODAY + dt.timedelta(days=1))
    assert refused(excinfo) == {"received_on"}
    assert not PublicInterestReport.objects.exists()


def test_a_non_publication_direction_means_no_notice_deadline(source_case, lena):
    report = add_report(source_case, lena, non_publication_direction=True)
    assert report.notice_due is None
    assert not Obligation.objects.filter(source_key=f"pir-notice:{report.pk}").exists()
    assert obligation(f"pir-response:{report.pk}").due_on == D(2022, 5, 9)


def test_a_non_publication_direction_refuses_a_notice(source_case, lena):
    report = add_report(source_case, lena, non_publication_direction=True)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(
            by=lena, report=report, today=TODAY, notice_published_on=D(2022, 2, 15), notice_where="Western Morning News"
        )
    assert refused(excinfo) == {"notice_published_on"}
    report.refresh_from_db()
    assert report.notice_published_on is None


def test_a_notice_before_the_report_was_received_is_refused(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(
            by=lena, report=report, today=TODAY, notice_published_on=D(2022, 2, 9), notice_where="Western Morning News"
        )
    assert refused(excinfo) == {"notice_published_on"}
    report.refresh_from_db()
    assert report.notice_published_on is None and report.version == 1


def test_inspection_before_the_notice_is_refused(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(
            by=lena,
            report=report,
            today=TODAY,
            notice_published_on=D(2022, 2, 17),
            notice_where="Western Morning News",
            inspection_starts_on=D(2022, 2, 16),
        )
    assert refused(excinfo) == {"inspection_starts_on"}


def test_inspection_without_a_notice_is_refused(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(by=lena, report=report, today=TODAY, inspection_starts_on=D(2022, 2, 20))
    assert refused(excinfo) == {"inspection_starts_on"}


def test_a_notice_needs_where_it_was_given(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(by=lena, report=report, today=TODAY, notice_published_on=D(2022, 2, 17))
    assert refused(excinfo) == {"notice_where"}


def test_notice_and_inspection_set_the_inspection_dates_and_close_the_notice_obligation(source_case, lena):
    report = add_report(source_case, lena)
    services.report_update(
        by=lena,
        report=report,
        today=TODAY,
        notice_published_on=D(2022, 2, 17),
        notice_where="Western Morning News; council website",
        inspection_starts_on=D(2022, 2, 21),
    )
    report.refresh_from_db()
    assert report.inspection_start_latest == D(2022, 2, 24)
    assert report.inspection_ends_on == D(2022, 3, 13)
    assert obligation(f"pir-notice:{report.pk}").done_on == D(2022, 2, 17)
    event = source_case.events.get(kind="report_updated")
    assert event.changes["notice_published_on"] == [None, "2022-02-17"]
    assert event.changes["inspection_starts_on"] == [None, "2022-02-21"]


def test_a_longer_response_period_needs_the_ombudsmans_letter(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(by=lena, report=report, today=TODAY, response_extended_to=D(2022, 5, 31))
    assert refused(excinfo) == {"response_extension_letter"}
    report.refresh_from_db()
    assert report.response_due == D(2022, 5, 9)

    services.report_update(
        by=lena,
        report=report,
        today=TODAY,
        response_extended_to=D(2022, 5, 31),
        response_extension_letter="LGSCO letter of 28 April 2022",
    )
    report.refresh_from_db()
    assert (report.original_response_due, report.response_due) == (D(2022, 5, 9), D(2022, 5, 31))
    assert report.response_extension_letter == "LGSCO letter of 28 April 2022"
    assert obligation(f"pir-response:{report.pk}").due_on == D(2022, 5, 31)
    assert source_case.events.get(kind="report_updated").changes["response_due"] == ["2022-05-09", "2022-05-31"]


def test_a_longer_response_period_must_be_later(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(
            by=lena, report=report, today=TODAY, response_extended_to=D(2022, 5, 9), response_extension_letter="x"
        )
    assert refused(excinfo) == {"response_extended_to"}


def test_the_response_sent_closes_its_obligation_and_satisfaction_needs_it(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.report_update(by=lena, report=report, today=TODAY, outcome="satisfied", outcome_on=D(2022, 6, 1))
    assert refused(excinfo) == {"outcome"}
    services.report_update(by=lena, report=report, today=TODAY, response_sent_on=D(2022, 5, 13))
    assert obligation(f"pir-response:{report.pk}").done_on == D(2022, 5, 13)
    services.report_update(by=lena, report=report, today=TODAY, outcome="satisfied", outcome_on=D(2022, 7, 1))
    report.refresh_from_db()
    assert (report.outcome, report.outcome_on) == ("satisfied", D(2022, 7, 1))


def test_several_committees_consider_a_report(source_case, lena):
    report = add_report(source_case, lena)
    for body, met_on, resolution in [
        ("Council", D(2022, 5, 26), "Noted the report"),
        ("Children's Scrutiny Committee", D(2022, 3, 15), "Considered the report and the action plan"),
        ("Cabinet", D(2022, 6, 8), "That the Report and actions to date be noted"),
    ]:
        services.committee_add(by=lena, report=report, body=body, met_on=met_on, resolution=resolution, today=TODAY)
    assert list(report.committees.values_list("body", flat=True)) == [
        "Children's Scrutiny Committee",
        "Council",
        "Cabinet",
    ]
    assert source_case.events.filter(kind="committee").count() == 3


def test_a_committee_before_the_report_was_received_is_refused(source_case, lena):
    report = add_report(source_case, lena)
    with pytest.raises(ValidationError) as excinfo:
        services.committee_add(
            by=lena, report=report, body="Cabinet", met_on=D(2022, 2, 9), resolution="Noted", today=TODAY
        )
    assert refused(excinfo) == {"met_on"}
    assert not CommitteeConsideration.objects.exists()


# --- case_close ---------------------------------------------------------------------------------


def test_a_case_cannot_close_while_a_recommendation_has_no_evidence_sent(rec, lena):
    case = rec.case
    services.recommendation_complete(by=lena, recommendation=rec, completed_on=D(2022, 3, 1), today=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(by=lena, case=case, closed_on=D(2022, 3, 10), today=TODAY)
    assert refused(excinfo) == {"closed_on"}
    case.refresh_from_db()
    assert case.closed_on is None and case.status == "compliance"

    services.recommendation_evidence_sent(by=lena, recommendation=rec, evidence_sent_on=D(2022, 3, 2), today=TODAY)
    services.case_close(by=lena, case=case, closed_on=D(2022, 3, 10), today=TODAY)
    case.refresh_from_db()
    assert (case.closed_on, case.status) == (D(2022, 3, 10), "closed")
    assert case.events.filter(kind="closed").count() == 1


def test_a_case_cannot_close_twice_or_before_it_was_received(lena, children):
    case = register(lena, children, "20 008 832")
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(by=lena, case=case, closed_on=RECEIVED - dt.timedelta(days=1), today=TODAY)
    assert refused(excinfo) == {"closed_on"}
    services.case_close(by=lena, case=case, closed_on=RECEIVED, today=TODAY)
    with pytest.raises(ValidationError):
        services.case_close(by=lena, case=case, closed_on=RECEIVED, today=TODAY)


def test_closing_a_case_takes_its_outstanding_steps_off_the_overdue_view(people, children):
    lena, mona = people["lena"], people["mona"]
    case = register(lena, children, "20 008 832")
    services.case_record_steps(
        by=lena,
        case=case,
        today=TODAY,
        enquiry_received_on=D(2021, 6, 1),
        enquiry_reply_due=D(2021, 6, 29),
    )
    # The LGSCO closed the case after its initial enquiries, before the council replied.
    services.case_record_steps(
        by=lena, case=case, today=TODAY, final_decision_on=D(2021, 6, 20), outcome="closed_after_initial_enquiries"
    )
    services.case_close(by=lena, case=case, closed_on=D(2021, 6, 21), today=TODAY)
    rows, _ = selectors.overdue_items(user=mona, today=TODAY)
    assert [r.source_key for r in rows if r.ombudsman_case_id == case.pk] == []
