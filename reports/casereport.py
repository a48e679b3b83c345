"""The committee case report: one Ombudsman case told in date order, with pseudonyms only.

Built from what `reports.selectors.case_report` read, with no further queries. It never shows
a complainant's or other person's details: no names, contact details or addresses, no
complaint summary or points (they are in the complainant's words), no free-text reasons or
signposting wording, no staff names. It shows dates, deadlines, whether each was met, outcomes,
the LGSCO's recommendations as the decision words them (the LGSCO uses pseudonyms such as
"Ms B") and the committees' resolutions. The complainant is "the complainant".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from complaints.models import Channel, SignpostReason
from ombudsman_cases.models import ReportOutcome
from reports.rules import long_date
from reports.tables import Cell, Table, header

ON_TIME, LATE, NOT_YET, OVERDUE = "On time", "Late", "Not done yet", "Overdue"
# "Ms B", "Mr X": the LGSCO's pseudonyms, which the report may show.
PSEUDONYM = re.compile(r"^(Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z]$")


def names_to_hide(people: list[tuple[str, ...]]) -> list[str]:
    """People's names recorded on the linked complaints (not pseudonyms), longest first.

    A belt-and-braces check on free text written for the Ombudsman or a committee (the case
    summary, recommendations, resolutions), which should already use pseudonyms only."""
    names = set()
    for row in people:
        for name in row:
            name = (name or "").strip()
            if not name or PSEUDONYM.match(name):
                continue
            names.add(name)
            surname = name.split()[-1]
            if len(surname) >= 3 and surname != name:
                names.add(surname)
    return sorted(names, key=len, reverse=True)


def redact(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", "[name removed]", text)
    return text


def _d(day: dt.date | None) -> str:
    return long_date(day) if day else ""


def stage_name(number: int, name: str) -> str:
    """ "Stage 2" for a stage called "Stage 2"; "Stage 2 (Investigation)" for one with its own name."""
    return name if name.lower().startswith("stage") else f"Stage {number} ({name})"


def timing(done: dt.date | None, due: dt.date | None, today: dt.date) -> Cell:
    """Whether a step was done by its deadline, in words with a tag (never colour alone)."""
    if due is None:
        return Cell("")
    if done is None:
        return Cell(OVERDUE, tag="red") if due < today else Cell(NOT_YET)
    return Cell(ON_TIME, tag="green") if done <= due else Cell(LATE, tag="red")


@dataclass
class Entry:
    on: dt.date
    what: str
    due: dt.date | None = None
    done: bool = False  # the entry is a step done against `due`
    group: str = ""  # entries of one date and group are told in one line: "<group>: a; b; c"


def _merge(entries: list[Entry]) -> list[Entry]:
    """Entries in date order, with same-day entries of a group (e.g. evidence sent) in one line."""
    order = {id(e): n for n, e in enumerate(entries)}
    merged: list[Entry] = []
    by_key: dict[tuple, Entry] = {}
    for entry in sorted(entries, key=lambda e: (e.on, order[id(e)])):
        if not entry.group:
            merged.append(entry)
            continue
        key = (entry.on, entry.group)
        if key in by_key:
            by_key[key].what += f"; {entry.what}"
        else:
            by_key[key] = Entry(entry.on, entry.what, group=entry.group)
            merged.append(by_key[key])
    for entry in merged:
        if entry.group:
            entry.what = f"{entry.group}: {entry.what}"
    return merged


@dataclass
class CommitteeCaseReport:
    facts: list[tuple[str, str]]
    summary: str
    notes: list[str]
    tables: list[Table] = field(default_factory=list)
    period_text: str = ""
    hidden_complaints: int = 0


def committee_case_report(data, *, today: dt.date | None = None) -> CommitteeCaseReport:
    today = today or timezone.localdate()
    case = data.case
    entries: list[Entry] = []
    notes: list[str] = []
    hide = names_to_hide(data.people)

    stages = Table(
        "complaint_stages",
        "The complaint to the council, stage by stage",
        [
            ("Complaint", False),
            ("Stage", False),
            ("Received", False),
            ("Acknowledged", False),
            ("Response due", False),
            ("Responded", False),
            ("Time limit", False),
            ("Outcome", False),
        ],
        published=False,
        empty="The council's complaint is not linked to this case.",
    )
    for index, complaint in enumerate(data.complaints, start=1):
        name = f"Complaint {index}" if len(data.complaints) > 1 else "The complaint"
        channels = dict(Channel.choices)
        entries.append(
            Entry(
                complaint.received_on,
                f"{name} received from the complainant ({channels.get(complaint.channel, complaint.channel).lower()}, "
                f"{complaint.procedure.name})",
            )
        )
        for stage in sorted(complaint.stages.all(), key=lambda s: s.number):
            this_stage = stage_name(stage.number, stage.rule.procedure_stage.name)
            deadline = stage.agreed_response_on or stage.response_due
            extensions = sorted(stage.extensions.all(), key=lambda e: (e.complainant_told_on, e.pk))
            due_text = _d(deadline)
            if extensions:
                due_text += f" (extended from {_d(stage.original_response_due)})"
            ack = ""
            if stage.acknowledged_on:
                ack = _d(stage.acknowledged_on) + (
                    f" (due {_d(stage.acknowledge_due)})" if stage.acknowledge_due else ""
                )
            elif stage.acknowledge_due:
                ack = f"Not acknowledged (due {_d(stage.acknowledge_due)})"
            stages.rows.append(
                [
                    header(name),
                    Cell(this_stage),
                    Cell(_d(stage.received_on)),
                    Cell(ack),
                    Cell(due_text),
                    Cell(_d(stage.responded_on) or "Not responded"),
                    timing(stage.responded_on, deadline, today)
                    if stage.responded_on or stage.is_open
                    else Cell("Ended without a response"),
                    Cell(stage.get_outcome_display() or ""),
                ]
            )
            if stage.number > 1:
                entries.append(Entry(stage.received_on, f"{name}: the complainant asked for {this_stage}"))
            if stage.acknowledged_on:
                entries.append(
                    Entry(
                        stage.acknowledged_on,
                        f"{name}: {this_stage} acknowledged",
                        due=stage.acknowledge_due,
                        done=True,
                    )
                )
            for ext in extensions:
                entries.append(
                    Entry(
                        ext.complainant_told_on,
                        f"{name}: {this_stage} response deadline extended from {_d(ext.previous_due)} to "
                        f"{_d(ext.new_due)}; the complainant was told",
                    )
                )
            if stage.responded_on:
                outcome = stage.get_outcome_display()
                entries.append(
                    Entry(
                        stage.responded_on,
                        f"{name}: {this_stage} response sent" + (f": {outcome.lower()}" if outcome else ""),
                        due=deadline,
                        done=True,
                    )
                )
        for signposting in complaint.signpostings.all():
            reason = {
                SignpostReason.NEXT_STAGE_SUSPENDED: f"Stage {signposting.stage.number + 1} was suspended",
                SignpostReason.FINAL_STAGE: "the final stage was complete",
                SignpostReason.WITHDRAWN: "the complaint was withdrawn",
                SignpostReason.CLOSED_WITHOUT_ESCALATION: "the complaint was closed",
            }.get(signposting.reason, signposting.get_reason_display().lower())
            text = (
                f"{name}: the complainant was told by {signposting.get_method_display().lower()} that they could go "
                f"to the Ombudsman because {reason}"
            )
            entries.append(Entry(signposting.told_on, text))
            notes.append(f"{text}, on {_d(signposting.told_on)}.")
            if signposting.suspension:
                s = signposting.suspension
                notes.append(
                    f"{name}: {stage_name(s.procedure_stage.number, s.procedure_stage.name)} of the "
                    f"{complaint.procedure.name} procedure was not offered. It was suspended from {_d(s.starts_on)}"
                    + (f" to {_d(s.ends_on)}" if s.ends_on else " (still suspended)")
                    + f": {s.reason}."
                )
        if not any(sp.suspension for sp in complaint.signpostings.all()):
            for procedure_stage in complaint.procedure.stages.all():
                for s in procedure_stage.suspensions.all():
                    ended = complaint.closed_on or today
                    if s.starts_on <= ended and (s.ends_on is None or s.ends_on >= complaint.received_on):
                        notes.append(
                            f"{name}: {stage_name(procedure_stage.number, procedure_stage.name)} of the "
                            f"{complaint.procedure.name} procedure was suspended from {_d(s.starts_on)}"
                            + (f" to {_d(s.ends_on)}" if s.ends_on else "")
                            + f" while the complaint was open: {s.reason}."
                        )
        if complaint.closed_on:
            entries.append(
                Entry(complaint.closed_on, f"{name} {'withdrawn' if complaint.status == 'withdrawn' else 'closed'}")
            )

    steps = Table(
        "lgsco_steps",
        "The Ombudsman's investigation",
        [("Step", False), ("Date", False), ("Due", False), ("On time or late", False)],
        published=False,
    )

    def step(label: str, on: dt.date | None, due: dt.date | None = None, *, is_done_step: bool = False):
        if on is None and due is None:
            return
        steps.rows.append(
            [
                header(label),
                Cell(_d(on) or "Not yet"),
                Cell(_d(due)),
                timing(on, due, today) if is_done_step else Cell(""),
            ]
        )
        if on:
            entries.append(Entry(on, label, due=due if is_done_step else None, done=is_done_step))

    step("The council heard of the complaint to the Ombudsman", case.received_on)
    step("The Ombudsman's enquiries received", case.enquiry_received_on)
    step(
        "The council's reply to the enquiries sent",
        case.enquiry_reply_sent_on,
        case.enquiry_reply_due,
        is_done_step=True,
    )
    step("Draft decision received", case.draft_decision_received_on)
    step(
        "The council's comments on the draft decision sent",
        case.draft_comments_sent_on,
        case.draft_comments_due,
        is_done_step=True,
    )
    if case.final_decision_on:
        step(f"Final decision: {case.get_outcome_display().lower()}", case.final_decision_on)
    step("Decision published by the Ombudsman", case.decision_published_on)

    recs = Table(
        "recommendations",
        "The Ombudsman's recommendations",
        [
            ("Recommendation", False),
            ("Due", False),
            ("Completed", False),
            ("Evidence sent", False),
            ("On time or late", False),
            ("Ombudsman's view", False),
        ],
        published=False,
        empty="The Ombudsman made no recommendations.",
    )
    payments = Table(
        "payments",
        "Payments made",
        [("Paid on", False), ("Amount", True), ("For", False), ("Recommendation", False)],
        published=False,
        empty="No payments recorded.",
    )
    for rec in data.recommendations:
        extensions = sorted(rec.extensions.all(), key=lambda e: (e.agreed_on, e.pk))
        due_text = f"{_d(rec.due_on)} ({rec.basis_description})"
        if extensions:
            due_text = (
                f"{_d(rec.due_on)}, extended from {_d(rec.original_due_on)} ({rec.basis_description}) by agreement "
                f"with the Ombudsman on {_d(extensions[-1].agreed_on)}"
            )
        status = timing(rec.completed_on, rec.due_on, today)
        if rec.completed_on and rec.is_late:
            status = Cell(LATE, tag="red")
        view = rec.get_lgsco_status_display() + (f" ({_d(rec.lgsco_outcome_on)})" if rec.lgsco_outcome_on else "")
        recs.rows.append(
            [
                header(f"{rec.get_kind_display()}: {redact(rec.wording, hide)}"),
                Cell(due_text),
                Cell(_d(rec.completed_on) or "Not yet"),
                Cell(_d(rec.evidence_sent_on) or "Not yet"),
                status,
                Cell(view),
            ]
        )
        who = redact(rec.beneficiary_pseudonym, hide)
        short = f"{rec.get_kind_display()} ({who})" if who else rec.get_kind_display()
        for ext in extensions:
            entries.append(
                Entry(ext.agreed_on, f"{short}, now due {_d(ext.new_due_on)}", group="The Ombudsman agreed more time")
            )
        if rec.completed_on:
            entries.append(Entry(rec.completed_on, f"Recommendation completed: {short}", due=rec.due_on, done=True))
        if rec.evidence_sent_on:
            entries.append(Entry(rec.evidence_sent_on, short, group="Evidence sent to the Ombudsman"))
        if rec.lgsco_outcome_on:
            entries.append(
                Entry(
                    rec.lgsco_outcome_on,
                    f"{short}: {rec.get_lgsco_status_display().lower()}",
                    group="The Ombudsman's compliance outcome",
                )
            )
        for payment in sorted(rec.payments.all(), key=lambda p: (p.paid_on, p.pk)):
            payments.rows.append(
                [
                    header(_d(payment.paid_on)),
                    Cell(f"£{payment.amount:,.2f}", numeric=True),
                    Cell(who or "—"),
                    Cell(rec.get_kind_display()),
                ]
            )
            entries.append(
                Entry(
                    payment.paid_on,
                    f"Payment of £{payment.amount:,.2f} made" + (f" to {who}" if who else ""),
                )
            )

    duties = Table(
        "report_duties",
        "Public interest report: the council's duties",
        [("Duty", False), ("Due", False), ("Done", False), ("On time or late", False)],
        published=False,
        empty="The Ombudsman did not issue a public interest report.",
    )
    committees = Table(
        "committees",
        "Committees that considered the report",
        [("Meeting", False), ("Date", False), ("Resolution", False)],
        published=False,
        empty="No committee consideration recorded.",
    )
    for report in data.reports:
        label = "Further report" if report.is_further_report else "Public interest report"
        rows = []
        if report.draft_received_on:
            rows.append((f"{label}: draft received", None, report.draft_received_on, False))
        if report.draft_comments_sent_on:
            rows.append((f"{label}: comments on the draft sent", None, report.draft_comments_sent_on, False))
        rows.append((f"{label} received (the statutory clocks start)", None, report.received_on, False))
        if report.non_publication_direction:
            duties.rows.append(
                [
                    header("Public notice and inspection (s30(4)–(5))"),
                    Cell("Not required"),
                    Cell("The Ombudsman directed that the report is not published (s30(7))"),
                    Cell(""),
                ]
            )
        else:
            rows.append(
                (
                    "Public notice given (within 2 weeks of receipt, s30(5))",
                    report.notice_due,
                    report.notice_published_on,
                    True,
                )
            )
            rows.append(
                (
                    "Inspection begins (within 1 week of the notice, s30(5))",
                    report.inspection_start_latest,
                    report.inspection_starts_on,
                    True,
                )
            )
            if report.inspection_ends_on:
                rows.append(("Inspection ends (3 weeks, s30(4))", None, report.inspection_ends_on, False))
        response_due = _d(report.response_due)
        if report.response_due != report.original_response_due:
            response_due += (
                f" (extended from {_d(report.original_response_due)}"
                + (f"; {report.response_extension_letter}" if report.response_extension_letter else "")
                + ")"
            )
        for duty, due, done, is_done_step in rows:
            duties.rows.append(
                [
                    header(duty),
                    Cell(_d(due)),
                    Cell(_d(done) or "Not yet"),
                    timing(done, due, today) if is_done_step else Cell(""),
                ]
            )
            if done:
                entries.append(Entry(done, duty, due=due if is_done_step else None, done=is_done_step))
        duties.rows.append(
            [
                header("The council tells the Ombudsman what it has done (3 months, s31(2))"),
                Cell(response_due),
                Cell(_d(report.response_sent_on) or "Not yet"),
                timing(report.response_sent_on, report.response_due, today),
            ]
        )
        if report.response_due != report.original_response_due:
            entries.append(
                Entry(
                    report.received_on,
                    f"Time to respond to the report: {_d(report.original_response_due)}, later extended in writing "
                    f"by the Ombudsman to {_d(report.response_due)}",
                )
            )
        if report.response_sent_on:
            entries.append(
                Entry(
                    report.response_sent_on,
                    "The council told the Ombudsman what it has done about the report",
                    due=report.response_due,
                    done=True,
                )
            )
        if report.outcome:
            outcome = dict(ReportOutcome.choices).get(report.outcome, report.outcome)
            duties.rows.append(
                [header("The Ombudsman's outcome"), Cell(""), Cell(f"{outcome}, {_d(report.outcome_on)}"), Cell("")]
            )
            entries.append(Entry(report.outcome_on, f"The Ombudsman's outcome on the report: {outcome.lower()}"))
        for meeting in report.committees.all():
            resolution = redact(meeting.resolution, hide)
            committees.rows.append([header(meeting.body), Cell(_d(meeting.met_on)), Cell(resolution)])
            entries.append(Entry(meeting.met_on, f"{meeting.body} considered the report: {resolution}"))
    if case.closed_on:
        entries.append(Entry(case.closed_on, "The Ombudsman's case closed"))

    chronology = Table(
        "chronology",
        "What happened, in date order",
        [("Date", False), ("What happened", False), ("Deadline", False), ("On time or late", False)],
        published=False,
    )
    for entry in _merge(entries):
        chronology.rows.append(
            [
                header(_d(entry.on)),
                Cell(entry.what),
                Cell(_d(entry.due)),
                timing(entry.on, entry.due, today) if entry.done and entry.due else Cell(""),
            ]
        )

    facts = [
        ("LGSCO reference", case.reference),
        ("Service area", case.service_area.name),
        ("Category", case.category.name if case.category else "Not recorded"),
        ("Outcome", case.get_outcome_display() or "Not decided yet"),
        ("Final decision", _d(case.final_decision_on) or "Not yet"),
        ("Public interest report", "Yes" if data.reports else "No"),
        ("Recommendations", f"{len(data.recommendations)}"),
        (
            "Payments made",
            f"£{sum((p.amount for r in data.recommendations for p in r.payments.all()), start=0):,.2f}",
        ),
    ]
    if data.hidden_complaints:
        notes.append(
            f"{data.hidden_complaints} linked complaint{'s are' if data.hidden_complaints != 1 else ' is'} restricted "
            "and not shown: ask someone named on it to add it."
        )
    period_text = (
        f"Final decision {_d(case.final_decision_on)}: {case.get_outcome_display().lower()}"
        if case.final_decision_on
        else "No final decision yet"
    )
    return CommitteeCaseReport(
        facts=facts,
        summary=redact(case.summary, hide),
        notes=notes,
        tables=[chronology, stages, steps, recs, payments, duties, committees],
        period_text=period_text,
        hidden_complaints=data.hidden_complaints,
    )
