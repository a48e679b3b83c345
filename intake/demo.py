"""Demo topics for the online form (`make run`), mapped to the demo service areas, and two online
complaints waiting in the intake queue. Safe to rerun: nothing is made twice."""

from __future__ import annotations

import datetime as dt
import uuid

from accounts.models import ServiceArea
from complaints.models import Procedure
from intake import services
from intake.journey import Draft
from intake.models import OnlineSubmission, Topic

DEMO_NAMESPACE = uuid.UUID("0c6f3a52-58f1-4a57-9b0e-1d2a6c1e2026")

# (label, hint, service area as seed_demo names it, procedure slug)
DEMO_TOPICS = [
    (
        "Bins, recycling or street cleaning",
        "For example, a missed collection or fly-tipping",
        "Waste and Recycling",
        "corporate",
    ),
    ("Roads, pavements or street lights", "For example, a pothole or a broken street light", "Highways", "corporate"),
    (
        "Council Tax or benefits",
        "For example, a bill or a Housing Benefit decision",
        "Council Tax and Benefits",
        "corporate",
    ),
    ("Planning applications or building work", "", "Planning", "corporate"),
    ("Your council home, repairs or tenancy", "If you rent your home from the council", "Housing", "housing"),
    (
        "Support for a child with special educational needs (SEND)",
        "For example, an EHC plan or a school place",
        "Children's Services \u2013 SEND",
        "corporate",
    ),
    (
        "Children's social care",
        "For example, a social worker, foster care or a children's home",
        "Children's Social Care",
        "children",
    ),
    (
        "Adult social care",
        "For example, care at home, a care home or a care assessment",
        "Adult Social Care",
        "adults",
    ),
]

# Two complaints residents sent online that nobody has picked up yet (no email: no receipt is sent).
DEMO_SUBMISSIONS = [
    {
        "topic": "Support for a child with special educational needs (SEND)",
        "for_whom": "someone_else",
        "affected_name": "Sam Ortega",
        "affected_relationship": "parent",
        "consent": "authority",
        "full_name": "Alex Ortega",
        "preferred_contact": "phone",
        "phone": "07700 900123",
        "what_happened": "We asked for an EHC needs assessment in September and have heard nothing since.",
        "outcome_wanted": "Start the assessment and tell us when it will be done.",
        "needs_adjustments": "yes",
        "adjustments": "Please phone after 4pm.",
    },
    {
        "topic": "Your council home, repairs or tenancy",
        "for_whom": "myself",
        "full_name": "Jordan Lee",
        "preferred_contact": "letter",
        "address": "12 Example Road\nDemo Town\nDT1 2AB",
        "what_happened": "The damp in my bedroom was reported three times and nobody has come to look at it.",
        "outcome_wanted": "Inspect and fix the damp.",
        "needs_adjustments": "no",
    },
]


def load_intake_demo_data(*, today: dt.date) -> tuple[int, int]:
    """Returns (topics created, complaints sent)."""
    areas = {a.name: a for a in ServiceArea.objects.all()}
    procedures = {p.slug: p for p in Procedure.objects.all()}
    created = 0
    for position, (label, hint, area_name, slug) in enumerate(DEMO_TOPICS, start=1):
        if area_name not in areas:
            continue
        _, made = Topic.objects.get_or_create(
            label=label,
            defaults={
                "hint": hint,
                "service_area": areas[area_name],
                "procedure": procedures[slug],
                "position": position,
            },
        )
        created += made
    sent = 0
    for answers in DEMO_SUBMISSIONS:
        draft_id = uuid.uuid5(DEMO_NAMESPACE, answers["full_name"])
        topic = Topic.objects.filter(label=answers["topic"]).first()
        if topic is None or OnlineSubmission.objects.filter(complaint__submission_token=draft_id).exists():
            continue
        draft = Draft(id=draft_id, answers={**answers, "topic": topic.pk}, done=[])
        services.online_complaint_submit(draft=draft, today=today)
        sent += 1
    return created, sent
