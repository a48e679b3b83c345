"""load_demo_data: every procedure and state, some overdue, the source case, and loaded once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea, User
from complaints.demo import SOURCE_CASE_TOKEN, SUSPENSION_ENDS, SUSPENSION_STARTS
from complaints.models import (
    Action,
    ClockStop,
    Complaint,
    ComplaintStage,
    ComplaintStatus,
    EscalationRequest,
    Extension,
    Procedure,
    Signposting,
    SignpostReason,
    StageStatus,
)
from complaints.selectors import my_open_stages, visible_complaints

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)
ARGS = ("--complaints", "40", "--seed", "1", "--today", TODAY.isoformat())


def seed_users():
    """The demo users, from seed_demo when it exists (without its own call of load_demo_data)."""
    if "seed_demo" in get_commands():
        call_command("seed_demo", "--no-demo-data", stdout=StringIO())
        return
    from django.contrib.auth.models import Group

    for username, role in [
        ("caseworker", Role.CASEWORKER),
        ("caseworker2", Role.CASEWORKER),
        ("manager", Role.MANAGER),
        ("admin", Role.COMPLAINTS_ADMIN),
    ]:
        user = User.objects.create_user(username=username, password="demo-password-2026")
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])[0])


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo_data", *(args or ARGS), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    seed_users()
    areas_before = ServiceArea.objects.count()
    output = load()
    return {"output": output, "areas_before": areas_before}


def test_demo_data_covers_every_procedure_and_stage_status(demo):
    assert Complaint.objects.count() == 40
    assert set(Complaint.objects.values_list("procedure__slug", flat=True)) == set(
        Procedure.objects.values_list("slug", flat=True)
    )
    stage_statuses = set(ComplaintStage.objects.values_list("status", flat=True))
    for status in StageStatus:
        assert status.value in stage_statuses, f"no stage is {status.label.lower()}"
    assert set(Complaint.objects.values_list("status", flat=True)) == set(ComplaintStatus.values)
    assert set(ComplaintStage.objects.values_list("number", flat=True)) == {1, 2, 3}
    # The service areas are seed_demo's: none were added under another spelling.
    assert ServiceArea.objects.count() == demo["areas_before"]
    assert "Loaded 40 demo complaints" in demo["output"]


def test_demo_data_has_overdue_work_extensions_clock_stops_and_actions(demo):
    open_complaints = Complaint.objects.filter(status=ComplaintStatus.OPEN)
    assert open_complaints.filter(next_due_date__lt=TODAY).exists()
    assert open_complaints.filter(next_due_date__lt=TODAY, next_due_label="Acknowledge by").exists()
    assert open_complaints.filter(next_due_date__lt=TODAY, next_due_label="Respond by").exists()
    assert Extension.objects.filter(beyond_cap=False).exists()
    beyond = Extension.objects.get(beyond_cap=True)
    assert beyond.approved_by.username == "manager"
    assert ClockStop.objects.filter(restarted_on__isnull=True).exists()
    assert ClockStop.objects.filter(restarted_on__isnull=False).exists()
    assert Action.objects.filter(completed_on__isnull=False).exists()
    assert Action.objects.filter(completed_on__isnull=True, due_on__lt=TODAY).exists()
    assert EscalationRequest.objects.filter(within_window=False).exists()
    assert ComplaintStage.objects.filter(number=3, panel_met_on__isnull=False, panel_report_on__isnull=False).exists()
    assert Signposting.objects.filter(reason=SignpostReason.FINAL_STAGE).exists()
    assert Complaint.objects.filter(events__kind="reopened").exists()
    for stage in ComplaintStage.objects.filter(number__gt=1).select_related("complaint"):
        previous = stage.complaint.stages.get(number=stage.number - 1)
        if stage.rule.handler_must_differ:
            assert stage.handler_id != previous.handler_id


def test_demo_caseworker_has_open_work_including_overdue(demo):
    caseworker = User.objects.get(username="caseworker")
    work = my_open_stages(user=caseworker, today=TODAY)
    assert len(work) >= 5
    assert any(item.due_info.overdue for item in work)
    assert {c.service_area_name for c in work} <= {"Children's Services \u2013 SEND", "Children's Social Care"}


def test_source_case_is_closed_with_signposting_because_stage_2_was_suspended(demo):
    case = Complaint.objects.get(submission_token=SOURCE_CASE_TOKEN)
    assert (case.complainant_name, case.affected_person_name) == ("Ms B", "Ms M")
    assert case.is_restricted
    assert case.category.name == "Education > Special educational needs"
    assert case.service_area.name == "Children's Services \u2013 SEND"
    assert case.procedure.slug == "corporate"
    assert case.status == ComplaintStatus.CLOSED
    assert SUSPENSION_STARTS <= case.received_on <= SUSPENSION_ENDS
    signposting = Signposting.objects.get(complaint=case)
    assert signposting.reason == SignpostReason.NEXT_STAGE_SUSPENDED
    assert signposting.suspension.procedure_stage.number == 2
    assert "suspended" in signposting.wording
    assert not case.stages.filter(number=2).exists()
    # Restricted: the people named on it see it, a colleague in the same service area does not.
    assert visible_complaints(User.objects.get(username="manager")).filter(pk=case.pk).exists()
    assert not visible_complaints(User.objects.get(username="aisha.khan")).filter(pk=case.pk).exists()


def test_second_run_adds_nothing(demo):
    counts = (Complaint.objects.count(), ComplaintStage.objects.count(), User.objects.count())
    assert load().strip() == "Demo data already loaded"
    assert load("--complaints", "10", "--seed", "7").strip() == "Demo data already loaded"
    assert (Complaint.objects.count(), ComplaintStage.objects.count(), User.objects.count()) == counts


def test_without_the_demo_users_it_says_to_run_seed_demo():
    with pytest.raises(CommandError, match="seed_demo"):
        load()
    assert Complaint.objects.count() == 0


def test_a_bad_today_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        load("--today", "2026-02-31")
