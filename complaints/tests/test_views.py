"""Complaint pages through the test client, for three personas and the people who must not see them.

The personas: the handler; a colleague caseworker in the same service area (may see and act);
a caseworker of another service area (every complaint URL answers 404); and anonymous visitors
(sent to the sign-in page). Data is built through the real services (`log_complaint` and
friends); dates are relative to `timezone.localdate()`, which is what the views use as today.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from calendars.selectors import non_working_days_around
from complaints import deadlines, services
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintStage,
    ComplaintStatus,
    Document,
    Extension,
    PointOutcome,
    Procedure,
    ProcedureStage,
    ReferenceCounter,
    Signposting,
    SignpostReason,
    StageStatus,
    StageSuspension,
)
from complaints.tests.factories import log_complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bank_holidays")]

SIGN_IN = "/accounts/sign-in/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers ------------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK day/month/year date input as posted by the browser."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def html_of(response) -> str:
    return response.content.decode()


def field_group(html: str, field: str) -> str:
    """The HTML of one field's GOV.UK form group (up to the next field's group)."""
    match = re.search(
        rf'<div id="div_id_{field}" class="govuk-form-group[^"]*">(.*?)(?=<div id="div_id_|</form>)', html, re.S
    )
    assert match, f"no form group for {field!r} in the page"
    return match.group(0)


def assert_error_by_field(response, field: str, message: str) -> None:
    """The GOV.UK pattern: an error summary at the top, and the message next to the field."""
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html, "no error summary"
    group = field_group(html, field)
    assert "govuk-form-group--error" in group, f"{field} is not marked as in error"
    assert "govuk-error-message" in group and message in group, f"{message!r} is not next to {field}:\n{group[:1500]}"
    assert "<title>Error: " in html


def version_in_form(html: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no version field in the form"
    return int(match.group(1))


def actions_offered(html: str) -> set[str]:
    """The stage actions linked under "What you can do now" (by URL slug)."""
    match = re.search(r"What you can do now</h2>\s*<ul class=\"govuk-list\">(.*?)</ul>", html, re.S)
    if not match:
        return set()
    return set(re.findall(r'href="/complaints/\d+/stage/([a-z_]+)/"', match.group(1)))


def stage_of(complaint: Complaint, number: int | None = None) -> ComplaintStage:
    stages = ComplaintStage.objects.filter(complaint=complaint)
    return stages.get(number=number) if number else stages.order_by("-number").first()


def corporate() -> Procedure:
    return Procedure.objects.get(slug="corporate")


def acknowledge(complaint, *, by, on):
    return services.stage_acknowledge(by=by, stage=stage_of(complaint), acknowledged_on=on, today=today())


def respond(complaint, *, by, on, actions=()):
    return services.stage_respond(
        by=by, stage=stage_of(complaint), responded_on=on, outcome="not_upheld", today=today(), actions=list(actions)
    )


def url(complaint, suffix: str = "") -> str:
    return f"/complaints/{complaint.pk}/{suffix}"


# --- people -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def handler(make_user):
    return make_user("casey", Role.CASEWORKER, service_areas=["Housing"])


@pytest.fixture
def colleague(make_user):
    return make_user("cora", Role.CASEWORKER, service_areas=["Housing"])


@pytest.fixture
def outsider(make_user):
    return make_user("otto", Role.CASEWORKER, service_areas=["Planning"])


@pytest.fixture
def manager(make_user):
    return make_user("mona", Role.MANAGER, service_areas=["Housing"])


@pytest.fixture
def admin(make_user):
    return make_user("ada", Role.COMPLAINTS_ADMIN)


@pytest.fixture
def housing(handler):
    return handler.service_areas.get()


@pytest.fixture
def planning(outsider):
    return outsider.service_areas.get()


@pytest.fixture
def personas(handler, colleague, outsider):
    return {"handler": handler, "colleague": colleague, "outsider": outsider, "anonymous": None}


def log(handler, *, received_on=None, **kwargs) -> Complaint:
    received_on = received_on or days_ago(3)
    return log_complaint(handler=handler, received_on=received_on, today=today(), **kwargs)


@pytest.fixture
def fresh(handler):
    """A corporate complaint received three days ago, Stage 1 awaiting acknowledgement."""
    return log(handler, complainant_name="Fay Fresh")


@pytest.fixture
def answered(handler):
    """A complaint answered at Stage 1, with an action promised and a document uploaded."""
    complaint = log(
        handler,
        received_on=days_ago(12),
        complainant_name="Ann Answered",
        summary="Repairs were not done\nNobody called back",
        points=["Repairs were not done", "Nobody called back"],
    )
    acknowledge(complaint, by=handler, on=days_ago(11))
    respond(
        complaint, by=handler, on=days_ago(4), actions=[("Check the boiler", handler, today() + dt.timedelta(days=10))]
    )
    services.document_upload(
        by=handler,
        complaint=complaint,
        description="Stage 1 response letter",
        uploaded_file=SimpleUploadedFile("response.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    return complaint


def page_urls(fresh, answered) -> dict[str, str]:
    document = answered.documents.get()
    action = answered.actions.get()
    return {
        "complaint page": url(fresh),
        "acknowledge": url(fresh, "stage/acknowledge/"),
        "extend": url(fresh, "stage/extend/"),
        "withdraw": url(fresh, "stage/withdraw/"),
        "escalate": url(answered, "stage/escalate/"),
        "close": url(answered, "stage/close/"),
        "document upload": url(answered, "documents/new/"),
        "document download": url(answered, f"documents/{document.pk}/"),
        "action complete": url(answered, f"actions/{action.pk}/complete/"),
    }


PAGES = [
    "complaint page",
    "acknowledge",
    "extend",
    "withdraw",
    "escalate",
    "close",
    "document upload",
    "document download",
    "action complete",
]
EXPECTED_STATUS = {"handler": 200, "colleague": 200, "outsider": 404}


# --- who may open which page --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["handler", "colleague", "outsider", "anonymous"])
@pytest.mark.parametrize("page_name", PAGES)  # not "page": that is pytest-playwright's fixture
def test_each_complaint_page_answers_each_persona(client, personas, fresh, answered, persona, page_name):
    target = page_urls(fresh, answered)[page_name]
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(target)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN + "?next=")
        return
    assert response.status_code == EXPECTED_STATUS[persona], f"{persona} on {page_name}"
    if response.streaming:
        assert b"".join(response.streaming_content) == PDF_BYTES
    elif response.status_code == 200:
        assert fresh.reference in html_of(response) or answered.reference in html_of(response)
    if persona == "outsider":
        assert fresh.reference not in response.content.decode(errors="replace")
        assert answered.reference not in response.content.decode(errors="replace")


@pytest.mark.parametrize(
    "suffix, data",
    [
        ("stage/acknowledge/", lambda: {"version": 1, **date_fields("acknowledged_on", days_ago(1))}),
        ("stage/withdraw/", lambda: {"version": 1, **date_fields("withdrawn_on", days_ago(1)), "reason": "Resolved"}),
        ("documents/new/", lambda: {"file": SimpleUploadedFile("x.pdf", PDF_BYTES), "description": "Sneaky"}),
    ],
)
def test_a_caseworker_of_another_service_area_cannot_act_on_a_complaint(client, outsider, fresh, suffix, data):
    client.force_login(outsider)
    before = stage_of(fresh).version
    response = client.post(url(fresh, suffix), data())
    assert response.status_code == 404
    stage = stage_of(fresh)
    assert (stage.status, stage.version, stage.acknowledged_on) == (StageStatus.AWAITING_ACKNOWLEDGEMENT, before, None)
    assert not Document.objects.filter(complaint=fresh).exists()
    assert not ComplaintEvent.objects.filter(complaint=fresh, actor=outsider).exists()


def test_a_caseworker_of_another_service_area_cannot_close_or_complete_actions(client, outsider, answered):
    client.force_login(outsider)
    stage = stage_of(answered)
    action = answered.actions.get()
    close = client.post(
        url(answered, "stage/close/"), {"version": stage.version, **date_fields("closed_on", days_ago(1))}
    )
    complete = client.post(url(answered, f"actions/{action.pk}/complete/"), date_fields("completed_on", days_ago(1)))
    assert (close.status_code, complete.status_code) == (404, 404)
    answered.refresh_from_db()
    action.refresh_from_db()
    assert answered.status == ComplaintStatus.OPEN and action.completed_on is None


def test_a_colleague_in_the_same_service_area_can_act_on_the_complaint(client, colleague, fresh):
    client.force_login(colleague)
    response = client.post(
        url(fresh, "stage/acknowledge/"),
        {"version": stage_of(fresh).version, **date_fields("acknowledged_on", days_ago(1))},
    )
    assert response.status_code == 302 and response["Location"] == url(fresh)
    stage = stage_of(fresh)
    assert stage.acknowledged_on == days_ago(1) and stage.status == StageStatus.IN_PROGRESS
    assert ComplaintEvent.objects.filter(complaint=fresh, kind="acknowledged", actor=colleague).exists()


def test_a_caseworker_sees_a_complaint_of_another_area_assigned_to_them(client, outsider, housing):
    complaint = log(outsider, service_area=housing)
    client.force_login(outsider)
    assert client.get(url(complaint)).status_code == 200


def test_a_manager_of_another_service_area_gets_404(client, make_user, fresh):
    client.force_login(make_user("pat", Role.MANAGER, service_areas=["Planning"]))
    assert client.get(url(fresh)).status_code == 404


def test_a_restricted_complaint_is_seen_only_by_the_people_named_on_it(client, handler, colleague, manager, admin):
    complaint = log(handler, is_restricted=True, complainant_name="Rita Restricted")
    expected = {handler: 200, colleague: 404, manager: 404, admin: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url(complaint)).status_code == status, user.username
        listed = "Rita Restricted" in html_of(client.get("/complaints/"))
        assert listed is (status == 200), user.username


def test_an_unknown_stage_action_is_404(client, handler, fresh):
    client.force_login(handler)
    assert client.get(url(fresh, "stage/delete/")).status_code == 404


def test_a_user_without_a_role_is_refused(client, make_user, fresh):
    client.force_login(make_user("nobody", service_areas=["Housing"]))
    assert client.get(url(fresh)).status_code == 403
    assert client.get("/complaints/").status_code == 403


# --- logging a complaint ------------------------------------------------------------------------


def log_form_data(*, area, handler, received_on, token=None, **overrides) -> dict:
    data = {
        "submission_token": str(token or uuid.uuid4()),
        "procedure": corporate().pk,
        "service_area": area.pk,
        "channel": "email",
        **date_fields("received_on", received_on),
        "complainant_name": "Lena Logged",
        "complainant_email": "lena@example.org",
        "preferred_contact": "email",
        "summary": "The bins were missed three weeks running\nNobody answered my emails",
        "handler": handler.pk,
    }
    data.update(overrides)
    return data


def test_the_log_form_offers_a_fresh_submission_token(client, handler):
    client.force_login(handler)
    response = client.get("/complaints/new/")
    assert response.status_code == 200
    assert re.search(r'name="submission_token" value="[0-9a-f-]{36}"', html_of(response))


def test_logging_a_complaint_creates_it_and_opens_its_page(client, handler, housing):
    client.force_login(handler)
    response = client.post("/complaints/new/", log_form_data(area=housing, handler=handler, received_on=days_ago(2)))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == url(complaint)
    assert re.fullmatch(rf"CMP-{days_ago(2).year}-\d{{5}}", complaint.reference)
    assert (complaint.service_area, complaint.handler, complaint.received_on) == (housing, handler, days_ago(2))
    assert list(complaint.points.values_list("text", flat=True)) == [
        "The bins were missed three weeks running",
        "Nobody answered my emails",
    ]
    assert stage_of(complaint).status == StageStatus.AWAITING_ACKNOWLEDGEMENT
    page = client.get(response["Location"])
    assert f"Complaint {complaint.reference} logged." in html_of(page)


def test_31_february_is_refused_next_to_the_field_and_nothing_is_saved(client, handler, housing):
    client.force_login(handler)
    data = log_form_data(area=housing, handler=handler, received_on=days_ago(2))
    data.update(received_on_0="31", received_on_1="2", received_on_2=str(today().year))
    response = client.post("/complaints/new/", data)
    assert_error_by_field(response, "received_on", "The date received must be a real date")
    assert not Complaint.objects.exists()
    assert 'name="received_on_0" value="31"' in html_of(response), "the entered day was lost"
    assert 'value="Lena Logged"' in html_of(response)


def test_every_error_summary_link_leads_to_a_form_control(client, handler):
    client.force_login(handler)
    response = client.post(
        "/complaints/new/",
        {"submission_token": str(uuid.uuid4()), "received_on_0": "31", "received_on_1": "2", "received_on_2": "2026"},
    )
    html = html_of(response)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'<a href="#([^"]+)">\s*([^<]+?)\s*</a>', summary)
    assert len(links) >= 5
    broken = []
    for target, message in links:
        element = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(target)}"', html)
        if not element or element.group(1) not in ("input", "select", "textarea"):
            broken.append(f"{message!r} -> #{target} ({element.group(1) if element else 'no element'})")
    assert not broken, "error summary links that do not lead to a form control:\n" + "\n".join(broken)


def test_a_received_date_in_the_future_is_refused_with_a_message(client, handler, housing):
    client.force_login(handler)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post("/complaints/new/", log_form_data(area=housing, handler=handler, received_on=tomorrow))
    assert_error_by_field(response, "received_on", "The date received must be today or in the past")
    assert not Complaint.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists(), "a reference was used up"


def test_submitting_the_log_form_twice_creates_one_complaint(client, handler, housing):
    client.force_login(handler)
    data = log_form_data(area=housing, handler=handler, received_on=days_ago(2))
    first = client.post("/complaints/new/", data)
    second = client.post("/complaints/new/", data)
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert first["Location"] == second["Location"] == url(complaint)
    assert ReferenceCounter.objects.get(year=complaint.received_on.year).last_number == 1
    assert complaint.stages.count() == 1


def test_a_caseworker_cannot_log_a_complaint_into_another_service_area(client, outsider, housing):
    client.force_login(outsider)
    response = client.post("/complaints/new/", log_form_data(area=housing, handler=outsider, received_on=days_ago(2)))
    assert_error_by_field(response, "service_area", "Select a valid choice")
    assert not Complaint.objects.exists()


def test_a_preferred_contact_method_needs_its_details(client, handler, housing):
    client.force_login(handler)
    data = log_form_data(area=housing, handler=handler, received_on=days_ago(2), preferred_contact="phone")
    response = client.post("/complaints/new/", data)
    assert_error_by_field(response, "complainant_phone", "Enter a phone number")
    assert not Complaint.objects.exists()


# --- stage actions refused with a message by the field ------------------------------------------


def test_an_acknowledgement_before_receipt_is_refused_and_nothing_changes(client, handler, fresh):
    client.force_login(handler)
    before = stage_of(fresh)
    response = client.post(
        url(fresh, "stage/acknowledge/"),
        {"version": before.version, **date_fields("acknowledged_on", fresh.received_on - dt.timedelta(days=1))},
    )
    assert_error_by_field(response, "acknowledged_on", "on or after the date received")
    after = stage_of(fresh)
    assert (after.status, after.acknowledged_on, after.version) == (
        StageStatus.AWAITING_ACKNOWLEDGEMENT,
        None,
        before.version,
    )
    assert not ComplaintEvent.objects.filter(complaint=fresh, kind="acknowledged").exists()


def test_an_acknowledgement_in_the_future_is_refused(client, handler, fresh):
    client.force_login(handler)
    response = client.post(
        url(fresh, "stage/acknowledge/"),
        {"version": 1, **date_fields("acknowledged_on", today() + dt.timedelta(days=1))},
    )
    assert_error_by_field(response, "acknowledged_on", "today or in the past")
    assert stage_of(fresh).acknowledged_on is None


def test_an_impossible_acknowledgement_date_is_refused(client, handler, fresh):
    client.force_login(handler)
    response = client.post(
        url(fresh, "stage/acknowledge/"),
        {"version": 1, "acknowledged_on_0": "30", "acknowledged_on_1": "2", "acknowledged_on_2": "2026"},
    )
    assert_error_by_field(response, "acknowledged_on", "must be a real date")
    assert stage_of(fresh).acknowledged_on is None


def respond_data(complaint, stage, on: dt.date, **extra) -> dict:
    data = {"version": stage.version, **date_fields("responded_on", on), "outcome": "partly_upheld"}
    for point in complaint.points.all():
        data[f"point_{point.pk}"] = "upheld"
    data.update(extra)
    return data


def test_a_response_dated_before_the_acknowledgement_is_refused(client, handler, fresh):
    acknowledge(fresh, by=handler, on=days_ago(1))
    client.force_login(handler)
    stage = stage_of(fresh)
    response = client.post(url(fresh, "stage/respond/"), respond_data(fresh, stage, days_ago(2)))
    assert_error_by_field(response, "responded_on", "on or after the acknowledgement")
    stage = stage_of(fresh)
    assert (stage.status, stage.responded_on, stage.outcome) == (StageStatus.IN_PROGRESS, None, "")
    assert not PointOutcome.objects.exists()


def test_a_response_cannot_be_recorded_before_the_stage_is_acknowledged(client, handler, fresh):
    client.force_login(handler)
    stage = stage_of(fresh)
    page = client.get(url(fresh, "stage/respond/"))
    assert page.status_code == 302 and page["Location"] == url(fresh)
    response = client.post(url(fresh, "stage/respond/"), respond_data(fresh, stage, days_ago(1)), follow=True)
    assert "That action is not available for this complaint now." in html_of(response)
    stage = stage_of(fresh)
    assert (stage.status, stage.responded_on) == (StageStatus.AWAITING_ACKNOWLEDGEMENT, None)


def test_a_payment_needs_a_reason(client, handler, fresh):
    acknowledge(fresh, by=handler, on=days_ago(2))
    client.force_login(handler)
    response = client.post(
        url(fresh, "stage/respond/"), respond_data(fresh, stage_of(fresh), days_ago(1), payment_amount="150")
    )
    assert_error_by_field(response, "payment_reason", "Enter what the payment is for")
    assert stage_of(fresh).responded_on is None


def extend_data(stage, new_due: dt.date, **extra) -> dict:
    data = {
        "version": stage.version,
        **date_fields("new_due", new_due),
        "reason": "Waiting for the repairs contractor",
        **date_fields("complainant_told_on", today()),
    }
    data.update(extra)
    return data


def extension_cap_of(stage) -> dt.date:
    non_working = non_working_days_around(calendar=corporate().calendar, day=stage.received_on)
    return deadlines.extension_cap(
        stage.rule, original_response_due=stage.original_response_due, non_working=non_working
    )


@pytest.fixture
def acknowledged(handler, fresh):
    acknowledge(fresh, by=handler, on=days_ago(2))
    return fresh


@pytest.mark.parametrize("shift", [0, -1])
def test_an_extension_not_later_than_the_current_deadline_is_refused(client, handler, acknowledged, shift):
    client.force_login(handler)
    stage = stage_of(acknowledged)
    response = client.post(
        url(acknowledged, "stage/extend/"), extend_data(stage, stage.response_due + dt.timedelta(days=shift))
    )
    assert_error_by_field(response, "new_due", "must be after the current deadline")
    assert not Extension.objects.exists()
    assert stage_of(acknowledged).response_due == stage.response_due


def test_a_caseworker_may_extend_up_to_the_rules_cap(client, handler, acknowledged):
    client.force_login(handler)
    stage = stage_of(acknowledged)
    cap = extension_cap_of(stage)
    response = client.post(url(acknowledged, "stage/extend/"), extend_data(stage, cap))
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.new_due, extension.beyond_cap, extension.approved_by) == (cap, False, handler)
    assert stage_of(acknowledged).response_due == cap


def test_a_caseworker_may_not_extend_beyond_the_cap(client, handler, acknowledged):
    client.force_login(handler)
    stage = stage_of(acknowledged)
    beyond = extension_cap_of(stage) + dt.timedelta(days=7)
    response = client.post(url(acknowledged, "stage/extend/"), extend_data(stage, beyond))
    assert_error_by_field(response, "new_due", "Only a manager can extend beyond that")
    assert not Extension.objects.exists()
    assert stage_of(acknowledged).response_due == stage.response_due


def test_a_manager_may_extend_beyond_the_cap_and_the_page_says_so(client, manager, acknowledged):
    client.force_login(manager)
    stage = stage_of(acknowledged)
    beyond = extension_cap_of(stage) + dt.timedelta(days=7)
    response = client.post(
        url(acknowledged, "stage/extend/"), extend_data(stage, beyond, reason="Independent survey needed")
    )
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.new_due, extension.beyond_cap, extension.approved_by) == (beyond, True, manager)
    assert stage_of(acknowledged).response_due == beyond
    page = html_of(client.get(url(acknowledged)))
    assert "beyond the rule's limit, approved by Mona Tester" in page
    assert "Independent survey needed" in page


# --- two people editing the same stage ----------------------------------------------------------


def test_a_stale_acknowledge_form_is_refused_and_keeps_what_the_user_entered(
    client, handler, manager, colleague, fresh
):
    client.force_login(handler)
    form_page = client.get(url(fresh, "stage/acknowledge/"))
    seen_version = version_in_form(html_of(form_page))
    # Meanwhile a manager reassigns the stage.
    services.stage_reassign(by=manager, stage=stage_of(fresh), handler=colleague)

    entered = days_ago(1)
    response = client.post(
        url(fresh, "stage/acknowledge/"), {"version": seen_version, **date_fields("acknowledged_on", entered)}
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Someone else changed this stage" in html
    assert "reassigned" in html, "the user is not told what changed"
    assert f'name="acknowledged_on_0" value="{entered.day}"' in html
    assert f'name="acknowledged_on_1" value="{entered.month}"' in html
    assert f'name="acknowledged_on_2" value="{entered.year}"' in html
    stage = stage_of(fresh)
    assert stage.acknowledged_on is None and stage.handler == colleague, "silent overwrite"
    # The form now carries the current version: submitting it again (after checking) succeeds.
    assert version_in_form(html) == stage.version
    again = client.post(
        url(fresh, "stage/acknowledge/"), {"version": version_in_form(html), **date_fields("acknowledged_on", entered)}
    )
    assert again.status_code == 302
    assert stage_of(fresh).acknowledged_on == entered


def test_a_stale_response_form_does_not_overwrite_an_extension(client, handler, colleague, acknowledged):
    client.force_login(handler)
    seen_version = version_in_form(html_of(client.get(url(acknowledged, "stage/respond/"))))
    stage = stage_of(acknowledged)
    services.stage_extend(
        by=colleague,
        stage=stage,
        new_due=stage.response_due + dt.timedelta(days=3),
        reason="Needs a site visit",
        complainant_told_on=today(),
        today=today(),
    )
    response = client.post(
        url(acknowledged, "stage/respond/"),
        {
            **respond_data(acknowledged, stage, days_ago(1)),
            "version": seen_version,
            "response_summary": "We have fixed the gutter.",
        },
    )
    html = html_of(response)
    assert response.status_code == 200 and "Someone else changed this stage" in html
    assert "We have fixed the gutter." in html
    assert stage_of(acknowledged).responded_on is None


def test_two_people_acknowledging_at_once_the_second_is_told_and_keeps_their_entries(client, handler, colleague, fresh):
    client.force_login(handler)
    seen_version = version_in_form(html_of(client.get(url(fresh, "stage/acknowledge/"))))
    # The colleague acknowledges first, through the same page.
    other = client.__class__()
    other.force_login(colleague)
    assert (
        other.post(
            url(fresh, "stage/acknowledge/"), {"version": seen_version, **date_fields("acknowledged_on", days_ago(2))}
        ).status_code
        == 302
    )

    entered = days_ago(1)
    response = client.post(
        url(fresh, "stage/acknowledge/"), {"version": seen_version, **date_fields("acknowledged_on", entered)}
    )
    assert stage_of(fresh).acknowledged_on == days_ago(2), "silent overwrite"
    assert response.status_code == 200, "the second editor was redirected away and lost their entries"
    html = html_of(response)
    assert "There is a problem" in html
    assert "Someone else changed this stage" in html and "nothing was saved" in html
    assert f'name="acknowledged_on_0" value="{entered.day}"' in html
    # Submitting again is refused plainly: the stage is acknowledged now.
    again = client.post(
        url(fresh, "stage/acknowledge/"),
        {"version": stage_of(fresh).version, **date_fields("acknowledged_on", entered)},
    )
    assert again.status_code == 302 and stage_of(fresh).acknowledged_on == days_ago(2)


def test_a_tampered_version_is_not_a_server_error(client, handler, acknowledged):
    client.force_login(handler)
    client.raise_request_exception = False
    response = client.post(
        url(acknowledged, "stage/acknowledge/"), {"version": "abc", **date_fields("acknowledged_on", days_ago(1))}
    )
    assert response.status_code in (200, 302, 400), f"server error {response.status_code}"
    assert stage_of(acknowledged).acknowledged_on == days_ago(2)


# --- the page offers only the actions allowed now -----------------------------------------------


def test_a_new_corporate_complaint_offers_acknowledge_but_not_a_response(client, handler, fresh):
    client.force_login(handler)
    html = html_of(client.get(url(fresh)))
    assert actions_offered(html) == {"acknowledge", "extend", "withdraw"}
    assert ">Acknowledge<" in html
    assert "Record the response" not in html


def test_an_acknowledged_stage_offers_the_response_and_no_second_acknowledgement(client, handler, acknowledged):
    client.force_login(handler)
    offered = actions_offered(html_of(client.get(url(acknowledged))))
    assert offered == {"extend", "respond", "withdraw"}


def test_a_manager_may_also_reassign(client, manager, fresh):
    client.force_login(manager)
    assert actions_offered(html_of(client.get(url(fresh)))) == {"acknowledge", "extend", "withdraw", "reassign"}


def test_an_answered_stage_one_offers_escalation_and_closing(client, handler, answered):
    client.force_login(handler)
    assert actions_offered(html_of(client.get(url(answered)))) == {"escalate", "close", "withdraw"}


def escalate(complaint, *, by, to, on):
    stage = stage_of(complaint)
    return services.escalation_request(
        by=by, stage=stage, requested_on=on, reasons="Still unhappy", handler=to, today=today()
    )


def test_the_final_stage_offers_no_escalation(client, handler, colleague, answered):
    escalate(answered, by=handler, to=colleague, on=days_ago(3))
    acknowledge(answered, by=colleague, on=days_ago(2))
    respond(answered, by=colleague, on=days_ago(1))
    client.force_login(handler)
    assert actions_offered(html_of(client.get(url(answered)))) == {"close", "withdraw"}


def test_a_closed_complaint_offers_only_reopening(client, handler, answered):
    services.complaint_close(by=handler, stage=stage_of(answered), closed_on=days_ago(1), today=today())
    client.force_login(handler)
    assert actions_offered(html_of(client.get(url(answered)))) == {"reopen"}


def test_a_childrens_complaint_offers_stopping_the_clock(client, handler):
    complaint = log(handler, procedure="children")
    client.force_login(handler)
    assert actions_offered(html_of(client.get(url(complaint)))) == {"extend", "stop_clock", "respond", "withdraw"}


# --- the complaints list ------------------------------------------------------------------------


@pytest.fixture
def listed(handler, colleague, make_user, housing):
    """Complaints in the handler's area in several states, and one in an area they cannot see."""
    highways_worker = make_user("hugo", Role.CASEWORKER, service_areas=["Highways"])
    overdue = log(handler, received_on=days_ago(30), complainant_name="Olive Overdue")
    recent = log(colleague, received_on=days_ago(1), complainant_name="Rory Recent")
    closed = log(handler, received_on=days_ago(20), complainant_name="Cleo Closed")
    acknowledge(closed, by=handler, on=days_ago(19))
    respond(closed, by=handler, on=days_ago(10))
    services.complaint_close(by=handler, stage=stage_of(closed), closed_on=days_ago(9), today=today())
    elsewhere = log(highways_worker, received_on=days_ago(25), complainant_name="Hattie Highways")
    restricted = log(colleague, received_on=days_ago(2), complainant_name="Rita Restricted", is_restricted=True)
    return {"overdue": overdue, "recent": recent, "closed": closed, "elsewhere": elsewhere, "restricted": restricted}


