"""Demo data for reports: a learning register and the LGSCO's published figures (for `make run`).

Runs after the complaints and Ombudsman demo data (`load_demo_data`, `load_ombudsman_demo_data`)
and writes through `reports.services`, as a manager would. Learning items come from upheld or
partly upheld complaints and from upheld Ombudsman decisions, the source case 20 008 832
included; most are done, some are open (one overdue) and one was dropped. The LGSCO's published
figures are the council's own for each year with decisions, except the latest such year, where
the LGSCO's count of decisions is 2 higher, so the Ombudsman report shows what a disagreement
looks like. The same data and today give the same result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from complaints.models import ComplaintStage, Outcome
from ombudsman_cases.models import UPHELD_OUTCOMES, OmbudsmanCase
from reports import rules, selectors, services
from reports.models import LearningItem, LearningTheme, LgscoPublishedFigures

SOURCE_REFERENCE = "20 008 832"
LGSCO_STATISTICS = "https://www.lgo.org.uk/your-councils-performance"

# (theme, improvement) for complaints, in turn; no names, as the register is published.
COMPLAINT_LEARNING = [
    (LearningTheme.COMMUNICATION, "Send a written update every 10 working days while a request is open."),
    (LearningTheme.DELAY, "Add a weekly check of cases waiting more than 20 working days to the team meeting."),
    (LearningTheme.RECORD_KEEPING, "Record every phone call about an open case in the case file on the same day."),
    (LearningTheme.POLICY_NOT_FOLLOWED, "Remind staff of the visiting policy and add it to the induction checklist."),
    (LearningTheme.ASSESSMENT, "Review the assessment form so carers' views are recorded before a decision."),
    (LearningTheme.COMPLAINT_HANDLING, "Acknowledge complaints made by phone in writing within 5 working days."),
    (LearningTheme.COMMUNICATION, "Publish the expected timescales on the service's web pages."),
    (LearningTheme.OTHER, "Agree a named contact for families during a change of placement."),
]
SOURCE_LEARNING = [
    (
        LearningTheme.COMPLAINT_HANDLING,
        "Never remove or suspend a stage of the complaints procedure without telling complainants they can go "
        "to the Ombudsman straight away.",
        "admin",
    ),
    (
        LearningTheme.ASSESSMENT,
        "Plan and monitor phase transfers for young people with EHC Plans so placements are named by 31 March.",
        "manager",
    ),
]
CASE_LEARNING = [
    (LearningTheme.DELAY, "Track EHC needs assessments against the 20-week limit on the team dashboard."),
    (LearningTheme.POLICY_NOT_FOLLOWED, "Brief officers on the charging policy and check a sample of decisions."),
    (LearningTheme.COMMUNICATION, "Write to residents with the outcome of every review within 10 working days."),
]


class DemoSetupError(Exception):
    """Something the reports demo needs is missing (the demo users)."""


@dataclass
class LoadResult:
    loaded: bool
    items: int = 0
    done: int = 0
    open: int = 0
    dropped: int = 0
    years: int = 0

    def summary(self) -> str:
        if not self.loaded:
            return "Reports demo data already loaded"
        return (
            f"Loaded {self.items} learning items ({self.done} done, {self.open} open, {self.dropped} dropped) and "
            f"the LGSCO's published figures for {self.years} year{'s' if self.years != 1 else ''}."
        )


def demo_data_loaded() -> bool:
    return LearningItem.objects.exists() or LgscoPublishedFigures.objects.exists()


def load_demo_data(*, today: dt.date, complaints: int = 8, cases: int = 3) -> LoadResult:
    if demo_data_loaded():
        return LoadResult(loaded=False)
    users = {u.username: u for u in User.objects.filter(username__in=["manager", "admin"])}
    if len(users) != 2:
        raise DemoSetupError("The demo users are missing. Run `python manage.py seed_demo` first.")
    with transaction.atomic():
        result = LoadResult(loaded=True)
        _learning(today=today, users=users, complaints=complaints, cases=cases, result=result)
        result.years = _published_figures(today=today, admin=users["admin"])
    return result


def _complete(item, *, on: dt.date, today: dt.date, by, result: LoadResult) -> None:
    services.learning_complete(by=by, item=item, completed_on=min(on, today), today=today)
    result.done += 1


def _learning(*, today: dt.date, users, complaints: int, cases: int, result: LoadResult) -> None:
    manager = users["manager"]
    source = OmbudsmanCase.objects.filter(reference=SOURCE_REFERENCE).prefetch_related("complaints").first()
    if source is not None:
        complaint = source.complaints.first()
        for theme, text, owner in SOURCE_LEARNING:
            item = services.learning_add(
                by=manager,
                today=today,
                theme=theme,
                improvement=text,
                service_area=source.service_area,
                owner=users[owner],
                due_on=dt.date(2022, 5, 13),
                complaint=complaint,
                ombudsman_case=source,
            )
            result.items += 1
            _complete(item, on=dt.date(2022, 5, 13), today=today, by=manager, result=result)

    stages = list(
        ComplaintStage.objects.filter(
            outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD],
            responded_on__isnull=False,
            complaint__is_restricted=False,
        )
        .select_related("complaint__service_area", "handler")
        .order_by("responded_on", "id")
    )
    step = max(1, len(stages) // max(1, complaints))
    chosen = stages[::step][:complaints]
    for n, stage in enumerate(chosen):
        theme, text = COMPLAINT_LEARNING[n % len(COMPLAINT_LEARNING)]
        due = stage.responded_on + dt.timedelta(days=30 + 15 * (n % 4))
        item = services.learning_add(
            by=manager,
            today=today,
            theme=theme,
            improvement=text,
            service_area=stage.complaint.service_area,
            owner=stage.handler,
            due_on=due,
            complaint=stage.complaint,
        )
        result.items += 1
        if n == len(chosen) - 1 and due > today:
            result.open += 1  # the latest stays open, not yet due
        elif n == len(chosen) - 2:
            result.open += 1  # left open: overdue if its date has passed
        elif n == 2:
            services.learning_drop(
                by=manager,
                item=item,
                dropped_on=min(today, stage.responded_on + dt.timedelta(days=14)),
                reason="The service was recommissioned and the new provider's contract already requires this.",
                today=today,
            )
            result.dropped += 1
        else:
            _complete(item, on=due - dt.timedelta(days=n % 3 * 5), today=today, by=manager, result=result)

    decided = list(
        OmbudsmanCase.objects.filter(outcome__in=UPHELD_OUTCOMES, final_decision_on__isnull=False)
        .exclude(reference=SOURCE_REFERENCE)
        .order_by("final_decision_on", "id")[:cases]
    )
    for n, case in enumerate(decided):
        theme, text = CASE_LEARNING[n % len(CASE_LEARNING)]
        due = case.final_decision_on + dt.timedelta(days=90)
        item = services.learning_add(
            by=manager,
            today=today,
            theme=theme,
            improvement=text,
            service_area=case.service_area,
            owner=case.link_officer,
            due_on=due,
            ombudsman_case=case,
        )
        result.items += 1
        if due <= today and n % 2 == 0:
            _complete(item, on=due, today=today, by=manager, result=result)
        else:
            result.open += 1


def _published_figures(*, today: dt.date, admin) -> int:
    """The LGSCO's figures for every year with decisions: ours, with one deliberate difference."""
    years = sorted(
        {
            rules.financial_year_containing(day).start.year
            for day in OmbudsmanCase.objects.filter(final_decision_on__isnull=False).values_list(
                "final_decision_on", flat=True
            )
            if rules.financial_year_containing(day).end < today
        }
    )
    for year in years:
        ours = selectors.ombudsman_figures(user=admin, year=rules.financial_year(year))
        services.lgsco_figures_save(
            by=admin,
            year_start=year,
            decisions=ours.decisions + (2 if year == years[-1] else 0),
            investigated=ours.investigated,
            upheld=ours.upheld,
            uphold_rate=rules.whole_percent(ours.uphold_rate),
            satisfactory_remedy_rate=rules.whole_percent(ours.satisfactory_remedy_rate),
            compliance_rate=rules.whole_percent(ours.compliance_rate),
            public_interest_reports=ours.reports,
            source_url=LGSCO_STATISTICS,
        )
    return len(years)
