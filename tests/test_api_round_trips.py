"""Round trips through the REST API: what the API creates and changes is what the pages show,
through the same services, recorded in the timeline and history as the service account."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from api.services import service_account_save, token_authenticate, token_issue, token_revoke
from complaints.models import Complaint, ComplaintEvent
from ombudsman_cases.models import CaseEvent, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def webform(world):
    """A service account for the council's web form: caseworker in Housing."""
    account = service_account_save(
        by=world.users["admin"],
        username="svc-webform",
        display_name="Web complaint form",
        role=Role.CASEWORKER,
        service_areas=[world.areas["housing"]],
    )
    _, raw = token_issue(by=world.users["admin"], account=account, name="web form")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.account = account
    client.raw_token = raw
    return client


def post(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", headers=headers)


def new_complaint(world, **overrides) -> dict:
    from complaints.models import Procedure

    return {
        "procedure": Procedure.objects.get(slug="corporate").pk,
        "service_area": world.areas["housing"].pk,
        "channel": "web_form",
        "received_on": (world.today - dt.timedelta(days=2)).isoformat(),
        "complainant_name": "Ms Round Trip",
        "complainant_email": "round.trip@example.org",
        "preferred_contact": "email",
        "summary": "The bins were not collected.\nNobody replied to my email.",
        "handler": world.users["handler"].pk,
        **overrides,
    }


def test_a_complaint_logged_through_the_api_is_on_its_page_with_the_same_deadlines(world, webform, as_persona):
    response = post(webform, reverse("api:complaints"), new_complaint(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == reverse("api:complaint", args=[body["id"]])
    assert response["ETag"] == f'"{body["current_stage_version"]}"'

    page = as_persona("handler").get(reverse("complaints:detail", args=[body["id"]]))
    assert page.status_code == 200
    assert body["reference"] in page.content.decode()
    stage = page.context["stages"][0]
    assert body["stages"][0]["acknowledge_due"] == stage.acknowledge_due.isoformat()
    assert body["stages"][0]["response_due"] == stage.response_due.isoformat()
    assert body["stages"][0]["acknowledgement"]["words"] == stage.ack_info.words
    assert [p["text"] for p in body["points"]] == ["The bins were not collected.", "Nobody replied to my email."]
    # The API's answer and a later read are the same record.
    assert webform.get(reverse("api:complaint", args=[body["id"]])).json() == body


def test_the_api_records_the_service_account_in_the_timeline_and_the_history(world, webform):
    body = post(webform, reverse("api:complaints"), new_complaint(world)).json()
    complaint = Complaint.objects.get(pk=body["id"])
    user = webform.account.user
    assert set(ComplaintEvent.objects.filter(complaint=complaint).values_list("actor", flat=True)) == {user.pk}
    assert complaint.history.earliest().history_user == user
    assert complaint.created_by == user
    assert body["events"][0]["actor"]["name"] == "Web complaint form"


def test_the_same_submission_token_twice_logs_one_complaint(world, webform):
    data = new_complaint(world, submission_token="0b7c8f1e-6f0a-4a53-9a57-2ad1c1f7b3a1")
    first = post(webform, reverse("api:complaints"), data).json()
    second = post(webform, reverse("api:complaints"), data).json()
    assert first["id"] == second["id"]
    assert Complaint.objects.filter(submission_token=data["submission_token"]).count() == 1


def test_a_complaint_refused_by_the_page_form_is_refused_with_the_same_messages(world, webform):
    before = Complaint.objects.count()
    response = post(
        webform,
        reverse("api:complaints"),
        new_complaint(world, complainant_email="", service_area=world.areas["highways"].pk),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["service_area"] == ["Select a valid choice. That choice is not one of the available choices."]
    assert errors["complainant_email"] == ["Enter an email address, as it is the preferred way to contact them"]
    assert Complaint.objects.count() == before


def test_acknowledging_through_the_api_changes_the_page_and_a_stale_version_is_409(world, webform, as_persona):
    complaint = Complaint.objects.get(pk=post(webform, reverse("api:complaints"), new_complaint(world)).json()["id"])
    read = webform.get(reverse("api:complaint", args=[complaint.pk])).json()
    version = read["current_stage_version"]
    acknowledge = reverse("api:acknowledge", args=[complaint.pk])
    data = {"acknowledged_on": world.today.isoformat(), "version": version}

    response = post(webform, acknowledge, data)
    assert response.status_code == 200, response.json()
    assert response.json()["stages"][0]["status"] == "in_progress"
    assert response["ETag"] == f'"{version + 1}"'
    page = as_persona("handler").get(reverse("complaints:detail", args=[complaint.pk]))
    assert f"Acknowledged {world.today:%-d %B %Y}" in page.content.decode()

    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    again = post(
        webform,
        reverse("api:extend", args=[complaint.pk]),
        {
            "new_due": (world.today + dt.timedelta(days=40)).isoformat(),
            "reason": "Waiting for the contractor",
            "complainant_told_on": world.today.isoformat(),
            "version": version,  # the version read before the acknowledgement
        },
    )
    assert again.status_code == 409
    assert again.json()["code"] == "stale"
    assert "Someone else changed this stage" in again.json()["detail"]
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events


def test_if_match_carries_the_version_and_an_action_the_state_no_longer_allows_is_409(world, webform):
    complaint_id = post(webform, reverse("api:complaints"), new_complaint(world)).json()["id"]
    etag = webform.get(reverse("api:complaint", args=[complaint_id]))["ETag"]
    acknowledge = reverse("api:acknowledge", args=[complaint_id])
    assert post(webform, acknowledge, {"acknowledged_on": world.today.isoformat()}).status_code == 400
    ok = post(webform, acknowledge, {"acknowledged_on": world.today.isoformat()}, **{"If-Match": etag})
    assert ok.status_code == 200, ok.json()
    twice = post(webform, acknowledge, {"acknowledged_on": world.today.isoformat()}, **{"If-Match": ok["ETag"]})
    assert twice.status_code == 409
    assert twice.json()["code"] == "not_allowed_now"


def test_a_service_refusal_is_a_400_naming_the_field_and_nothing_is_saved(world, webform):
    body = post(webform, reverse("api:complaints"), new_complaint(world)).json()
    response = post(
        webform,
        reverse("api:acknowledge", args=[body["id"]]),
        {"acknowledged_on": (world.today + dt.timedelta(days=1)).isoformat(), "version": body["current_stage_version"]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"acknowledged_on": ["The acknowledgement date must be today or in the past"]}
    assert webform.get(reverse("api:complaint", args=[body["id"]])).json() == body


def test_respond_escalate_and_close_through_the_api_show_on_the_page(world, webform, as_persona):
    complaint = world.complaints["in_progress", "open"]
    read = webform.get(reverse("api:complaint", args=[complaint.pk])).json()
    respond = {
        "responded_on": world.today.isoformat(),
        "outcome": "partly_upheld",
        "point_outcomes": [{"point": p["id"], "outcome": "upheld"} for p in read["points"]],
        "payment_amount": "150.00",
        "payment_reason": "Time and trouble",
        "actions": [
            {
                "description": "Review the letter templates",
                "owner": world.users["handler"].pk,
                "due_on": (world.today + dt.timedelta(days=30)).isoformat(),
            }
        ],
        "version": read["current_stage_version"],
    }
    response = post(webform, reverse("api:respond", args=[complaint.pk]), respond)
    assert response.status_code == 200, response.json()
    page = as_persona("handler").get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Review the letter templates" in page and "Partly upheld" in page

    after = response.json()
    escalate = {
        "requested_on": world.today.isoformat(),
        "reasons": "Not happy with the remedy",
        "handler": world.users["helper"].pk,
        "version": after["current_stage_version"],
    }
    response = post(webform, reverse("api:escalate", args=[complaint.pk]), escalate)
    assert response.status_code == 200, response.json()
    stages = response.json()["stages"]
    assert [(s["number"], s["status"]) for s in stages[:1]] == [(1, "escalated")]
    assert stages[1]["number"] == 2 and stages[1]["handler"]["id"] == world.users["helper"].pk
    page = as_persona("handler").get(reverse("complaints:detail", args=[complaint.pk]))
    assert len(page.context["stages"]) == 2


def test_closing_after_the_final_stage_needs_the_signposting_as_on_the_page(world, webform, as_persona):
    complaint = world.complaints["responded", "open"]
    read = webform.get(reverse("api:complaint", args=[complaint.pk])).json()
    close = reverse("api:close", args=[complaint.pk])
    base = {"closed_on": world.today.isoformat(), "version": read["current_stage_version"]}
    stage = complaint.stages.get(number=1)
    response = post(
        webform,
        close,
        {
            **base,
            "told_on": world.today.isoformat(),
            "method": "email",
            "wording": "You can ask the Ombudsman to look at this.",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    assert response.json()["signpostings"][0]["stage"] == stage.number
    page = as_persona("handler").get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "You can ask the Ombudsman to look at this." in page


def test_extending_beyond_the_rule_needs_a_manager_through_the_api_too(world, webform):
    complaint = world.complaints["awaiting", "open"]
    read = webform.get(reverse("api:complaint", args=[complaint.pk])).json()
    response = post(
        webform,
        reverse("api:extend", args=[complaint.pk]),
        {
            "new_due": (world.today + dt.timedelta(days=365)).isoformat(),
            "reason": "Long investigation",
            "complainant_told_on": world.today.isoformat(),
            "version": read["current_stage_version"],
        },
    )
    assert response.status_code == 400
    assert "Only a manager can extend beyond that" in response.json()["errors"]["new_due"][0]


def test_a_restricted_complaint_logged_by_the_api_is_hidden_from_another_account_in_the_area(world, webform):
    body = post(webform, reverse("api:complaints"), new_complaint(world, is_restricted=True)).json()
    assert webform.get(reverse("api:complaint", args=[body["id"]])).status_code == 200  # it logged it: named
    other = service_account_save(
        by=None, username="svc-other", display_name="Other", role=Role.MANAGER, service_areas=[world.areas["housing"]]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_issue(by=None, account=other, name='x')[1]}")
    assert client.get(reverse("api:complaint", args=[body["id"]])).status_code == 404
    listed = client.get(reverse("api:complaints"), {"q": body["reference"]}).json()
    assert listed["count"] == 0


def test_the_list_filters_are_the_pages_and_a_bad_filter_is_a_400(world, webform, as_persona, listed_on_pages):
    queries = ({"status": "closed"}, {"due": "overdue"}, {"sort": "reference", "stage": "2"}, {"q": "Ms B"}, {})
    for query in queries:
        api, url = [], reverse("api:complaints") + "?" + urlencode({**query, "page_size": 10})
        while url:
            body = webform.get(url).json()
            api += [c["id"] for c in body["results"]]
            url = body["next"]
        # The web form account is a Housing caseworker: it lists what a Housing caseworker's page lists.
        assert api == listed_on_pages(as_persona("colleague"), reverse("complaints:list"), query), query
    assert len(api) > 10, "the unfiltered list fits on one page: the paging is not tested"
    bad = webform.get(reverse("api:complaints"), {"received_from": "yesterday", "page_size": 5})
    assert bad.status_code == 400
    assert bad.json()["errors"]["received_from"] == ["Enter the 'received from' date as a real date"]
    assert webform.get(reverse("api:complaints"), {"page_size": 1000}).status_code == 400


def test_a_revoked_token_or_a_switched_off_account_opens_nothing(world, webform):
    assert webform.get(reverse("api:complaints")).status_code == 200
    token = webform.account.tokens.get()
    token_revoke(token=token)
    response = webform.get(reverse("api:complaints"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert token_authenticate(webform.raw_token) is None


# --- Ombudsman cases ---------------------------------------------------------------------------------


def test_a_case_and_its_recommendation_through_the_api_show_on_the_pages(world, webform, as_persona):
    linked = world.complaints["closed", "open"]
    response = post(
        webform,
        reverse("api:cases"),
        {
            "reference": "20-008-999",
            "service_area": world.areas["housing"].pk,
            "link_officer": webform.account.user.pk if False else world.users["handler"].pk,
            "received_on": (world.today - dt.timedelta(days=20)).isoformat(),
            "summary": "Ms B says the council did not reply.",
            "complaint_references": [linked.reference],
        },
    )
    assert response.status_code == 201, response.json()
    case = response.json()
    assert case["reference"] == "20 008 999"
    assert case["linked_complaints"] == [{"id": linked.pk, "reference": linked.reference, "can_open": True}]
    page = as_persona("handler").get(reverse("ombudsman_cases:detail", args=[case["id"]])).content.decode()
    assert "20 008 999" in page and linked.reference in page

    # The web form is neither the Link Officer nor a manager: as on the page, it may not add one.
    add = reverse("api:recommendations", args=[case["id"]])
    rec_data = {
        "kind": "apology",
        "remedy_type": "personal",
        "wording": "Apologise to Ms B.",
        "owner": world.users["handler"].pk,
        "service_area": world.areas["housing"].pk,
        "due_basis": "explicit",
        "explicit_due_on": (world.today + dt.timedelta(days=30)).isoformat(),
    }
    assert post(webform, add, rec_data).status_code == 403

    from api.models import ServiceAccount

    hana = Client(
        HTTP_AUTHORIZATION="Bearer "
        + token_issue(by=None, account=ServiceAccount.objects.create(user=world.users["handler"]), name="t")[1]
    )
    response = post(hana, add, rec_data)
    assert response.status_code == 201, response.json()
    rec = response.json()
    assert rec["due_on"] == rec_data["explicit_due_on"] and rec["basis"] == "the date given in the decision letter"
    page = as_persona("handler").get(reverse("ombudsman_cases:recommendation", args=[case["id"], rec["id"]]))
    assert page.status_code == 200 and "Apologise to Ms B." in page.content.decode()

    complete = reverse("api:recommendation_complete", args=[case["id"], rec["id"]])
    done = post(hana, complete, {"completed_on": world.today.isoformat(), "version": rec["version"]})
    assert done.status_code == 200, done.json()
    assert done.json()["completed_on"] == world.today.isoformat() and done.json()["is_late"] is False
    assert Recommendation.objects.get(pk=rec["id"]).history.latest().history_user == world.users["handler"]
    events = CaseEvent.objects.filter(case_id=case["id"]).count()
    stale = post(
        hana,
        reverse("api:recommendation_evidence_sent", args=[case["id"], rec["id"]]),
        {"evidence_sent_on": world.today.isoformat(), "version": rec["version"]},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert CaseEvent.objects.filter(case_id=case["id"]).count() == events
    sent = post(
        hana,
        reverse("api:recommendation_evidence_sent", args=[case["id"], rec["id"]]),
        {"evidence_sent_on": world.today.isoformat()},
        **{"If-Match": done["ETag"]},
    )
    assert sent.status_code == 200, sent.json()
    page = as_persona("handler").get(reverse("ombudsman_cases:recommendation", args=[case["id"], rec["id"]]))
    assert f"{world.today:%-d %B %Y}" in page.content.decode()


def test_reference_data_lists_what_the_create_form_offers(world, webform):
    areas = webform.get(reverse("api:service_areas")).json()["results"]
    assert [a["name"] for a in areas] == ["Housing"]
    procedures = webform.get(reverse("api:procedures")).json()["results"]
    assert {"corporate", "children"} <= {p["slug"] for p in procedures}
    rules = webform.get(reverse("api:stage_rules"), {"procedure": procedures[0]["id"]}).json()["results"]
    assert rules and {r["procedure"] for r in rules} == {procedures[0]["id"]}
    holidays = webform.get(reverse("api:bank_holidays"), {"year": 2026, "page_size": 100}).json()
    assert {"date": "2026-12-28", "title": "Boxing Day (observed)", "division": "england-and-wales"} in holidays[
        "results"
    ]