def listed_references(response) -> list[str]:
    return re.findall(r'href="/complaints/\d+/">(CMP-\d{4}-\d{5})</a>', html_of(response))


def refs(listed, *names) -> list[str]:
    return [listed[name].reference for name in names]


def test_the_list_shows_only_what_the_user_may_see(client, handler, listed):
    client.force_login(handler)
    shown = listed_references(client.get("/complaints/"))
    assert sorted(shown) == sorted(refs(listed, "overdue", "recent", "closed"))


def test_a_restricted_complaint_is_listed_for_the_people_named_on_it(client, colleague, listed):
    client.force_login(colleague)
    assert listed["restricted"].reference in listed_references(client.get("/complaints/"))


def test_the_list_filters_by_service_area(client, handler, listed, housing):
    client.force_login(handler)
    shown = listed_references(client.get("/complaints/", {"service_area": housing.pk}))
    assert sorted(shown) == sorted(refs(listed, "overdue", "recent", "closed"))


def test_a_filter_for_another_users_service_area_does_not_leak(client, handler, listed):
    client.force_login(handler)
    highways = listed["elsewhere"].service_area
    response = client.get("/complaints/", {"service_area": highways.pk})
    assert response.status_code == 200
    assert listed["elsewhere"].reference not in html_of(response)
    assert "Hattie Highways" not in html_of(response)
    area_select = re.search(r'name="service_area">(.*?)</select>', html_of(response), re.S).group(1)
    assert "Highways" not in area_select, "another area is offered as a filter"
    handler_select = re.search(r'name="handler">(.*?)</select>', html_of(response), re.S).group(1)
    assert "Hugo" not in handler_select, "another area's staff are offered as a filter"


