"""Privacy by design: retention with legal hold, the restricted-record access log, subject access,
and history nobody can edit."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from accounts.models import AccessLog
from complaints import retention, selectors, services
from complaints.models import Complaint, ComplaintStatus
from complaints.tests.factories import CaseworkerFactory, ComplaintsAdminFactory, ManagerFactory, log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]
D = dt.date
RECEIVED = D(2019, 3, 4)  # a Monday


def closed_complaint(**overrides) -> Complaint:
    """A corporate complaint received in March 2019, answered and closed at Stage 1 (no signposting needed)."""
    complaint = log_complaint(
        received_on=RECEIVED,
        today=RECEIVED,
        complainant_phone="07700 900123",
        complainant_address="1 High Street",
        affected_person_name="Ms M",
        representative_name="Advocate A",
        representative_consent="Signed form",
        **overrides,
    )
    stage = complaint.stages.get()
    handler = stage.handler
    services.stage_acknowledge(by=handler, stage=stage, acknowledged_on=D(2019, 3, 5), today=D(2019, 3, 5))
    services.stage_respond(
        by=handler,
        stage=stage,
        responded_on=D(2019, 3, 12),
        outcome="upheld",
        today=D(2019, 3, 12),
        response_summary="We are sorry, Ms B.",
        payment_amount=250,
        payment_reason="Time and trouble",
        actions=[("Call Ms B weekly", handler, D(2019, 4, 1))],
    )
    services.complaint_close(by=handler, stage=stage, closed_on=D(2019, 4, 15), today=D(2019, 4, 15))
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (D(2025, 4, 15), False),  # exactly six years after closing: not yet "more than" six years
        (D(2025, 4, 16), True),
        (D(2030, 1, 1), True),
    ],
)
def test_a_complaint_is_due_for_anonymisation_more_than_six_years_after_it_closed(today, due):
    complaint = closed_complaint()
    assert (complaint in retention.due_complaints(today=today)) is due


def test_anonymising_removes_personal_details_and_keeps_the_statistics():
    complaint = closed_complaint()
    retention.apply_retention(today=D(2026, 11, 28))
    complaint.refresh_from_db()
    stage = complaint.stages.get()
    assert complaint.anonymised_on == D(2026, 11, 28)
    assert complaint.complainant_name == "Anonymised"
    assert complaint.complainant_email == complaint.complainant_phone == complaint.complainant_address == ""
    assert complaint.affected_person_name == complaint.representative_name == complaint.representative_consent == ""
    assert complaint.summary == retention.REMOVED
    assert stage.response_summary == "" and complaint.actions.get().description == retention.REMOVED
    assert all(p.text == retention.REMOVED for p in complaint.points.all())
    # Statistics stay correct: dates, outcome, amount, service area, status.
    assert (stage.received_on, stage.responded_on, stage.outcome) == (RECEIVED, D(2019, 3, 12), "upheld")
    assert stage.payment_amount == 250 and complaint.status == ComplaintStatus.CLOSED
    # The history tables no longer hold the name either.
    assert not complaint.history.filter(complainant_name="Ms B").exists()
    assert complaint.events.filter(kind="anonymised").exists()


def test_a_legal_hold_stops_anonymisation():
    complaint = closed_complaint()
    manager = ManagerFactory(service_areas=[complaint.service_area])
    services.complaint_set_legal_hold(by=manager, complaint=complaint, hold=True, reason="Claim in the county court")
    result = retention.apply_retention(today=D(2030, 1, 1))
    complaint.refresh_from_db()
    assert result.complaints == [] and complaint.anonymised_on is None and complaint.complainant_name == "Ms B"
    assert complaint.events.filter(kind="legal_hold").exists()


def test_only_a_manager_can_place_a_legal_hold():
    complaint = closed_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_set_legal_hold(by=complaint.handler, complaint=complaint, hold=True, reason="x")


def test_open_complaints_are_never_anonymised():
    complaint = log_complaint(received_on=RECEIVED, today=RECEIVED)
    assert retention.apply_retention(today=D(2030, 1, 1)).complaints == []
    complaint.refresh_from_db()
    assert complaint.anonymised_on is None


def test_the_command_dry_run_lists_and_changes_nothing_and_a_second_run_does_nothing():
    complaint = closed_complaint()
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--today", "2026-11-28", stdout=out)
    assert f"Would anonymise {complaint.reference}" in out.getvalue()
    complaint.refresh_from_db()
    assert complaint.anonymised_on is None
    call_command("apply_retention", "--today", "2026-11-28", stdout=StringIO())
    again = StringIO()
    call_command("apply_retention", "--today", "2026-11-28", stdout=again)
    assert "Anonymised 0 complaints" in again.getvalue()


def test_opening_a_restricted_complaint_is_logged_and_an_ordinary_one_is_not():
    restricted = log_complaint(is_restricted=True)
    ordinary = log_complaint(service_area=restricted.service_area)
    selectors.complaint_for(restricted.handler, restricted.pk)
    selectors.complaint_for(ordinary.handler, ordinary.pk)
    log = AccessLog.objects.get()
    assert (log.user, log.record_type, log.record_id, log.reference) == (
        restricted.handler,
        "complaint",
        restricted.pk,
        restricted.reference,
    )


def test_the_complaint_page_logs_each_opening_of_a_restricted_complaint(client):
    restricted = log_complaint(is_restricted=True)
    client.force_login(restricted.handler)
    client.get(f"/complaints/{restricted.pk}/")
    client.get(f"/complaints/{restricted.pk}/")
    assert AccessLog.objects.filter(reference=restricted.reference).count() == 2


def test_admins_read_the_access_log_in_the_admin_but_cannot_change_or_delete_it(client):
    restricted = log_complaint(is_restricted=True)
    selectors.complaint_for(restricted.handler, restricted.pk)
    admin = ComplaintsAdminFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/accounts/accesslog/", {"q": restricted.reference})
    assert page.status_code == 200 and restricted.reference in page.content.decode()
    entry = AccessLog.objects.get()
    assert client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.count() == 1


def test_history_cannot_be_reverted_through_the_admin(client):
    complaint = closed_complaint()
    admin = ComplaintsAdminFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    record = complaint.history.earliest()
    url = f"/admin/complaints/complaint/{complaint.pk}/history/{record.history_id}/"
    response = client.post(url, {})
    assert response.status_code in (403, 405, 302, 200)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED  # nothing was rolled back


def test_subject_access_finds_and_exports_everything_about_a_person(client):
    complaint = closed_complaint()
    other = log_complaint(complainant_name="Mr Z", complainant_email="z@example.org")
    admin = ComplaintsAdminFactory()
    client.force_login(admin)
    page = client.get("/complaints/subject-access/", {"q": "Ms B"})
    html = page.content.decode()
    assert complaint.reference in html and other.reference not in html
    export = client.get("/complaints/subject-access/", {"q": "Ms B", "download": "1"})
    assert export["Content-Disposition"].startswith("attachment;")
    text = export.content.decode()
    assert "We are sorry, Ms B." in text and "07700 900123" in text and "Call Ms B weekly" in text


def test_subject_access_is_for_complaints_admins_only(client):
    client.force_login(CaseworkerFactory())
    assert client.get("/complaints/subject-access/", {"q": "Ms B"}).status_code == 403
