"""A realistic, deterministic ten-year dataset for the benchmark, loaded with COPY.

Every complaint is a story played in date order against the real stage rules (the pure
functions in `complaints.deadlines` and `calendars.rules`, with the real bank holidays) and
cut at `today`, so what is open, late or waiting is what the dates say. The rows that the
services would have written alongside (stages, extensions, clock stops, escalation requests,
signposting, actions, documents metadata, timeline events, simple-history rows, the obligation
register, and the complaint's "next due" columns) are derived here with the same rules as
`complaints.services._refresh_next_due`, `sync_stage_obligations`, `sync_action_obligation`
and `ombudsman_cases.services.sync_obligations`.

Run only through `bench/run.py`, against a database it has just created.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import ServiceArea, Team, User
from bench.copyload import Loader, reset_sequences
from calendars.rules import add_working_days, working_days_before
from calendars.selectors import default_calendar, non_working_days
from complaints import deadlines
from complaints.models import (
    Action,
    Category,
    ClockStop,
    Complaint,
    ComplaintEvent,
    ComplaintPoint,
    ComplaintStage,
    Document,
    EscalationRequest,
    Extension,
    PointOutcome,
    Procedure,
    ReferenceCounter,
    Signposting,
    StageRule,
)
from ombudsman_cases import deadlines as case_deadlines
from ombudsman_cases.models import (
    CaseEvent,
    Evidence,
    OmbudsmanCase,
    Payment,
    PublicInterestReport,
    Recommendation,
    RecommendationExtension,
    ReportRule,
)
from reminders.models import Digest, Obligation, ObligationKind, Reminder

BENCH_PASSWORD = "bench-password-2026"
BENCH_USERS = {"caseworker": "bench_caseworker", "manager": "bench_manager", "admin": "bench_admin"}
# The bench caseworker always has this many open complaints, at every size: "my work" then
# measures the cost of the data around a fixed workload, not of a bigger workload.
BENCH_CASEWORKER_OPEN = 20
SEARCH_SURNAME = "Whitfield"

UTC = dt.UTC

# (name, procedure slug, relative volume, restricted share)
SERVICE_AREAS = [
    ("Adult Social Care – Assessments", "adults", 5, 0.05),
    ("Adult Social Care – Charging", "adults", 4, 0.02),
    ("Adult Social Care – Residential and Nursing", "adults", 3, 0.05),
    ("Adult Social Care – Home Care", "adults", 3, 0.05),
    ("Children's Social Care – Safeguarding", "children", 3, 0.30),
    ("Children's Social Care – Looked After Children", "children", 2, 0.30),
    ("Children's Social Care – Disabled Children", "children", 2, 0.20),
    ("Children's Services – SEND", "corporate", 6, 0.05),
    ("Education – School Admissions", "corporate", 3, 0.0),
    ("Education – School Transport", "corporate", 3, 0.0),
    ("Housing – Repairs", "housing", 9, 0.0),
    ("Housing – Tenancy Management", "housing", 4, 0.01),
    ("Housing – Anti-social Behaviour", "housing", 3, 0.02),
    ("Housing – Rents", "housing", 3, 0.0),
    ("Homelessness and Housing Options", "corporate", 4, 0.02),
    ("Highways – Roads and Pavements", "corporate", 6, 0.0),
    ("Highways – Street Lighting", "corporate", 2, 0.0),
    ("Parking Services", "corporate", 4, 0.0),
    ("Waste and Recycling", "corporate", 8, 0.0),
    ("Street Cleansing", "corporate", 2, 0.0),
    ("Council Tax", "corporate", 7, 0.0),
    ("Benefits", "corporate", 4, 0.01),
    ("Planning – Development Management", "corporate", 3, 0.0),
    ("Planning – Enforcement", "corporate", 2, 0.0),
    ("Building Control", "corporate", 1, 0.0),
    ("Environmental Health", "corporate", 2, 0.0),
    ("Trading Standards", "corporate", 1, 0.0),
    ("Libraries", "corporate", 1, 0.0),
    ("Parks and Open Spaces", "corporate", 1, 0.0),
    ("Customer Services", "corporate", 3, 0.0),
]
# Chance that the complainant asks for the next stage after a response (gives ~1.5 stages).
ESCALATE = {"corporate": 0.55, "housing": 0.6, "children": 0.5, "adults": 0.0}

FIRST_NAMES = (
    "Amelia Olivia Isla Ava Mia Grace Sophia Lily Freya Emily Ivy Ella Rosie Evie Florence Poppy Charlotte "
    "Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Thomas "
    "Mohammed Jacob Alfie William James Ethan Joshua Daniel Priya Aisha Fatima Zainab Chloe Jessica Sarah "
    "Margaret Susan Patricia Elizabeth Barbara Joan Dorothy Janet Brian Kevin Gary Paul Mark David Peter"
).split()
SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner Martin Cooper Hill Ward Hughes "
    "Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan Scott Watson Davis Parker James Bennett Young "
    "Phillips Richardson Mitchell Bailey Carter Cook Singh Shaw Bell Collins Morgan Kelly Begum Miller Cox "
    "Marshall Simpson Anderson Ellis Adams Wilkinson Ali Mason Webb Okafor Nowak Kowalski Murphy O'Brien "
    "Whitfield Ahmed Hussain Chowdhury Rahman Mensah Osei Novak Campbell Stewart Graham Reid Fraser Hamilton"
).split()
STREETS = "High Street|Church Lane|Station Road|Mill Lane|Victoria Road|Park Avenue|The Crescent|Queens Road".split("|")
TOWNS = "Northbridge|Eastwick|Hollowfield|Ashby Green|Marsh End|Kingsford".split("|")
SUMMARIES = [
    "The council did not respond to my reports about {topic} for several months and nobody called me back.",
    "I was given wrong information about {topic} and as a result I lost money and time.",
    "Staff were rude when I asked about {topic}; I want an apology and an explanation of what went wrong.",
    "The decision about {topic} did not take my circumstances into account and was not explained to me.",
    "Repeated failures in {topic} have caused distress to my family; promised visits did not happen.",
]
OUTCOMES_WANTED = ["An apology", "An explanation", "The decision reviewed", "A refund", "The work done"]
POINTS = [
    "Delay in dealing with {topic}",
    "Poor communication about {topic}",
    "Failure to follow policy on {topic}",
    "Staff conduct",
    "Wrong information given",
]
REC_WORDING = {
    "apology": "Apologise in writing to {p} for the faults identified.",
    "financial_loss": "Pay {p} £{a} to refund the charges wrongly made.",
    "symbolic_payment": "Pay {p} £{a} to acknowledge the distress and uncertainty caused.",
    "corrective_action": "Carry out a fresh assessment of {p}'s needs and share the outcome.",
    "procedure_review": "Review the procedure to ensure decisions are recorded and explained.",
    "staff_training": "Remind staff of the need to respond within the published timescales.",
    "write_to_others": "Identify others affected by the same fault and offer them a remedy.",
    "other": "Report the decision to the relevant scrutiny committee.",
}


@dataclass
class Ids:
    """Explicit ids for every table we write, so rows can point at each other without RETURNING."""

    counters: dict = field(default_factory=dict)

    def next(self, name: str) -> int:
        value = self.counters.get(name, 0) + 1
        self.counters[name] = value
        return value


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60), tzinfo=UTC)


class Generator:
    def __init__(
        self,
        *,
        complaints: int,
        cases: int,
        recommendations: int,
        today: dt.date,
        seed: int,
        log=print,
        check_foreign_keys: bool = False,
    ):
        self.n_complaints = complaints
        self.n_cases = cases
        self.n_recommendations = recommendations
        self.today = today
        self.rng = random.Random(seed)
        self.log = log
        self.ids = Ids()
        self.counts: dict[str, int] = {}
        calendar = default_calendar()
        self.nw = non_working_days(
            calendar=calendar, start=dt.date(today.year - 12, 1, 1), end=dt.date(today.year + 3, 12, 31)
        )
        self.start = today - dt.timedelta(days=3652)
        self.check_foreign_keys = check_foreign_keys

    # ------------------------------------------------------------------ helpers
    def wd(self, day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, self.nw)

    def pick_wd_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=self.rng.randrange((hi - lo).days + 1))

    # ------------------------------------------------------------------ reference data
    def read_reference(self) -> None:
        """Every ORM read the generator needs, done before the COPY thread owns the connection."""
        self.procedures = {p.slug: p for p in Procedure.objects.all()}
        rules = list(StageRule.objects.select_related("procedure_stage__procedure").order_by("effective_from"))
        # rule in force: the latest version of (procedure, number) effective on or before a date
        self.rules: dict[tuple[str, int], list[StageRule]] = {}
        for rule in rules:
            key = (rule.procedure_stage.procedure.slug, rule.procedure_stage.number)
            self.rules.setdefault(key, []).append(rule)
        self.rule_starts = {k: [r.effective_from for r in v] for k, v in self.rules.items()}
        self.categories = list(Category.objects.order_by("id").values_list("id", flat=True))
        self.report_rule = ReportRule.objects.order_by("effective_from").first()
        self.groups = {g.name: g.pk for g in Group.objects.all()}

    def make_reference_data(self, loader: Loader) -> None:
        rng = self.rng
        groups = self.groups

        # service areas and teams
        sa_model = ServiceArea
        self.areas = []
        for i, (name, proc, weight, restricted) in enumerate(SERVICE_AREAS, start=1):
            slug = f"bench-area-{i:02d}"
            mailbox = f"{slug}@example.gov.uk" if i % 3 else ""
            loader.add(sa_model, {"id": i, "name": name, "slug": slug, "mailbox": mailbox})
            loader.add(
                sa_model.history.model,
                {
                    "id": i,
                    "name": name,
                    "slug": slug,
                    "mailbox": mailbox,
                    "history_id": self.ids.next("h_sa"),
                    "history_date": _at(self.start, rng),
                    "history_type": "+",
                },
            )
            self.areas.append(
                {
                    "id": i,
                    "name": name,
                    "proc": proc,
                    "weight": weight,
                    "restricted": restricted,
                    "mailbox": mailbox,
                    "caseworkers": [],
                    "managers": [],
                }
            )
            for t in ("Casework", "Quality and Improvement"):
                tid = self.ids.next("team")
                loader.add(Team, {"id": tid, "service_area_id": i, "name": t})
        self.area_weights = [a["weight"] for a in self.areas]

        # users: 10 complaints admins, 56 managers, 234 caseworkers (300 in all)
        password = make_password(BENCH_PASSWORD, salt="benchsalt0123456789")
        self.users: dict[int, dict] = {}
        self.admins, self.managers, self.caseworkers = [], [], []
        through_sa = User._meta.get_field("service_areas").remote_field.through
        through_groups = User._meta.get_field("groups").remote_field.through
        joined = dt.datetime(self.start.year, 1, 4, 9, 0, tzinfo=UTC)

        def add_user(username, role, areas, manager_id=None, first=None, last=None):
            uid = self.ids.next("user")
            first = first or rng.choice(FIRST_NAMES)
            last = last or rng.choice(SURNAMES)
            row = {
                "id": uid,
                "password": password,
                "is_superuser": False,
                "username": username,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.gov.uk",
                "is_staff": role == "admin",
                "is_active": True,
                "date_joined": joined,
                "job_title": {"admin": "Complaints officer", "manager": "Service manager", "caseworker": "Caseworker"}[
                    role
                ],
                "manager_id": manager_id,
            }
            self.users[uid] = {**row, "role": role, "areas": areas}
            for a in areas:
                loader.add(through_sa, {"id": self.ids.next("user_sa"), "user_id": uid, "servicearea_id": a})
            group = {"admin": "Complaints admin", "manager": "Manager", "caseworker": "Caseworker"}[role]
            loader.add(through_groups, {"id": self.ids.next("user_group"), "user_id": uid, "group_id": groups[group]})
            return uid

        all_area_ids = [a["id"] for a in self.areas]
        for i in range(10):
            name = BENCH_USERS["admin"] if i == 0 else f"bench-admin-{i:02d}"
            self.admins.append(add_user(name, "admin", []))
        # the bench manager looks after three mid-sized areas (about a tenth of the council)
        bench_manager_areas = [8, 16, 21]
        for i in range(56):
            if i == 0:
                areas = bench_manager_areas
                name = BENCH_USERS["manager"]
            else:
                areas = sorted(rng.sample(all_area_ids, rng.choice([2, 2, 3, 3, 4])))
                name = f"bench-manager-{i:02d}"
            uid = add_user(name, "manager", areas)
            self.managers.append(uid)
            for a in areas:
                self.areas[a - 1]["managers"].append(uid)
        for area in self.areas:  # every area has at least one manager
            if not area["managers"]:
                m = rng.choice(self.managers[1:])
                self.users[m]["areas"].append(area["id"])
                loader.add(through_sa, {"id": self.ids.next("user_sa"), "user_id": m, "servicearea_id": area["id"]})
                area["managers"].append(m)
        # caseworkers: distributed by volume, one or two areas each
        total_w = sum(self.area_weights)
        quota = {a["id"]: max(3, round(233 * a["weight"] / total_w)) for a in self.areas}
        primary = [aid for aid, q in quota.items() for _ in range(q)]
        rng.shuffle(primary)
        primary = (primary + [rng.choice(all_area_ids) for _ in range(233)])[:233]
        bench_cw_areas = [8, 21]
        for i in range(234):
            if i == 0:
                areas, name = bench_cw_areas, BENCH_USERS["caseworker"]
            else:
                p = primary[i - 1]
                areas = [p] + ([rng.choice(all_area_ids)] if rng.random() < 0.3 else [])
                areas = sorted(set(areas))
                name = f"bench-caseworker-{i:03d}"
            manager = rng.choice(self.areas[areas[0] - 1]["managers"])
            uid = add_user(name, "caseworker", areas, manager_id=manager)
            self.caseworkers.append(uid)
            for a in areas:
                self.areas[a - 1]["caseworkers"].append(uid)
        for uid in self.managers[1:]:
            if rng.random() < 0.6:
                self.users[uid]["manager_id"] = self.managers[0] if rng.random() < 0.1 else rng.choice(self.managers)
                if self.users[uid]["manager_id"] == uid:
                    self.users[uid]["manager_id"] = None
        for u in self.users.values():
            row = {k: v for k, v in u.items() if k not in ("role", "areas")}
            loader.add(User, row)
            hrow = {k: v for k, v in row.items() if k not in ("password", "last_login")}
            loader.add(
                User.history.model,
                {**hrow, "history_id": self.ids.next("h_user"), "history_date": joined, "history_type": "+"},
            )
        self.bench_caseworker = self.caseworkers[0]
        self.bench_manager = self.managers[0]
        self.bench_admin = self.admins[0]
        # busier and quieter caseworkers: per-area weights
        for area in self.areas:
            area["cw_weights"] = [rng.uniform(0.3, 2.0) for _ in area["caseworkers"]]
        self.counts["users"] = len(self.users)

    def rule_for(self, proc: str, number: int, on: dt.date) -> StageRule:
        starts = self.rule_starts[(proc, number)]
        i = bisect.bisect_right(starts, on) - 1
        return self.rules[(proc, number)][max(i, 0)]

    def handler_in(self, area: dict, exclude: int | None = None) -> int:
        rng = self.rng
        for _ in range(5):
            uid = rng.choices(area["caseworkers"], weights=area["cw_weights"])[0]
            if uid != exclude:
                return uid
        return rng.choice([m for m in area["managers"] if m != exclude] or self.admins)

    # ------------------------------------------------------------------ complaints
    def simulate_complaints(self) -> list[dict]:
        rng, today = self.rng, self.today
        span = (today - self.start).days
        received = []
        for _ in range(self.n_complaints):
            # volume grows over the decade: more recent days are likelier
            days_ago = int(span * (rng.random() ** 1.2))
            day = today - dt.timedelta(days=days_ago)
            if day.weekday() >= 5 and rng.random() < 0.85:
                day += dt.timedelta(days=7 - day.weekday())
                if day > today:
                    day = today - dt.timedelta(days=today.weekday() - 4 if today.weekday() >= 5 else 0)
            received.append(day)
        received.sort()
        complaints = []
        per_year: dict[int, int] = {}
        for i, day in enumerate(received, start=1):
            per_year[day.year] = per_year.get(day.year, 0) + 1
            area = self.areas[rng.choices(range(30), weights=self.area_weights)[0]]
            complaints.append(self.simulate_one(i, day, area, f"CMP-{day.year}-{per_year[day.year]:05d}"))
        self.per_year = per_year
        return complaints

    def simulate_one(self, cid: int, received_on: dt.date, area: dict, reference: str) -> dict:
        rng, today = self.rng, self.today
        proc_slug = area["proc"]
        procedure = self.procedures[proc_slug]
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        topic = area["name"].split("–")[-1].strip().lower()
        restricted = rng.random() < area["restricted"]
        handler = self.handler_in(area)
        logged_by = handler if rng.random() < 0.6 else rng.choice(self.admins)
        c = {
            "id": cid,
            "reference": reference,
            "procedure_id": procedure.pk,
            "service_area_id": area["id"],
            "category_id": rng.choice(self.categories) if rng.random() < 0.9 else None,
            "channel": rng.choice(
                ["web_form", "web_form", "email", "email", "phone", "letter", "in_person", "councillor_or_mp"]
            ),
            "received_on": received_on,
            "status": "open",
            "complainant_name": f"{first} {last}",
            "complainant_email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{cid % 97}@example.com",
            "complainant_phone": f"07700 900{cid % 1000:03d}",
            "complainant_address": f"{1 + cid % 180} {rng.choice(STREETS)}\n{rng.choice(TOWNS)}",
            "preferred_contact": rng.choice(["email", "email", "phone", "letter"]),
            "affected_person_name": f"{rng.choice(FIRST_NAMES)} {last}" if proc_slug in ("children", "adults") else "",
            "affected_person_relationship": "Parent"
            if proc_slug == "children"
            else ("Son or daughter" if proc_slug == "adults" else ""),
            "is_vulnerable": rng.random() < 0.08,
            "is_restricted": restricted,
            "summary": rng.choice(SUMMARIES).format(topic=topic),
            "outcome_wanted": rng.choice(OUTCOMES_WANTED),
            "handler_id": handler,
            "created_by_id": logged_by,
            "created_at": _at(received_on, rng),
            "stages": [],
            "events": [],
            "points": [],
            "actions": [],
            "documents": [],
            "signpostings": [],
            "named": {logged_by, handler} if restricted else set(),
            "area": area,
            "closed_on": None,
        }
        c["events"].append(
            (c["created_at"], logged_by, "logged", None, f"Complaint logged ({c['channel'].replace('_', ' ')})", {})
        )
        for n in range(1, rng.choice([1, 1, 2, 2, 3]) + 1):
            c["points"].append(
                {
                    "id": self.ids.next("point"),
                    "complaint_id": cid,
                    "number": n,
                    "text": rng.choice(POINTS).format(topic=topic),
                }
            )
        if rng.random() < 0.8:
            c["documents"].append((received_on, None, "Complaint letter", logged_by))
        # stuck: a small share of recent complaints that nobody answered (the overdue backlog)
        stuck = (today - received_on).days < 730 and rng.random() < 0.01
        c["stuck"] = stuck
        withdraw = rng.random() < 0.03
        stage_received, stage_handler = received_on, handler
        number = 1
        while True:
            stage, ended = self.simulate_stage(
                c, procedure, proc_slug, number, stage_received, stage_handler, stuck=stuck, withdraw=withdraw
            )
            c["stages"].append(stage)
            if ended != "responded":
                break
            # responded today or earlier: escalate, close, or wait
            last_stage = number >= procedure.number_of_stages
            if not last_stage and rng.random() < ESCALATE[proc_slug]:
                window = stage["escalation_deadline"]
                late = rng.random() < 0.06
                req = self.wd(stage["responded_on"], rng.randint(1, 22) if not late else rng.randint(23, 40))
                if req > today:
                    break  # waiting for the window to close
                within = window is None or req <= window
                stage["status"] = "escalated"
                stage["closed_on"] = req
                stage["escalation"] = {
                    "requested_on": req,
                    "within_window": within,
                    "late_reason_accepted": "" if within else "The complainant was in hospital.",
                    "reasons": "The complainant is unhappy with the response and asks for the next stage.",
                    "created_by_id": stage["handler_id"],
                }
                c["events"].append(
                    (
                        _at(req, rng),
                        stage["handler_id"],
                        "escalation_requested",
                        number,
                        f"Escalation to Stage {number + 1} requested on {req:%d %B %Y}",
                        {},
                    )
                )
                next_rule = self.rule_for(proc_slug, number + 1, req)
                stage_handler = self.handler_in(
                    area, exclude=stage["handler_id"] if next_rule.handler_must_differ else None
                )
                if stage_handler == stage["handler_id"] and next_rule.handler_must_differ:
                    stage_handler = rng.choice([m for m in area["managers"] if m != stage_handler])
                if restricted:
                    c["named"].add(stage_handler)
                stage_received = req
                number += 1
                continue
            window = stage["escalation_deadline"]
            close_on = (
                (window + dt.timedelta(days=rng.randint(0, 6)))
                if window
                else self.wd(stage["responded_on"], rng.randint(0, 3))
            )
            if close_on > today:
                break
            stage["status"] = "closed"
            stage["closed_on"] = close_on
            c["status"], c["closed_on"] = "closed", close_on
            if last_stage or rng.random() < 0.3:
                told = max(stage["responded_on"], close_on - dt.timedelta(days=rng.randint(0, 2)))
                c["signpostings"].append(
                    {
                        "stage": stage,
                        "reason": "final_stage" if last_stage else "closed_without_escalation",
                        "told_on": told,
                        "method": c["preferred_contact"],
                        "wording": procedure.signposting_wording,
                        "created_by_id": stage["handler_id"],
                        "created_at": _at(told, rng),
                    }
                )
                c["events"].append(
                    (
                        _at(told, rng),
                        stage["handler_id"],
                        "signposted",
                        number,
                        f"Complainant told on {told:%d %B %Y} that they can go to the {procedure.ombudsman_name}",
                        {},
                    )
                )
            c["events"].append(
                (
                    _at(close_on, rng),
                    stage["handler_id"],
                    "closed",
                    number,
                    f"Complaint closed on {close_on:%d %B %Y}",
                    {"status": ["open", "closed"]},
                )
            )
            break
        current = c["stages"][-1]
        if current["status"] == "withdrawn":
            c["status"], c["closed_on"] = "withdrawn", current["closed_on"]
        return c

    def simulate_stage(self, c, procedure, proc_slug, number, received_on, handler, *, stuck, withdraw):
        """Play one stage until today; returns (stage, how it stands: open / responded / withdrawn)."""
        rng, today, nw = self.rng, self.today, self.nw
        rule = self.rule_for(proc_slug, number, received_on)
        due = deadlines.stage_deadlines(rule, received_on=received_on, non_working=nw)
        sid = self.ids.next("stage")
        s = {
            "id": sid,
            "complaint_id": c["id"],
            "number": number,
            "rule_id": rule.pk,
            "handler_id": handler,
            "status": "awaiting_acknowledgement" if due.acknowledge_due else "in_progress",
            "received_on": received_on,
            "acknowledge_due": due.acknowledge_due,
            "response_due": due.response_due,
            "original_response_due": due.response_due,
            "response_due_is_provisional": due.response_due_is_provisional,
            "panel_meeting_due": due.panel_meeting_due,
            "panel_report_due": due.panel_report_due,
            "version": 1,
            "extensions": [],
            "clock_stops": [],
            "escalation": None,
            "outcome": "",
            "point_outcomes": [],
            "escalation_deadline": None,
            "closed_on": None,
            "responded_on": None,
            "acknowledged_on": None,
            "agreed_response_on": None,
            "panel_met_on": None,
            "panel_report_on": None,
            "history": [_at(received_on, rng)],
            "rule": rule,
        }
        ev = c["events"]
        ev.append(
            (
                _at(received_on, rng),
                handler,
                "stage_opened",
                number,
                f"Stage {number} opened; deadlines from rule version {rule.version} "
                f"(in force from {rule.effective_from:%d %B %Y})",
                {
                    "acknowledge_due": [None, str(due.acknowledge_due) if due.acknowledge_due else None],
                    "response_due": [None, str(due.response_due)],
                },
            )
        )
        withdraw_on = None
        if withdraw and number == 1:
            withdraw_on = self.wd(received_on, rng.randint(1, 12))

        def withdrawn_before(day):
            if withdraw_on is not None and withdraw_on <= today and withdraw_on <= day:
                s["status"], s["closed_on"] = "withdrawn", withdraw_on
                s["history"].append(_at(withdraw_on, rng))
                ev.append(
                    (
                        _at(withdraw_on, rng),
                        handler,
                        "withdrawn",
                        number,
                        f"Complaint withdrawn on {withdraw_on:%d %B %Y}: the complainant no longer wishes to go on",
                        {},
                    )
                )
                return True
            return False

        # acknowledgement
        if due.acknowledge_due:
            late = rng.random() < 0.08
            ack = self.wd(
                received_on,
                rng.randint(0, rule.acknowledge_within or 3)
                if not late
                else (rule.acknowledge_within or 3) + rng.randint(1, 4),
            )
            if withdrawn_before(ack):
                return s, "withdrawn"
            if ack > today:
                return s, "open"
            s["acknowledged_on"] = ack
            s["status"] = "in_progress"
            s["version"] += 1
            s["history"].append(_at(ack, rng))
            changes = {"status": ["awaiting_acknowledgement", "in_progress"], "acknowledged_on": [None, str(ack)]}
            if rule.respond_from == "acknowledgement":
                d2 = deadlines.stage_deadlines(rule, received_on=received_on, acknowledged_on=ack, non_working=nw)
                s["response_due"] = s["original_response_due"] = d2.response_due
                s["response_due_is_provisional"] = False
                changes["response_due"] = [str(due.response_due), str(d2.response_due)]
            if rule.response_date_agreed:
                agreed = min(s["response_due"], self.wd(ack, rng.randint(15, 70)))
                s["agreed_response_on"] = agreed
                changes["agreed_response_on"] = [None, str(agreed)]
            ev.append(
                (
                    _at(ack, rng),
                    handler,
                    "acknowledged",
                    number,
                    f"Stage {number} acknowledged on {ack:%d %B %Y}",
                    changes,
                )
            )
        # review panel (children's Stage 3)
        if rule.panel_meeting_within is not None:
            met = self.wd(
                received_on, rng.randint(max(1, rule.panel_meeting_within - 8), rule.panel_meeting_within + 3)
            )
            if met > today:
                return s, "open"
            report = self.wd(met, rng.randint(2, (rule.panel_report_within or 5) + 2))
            s["panel_met_on"] = met
            if report <= today:
                s["panel_report_on"] = report
            d3 = deadlines.stage_deadlines(
                rule, received_on=received_on, non_working=nw, panel_met_on=met, panel_report_on=s["panel_report_on"]
            )
            s["response_due"] = s["original_response_due"] = d3.response_due
            s["response_due_is_provisional"] = d3.response_due_is_provisional
            s["panel_report_due"] = d3.panel_report_due
            s["version"] += 1
            ev.append((_at(met, rng), handler, "panel", number, "Review panel dates recorded", {}))
            if s["panel_report_on"] is None:
                return s, "open"
        start = s["acknowledged_on"] or received_on
        # clock stop (only where the rule allows it)
        if rule.clock_stop_allowed and rng.random() < 0.05:
            stopped = self.wd(start, rng.randint(1, 4))
            if stopped <= today:
                restarted = self.wd(stopped, rng.randint(3, 15))
                stop = {
                    "id": self.ids.next("clockstop"),
                    "stage_id": sid,
                    "stopped_on": stopped,
                    "restarted_on": None,
                    "reason": "Waiting for an advocate to be appointed.",
                    "created_by_id": handler,
                }
                s["clock_stops"].append(stop)
                s["version"] += 1
                ev.append(
                    (
                        _at(stopped, rng),
                        handler,
                        "clock_stopped",
                        number,
                        f"Clock stopped from {stopped:%d %B %Y}: waiting for an advocate",
                        {},
                    )
                )
                if restarted > today:
                    return s, "open"
                stop["restarted_on"] = restarted
                kw = {"stopped_on": stopped, "restarted_on": restarted, "unit": rule.respond_unit, "non_working": nw}
                old = s["response_due"]
                s["response_due"] = deadlines.shift_for_clock_stop(old, **kw)
                s["original_response_due"] = deadlines.shift_for_clock_stop(s["original_response_due"], **kw)
                if s["agreed_response_on"]:
                    s["agreed_response_on"] = deadlines.shift_for_clock_stop(s["agreed_response_on"], **kw)
                s["version"] += 1
                start = restarted
                ev.append(
                    (
                        _at(restarted, rng),
                        handler,
                        "clock_restarted",
                        number,
                        f"Clock restarted on {restarted:%d %B %Y}; response deadline moved by the time stopped",
                        {"response_due": [str(old), str(s["response_due"])]},
                    )
                )
        # extension
        if rng.random() < 0.12:
            current = s["agreed_response_on"] or s["response_due"]
            told = self.pick_wd_between(start, current)
            if told <= today:
                new_due = self.wd(current, rng.randint(3, 15))
                cap = deadlines.extension_cap(rule, original_response_due=s["original_response_due"], non_working=nw)
                beyond = new_due > cap
                approver = rng.choice(c["area"]["managers"]) if beyond else handler
                s["extensions"].append(
                    {
                        "id": self.ids.next("extension"),
                        "stage_id": sid,
                        "previous_due": current,
                        "new_due": new_due,
                        "reason": "Information needed from a partner agency.",
                        "complainant_told_on": told,
                        "beyond_cap": beyond,
                        "approved_by_id": approver,
                        "created_at": _at(told, rng),
                    }
                )
                s["response_due"] = max(new_due, s["response_due"])
                if s["agreed_response_on"]:
                    s["agreed_response_on"] = new_due
                s["version"] += 1
                s["history"].append(_at(told, rng))
                ev.append(
                    (
                        _at(told, rng),
                        approver,
                        "extended",
                        number,
                        f"Response deadline extended to {new_due:%d %B %Y}: information needed from a partner",
                        {"response_due": [str(current), str(new_due)]},
                    )
                )
        # response
        due_eff = s["agreed_response_on"] or s["response_due"]
        if rng.random() < 0.82:
            responded = self.pick_wd_between(start, due_eff)
        else:
            responded = self.wd(due_eff, rng.randint(1, 25))
        responded = max(responded, start)
        if withdrawn_before(responded):
            return s, "withdrawn"
        if stuck or responded > today:
            return s, "open"
        s["responded_on"] = responded
        s["status"] = "responded"
        s["outcome"] = rng.choice(["upheld", "partly_upheld", "partly_upheld", "not_upheld", "not_upheld"])
        s["response_summary"] = "We looked into each point and explained our findings."
        s["apology_given"] = s["outcome"] != "not_upheld"
        s["explanation_given"] = True
        if s["outcome"] == "upheld" and rng.random() < 0.3:
            s["payment_amount"] = Decimal(rng.choice([50, 100, 150, 250, 500]))
            s["payment_reason"] = "Time and trouble"
        if number < procedure.number_of_stages:
            s["escalation_deadline"] = deadlines.escalation_deadline(rule, responded_on=responded, non_working=nw)
        s["version"] += 1
        s["history"].append(_at(responded, rng))
        for p in c["points"]:
            s["point_outcomes"].append(
                {
                    "id": self.ids.next("point_outcome"),
                    "stage_id": sid,
                    "point_id": p["id"],
                    "outcome": rng.choice(["upheld", "partly_upheld", "not_upheld"]),
                }
            )
        on_time = responded <= due_eff
        ev.append(
            (
                _at(responded, rng),
                handler,
                "responded",
                number,
                f"Stage {number} response sent on {responded:%d %B %Y}: {s['outcome'].replace('_', ' ')}"
                f" ({'within' if on_time else 'after'} the time limit)",
                {"status": ["in_progress", "responded"], "outcome": [None, s["outcome"]]},
            )
        )
        if rng.random() < 0.7:
            c["documents"].append((responded, sid, f"Stage {number} response letter", handler))
        if s["outcome"] != "not_upheld" and rng.random() < 0.35:
            for _ in range(rng.choice([1, 1, 2])):
                due_on = self.wd(responded, rng.randint(10, 40))
                completed = None
                if due_on <= today or rng.random() < 0.3:
                    if rng.random() < 0.95:
                        completed = self.wd(responded, rng.randint(3, 45))
                    elif (today - due_on).days > 180:
                        completed = self.wd(due_on, rng.randint(5, 60))  # done late, in the end
                    if completed is not None and completed > today:
                        completed = None
                owner = handler if rng.random() < 0.6 else self.handler_in(c["area"])
                c["actions"].append(
                    {
                        "id": self.ids.next("action"),
                        "complaint_id": c["id"],
                        "stage_id": sid,
                        "description": "Review how repair requests are logged and chased.",
                        "owner_id": owner,
                        "due_on": due_on,
                        "completed_on": completed,
                    }
                )
                if completed:
                    ev.append(
                        (
                            _at(completed, rng),
                            owner,
                            "action_completed",
                            number,
                            f"Action completed on {completed:%d %B %Y}: review how repair requests are logged",
                            {},
                        )
                    )
        return s, "responded"

    def assign_bench_caseworker(self, complaints: list[dict]) -> None:
        """Give the bench caseworker exactly BENCH_CASEWORKER_OPEN open complaints, from their areas first."""
        me = self.bench_caseworker
        mine = set(self.users[me]["areas"])
        open_ = [c for c in complaints if c["status"] == "open"]
        for c in open_:
            if c["stages"][-1]["handler_id"] == me:  # start from none, then hand out exactly the quota
                c["stages"][-1]["handler_id"] = c["handler_id"] = self.handler_in(c["area"], exclude=me)
        # A current caseload: the most recently received open complaints (the forgotten backlog
        # stays with its handlers), from the caseworker's own areas first. The same shape at
        # every size, so "my work" compares like with like.
        fresh = sorted((c for c in open_ if not c["stuck"]), key=lambda c: (c["received_on"], c["id"]), reverse=True)
        preferred = [c for c in fresh if c["service_area_id"] in mine] + [
            c for c in fresh if c["service_area_id"] not in mine
        ]
        given = 0
        for c in preferred:
            if given >= BENCH_CASEWORKER_OPEN:
                break
            stage = c["stages"][-1]
            previous = c["stages"][-2]["handler_id"] if len(c["stages"]) > 1 else None
            if previous == me:
                continue
            stage["handler_id"] = c["handler_id"] = me
            if c["is_restricted"]:
                c["named"].add(me)
            given += 1
        self.counts["bench_caseworker_open"] = given

    # ------------------------------------------------------------------ writing complaints
    def write_complaints(self, loader: Loader, complaints: list[dict]) -> None:
        rng = self.rng
        hist_c = Complaint.history.model
        hist_s = ComplaintStage.history.model
        named_through = Complaint._meta.get_field("named_users").remote_field.through
        self.obligation_rows = []
        for c in complaints:
            stage = c["stages"][-1]
            due, label = next_due(stage)
            c["next_due_date"], c["next_due_label"] = due, label
            c["current_stage_number"] = stage["number"]
            c["handler_id"] = stage["handler_id"]
            c["updated_at"] = max(e[0] for e in c["events"])
            row = {
                k: v
                for k, v in c.items()
                if k
                not in ("stages", "events", "points", "actions", "documents", "signpostings", "named", "area", "stuck")
            }
            loader.add(Complaint, row)
            loader.add(
                hist_c,
                {
                    **row,
                    "status": "open",
                    "closed_on": None,
                    "current_stage_number": 1,
                    "history_id": self.ids.next("h_complaint"),
                    "history_date": c["created_at"],
                    "history_type": "+",
                    "history_user_id": c["created_by_id"],
                },
            )
            for s in c["stages"][1:]:
                loader.add(
                    hist_c,
                    {
                        **row,
                        "status": "open",
                        "closed_on": None,
                        "current_stage_number": s["number"],
                        "history_id": self.ids.next("h_complaint"),
                        "history_date": s["history"][0],
                        "history_type": "~",
                        "history_user_id": s["handler_id"],
                    },
                )
            if c["closed_on"]:
                loader.add(
                    hist_c,
                    {
                        **row,
                        "history_id": self.ids.next("h_complaint"),
                        "history_date": _at(c["closed_on"], rng),
                        "history_type": "~",
                        "history_user_id": c["handler_id"],
                    },
                )
            for uid in sorted(c["named"]):
                loader.add(named_through, {"id": self.ids.next("named"), "complaint_id": c["id"], "user_id": uid})
            for p in c["points"]:
                loader.add(ComplaintPoint, p)
            url = f"/complaints/{c['id']}/"
            for s in c["stages"]:
                srow = {
                    k: v
                    for k, v in s.items()
                    if k not in ("extensions", "clock_stops", "escalation", "point_outcomes", "history", "rule")
                }
                loader.add(ComplaintStage, srow)
                for i, at in enumerate(s["history"]):
                    loader.add(
                        hist_s,
                        {
                            **srow,
                            "history_id": self.ids.next("h_stage"),
                            "history_date": at,
                            "history_type": "+" if i == 0 else "~",
                            "history_user_id": s["handler_id"],
                        },
                    )
                for e in s["extensions"]:
                    loader.add(Extension, e)
                for stop in s["clock_stops"]:
                    loader.add(ClockStop, stop)
                for po in s["point_outcomes"]:
                    loader.add(PointOutcome, po)
                if s["escalation"]:
                    loader.add(
                        EscalationRequest, {"id": self.ids.next("escalation"), "stage_id": s["id"], **s["escalation"]}
                    )
                # sync_stage_obligations
                is_open = s["status"] in ("awaiting_acknowledgement", "in_progress", "responded")
                ended = None if is_open else (s["closed_on"] or s["responded_on"] or s["received_on"])
                common = {
                    "service_area_id": c["service_area_id"],
                    "complaint_id": c["id"],
                    "is_restricted": c["is_restricted"],
                    "owner_id": s["handler_id"],
                    "url": url,
                    "updated_at": s["history"][-1],
                }
                if s["acknowledge_due"]:
                    self.obligation_rows.append(
                        {
                            **common,
                            "kind": ObligationKind.COMPLAINT_ACKNOWLEDGEMENT.value,
                            "source_key": f"complaint-ack:{s['id']}",
                            "title": f"{c['reference']}: acknowledge Stage {s['number']}",
                            "due_on": s["acknowledge_due"],
                            "done_on": s["acknowledged_on"] or ended,
                        }
                    )
                self.obligation_rows.append(
                    {
                        **common,
                        "kind": ObligationKind.COMPLAINT_RESPONSE.value,
                        "source_key": f"complaint-response:{s['id']}",
                        "title": f"{c['reference']}: respond at Stage {s['number']}",
                        "due_on": s["agreed_response_on"] or s["response_due"],
                        "done_on": s["responded_on"] or ended,
                    }
                )
            for a in c["actions"]:
                loader.add(Action, a)
                self.obligation_rows.append(
                    {
                        "kind": ObligationKind.COMPLAINT_ACTION.value,
                        "source_key": f"complaint-action:{a['id']}",
                        "title": f"{c['reference']}: "
                        + ("an action promised in the response" if c["is_restricted"] else a["description"][:200]),
                        "url": url,
                        "due_on": a["due_on"],
                        "done_on": a["completed_on"],
                        "owner_id": a["owner_id"],
                        "service_area_id": c["service_area_id"],
                        "complaint_id": c["id"],
                        "is_restricted": c["is_restricted"],
                        "updated_at": _at(a["completed_on"] or a["due_on"], rng),
                    }
                )
            for sp in c["signpostings"]:
                loader.add(
                    Signposting,
                    {
                        "id": self.ids.next("signposting"),
                        "complaint_id": c["id"],
                        "stage_id": sp["stage"]["id"],
                        "reason": sp["reason"],
                        "told_on": sp["told_on"],
                        "method": sp["method"],
                        "wording": sp["wording"],
                        "created_by_id": sp["created_by_id"],
                        "created_at": sp["created_at"],
                    },
                )
            for day, stage_id, description, by in c["documents"]:
                did = self.ids.next("document")
                loader.add(
                    Document,
                    {
                        "id": did,
                        "complaint_id": c["id"],
                        "stage_id": stage_id,
                        "file": f"complaints/{c['id']}/bench{did:08x}",
                        "original_name": f"{description.lower().replace(' ', '-')}.pdf",
                        "content_type": "application/pdf",
                        "size": 40_000 + (did * 7919) % 900_000,
                        "description": description,
                        "uploaded_by_id": by,
                        "uploaded_at": _at(day, rng),
                    },
                )
                c["events"].append((_at(day, rng), by, "document", None, f"Document uploaded: {description}", {}))
            for at, actor, kind, stage_number, summary, changes in c["events"]:
                loader.add(
                    ComplaintEvent,
                    {
                        "id": self.ids.next("event"),
                        "complaint_id": c["id"],
                        "stage_number": stage_number,
                        "at": at,
                        "actor_id": actor,
                        "kind": kind,
                        "summary": summary[:300],
                        "changes": changes,
                    },
                )
        for year, last in sorted(self.per_year.items()):
            loader.add(ReferenceCounter, {"year": year, "last_number": last})

    # ------------------------------------------------------------------ Ombudsman cases
    def write_cases(self, loader: Loader, complaints: list[dict]) -> None:
        rng, today = self.rng, self.today
        # cases come from complaints that went through the whole procedure (or were closed)
        closed_by_area: dict[int, list[dict]] = {}
        for c in complaints:
            if c["status"] == "closed":
                closed_by_area.setdefault(c["service_area_id"], []).append(c)
        candidates = [c for cs in closed_by_area.values() for c in cs]
        chosen = sorted(rng.sample(candidates, min(self.n_cases, len(candidates))), key=lambda c: c["closed_on"])
        hist_case = OmbudsmanCase.history.model
        hist_rec = Recommendation.history.model
        case_complaints = OmbudsmanCase._meta.get_field("complaints").remote_field.through
        case_named = OmbudsmanCase._meta.get_field("named_users").remote_field.through
        cases = []
        for i, c in enumerate(chosen, start=1):
            received = c["closed_on"] + dt.timedelta(days=rng.randint(10, 120))
            if received > today:
                received = today - dt.timedelta(days=rng.randint(0, 5))
            received = max(received, c["closed_on"])
            area = c["area"]
            case = {
                "id": i,
                "reference": "",
                "service_area_id": area["id"],
                "category_id": c["category_id"],
                "link_officer_id": rng.choice(self.admins),
                "summary": f"Complaint about {area['name'].lower()}: {c['summary'][:120]}",
                "is_restricted": c["is_restricted"],
                "received_on": received,
                "status": "assessment",
                "created_at": _at(received, rng),
                "created_by_id": rng.choice(self.admins),
                "outcome": "",
                "closed_on": None,
            }
            cases.append((case, c))
        # LGSCO references: 2-digit year of receipt and a running number (unique by construction)
        for n, (case, _c) in enumerate(cases, start=1):
            case["reference"] = f"{case['received_on'].year % 100:02d} {n // 1000 % 1000:03d} {n % 1000:03d}"
        upheld_cases = []
        for case, _complaint in cases:
            r = case["received_on"]
            events = [(case["created_at"], case["created_by_id"], "opened", f"LGSCO case {case['reference']} opened")]
            roll = rng.random()
            if roll < 0.15:  # closed at assessment
                fd = r + dt.timedelta(days=rng.randint(15, 60))
                if fd <= today:
                    case["final_decision_on"] = fd
                    case["outcome"] = rng.choice(
                        ["premature_referred_back", "out_of_jurisdiction", "closed_after_initial_enquiries"]
                    )
                    case["closed_on"] = fd
                    events.append((_at(fd, rng), case["link_officer_id"], "steps", "LGSCO steps updated"))
            else:
                enq = r + dt.timedelta(days=rng.randint(5, 40))
                if enq <= today:
                    case["enquiry_received_on"] = enq
                    case["enquiry_reply_due"] = self.wd(enq, 20)
                    sent = self.wd(enq, rng.randint(8, 20) if rng.random() < 0.9 else rng.randint(21, 30))
                    if sent <= today:
                        case["enquiry_reply_sent_on"] = sent
                        events.append((_at(sent, rng), case["link_officer_id"], "steps", "LGSCO steps updated"))
                        draft = sent + dt.timedelta(days=rng.randint(40, 140))
                        if draft <= today:
                            case["draft_decision_received_on"] = draft
                            case["draft_comments_due"] = self.wd(draft, 10)
                            cs = self.wd(draft, rng.randint(3, 10) if rng.random() < 0.92 else rng.randint(11, 15))
                            if cs <= today:
                                case["draft_comments_sent_on"] = cs
                                fd = cs + dt.timedelta(days=rng.randint(14, 60))
                                if fd <= today:
                                    case["final_decision_on"] = fd
                                    up = rng.random() < 0.82
                                    case["outcome"] = (
                                        rng.choice(
                                            [
                                                "upheld_fault_injustice",
                                                "upheld_fault_injustice",
                                                "upheld_fault_no_injustice",
                                                "upheld_satisfactory_remedy_by_council",
                                            ]
                                        )
                                        if up
                                        else "not_upheld_no_fault"
                                    )
                                    pub = fd + dt.timedelta(days=rng.randint(60, 100))
                                    if pub <= today:
                                        case["decision_published_on"] = pub
                                    events.append(
                                        (_at(fd, rng), case["link_officer_id"], "steps", "LGSCO steps updated")
                                    )
                                    if case["outcome"] == "upheld_fault_injustice":
                                        upheld_cases.append(case)
                                    elif fd + dt.timedelta(days=30) <= today:
                                        case["closed_on"] = fd + dt.timedelta(days=rng.randint(1, 30))
            case["events"] = events
            case["recs"] = []
        # recommendations: exactly n_recommendations, spread over the upheld cases
        if upheld_cases:
            for k in range(self.n_recommendations):
                case = upheld_cases[k] if k < len(upheld_cases) else rng.choice(upheld_cases)
                case["recs"].append(None)
        case_rows = []
        for case, c in cases:
            fd = case.get("final_decision_on")
            for j in range(len(case["recs"])):
                case["recs"][j] = self.make_recommendation(case, fd, j)
            recs = case["recs"]
            has_open = any(r["evidence_sent_on"] is None for r in recs)
            if fd and recs and not has_open:
                outcomes = [r["lgsco_outcome_on"] for r in recs]
                if all(outcomes) and max(outcomes) + dt.timedelta(days=14) <= today:
                    case["closed_on"] = max(outcomes) + dt.timedelta(days=rng.randint(1, 14))
            case["has_open_recommendations"] = has_open
            case["status"] = case_deadlines.case_status(_Obj(case))
            # a few public interest reports on upheld cases with a final decision
            case["reports"] = []
            if fd and case["outcome"] == "upheld_fault_injustice" and rng.random() < 0.006:
                case["outcome"] = "report_issued"
                case["reports"].append(self.make_report(case, fd))
            case_rows.append((case, c))
        for case, c in case_rows:
            fd = case.get("final_decision_on")
            row = {k: v for k, v in case.items() if k not in ("events", "recs", "reports", "has_open_recommendations")}
            loader.add(OmbudsmanCase, row)
            loader.add(
                hist_case,
                {
                    **row,
                    "status": "assessment",
                    "history_id": self.ids.next("h_case"),
                    "history_date": case["created_at"],
                    "history_type": "+",
                    "history_user_id": case["created_by_id"],
                },
            )
            if case["status"] != "assessment":
                loader.add(
                    hist_case,
                    {
                        **row,
                        "history_id": self.ids.next("h_case"),
                        "history_date": case["events"][-1][0],
                        "history_type": "~",
                        "history_user_id": case["link_officer_id"],
                    },
                )
            loader.add(
                case_complaints,
                {"id": self.ids.next("case_complaint"), "ombudsmancase_id": case["id"], "complaint_id": c["id"]},
            )
            if case["is_restricted"]:
                for uid in sorted({case["link_officer_id"], case["created_by_id"], c["handler_id"]}):
                    loader.add(
                        case_named, {"id": self.ids.next("case_named"), "ombudsmancase_id": case["id"], "user_id": uid}
                    )
            closed = case["closed_on"]
            common = {
                "service_area_id": case["service_area_id"],
                "ombudsman_case_id": case["id"],
                "is_restricted": case["is_restricted"],
                "owner_id": case["link_officer_id"],
                "updated_at": case["events"][-1][0],
            }
            case_url = f"/ombudsman/{case['id']}/"
            if case.get("enquiry_reply_due"):
                self.obligation_rows.append(
                    {
                        **common,
                        "kind": ObligationKind.LGSCO_ENQUIRY_REPLY.value,
                        "source_key": f"case-enquiry:{case['id']}",
                        "title": f"{case['reference']}: reply to the LGSCO's enquiries",
                        "url": case_url + "#steps",
                        "due_on": case["enquiry_reply_due"],
                        "done_on": case.get("enquiry_reply_sent_on") or closed,
                    }
                )
            if case.get("draft_comments_due"):
                self.obligation_rows.append(
                    {
                        **common,
                        "kind": ObligationKind.LGSCO_DRAFT_COMMENTS.value,
                        "source_key": f"case-draft:{case['id']}",
                        "title": f"{case['reference']}: comments on the draft decision",
                        "url": case_url + "#steps",
                        "due_on": case["draft_comments_due"],
                        "done_on": case.get("draft_comments_sent_on") or closed,
                    }
                )
            for rec in case["recs"]:
                extensions, payments, evidence = rec.pop("_extensions"), rec.pop("_payments"), rec.pop("_evidence")
                loader.add(Recommendation, rec)
                loader.add(
                    hist_rec,
                    {
                        **rec,
                        "history_id": self.ids.next("h_rec"),
                        "history_date": _at(fd, rng),
                        "history_type": "+",
                        "history_user_id": case["link_officer_id"],
                    },
                )
                if rec["completed_on"]:
                    loader.add(
                        hist_rec,
                        {
                            **rec,
                            "history_id": self.ids.next("h_rec"),
                            "history_date": _at(rec["completed_on"], rng),
                            "history_type": "~",
                            "history_user_id": rec["owner_id"],
                        },
                    )
                for e in extensions:
                    loader.add(RecommendationExtension, e)
                for p in payments:
                    loader.add(Payment, p)
                for e in evidence:
                    loader.add(Evidence, e)
                kind_label = Recommendation._meta.get_field("kind").flatchoices
                label = dict(kind_label)[rec["kind"]]
                self.obligation_rows.append(
                    {
                        "kind": ObligationKind.RECOMMENDATION.value,
                        "source_key": f"recommendation:{rec['id']}",
                        "title": f"{case['reference']}: {label}: {rec['wording'][:150]}"[:300],
                        "url": f"/ombudsman/{case['id']}/recommendations/{rec['id']}/",
                        "due_on": rec["due_on"],
                        "done_on": rec["evidence_sent_on"],
                        "owner_id": rec["owner_id"],
                        "service_area_id": rec["service_area_id"],
                        "ombudsman_case_id": case["id"],
                        "is_restricted": case["is_restricted"],
                        "updated_at": _at(rec["due_on"], rng),
                    }
                )
                case["events"].append(
                    (_at(fd, rng), case["link_officer_id"], "recommendation", f"Recommendation added: {label}")
                )
            for report in case["reports"]:
                loader.add(PublicInterestReport, report)
                label = "public interest report"
                for kind, key, due_field, done_field, title in (
                    (
                        ObligationKind.PIR_NOTICE,
                        "pir-notice",
                        "notice_due",
                        "notice_published_on",
                        f"{case['reference']}: public notice of the {label}",
                    ),
                    (
                        ObligationKind.PIR_RESPONSE,
                        "pir-response",
                        "response_due",
                        "response_sent_on",
                        f"{case['reference']}: tell the Ombudsman what the council has done about the {label}",
                    ),
                ):
                    if report[due_field]:
                        self.obligation_rows.append(
                            {
                                **common,
                                "kind": kind.value,
                                "source_key": f"{key}:{report['id']}",
                                "title": title,
                                "url": case_url + f"#report-{report['id']}",
                                "due_on": report[due_field],
                                "done_on": report[done_field] or closed,
                            }
                        )
            for at, actor, kind, summary in case["events"]:
                loader.add(
                    CaseEvent,
                    {
                        "id": self.ids.next("case_event"),
                        "case_id": case["id"],
                        "at": at,
                        "actor_id": actor,
                        "kind": kind,
                        "summary": summary[:300],
                        "changes": {},
                    },
                )
        self.counts["cases"] = len(case_rows)
        self.counts["recommendations"] = sum(len(c["recs"]) for c, _ in case_rows)

    def make_recommendation(self, case: dict, fd: dt.date, j: int) -> dict:
        rng, today = self.rng, self.today
        rid = self.ids.next("rec")
        kind = rng.choice(list(REC_WORDING))
        area_id = case["service_area_id"] if rng.random() < 0.9 else rng.choice(self.areas)["id"]
        area = self.areas[area_id - 1]
        owner = self.handler_in(area) if rng.random() < 0.7 else rng.choice(area["managers"])
        basis = rng.choice(["months", "months", "working_days", "explicit"])
        if basis == "months":
            within = rng.choice([1, 1, 3])
            due = case_deadlines.recommendation_due(basis=basis, final_decision_on=fd, within=within)
        elif basis == "working_days":
            within = 20
            due = case_deadlines.recommendation_due(
                basis=basis, final_decision_on=fd, within=within, non_working=self.nw
            )
        else:
            within = None
            due = fd + dt.timedelta(days=rng.randint(20, 90))
        amount = (
            Decimal(rng.choice([100, 150, 250, 300, 500, 750, 1000]))
            if kind in ("financial_loss", "symbolic_payment")
            else None
        )
        rec = {
            "id": rid,
            "case_id": case["id"],
            "kind": kind,
            "remedy_type": "service_improvement"
            if kind in ("procedure_review", "staff_training", "write_to_others")
            else "personal",
            "wording": REC_WORDING[kind].format(p="Mrs X", a=amount or 0),
            "amount": amount,
            "beneficiary_pseudonym": "Mrs X",
            "evidence_expected": "A copy of the letter.",
            "owner_id": owner,
            "service_area_id": area_id,
            "due_basis": basis,
            "due_within": within,
            "original_due_on": due,
            "due_on": due,
            "completed_on": None,
            "evidence_sent_on": None,
            "lgsco_outcome_on": None,
            "is_late": False,
            "lgsco_status": "pending",
            "version": 1,
            "_extensions": [],
            "_payments": [],
            "_evidence": [],
        }
        if rng.random() < 0.08:
            new_due = due + dt.timedelta(days=rng.randint(14, 60))
            agreed = max(fd, due - dt.timedelta(days=rng.randint(1, 10)))
            if agreed <= today:
                rec["_extensions"].append(
                    {
                        "id": self.ids.next("rec_ext"),
                        "recommendation_id": rid,
                        "previous_due_on": due,
                        "new_due_on": new_due,
                        "letter": "LGSCO email",
                        "reason": "Waiting for the assessment.",
                        "agreed_on": agreed,
                        "recorded_by_id": case["link_officer_id"],
                        "created_at": _at(agreed, rng),
                    }
                )
                rec["due_on"] = new_due
                rec["version"] += 1
        due = rec["due_on"]
        # state: done on time (most), done late, open and not yet due, open and overdue
        roll = rng.random()
        if roll < 0.85:
            completed = fd + dt.timedelta(days=rng.randint(1, max(2, (due - fd).days)))
        elif roll < 0.96:
            completed = due + dt.timedelta(days=rng.randint(1, 40))
        elif (today - due).days < 150:
            completed = None  # not done yet: overdue once the due date passes (recent ones only)
        else:
            completed = due + dt.timedelta(days=rng.randint(41, 120))  # done very late, in the end
        if completed and completed > today:
            completed = None
        if completed:
            rec["completed_on"] = completed
            rec["is_late"] = completed > due
            rec["version"] += 1
            if kind in ("financial_loss", "symbolic_payment"):
                approved = max(fd, completed - dt.timedelta(days=rng.randint(0, 5)))
                rec["_payments"].append(
                    {
                        "id": self.ids.next("payment"),
                        "recommendation_id": rid,
                        "amount": amount,
                        "approved_by_id": rng.choice(area["managers"]),
                        "approved_on": approved,
                        "method": rng.choice(["bank_transfer", "cheque", "credit_to_account"]),
                        "paid_on": completed,
                        "proof": f"FIN-{rid:06d}",
                        "recorded_by_id": owner,
                    }
                )
            sent = completed + dt.timedelta(days=rng.randint(0, 10))
            if sent <= today and (rng.random() < 0.97 or (today - sent).days > 60):
                rec["evidence_sent_on"] = sent
                rec["version"] += 1
                rec["_evidence"].append(
                    {
                        "id": self.ids.next("evidence"),
                        "recommendation_id": rid,
                        "file": f"ombudsman/{case['id']}/bench{rid:08x}",
                        "original_name": "evidence.pdf",
                        "content_type": "application/pdf",
                        "size": 120_000,
                        "description": "Evidence of compliance",
                        "uploaded_by_id": owner,
                        "uploaded_at": _at(sent, rng),
                    }
                )
                outcome_on = sent + dt.timedelta(days=rng.randint(10, 60))
                if outcome_on <= today:
                    rec["lgsco_outcome_on"] = outcome_on
                    rec["lgsco_status"] = "complied_late" if rec["is_late"] else "complied"
        if rec["is_late"] and rec["lgsco_outcome_on"] and rng.random() < 0.15:
            rec["lgsco_status"] = "not_complied"  # the LGSCO was not satisfied in time
        return rec

    def make_report(self, case: dict, fd: dt.date) -> dict:
        rng, today = self.rng, self.today
        rule = self.report_rule
        received = fd + dt.timedelta(days=rng.randint(7, 30))
        if received > today:
            received = fd
        d = case_deadlines.report_deadlines(rule, received_on=received)
        published = received + dt.timedelta(days=rng.randint(3, 13))
        published = published if published <= today else None
        sent = received + dt.timedelta(days=rng.randint(40, 85))
        sent = sent if sent <= today else None
        starts = (published + dt.timedelta(days=3)) if published and published + dt.timedelta(days=3) <= today else None
        d2 = case_deadlines.report_deadlines(
            rule, received_on=received, notice_published_on=published, inspection_starts_on=starts
        )
        return {
            "id": self.ids.next("report"),
            "case_id": case["id"],
            "is_further_report": False,
            "rule_id": rule.pk,
            "draft_received_on": None,
            "draft_comments_sent_on": None,
            "received_on": received,
            "non_publication_direction": False,
            "notice_due": d.notice_due,
            "notice_published_on": published,
            "notice_where": "Local newspapers and the council's website" if published else "",
            "inspection_starts_on": starts,
            "inspection_start_latest": d2.inspection_start_latest,
            "inspection_ends_on": d2.inspection_ends_on,
            "response_due": d.response_due,
            "original_response_due": d.response_due,
            "response_sent_on": sent,
            "outcome": "satisfied" if sent and sent + dt.timedelta(days=30) <= today else "",
            "outcome_on": sent + dt.timedelta(days=30) if sent and sent + dt.timedelta(days=30) <= today else None,
            "version": 1,
        }

    # ------------------------------------------------------------------ obligations and past reminders
    def write_obligations(self, loader: Loader, *, reminder_history: bool) -> None:
        rng, nw = self.rng, self.nw
        digests: dict[tuple[int, dt.date], int] = {}
        reminders = 0
        for oid, row in enumerate(self.obligation_rows, start=1):
            row["id"] = oid
            loader.add(Obligation, row)
            if not reminder_history or row["done_on"] is None:
                continue
            # Past sweeps: the owner was reminded 5 working days before, and on the day if it was
            # still open then. Each went out in that day's digest for the owner.
            for milestone, n in (("lead-5", 5), ("due", 0)):
                fires = working_days_before(row["due_on"], n, nw)
                if fires > row["done_on"] or fires > self.today or fires < dt.date(2016, 1, 1):
                    continue
                key = (row["owner_id"], fires)
                did = digests.get(key)
                if did is None:
                    did = digests[key] = len(digests) + 1
                    sent = dt.datetime(fires.year, fires.month, fires.day, 7, rng.randrange(5), tzinfo=UTC)
                    owner = self.users[row["owner_id"]]
                    loader.add(
                        Digest,
                        {
                            "id": did,
                            "recipient_key": f"user:{row['owner_id']}",
                            "recipient_id": row["owner_id"],
                            "address": owner["email"],
                            "day": fires,
                            "status": "sent",
                            "claimed_at": sent,
                            "attempts": 1,
                            "sent_at": sent,
                            "message_id": f"<digest-{did}-{fires:%Y%m%d}@example.gov.uk>",
                            "item_count": 1,
                            "created_at": sent,
                        },
                    )
                reminders += 1
                loader.add(
                    Reminder,
                    {
                        "id": reminders,
                        "obligation_id": oid,
                        "recipient_key": f"user:{row['owner_id']}",
                        "recipient_id": row["owner_id"],
                        "address": self.users[row["owner_id"]]["email"],
                        "milestone": milestone,
                        "due_on": row["due_on"],
                        "fires_on": fires,
                        "created_on": fires,
                        "digest_id": did,
                    },
                )
        self.counts["obligations"] = len(self.obligation_rows)
        self.counts["obligations_open"] = sum(1 for r in self.obligation_rows if r["done_on"] is None)
        self.counts["past_reminders"] = reminders
        self.counts["past_digests"] = len(digests)

    # ------------------------------------------------------------------ all
    def run(self, *, reminder_history: bool = True) -> dict:
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            self.read_reference()
            if not self.check_foreign_keys:
                # The ids are assigned here, so the references hold by construction; skipping the
                # per-row FK triggers halves the load time (`--check-fks` turns them back on).
                cursor.execute("SET LOCAL session_replication_role = replica")
            loader = Loader(cursor.cursor)
            self.make_reference_data(loader)
            complaints = self.simulate_complaints()
            self.assign_bench_caseworker(complaints)
            t_sim = time.perf_counter()
            self.write_complaints(loader, complaints)
            self.write_cases(loader, complaints)
            self.write_obligations(loader, reminder_history=reminder_history)
            tables = loader.close()
            self.counts["stages"] = sum(len(c["stages"]) for c in complaints)
            self.counts["complaints"] = len(complaints)
            self.counts["complaints_open"] = sum(1 for c in complaints if c["status"] == "open")
            self.counts["stages_per_complaint"] = round(self.counts["stages"] / max(1, len(complaints)), 2)
            seq_tables = [
                (w.table, "history_id" if w.table.split("_", 1)[1].startswith("historical") else "id")
                for w in loader.writers.values()
                if w.table != ReferenceCounter._meta.db_table
            ]
            reset_sequences(cursor.cursor, seq_tables)
        self.timings = {"simulate_s": round(t_sim - t0, 1), "total_s": round(time.perf_counter() - t0, 1)}
        return {"counts": self.counts, "tables": tables, "timings": self.timings}


def next_due(stage: dict) -> tuple[dt.date | None, str]:
    """complaints.services._refresh_next_due, on a stage dict."""
    status = stage["status"]
    if status == "awaiting_acknowledgement" and stage["acknowledge_due"]:
        return stage["acknowledge_due"], "Acknowledge by"
    if status == "in_progress":
        if stage["panel_meeting_due"] and not stage["panel_met_on"]:
            return stage["panel_meeting_due"], "Review panel to meet by"
        if stage["panel_report_due"] and stage["panel_met_on"] and not stage["panel_report_on"]:
            return stage["panel_report_due"], "Panel report due by"
        return stage["agreed_response_on"] or stage["response_due"], "Respond by"
    if status == "awaiting_acknowledgement":
        return stage["response_due"], "Respond by"
    if status == "responded" and stage["escalation_deadline"]:
        return stage["escalation_deadline"], "Close if not escalated by"
    if status == "responded":
        return stage["responded_on"], "Close and signpost to the Ombudsman"
    return None, ""


class _Obj:
    """Attribute access over a dict, for the pure rules that read attributes."""

    def __init__(self, d):
        self.__dict__.update(
            {
                k: d.get(k)
                for k in ("closed_on", "final_decision_on", "draft_decision_received_on", "enquiry_received_on")
            }
        )
        self.has_open_recommendations = d.get("has_open_recommendations", False)


def generate(
    *,
    complaints: int,
    cases: int,
    recommendations: int,
    today: dt.date,
    seed: int,
    reminder_history: bool = True,
    check_foreign_keys: bool = False,
) -> dict:
    gen = Generator(
        complaints=complaints,
        cases=cases,
        recommendations=recommendations,
        today=today,
        seed=seed,
        check_foreign_keys=check_foreign_keys,
    )
    result = gen.run(reminder_history=reminder_history)
    result["bench_users"] = {
        "caseworker": gen.bench_caseworker,
        "manager": gen.bench_manager,
        "admin": gen.bench_admin,
    }
    return result