def test_the_list_filters_by_status(client, handler, listed):
    client.force_login(handler)
    assert listed_references(client.get("/complaints/", {"status": "closed"})) == refs(listed, "closed")
    assert sorted(listed_references(client.get("/complaints/", {"status": "open"}))) == sorted(
        refs(listed, "overdue", "recent")
    )


def test_the_list_filters_overdue_complaints(client, handler, listed):
    client.force_login(handler)
    response = client.get("/complaints/", {"due": "overdue"})
    assert listed_references(response) == refs(listed, "overdue")
    assert "Overdue" in html_of(response) and "working days overdue" in html_of(response)


def test_the_list_filters_by_procedure_stage_handler_and_received_dates(client, handler, colleague, listed):
    childrens = log(handler, procedure="children", received_on=days_ago(5), complainant_name="Chris Children")
    client.force_login(handler)
    children_pk = Procedure.objects.get(slug="children").pk
    assert listed_references(client.get("/complaints/", {"procedure": children_pk})) == [childrens.reference]
    assert listed_references(client.get("/complaints/", {"handler": colleague.pk})) == refs(listed, "recent")
    assert listed_references(client.get("/complaints/", {"stage": 2})) == []
    in_range = client.get(
        "/complaints/", {"received_from": days_ago(21).isoformat(), "received_to": days_ago(4).isoformat()}
    )
    assert sorted(listed_references(in_range)) == sorted([listed["closed"].reference, childrens.reference])


