"""The public online complaint form: each page's checks, check-your-answers with its change links,
sending (a complaint at Stage 1 with the usual deadlines, a receipt email), the honeypot, the rate
limit and the uploads. Driven through the pages with the test client, which runs no JavaScript."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Channel, Complaint, ComplaintEvent, Document, StageStatus
from complaints.tests.factories import log_complaint
from intake.journey import SESSION_KEY
from intake.models import Consent, OnlineSubmission, PendingAttachment
from intake.services import ONLINE_FORM_USERNAME
from intake.tests.conftest import ANSWERS, fill_in, step
from reminders.models import Obligation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a letter from the council"


def errors_of(response) -> tuple[list[str], list[str]]:
    """(the error summary's messages, the messages shown next to fields)."""
    html = response.content.decode()
    summary = re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', html)
    inline = [
        m.strip()
        for m in re.findall(r'govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>([^<]+)<', html)
    ]
    return summary, inline


def test_the_start_page_needs_no_sign_in_and_starts_with_the_first_question(client):
    response = client.get(reverse("intake:start"))
    assert response.status_code == 200
    assert b"Make a complaint" in response.content
    assert f'href="{step("who")}"'.encode() in response.content


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("who", {}, "Select whether you are complaining for yourself or for someone else"),
        (
            "someone-else",
            {"affected_relationship": "parent", "consent": "agreed"},
            "Enter the full name of the person you are complaining for",
        ),
        (
            "someone-else",
            {"affected_name": "Sam", "affected_relationship": "parent"},
            "Select whether they have agreed to you complaining for them",
        ),
        ("your-name", {"full_name": "   "}, "Enter your full name"),
        (
            "contact-method",
            {"preferred_contact": "pigeon"},
            "Select a valid choice. pigeon is not one of the available choices.",
        ),
        (
            "contact-details",
            {"email": "not-an-address"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            "contact-details",
            {"phone": "call me"},
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        ("about", {}, "Select what your complaint is about"),
        ("about", {"topic": "999999"}, "Select what your complaint is about"),
        ("what-happened", {"what_happened": ""}, "Enter what happened"),
        ("what-happened", {"what_happened": "x" * 10_001}, "What happened must be 10,000 characters or fewer"),
        ("outcome", {}, "Enter what you would like us to do to put things right"),
        ("adjustments", {}, "Select yes if you need us to make any adjustments"),
        ("adjustments-details", {"adjustments": " "}, "Enter the adjustments you need"),
    ],
)
def test_each_question_says_what_is_wrong_next_to_the_field_and_in_the_error_summary(
    client, topics, slug, data, message
):
    response = client.post(step(slug), data)
    assert response.status_code == 200
    summary, inline = errors_of(response)
    assert message in summary, summary
    assert message in inline, inline
    assert response.content.decode().count("There is a problem") == 1
    assert "<title>Error: " in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_error_summary_link_moves_focus_to_a_real_input(client, topics):
    html = client.post(step("who"), {}).content.decode()
    target = re.search(r'<li><a href="#([^"]+)">', html).group(1)
    assert f'id="{target}"' in html and 'type="radio"' in html


@pytest.mark.parametrize(
    ("method", "field", "message"),
    [
        ("email", "email", "Enter your email address, as you would like us to contact you by email"),
        ("phone", "phone", "Enter your phone number, as you would like us to contact you by phone"),
        ("letter", "address", "Enter your postal address, as you would like us to contact you by letter"),
    ],
)
def test_the_way_to_contact_chosen_needs_its_detail_and_the_others_are_optional(client, topics, method, field, message):
    client.post(step("contact-method"), {"preferred_contact": method})
    page = client.get(step("contact-details")).content.decode()
    assert page.count("(optional)") == 2
    summary, inline = errors_of(client.post(step("contact-details"), {}))
    assert summary == [message] and inline == [message]


def test_someone_else_is_asked_about_only_when_the_complaint_is_for_someone_else(client, topics):
    assert client.post(step("who"), {"for_whom": "myself"})["Location"] == step("your-name")
    assert client.post(step("who"), {"for_whom": "someone_else"})["Location"] == step("someone-else")
    answers = {"affected_name": "Sam", "affected_relationship": "parent", "consent": "authority"}
    assert client.post(step("someone-else"), answers)["Location"] == step("your-name")


def test_each_page_shows_the_answer_given_and_a_back_link_to_the_page_before(client, topics):
    client.post(step("who"), {"for_whom": "myself"})
    client.post(step("your-name"), {"full_name": "Ms Resident"})
    page = client.get(step("your-name")).content.decode()
    assert 'value="Ms Resident"' in page
    assert re.search(rf'<a href="{step("who")}" class="govuk-back-link[^"]*">Back</a>', page)


def test_check_your_answers_lists_every_answer_with_a_link_to_change_it(client, topics):
    fill_in(
        client,
        topics["bins"],
        **{
            "who": {"for_whom": "someone_else"},
            "someone-else": {
                "affected_name": "Sam Resident",
                "affected_relationship": "son",
                "consent": Consent.AGREED,
            },
        },
    )
    page = client.get(reverse("intake:check")).content.decode()
    for text in [
        "Sam Resident",
        "son",
        "Yes, they have agreed",
        "Ms Resident",
        "resident@example.com",
        "Bins, recycling or street cleaning",
        "The bin was not collected",
        "Collect the bin",
    ]:
        assert text in page, text
    assert f'href="{step("your-name")}?change=1"' in page
    assert f'href="{step("documents")}?change=1"' in page


def test_a_change_returns_to_check_your_answers(client, topics):
    fill_in(client, topics["bins"])
    response = client.post(f"{step('your-name')}?change=1", {"full_name": "Ms Changed"})
    assert response["Location"] == reverse("intake:check")
    assert "Ms Changed" in client.get(reverse("intake:check")).content.decode()


def test_a_change_that_needs_another_answer_asks_for_it_before_returning(client, topics):
    fill_in(client, topics["bins"])
    # Letter needs a postal address, which was not given: that page again, then back to check.
    response = client.post(f"{step('contact-method')}?change=1", {"preferred_contact": "letter"})
    assert response["Location"] == f"{step('contact-details')}?change=1"
    response = client.post(response["Location"], {"email": "resident@example.com", "address": "1 High Street"})
    assert response["Location"] == reverse("intake:check")
    # Someone else: their page, then back.
    response = client.post(f"{step('who')}?change=1", {"for_whom": "someone_else"})
    assert response["Location"] == f"{step('someone-else')}?change=1"


def test_check_your_answers_sends_an_unfinished_form_to_the_first_unanswered_question(client, topics):
    assert client.get(reverse("intake:check"))["Location"] == step("who")
    client.post(step("who"), {"for_whom": "myself"})
    assert client.get(reverse("intake:check"))["Location"] == step("your-name")
    response = client.post(reverse("intake:check"), {})
    assert response["Location"] == step("your-name")
    assert not Complaint.objects.exists()


def test_sending_logs_an_unassigned_complaint_at_stage_1_of_the_topics_procedure(send_form, topics, mailoutbox):
    today = timezone.localdate()
    response = send_form(
        "repairs",
        **{"adjustments": {"needs_adjustments": "yes"}, "adjustments-details": {"adjustments": "Large print, please"}},
    )
    complaint = Complaint.objects.get()
    assert complaint.reference in response.content.decode()
    assert (complaint.procedure.slug, complaint.service_area.name) == ("housing", "Housing")
    assert complaint.channel == Channel.WEB_FORM
    assert complaint.received_on == today
    assert complaint.handler.username == ONLINE_FORM_USERNAME == complaint.created_by.username
    assert not complaint.handler.is_active and not complaint.handler.has_usable_password()
    assert complaint.complainant_name == "Ms Resident"
    assert complaint.complainant_email == "resident@example.com"
    assert complaint.summary == "The bin was not collected for three weeks."
    assert complaint.outcome_wanted == "Collect the bin and say sorry."
    assert complaint.reasonable_adjustments == "Large print, please"
    stage = complaint.stages.get()
    assert (stage.number, stage.status) == (1, StageStatus.AWAITING_ACKNOWLEDGEMENT)
    assert OnlineSubmission.objects.get(complaint=complaint).topic == topics["repairs"]
    assert list(complaint.events.order_by("id").values_list("kind", flat=True)) == ["logged", "stage_opened"]
    assert complaint.events.get(kind="logged").summary == "Complaint logged (Web form)"
    # The acknowledgement is due when it would be for a complaint logged by staff the same day.
    staff_logged = log_complaint(procedure="housing", received_on=today, today=today)
    assert stage.acknowledge_due == staff_logged.stages.get().acknowledge_due
    assert stage.response_due == staff_logged.stages.get().response_due
    assert complaint.next_due_date == stage.acknowledge_due and complaint.next_due_label == "Acknowledge by"
    # ... and it is in the obligation register, so reminders follow as for any complaint.
    assert Obligation.objects.filter(complaint=complaint, due_on=stage.acknowledge_due, done_on=None).exists()
    assert f"{stage.acknowledge_due.day} {stage.acknowledge_due:%B %Y}" in response.content.decode()


def test_the_resident_is_emailed_their_reference(send_form, mailoutbox):
    send_form()
    complaint = Complaint.objects.get()
    [email] = mailoutbox
    assert email.to == ["resident@example.com"]
    assert complaint.reference in email.subject and complaint.reference in email.body
    assert email.content_subtype == "plain" and not getattr(email, "alternatives", None)
    assert "The bin was not collected" not in email.body  # what happened stays out of the inbox
    assert OnlineSubmission.objects.get().receipt_sent_at is not None


def test_no_email_is_sent_without_an_email_address(send_form, mailoutbox):
    send_form(**{"contact-method": {"preferred_contact": "phone"}, "contact-details": {"phone": "07700 900982"}})
    assert Complaint.objects.get().complainant_phone == "07700 900982"
    assert mailoutbox == []


def test_a_complaint_for_someone_else_records_them_and_their_consent(send_form):
    send_form(
        **{
            "who": {"for_whom": "someone_else"},
            "someone-else": {
                "affected_name": "Sam Resident",
                "affected_relationship": "son",
                "consent": Consent.AUTHORITY,
            },
        }
    )
    complaint = Complaint.objects.get()
    assert (complaint.affected_person_name, complaint.affected_person_relationship) == ("Sam Resident", "son")
    submission = complaint.online_submission
    assert submission.for_someone_else and submission.consent == Consent.AUTHORITY


def test_answers_about_someone_else_are_dropped_when_the_resident_changes_to_myself(client, send_form, topics):
    fill_in(
        client,
        topics["bins"],
        **{
            "who": {"for_whom": "someone_else"},
            "someone-else": {
                "affected_name": "Sam Resident",
                "affected_relationship": "son",
                "consent": Consent.AGREED,
            },
        },
    )
    client.post(f"{step('who')}?change=1", {"for_whom": "myself"})
    assert "Sam Resident" not in client.get(reverse("intake:check")).content.decode()
    client.post(reverse("intake:check"), {})
    complaint = Complaint.objects.get()
    assert complaint.affected_person_name == "" and complaint.online_submission.consent == ""


def test_sending_clears_the_answers_and_a_second_send_logs_nothing_more(client, send_form):
    send_form()
    assert SESSION_KEY not in client.session
    assert client.post(reverse("intake:check"), {})["Location"] == step("who")
    assert Complaint.objects.count() == 1


def test_the_confirmation_page_without_a_sent_form_goes_to_the_start(client):
    assert client.get(reverse("intake:done"))["Location"] == reverse("intake:start")


# --- abuse ---------------------------------------------------------------------------------------


def test_a_filled_honeypot_on_check_your_answers_is_discarded_silently(client, topics, mailoutbox):
    fill_in(client, topics["bins"])
    response = client.post(reverse("intake:check"), {"reference_code": "http://spam.example"}, follow=True)
    assert response.status_code == 200 and b"Complaint sent" in response.content
    assert b"Your reference number" not in response.content
    assert not Complaint.objects.exists() and mailoutbox == []


def test_a_filled_honeypot_on_the_first_page_is_carried_to_the_end_and_discarded(client, topics):
    client.post(step("who"), {"for_whom": "myself", "reference_code": "x"})
    fill_in(client, topics["bins"], who={"for_whom": "myself"})
    response = client.post(reverse("intake:check"), {})
    assert response["Location"] == reverse("intake:done")
    assert not Complaint.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers_and_out_of_the_tab_order(client, topics):
    html = client.get(step("who")).content.decode()
    trap = re.search(r'<div class="govuk-visually-hidden" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="reference_code"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def test_more_than_five_sends_an_hour_from_one_address_are_refused_with_429(client, topics, settings, send_form):
    for _ in range(5):
        send_form()
    assert Complaint.objects.count() == 5
    fill_in(client, topics["bins"])
    response = client.post(reverse("intake:check"), {})
    assert response.status_code == 429
    assert "You can send up to 5 complaints an hour" in response.content.decode()
    assert Complaint.objects.count() == 5
    # Another address is not held back.
    response = client.post(reverse("intake:check"), {}, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 302 and Complaint.objects.count() == 6


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw_not_one_the_client_claims(client, topics, settings):
    from django.test import RequestFactory

    from intake import throttle

    settings.INTAKE_PROXY_COUNT = 1
    settings.INTAKE_SUBMISSIONS_PER_HOUR = 1
    factory = RequestFactory()

    def sent_from(forwarded: str) -> bool:
        return throttle.allow(factory.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded), "submissions")

    assert sent_from("203.0.113.5")
    assert sent_from("198.51.100.7")  # another resident behind the same proxy
    assert not sent_from("1.2.3.4, 203.0.113.5")  # a made-up first entry changes nothing


# --- uploads -------------------------------------------------------------------------------------


def upload(client, name: str, content: bytes, action: str = "upload"):
    return client.post(step("documents"), {"action": action, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "The selected file must be a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_an_upload_the_checks_refuse_is_rejected_with_a_message(client, topics, name, content, message):
    response = upload(client, name, content)
    assert response.status_code == 200
    summary, inline = errors_of(response)
    assert any(m.startswith(message) for m in summary) and any(m.startswith(message) for m in inline)
    assert not PendingAttachment.objects.exists()


def test_an_upload_over_the_size_limit_is_rejected(client, topics, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    summary, _ = errors_of(upload(client, "big.pdf", PDF + b"0" * (1024 * 1024)))
    assert summary == ["The selected file must be smaller than 1 MB"]


def test_at_most_five_files_can_be_added(client, topics):
    for n in range(5):
        assert upload(client, f"letter{n}.pdf", PDF).status_code == 302
    page = client.get(step("documents")).content.decode()
    assert "the most you can send with the form" in page and 'type="file"' not in page
    summary, _ = errors_of(upload(client, "letter6.pdf", PDF))
    assert summary == ["You can upload up to 5 files"]


def test_uploaded_files_become_documents_of_the_complaint(client, topics, send_form):
    upload(client, "letter.pdf", PDF)
    assert "letter.pdf" in client.get(step("documents")).content.decode()
    send_form()
    complaint = Complaint.objects.get()
    document = Document.objects.get(complaint=complaint)
    assert (document.original_name, document.content_type) == ("letter.pdf", "application/pdf")
    assert document.file.read() == PDF
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="document").exists()
    assert not PendingAttachment.objects.exists()


def test_a_file_can_be_removed_and_only_from_its_own_draft(client, topics, django_capture_on_commit_callbacks):
    upload(client, "letter.pdf", PDF)
    attachment = PendingAttachment.objects.get()
    other = client.__class__()
    other.post(step("documents"), {"remove": attachment.pk})
    assert PendingAttachment.objects.filter(pk=attachment.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step("documents"), {"remove": attachment.pk})
    assert not PendingAttachment.objects.exists()
    assert not attachment.file.storage.exists(attachment.file.name)


def test_too_many_uploads_from_one_address_are_refused_with_429(client, topics, settings):
    settings.INTAKE_UPLOADS_PER_HOUR = 2
    upload(client, "a.pdf", PDF)
    upload(client, "b.pdf", PDF)
    response = upload(client, "c.pdf", PDF)
    assert response.status_code == 429
    assert "You have uploaded too many files" in response.content.decode()
    assert PendingAttachment.objects.count() == 2


# --- without JavaScript, safely -------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["who", "someone-else", "contact-details", "about", "what-happened", "adjustments", "documents"]
)
def test_every_page_is_a_plain_form_with_no_inline_script_or_style(client, topics, slug):
    response = client.get(step(slug))
    html = response.content.decode()
    assert re.search(r'<form[^>]*method="post"', html) and "csrfmiddlewaretoken" in html
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="module" src="/static/js/init.js">']
    assert " style=" not in html and "<style" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_adjustments_are_asked_for_on_their_own_page_only_after_yes(client, topics):
    assert client.post(step("adjustments"), {"needs_adjustments": "yes"})["Location"] == step("adjustments-details")
    assert client.post(step("adjustments-details"), {"adjustments": "Large print"})["Location"] == step("documents")
    assert client.post(step("adjustments"), {"needs_adjustments": "no"})["Location"] == step("documents")


def test_adjustments_given_then_taken_back_are_not_logged(client, send_form, topics):
    send_form(**{"adjustments": {"needs_adjustments": "yes"}, "adjustments-details": {"adjustments": "Large print"}})
    assert Complaint.objects.get().reasonable_adjustments == "Large print"
    fill_in(
        client,
        topics["bins"],
        **{"adjustments": {"needs_adjustments": "yes"}, "adjustments-details": {"adjustments": "Braille"}},
    )
    client.post(f"{step('adjustments')}?change=1", {"needs_adjustments": "no"})
    assert "Braille" not in client.get(reverse("intake:check")).content.decode()
    client.post(reverse("intake:check"), {})
    assert Complaint.objects.latest("id").reasonable_adjustments == ""


def test_sending_the_form_logs_no_personal_details(send_form, caplog):
    with caplog.at_level(logging.DEBUG):
        send_form()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert Complaint.objects.get().reference in logged
    for personal in ("Ms Resident", "resident@example.com", "bin was not collected", "127.0.0.1"):
        assert personal not in logged


def test_the_form_refuses_a_post_without_its_csrf_token(topics):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(step("who"), {"for_whom": "myself"}).status_code == 403


def test_every_answer_is_kept_only_in_the_session_until_sent(client, topics):
    fill_in(client, topics["bins"], **ANSWERS)
    assert not Complaint.objects.exists() and not OnlineSubmission.objects.exists()
    assert client.session[SESSION_KEY]["answers"]["full_name"] == "Ms Resident"