def test_the_list_filters_complaints_due_in_the_next_five_working_days(client, handler, listed):
    client.force_login(handler)
    # "recent" (received yesterday) must be acknowledged within 5 working days; "overdue" is past due.
    assert listed_references(client.get("/complaints/", {"due": "5"})) == refs(listed, "recent")


def test_the_list_searches_by_reference(client, handler, listed):
    client.force_login(handler)
    assert listed_references(client.get("/complaints/", {"q": listed["recent"].reference})) == refs(listed, "recent")
    assert listed_references(client.get("/complaints/", {"q": listed["recent"].reference.lower()})) == refs(
        listed, "recent"
    )


def test_the_list_searches_by_name(client, handler, listed):
    client.force_login(handler)
    assert listed_references(client.get("/complaints/", {"q": "olive"})) == refs(listed, "overdue")


def test_searching_for_a_complaint_the_user_cannot_see_finds_nothing(client, handler, listed):
    client.force_login(handler)
    for q in (listed["elsewhere"].reference, "Hattie", "Rita"):
        response = client.get("/complaints/", {"q": q})
        assert listed_references(response) == [] and "No complaints match these filters." in html_of(response)


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("-received", ["recent", "closed", "overdue"]),
        ("received", ["overdue", "closed", "recent"]),
        ("reference", None),
    ],
)
def test_the_list_sorts(client, handler, listed, sort, expected):
    client.force_login(handler)
    shown = listed_references(client.get("/complaints/", {"sort": sort}))
    if expected is None:
        expected_refs = sorted(refs(listed, "overdue", "recent", "closed"))
    else:
        expected_refs = refs(listed, *expected)
    assert shown == expected_refs


def test_the_list_sorts_by_next_deadline_by_default(client, handler, listed):
    client.force_login(handler)
    shown = listed_references(client.get("/complaints/"))
    # Open complaints by next deadline; the closed one has none.
    assert shown.index(listed["overdue"].reference) < shown.index(listed["recent"].reference)


@pytest.mark.parametrize(
    "sort",
    [
        "due",
        "-due",
    ],
)
def test_complaints_without_a_deadline_come_after_those_with_one(client, handler, listed, sort):
    client.force_login(handler)
    shown = listed_references(client.get("/complaints/", {"sort": sort}))
    assert shown[-1] == listed["closed"].reference, f"sort={sort}: the closed complaint (no deadline) is not last"


def test_the_list_paginates_and_keeps_the_filters_in_page_links(client, handler):
    for n in range(30):
        log(handler, received_on=days_ago(1 + n % 20), complainant_name=f"Person {n:02d}")
    client.force_login(handler)
    first = client.get("/complaints/", {"status": "open"})
    assert len(listed_references(first)) == 25
    assert "30 complaints." in html_of(first)
    next_link = re.search(r'href="\?(status=open&amp;after=[^"]+)" rel="next"', html_of(first))
    assert next_link, "the Next link lost the filter"
    second = client.get("/complaints/?" + next_link.group(1).replace("&amp;", "&"))
    assert len(listed_references(second)) == 5
    assert 'rel="next"' not in html_of(second)
    assert not set(listed_references(first)) & set(listed_references(second))
    # "Last" shows what is left after the full pages, as Next did.
    assert listed_references(client.get("/complaints/", {"status": "open", "page": "last"})) == listed_references(
        second
    )


def test_an_invalid_filter_date_is_reported_not_a_server_error(client, handler, listed):
    client.force_login(handler)
    response = client.get("/complaints/", {"received_from": "2026-02-31"})
    assert response.status_code == 200
    assert "real date" in html_of(response)


# --- documents ----------------------------------------------------------------------------------


def test_a_pdf_uploaded_through_the_page_downloads_as_an_attachment(client, handler, fresh):
    client.force_login(handler)
    upload = SimpleUploadedFile("Stage 1 letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url(fresh, "documents/new/"), {"file": upload, "description": "Stage 1 response letter"})
    assert response.status_code == 302 and response["Location"] == url(fresh)
    document = Document.objects.get()
    assert (document.content_type, document.original_name, document.size) == (
        "application/pdf",
        "Stage 1 letter.pdf",
        len(PDF_BYTES),
    )
    assert "Stage 1 response letter" in html_of(client.get(url(fresh)))

    download = client.get(url(fresh, f"documents/{document.pk}/"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Stage 1 letter.pdf" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    # Reading the stream to the end closes the file (as a WSGI server would); no manual close(), which
    # would fire request_finished and close the test's database connection.
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_file_that_is_not_what_its_name_says_is_refused(client, handler, fresh):
    client.force_login(handler)
    upload = SimpleUploadedFile(
        "letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 20, content_type="application/pdf"
    )
    response = client.post(url(fresh, "documents/new/"), {"file": upload})
    assert_error_by_field(response, "file", "The selected file must be")
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, settings, handler, fresh):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(handler)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client.post(url(fresh, "documents/new/"), {"file": big})
    assert_error_by_field(response, "file", "The selected file must be smaller than 1 MB")
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(client, handler, fresh):
    client.force_login(handler)
    response = client.post(url(fresh, "documents/new/"), {"file": SimpleUploadedFile("empty.pdf", b"")})
    assert_error_by_field(response, "file", "The selected file is empty")
    assert not Document.objects.exists()


def test_a_colleague_can_download_and_an_outsider_gets_404(client, colleague, outsider, answered):
    document = answered.documents.get()
    client.force_login(colleague)
    download = client.get(url(answered, f"documents/{document.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    client.force_login(outsider)
    assert client.get(url(answered, f"documents/{document.pk}/")).status_code == 404


def test_a_document_is_not_downloadable_through_another_complaints_url(client, handler, fresh, answered):
    document = answered.documents.get()
    client.force_login(handler)
    assert client.get(url(fresh, f"documents/{document.pk}/")).status_code == 404


# --- closing with signposting -------------------------------------------------------------------


@pytest.fixture
def stage_two_suspended(admin):
    return StageSuspension.objects.create(
        procedure_stage=ProcedureStage.objects.get(procedure=corporate(), number=2),
        starts_on=days_ago(60),
        reason="Not enough investigators",
        created_by=admin,
    )


def close_data(stage, *, closed_on, told_on=None, method="", wording="") -> dict:
    data = {"version": stage.version, **date_fields("closed_on", closed_on), "method": method, "wording": wording}
    if told_on:
        data.update(date_fields("told_on", told_on))
    return data


def test_the_close_page_warns_that_stage_two_is_suspended(client, handler, answered, stage_two_suspended):
    client.force_login(handler)
    html = html_of(client.get(url(answered, "stage/close/")))
    assert "Stage 2 is suspended (Not enough investigators)" in html
    assert "Local Government and Social Care Ombudsman" in html


def test_closing_without_signposting_while_stage_two_is_suspended_is_refused(
    client, handler, answered, stage_two_suspended
):
    client.force_login(handler)
    response = client.post(url(answered, "stage/close/"), close_data(stage_of(answered), closed_on=days_ago(1)))
    assert_error_by_field(response, "wording", "Enter the words used to tell the complainant where to go next")
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.OPEN
    assert stage_of(answered).status == StageStatus.RESPONDED
    assert not Signposting.objects.exists()


def test_closing_with_signposting_while_stage_two_is_suspended_shows_it_on_the_page(
    client, handler, answered, stage_two_suspended
):
    client.force_login(handler)
    wording = "Stage 2 is suspended, so you can now go to the Local Government and Social Care Ombudsman."
    response = client.post(
        url(answered, "stage/close/"),
        close_data(stage_of(answered), closed_on=days_ago(1), told_on=days_ago(1), method="letter", wording=wording),
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.CLOSED
    signposting = Signposting.objects.get()
    assert (signposting.reason, signposting.suspension, signposting.method) == (
        SignpostReason.NEXT_STAGE_SUSPENDED,
        stage_two_suspended,
        "letter",
    )
    html = html_of(client.get(url(answered)))
    assert "Stage 2 was suspended." in html
    assert wording in html
    assert ">Closed<" in html


def test_escalating_into_a_suspended_stage_is_refused(client, handler, colleague, answered, stage_two_suspended):
    client.force_login(handler)
    stage = stage_of(answered)
    response = client.post(
        url(answered, "stage/escalate/"),
        {
            "version": stage.version,
            **date_fields("requested_on", days_ago(1)),
            "reasons": "Still unhappy",
            "handler": colleague.pk,
        },
    )
    assert_error_by_field(response, "requested_on", "Stage 2 is suspended")
    assert answered.stages.count() == 1


def test_closing_stage_one_without_a_suspension_needs_no_signposting(client, handler, answered):
    client.force_login(handler)
    response = client.post(url(answered, "stage/close/"), close_data(stage_of(answered), closed_on=days_ago(1)))
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.CLOSED and not Signposting.objects.exists()


def test_the_close_form_as_the_browser_sends_it_does_not_crash(client, handler, answered):
    """What a browser posts on Stage 1 (no suspension): the pre-filled wording and method, no 'told on' date."""
    client.force_login(handler)
    client.raise_request_exception = False
    html = html_of(client.get(url(answered, "stage/close/")))
    assert "You can contact them through www.lgo.org.uk." in html, "the default wording is not pre-filled"
    response = client.post(
        url(answered, "stage/close/"),
        close_data(stage_of(answered), closed_on=days_ago(1), method="email", wording=corporate().signposting_wording),
    )
    assert response.status_code in (200, 302), f"server error {response.status_code}"
    answered.refresh_from_db()
    if response.status_code == 302:  # optional signposting ignored or recorded: either way, closed
        assert answered.status == ComplaintStatus.CLOSED
        assert not Signposting.objects.filter(told_on__isnull=True).exists()
    else:  # or the user is asked for the date, next to the field, and nothing is saved
        assert_error_by_field(response, "told_on", "Enter the date the complainant was told")
        assert answered.status == ComplaintStatus.OPEN


def test_optional_signposting_after_stage_one_is_not_called_the_final_stage(client, handler, answered):
    client.force_login(handler)
    response = client.post(
        url(answered, "stage/close/"),
        close_data(
            stage_of(answered),
            closed_on=days_ago(1),
            told_on=days_ago(1),
            method="email",
            wording=corporate().signposting_wording,
        ),
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.CLOSED
    html = html_of(client.get(url(answered)))
    assert "www.lgo.org.uk" in html, "the signposting is not shown"
    assert "Final stage of the procedure completed." not in html
    assert Signposting.objects.get().reason != SignpostReason.FINAL_STAGE


def test_closing_after_the_final_stage_needs_signposting(client, handler, colleague, answered):
    escalate(answered, by=handler, to=colleague, on=days_ago(3))
    acknowledge(answered, by=colleague, on=days_ago(2))
    respond(answered, by=colleague, on=days_ago(1))
    client.force_login(colleague)
    refused = client.post(url(answered, "stage/close/"), close_data(stage_of(answered), closed_on=today()))
    assert_error_by_field(refused, "wording", "Enter the words used")
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.OPEN
    closed = client.post(
        url(answered, "stage/close/"),
        close_data(
            stage_of(answered),
            closed_on=today(),
            told_on=today(),
            method="email",
            wording=corporate().signposting_wording,
        ),
    )
    assert closed.status_code == 302
    assert Signposting.objects.get().reason == SignpostReason.FINAL_STAGE
    assert "Final stage of the procedure completed." in html_of(client.get(url(answered)))


def test_escalation_to_the_same_handler_is_refused_when_the_rule_needs_a_different_one(client, handler, answered):
    client.force_login(handler)
    stage = stage_of(answered)
    response = client.post(
        url(answered, "stage/escalate/"),
        {
            "version": stage.version,
            **date_fields("requested_on", days_ago(1)),
            "reasons": "Still unhappy",
            "handler": handler.pk,
        },
    )
    assert_error_by_field(response, "handler", "someone other than the Stage 1 handler")
    assert answered.stages.count() == 1


# --- actions promised ---------------------------------------------------------------------------


def test_the_handler_marks_an_action_complete(client, handler, answered):
    client.force_login(handler)
    action = answered.actions.get()
    response = client.post(url(answered, f"actions/{action.pk}/complete/"), date_fields("completed_on", today()))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.completed_on == today()
    assert client.get(url(answered, f"actions/{action.pk}/complete/")).status_code == 404


# --- stage rules and home pages -----------------------------------------------------------------


def test_the_stage_rules_page_is_for_complaints_admins(client, admin, handler, manager):
    client.force_login(admin)
    response = client.get("/complaints/rules/")
    assert response.status_code == 200
    assert "Stage rules" in html_of(response) and "Corporate complaints" in html_of(response)
    for user in (handler, manager):
        client.force_login(user)
        assert client.get("/complaints/rules/").status_code == 403


def test_the_stage_rules_page_shows_a_suspension(client, admin, stage_two_suspended):
    client.force_login(admin)
    assert "Not enough investigators" in html_of(client.get("/complaints/rules/"))


def test_anonymous_visitors_are_sent_to_sign_in_from_every_list_page(client):
    for path in ("/", "/complaints/", "/complaints/new/", "/complaints/rules/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN), path


def test_my_work_lists_the_handlers_open_complaints_only(client, handler, colleague, outsider, fresh, answered):
    client.force_login(handler)
    mine = listed_references(client.get("/"))
    assert sorted(mine) == sorted([fresh.reference, answered.reference])
    for other in (colleague, outsider):
        client.force_login(other)
        assert listed_references(client.get("/")) == []


def test_a_manager_sees_the_overdue_complaints_of_their_areas_only(client, handler, manager, make_user):
    overdue = log(handler, received_on=days_ago(30))
    elsewhere = log(make_user("hugo", Role.CASEWORKER, service_areas=["Highways"]), received_on=days_ago(30))
    client.force_login(manager)
    home = client.get("/")
    assert home.status_code == 200
    assert elsewhere.reference not in html_of(home)
    # The home page links to this list of overdue complaints.
    assert "?due=overdue&amp;status=open" in html_of(home)
    assert listed_references(client.get("/complaints/", {"due": "overdue", "status": "open"})) == [overdue.reference]
