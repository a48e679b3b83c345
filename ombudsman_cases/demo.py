"""Demo LGSCO cases for `make run`: the source case of DOMAIN.md §0 and a few dozen more, in every state.

Everything is written through `ombudsman_cases.services`, as a person using the forms would, in
the order things happen, with dates worked out from `today` so that what is left open, overdue or
due soon is exactly what the dates say. The same seed and today give the same cases.

The source case is LGSCO 20 008 832 (a public interest report about a young person's missed
transfer to post-16 education while the council's Stage 2 was suspended). Its facts come from
DOMAIN.md §0 and shared/seed/cabinet-minute.txt; where those sources are silent the dates are
invented but plausible, and each such choice is marked below. Pseudonyms only: the parent is
"Ms B" and the young person "Ms M", as the LGSCO's decision names them.

The other cases are invented. People in summaries and recommendations are pseudonyms in the
LGSCO's style ("Mrs X"); staff names are invented and the extra staff cannot sign in (unusable
passwords).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Sum

from accounts.management.commands.seed_demo import (
    ADULT_SOCIAL_CARE,
    CHILDRENS_SOCIAL_CARE,
    HOUSING,
    SEND,
)
from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea, User
from calendars.rules import add_calendar_months, is_working_day
from calendars.selectors import default_calendar, non_working_days, years_without_bank_holidays
from calendars.services import load_bank_holidays
from complaints.models import Category, Complaint
from ombudsman_cases import selectors, services
from ombudsman_cases.models import (
    CaseStatus,
    OmbudsmanCase,
    Outcome,
    Payment,
    PaymentMethod,
    PublicInterestReport,
    Recommendation,
    RecommendationKind,
    RemedyType,
    ReportOutcome,
)
from reminders.models import Obligation

DEMO_USERNAMES = ("caseworker", "caseworker2", "manager", "admin")
HIGHWAYS = "Highways"
WASTE = "Waste and Recycling"
TAX = "Council Tax and Benefits"
PLANNING = "Planning"

ONE_DAY = dt.timedelta(days=1)


class DemoSetupError(Exception):
    """Something the demo cases need is missing (e.g. the demo users)."""


# --- staff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    service_areas: tuple[str, ...]
    manager: str = ""


LINK_OFFICER = "nadia.rahman"

# The council's LGSCO Link Officer, and the colleagues who own recommendations. The colleagues
# are the same people (same usernames and details) as in complaints/demo.py, so whichever demo
# loader runs first creates them and the other finds them.
EXTRA_STAFF = [
    Staff(LINK_OFFICER, "Nadia", "Rahman", Role.COMPLAINTS_ADMIN, "LGSCO Link Officer", ()),
    Staff(
        "mark.jenkins",
        "Mark",
        "Jenkins",
        Role.MANAGER,
        "Head of customer relations",
        (HOUSING, HIGHWAYS, WASTE, TAX, PLANNING),
    ),
    Staff("jordan.smith", "Jordan", "Smith", Role.CASEWORKER, "SEND casework officer", (SEND,), "manager"),
    Staff("aisha.khan", "Aisha", "Khan", Role.CASEWORKER, "SEND complaints lead (Stage 2)", (SEND,), "manager"),
    Staff(
        "ellie.wright",
        "Ellie",
        "Wright",
        Role.CASEWORKER,
        "Children's complaints officer",
        (CHILDRENS_SOCIAL_CARE,),
        "manager",
    ),
    Staff(
        "daniel.hughes",
        "Daniel",
        "Hughes",
        Role.CASEWORKER,
        "Investigating officer (Stage 2)",
        (CHILDRENS_SOCIAL_CARE,),
        "manager",
    ),
    Staff(
        "priya.shah",
        "Priya",
        "Shah",
        Role.CASEWORKER,
        "Adult social care complaints officer",
        (ADULT_SOCIAL_CARE,),
        "manager",
    ),
    Staff("tom.evans", "Tom", "Evans", Role.CASEWORKER, "Housing complaints officer", (HOUSING,), "mark.jenkins"),
    Staff(
        "grace.okafor",
        "Grace",
        "Okafor",
        Role.CASEWORKER,
        "Housing complaints lead (Stage 2)",
        (HOUSING,),
        "mark.jenkins",
    ),
    Staff(
        "liam.murphy",
        "Liam",
        "Murphy",
        Role.CASEWORKER,
        "Highways customer relations officer",
        (HIGHWAYS,),
        "mark.jenkins",
    ),
    Staff(
        "chloe.baker", "Chloe", "Baker", Role.CASEWORKER, "Waste services complaints officer", (WASTE,), "mark.jenkins"
    ),
    Staff(
        "ryan.cooper",
        "Ryan",
        "Cooper",
        Role.CASEWORKER,
        "Revenues and benefits complaints officer",
        (TAX,),
        "mark.jenkins",
    ),
    Staff("megan.ward", "Megan", "Ward", Role.CASEWORKER, "Planning complaints officer", (PLANNING,), "mark.jenkins"),
    Staff(
        "helen.price",
        "Helen",
        "Price",
        Role.CASEWORKER,
        "Corporate complaints officer (Stage 2)",
        (HIGHWAYS, WASTE, TAX, PLANNING, HOUSING),
        "mark.jenkins",
    ),
]


# --- what the cases are about -----------------------------------------------------------------


@dataclass(frozen=True)
class Rec:
    """A recommendation as a decision words it. `who`: "p" (the complainant), "q" (the person
    affected) or "" (a service improvement). Due: within `within` calendar months, or working
    days when `basis` is "working_days", of the final decision."""

    kind: str
    wording: str
    amount: int | float | None = None
    who: str = "p"
    within: int = 1
    basis: str = "months"
    evidence: str = ""

    @property
    def remedy_type(self) -> str:
        return RemedyType.PERSONAL if self.who else RemedyType.SERVICE_IMPROVEMENT


@dataclass(frozen=True)
class Topic:
    category: str
    summary: str  # {p}: the complainant's pseudonym; {q}: the person affected
    recs: tuple[Rec, ...]
    p_title: str = "Mrs"
    q_title: str = "Ms"
    restricted: bool = False


K = RecommendationKind
APOLOGY_EVIDENCE = "A copy of the apology letter"
PAYMENT_EVIDENCE = "Proof of payment (remittance or finance system reference)"

TOPICS: dict[str, tuple[Topic, ...]] = {
    SEND: (
        Topic(
            "Education > Special educational needs",
            "{p} complains the council took 38 weeks to issue her son {q}'s Education, Health and Care Plan, well "
            "beyond the 20-week limit, and did not arrange the speech and language therapy the plan specifies.",
            (
                Rec(
                    K.APOLOGY,
                    "Apologise to {p} for the delay in issuing {q}'s EHC Plan and for the therapy he missed.",
                    evidence=APOLOGY_EVIDENCE,
                ),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £750 to be used for {q}'s educational benefit, for the therapy he missed over two terms.",
                    750,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £300 for the distress and uncertainty the delay caused.",
                    300,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review its EHC needs assessment process and tell the Ombudsman how it "
                    "will make sure plans are issued within 20 weeks.",
                    who="",
                    within=3,
                    evidence="The review and its action plan with dates",
                ),
                Rec(
                    K.STAFF_TRAINING,
                    "Remind SEN casework officers of the statutory timescales and of the duty to "
                    "secure the provision in section F of a plan.",
                    who="",
                    within=3,
                    evidence="A copy of the briefing and the list of officers who received it",
                ),
            ),
            p_title="Mrs",
            q_title="Mr",
        ),
        Topic(
            "Education > School transport",
            "{p} complains the council refused free home-to-school transport for his daughter {q} without "
            "considering her special educational needs, and did not tell him how to appeal.",
            (
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Reconsider {p}'s application for transport for {q}, taking account of "
                    "her special educational needs, and send him a decision with his appeal rights.",
                    who="p",
                    within=20,
                    basis="working_days",
                    evidence="The new decision letter",
                ),
                Rec(
                    K.FINANCIAL_LOSS,
                    "Repay {p} the mileage he incurred taking {q} to school from September, on "
                    "receipt of his evidence.",
                    412.80,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £150 for his time and trouble.", 150, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review its school transport decision letters so they explain the two-stage appeal process.",
                    who="",
                    within=3,
                    evidence="A copy of the revised letter template",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
        ),
    ),
    CHILDRENS_SOCIAL_CARE: (
        Topic(
            "Children's care services > Disabled children",
            "{p} complains the council reduced the short breaks for her disabled son {q} without reassessing his "
            "needs, and took five months to answer her complaint.",
            (
                Rec(
                    K.APOLOGY,
                    "Apologise to {p} for reducing {q}'s short breaks without an assessment.",
                    evidence=APOLOGY_EVIDENCE,
                ),
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Complete a new assessment of {q}'s needs and share it with {p}.",
                    who="q",
                    evidence="The completed assessment and the letter sending it",
                ),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £500 for the short breaks the family lost.",
                    500,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.WRITE_TO_OTHERS,
                    "Identify other families whose short breaks were reduced without a "
                    "reassessment since April and offer each a new assessment.",
                    who="",
                    within=3,
                    evidence="The number of families identified and a copy of the letter sent",
                ),
            ),
            p_title="Mrs",
            q_title="Mr",
        ),
        Topic(
            "Children's care services > Looked after children",
            "{p}, a care leaver, complains the council did not pay her setting-up-home allowance when she moved "
            "into her first tenancy and did not update her pathway plan for a year.",
            (
                Rec(
                    K.FINANCIAL_LOSS,
                    "Pay {p} the setting-up-home allowance she should have received.",
                    2000,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £300 for the distress caused.", 300, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Review and update {p}'s pathway plan with her.",
                    evidence="The updated pathway plan",
                ),
                Rec(
                    K.STAFF_TRAINING,
                    "Remind personal advisers of the setting-up-home allowance and how to claim it.",
                    who="",
                    within=3,
                    evidence="A copy of the reminder and the team meeting note",
                ),
            ),
            p_title="Ms",
            q_title="Ms",
        ),
        Topic(
            "Children's care services > Child protection",
            "{p} complains the council did not share its child protection enquiry report with him and refused to "
            "consider his complaint under the statutory children's complaints procedure.",
            (
                Rec(
                    K.APOLOGY,
                    "Apologise to {p} for not considering his complaint under the statutory procedure.",
                    evidence=APOLOGY_EVIDENCE,
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £200 for his time and trouble.", 200, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review how it decides which complaints procedure applies, so statutory "
                    "children's complaints are not handled under the corporate procedure.",
                    who="",
                    within=3,
                    evidence="The revised guidance for officers",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
            restricted=True,
        ),
    ),
    ADULT_SOCIAL_CARE: (
        Topic(
            "Adult care services > Charging",
            "{p} complains the council charged her late mother, {q}, for care at home without a financial "
            "assessment, then passed the bill to a debt collector.",
            (
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Complete a financial assessment and recalculate the charges for {q}'s care.",
                    who="q",
                    evidence="The assessment and the revised invoice",
                ),
                Rec(
                    K.FINANCIAL_LOSS,
                    "Refund {p} the charges paid above the assessed amount.",
                    1284.60,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £250 for the distress caused by the debt recovery.",
                    250,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review its charging procedure so no debt is passed for recovery before a "
                    "financial assessment is complete.",
                    who="",
                    within=3,
                    evidence="The revised procedure",
                ),
            ),
            p_title="Mrs",
            q_title="Mrs",
        ),
        Topic(
            "Adult care services > Assessment and care plan",
            "{p} complains the council took seven months to assess his care needs after a hospital discharge and "
            "arranged no support in the meantime.",
            (
                Rec(K.APOLOGY, "Apologise to {p} for the delay in assessing his needs.", evidence=APOLOGY_EVIDENCE),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £750 for the seven months without support.",
                    750,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.STAFF_TRAINING,
                    "Remind hospital discharge social workers to arrange interim support while an "
                    "assessment is outstanding.",
                    who="",
                    within=3,
                    evidence="A copy of the reminder",
                ),
            ),
            p_title="Mr",
            q_title="Mr",
        ),
        Topic(
            "Adult care services > Residential care",
            "{p} complains that her father, {q}, missed medication for several weeks at a care home the council "
            "commissioned, and that the council did not investigate her concerns.",
            (
                Rec(
                    K.APOLOGY,
                    "Apologise to {p} for the missed medication and the failure to investigate.",
                    evidence=APOLOGY_EVIDENCE,
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £500 for the distress caused.", 500, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Ask the care provider to audit its medication records and share the results with the Ombudsman.",
                    who="",
                    within=3,
                    evidence="The audit report",
                ),
            ),
            p_title="Ms",
            q_title="Mr",
        ),
    ),
    HOUSING: (
        Topic(
            "Housing > Homelessness",
            "{p} complains the council placed her and her two children in bed and breakfast for 11 weeks, beyond "
            "the six-week limit, and did not review the suitability of the placement.",
            (
                Rec(
                    K.APOLOGY,
                    "Apologise to {p} for the time the family spent in bed and breakfast.",
                    evidence=APOLOGY_EVIDENCE,
                ),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £150 for each week beyond six the family spent in bed and breakfast (£750).",
                    750,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review its procedure for moving families out of bed and breakfast within six weeks.",
                    who="",
                    within=3,
                    evidence="The revised procedure and monitoring report",
                ),
            ),
            p_title="Ms",
            q_title="Ms",
        ),
        Topic(
            "Housing > Homelessness",
            "{p} complains the council did not decide his request for a review of its homelessness decision.",
            (
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Decide {p}'s review request and send him the decision.",
                    within=20,
                    basis="working_days",
                    evidence="The review decision letter",
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £300 for the uncertainty caused.", 300, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.STAFF_TRAINING,
                    "Remind housing options officers of the 56-day time limit for review decisions.",
                    who="",
                    within=3,
                    evidence="A copy of the reminder",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
        ),
    ),
    HIGHWAYS: (
        Topic(
            "Highways and transport > Highway repair and maintenance",
            "{p} complains the council rejected his claim for a damaged tyre without checking its own inspection "
            "records for the pothole.",
            (
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Reconsider {p}'s claim against the inspection records.",
                    within=20,
                    basis="working_days",
                    evidence="The new decision on the claim",
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £100 for his time and trouble.", 100, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Review how claims handlers obtain inspection records before deciding claims.",
                    who="",
                    within=3,
                    evidence="The revised claims procedure",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
        ),
    ),
    WASTE: (
        Topic(
            "Environmental services > Refuse and recycling",
            "{p}, who has an assisted bin collection, complains her bins were missed repeatedly over eight months.",
            (
                Rec(K.APOLOGY, "Apologise to {p} for the missed assisted collections.", evidence=APOLOGY_EVIDENCE),
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £200 for the distress and inconvenience.",
                    200,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Set up monitoring of assisted collections so repeated misses are escalated.",
                    who="",
                    within=3,
                    evidence="The monitoring report for the first month",
                ),
            ),
            p_title="Mrs",
            q_title="Ms",
        ),
    ),
    TAX: (
        Topic(
            "Benefits and tax > Council tax",
            "{p} complains the council took council tax recovery action while his claim for council tax reduction "
            "was still undecided.",
            (
                Rec(
                    K.FINANCIAL_LOSS,
                    "Cancel the summons costs and refund the £85.50 {p} paid.",
                    85.50,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £150 for the distress caused.", 150, evidence=PAYMENT_EVIDENCE),
                Rec(
                    K.STAFF_TRAINING,
                    "Remind recovery officers to check for undecided reduction claims before taking recovery action.",
                    who="",
                    within=3,
                    evidence="A copy of the reminder",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
        ),
        Topic(
            "Benefits and tax > Housing benefit",
            "{p} complains the council took ten months to decide her request to backdate housing benefit.",
            (
                Rec(
                    K.CORRECTIVE_ACTION,
                    "Decide {p}'s backdating request.",
                    within=20,
                    basis="working_days",
                    evidence="The decision notice",
                ),
                Rec(K.SYMBOLIC_PAYMENT, "Pay {p} £200 for the uncertainty caused.", 200, evidence=PAYMENT_EVIDENCE),
            ),
            p_title="Ms",
            q_title="Ms",
        ),
    ),
    PLANNING: (
        Topic(
            "Planning and development > Planning applications",
            "{p} complains the council did not consider the loss of privacy to his home when it approved his "
            "neighbour's extension.",
            (
                Rec(
                    K.SYMBOLIC_PAYMENT,
                    "Pay {p} £300 for the loss of privacy the council cannot now put right.",
                    300,
                    evidence=PAYMENT_EVIDENCE,
                ),
                Rec(
                    K.PROCEDURE_REVIEW,
                    "Change its officer report template so residential amenity is assessed "
                    "and recorded for every householder application.",
                    who="",
                    within=3,
                    evidence="The revised template",
                ),
            ),
            p_title="Mr",
            q_title="Ms",
        ),
    ),
}

# Share of the random cases, the manager who approves payments and extensions, who owns personal
# remedies and who owns service improvements in each area. The demo caseworker owns many personal
# remedies in SEND and Children's Social Care, the demo manager's areas.
AREAS: dict[str, tuple[int, str, tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]] = {
    SEND: (16, "manager", (("caseworker", 5), ("jordan.smith", 3)), (("aisha.khan", 2), ("manager", 1))),
    CHILDRENS_SOCIAL_CARE: (
        14,
        "manager",
        (("caseworker", 5), ("ellie.wright", 3)),
        (("daniel.hughes", 2), ("manager", 1)),
    ),
    ADULT_SOCIAL_CARE: (14, "manager", (("caseworker2", 4), ("priya.shah", 4)), (("priya.shah", 1), ("manager", 1))),
    HOUSING: (12, "mark.jenkins", (("caseworker2", 3), ("tom.evans", 4)), (("grace.okafor", 1),)),
    HIGHWAYS: (8, "mark.jenkins", (("liam.murphy", 1),), (("helen.price", 1),)),
    WASTE: (5, "mark.jenkins", (("chloe.baker", 1),), (("helen.price", 1),)),
    TAX: (8, "mark.jenkins", (("ryan.cooper", 1),), (("helen.price", 1),)),
    PLANNING: (6, "mark.jenkins", (("megan.ward", 1),), (("helen.price", 1),)),
}

LETTERS = "ABCDEFGHJKLMNPRSTWXY"
# Cases closed without an investigation: (outcome, why).
NOT_INVESTIGATED = {
    Outcome.PREMATURE: "The Ombudsman referred the complaint back: the council's procedure had not finished.",
    Outcome.OUT_OF_JURISDICTION: "The Ombudsman could not investigate: the complainant had a right of appeal to a "
    "tribunal.",
    Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES: "The Ombudsman closed the complaint after its initial enquiries.",
}


def pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


# --- plans --------------------------------------------------------------------------------------


@dataclass
class RecPlan:
    rec: Rec
    owner: str
    fate: str = "open"  # open | on_time | late | unsent | extended | extended_done


@dataclass
class CasePlan:
    key: str
    kind: str
    area: str
    topic: Topic
    received_on: dt.date
    enquiry: tuple[dt.date, dt.date, dt.date | None] | None = None  # received, reply due, sent
    draft: tuple[dt.date, dt.date, dt.date | None] | None = None  # received, comments due, sent
    final_on: dt.date | None = None
    outcome: str = ""
    recs: list[RecPlan] = field(default_factory=list)
    closed: bool = False
    report: bool = False


@dataclass
class LoadResult:
    loaded: bool
    cases: int = 0
    by_status: dict = field(default_factory=dict)
    outcomes: int = 0
    recommendations: int = 0
    recs_overdue: int = 0
    recs_due_soon: int = 0
    recs_on_time: int = 0
    recs_late: int = 0
    extensions: int = 0
    payments: int = 0
    paid: Decimal = Decimal(0)
    reports: int = 0
    overdue_obligations: int = 0
    manager_rows: int = 0
    manager_overdue: int = 0
    caseworker_open: int = 0
    caseworker_overdue: int = 0
    source_complaint: str = ""

    def summary(self) -> str:
        if not self.loaded:
            return "Ombudsman demo data already loaded"
        statuses = ", ".join(f"{n} {s}" for s, n in self.by_status.items())
        return (
            f"Loaded {self.cases} LGSCO demo cases ({statuses}; {self.outcomes} outcomes); "
            f"{self.recommendations} recommendations ({self.recs_overdue} overdue, {self.recs_due_soon} due in 30 days, "
            f"{self.recs_on_time} done on time, {self.recs_late} late, {self.extensions} extended); "
            f"{self.payments} payments (£{self.paid:,.2f}); {self.reports} public interest reports; "
            f"{self.overdue_obligations} obligations overdue; source case 20 008 832 "
            f"{'linked to complaint ' + self.source_complaint if self.source_complaint else 'not linked to a complaint'}; "
            f"manager's overdue view: {self.manager_rows} items ({self.manager_overdue} overdue); caseworker owns "
            f"{self.caseworker_open} open recommendations ({self.caseworker_overdue} overdue)."
        )


# --- the source case (DOMAIN.md §0) -----------------------------------------------------------

SOURCE_REFERENCE = "20 008 832"
SOURCE_CATEGORY = "Education > Special educational needs"
SOURCE_FINAL_DECISION = dt.date(2022, 2, 4)
# The last dated step of the source case: the letter of satisfaction and closing (invented date).
SOURCE_CLOSED_ON = dt.date(2022, 8, 23)

SOURCE_SUMMARY = (
    "Ms B complains that the council failed to arrange her daughter Ms M's transfer to post-16 education under "
    "her Education, Health and Care Plan from September 2019, so that Ms M had no education or special "
    "educational needs support, and the family stopped receiving tax credits. The council also refused to take "
    "her complaint to Stage 2, because it had removed Stage 2 of its procedure in its emergency response to the "
    "pandemic. The Ombudsman issued a public interest report."
)
# (kind, wording, amount, beneficiary, payment date): the remedies for the family, all due within
# one month of the final decision (4 March 2022) and done within it (Devon minute: "all
# recommendations which had a direct impact on the family were completed within one month").
# The retrieved copy of the decision does not say who receives the two £200 payments; they are
# given to Ms B here, the parent who lost the tax credits and the chance to appeal.
SOURCE_FAMILY_REMEDIES = [
    (K.APOLOGY, "Apologise to Ms B and Ms M for the failings the report identifies.", None, "", None),
    (
        K.SYMBOLIC_PAYMENT,
        "Pay Ms M £3,000 to recognise that she received no education or special educational "
        "needs support from September 2019 to February 2020.",
        3000,
        "Ms M",
        dt.date(2022, 2, 18),
    ),
    (
        K.SYMBOLIC_PAYMENT,
        "Pay Ms M £1,000 for the distress, frustration and uncertainty caused.",
        1000,
        "Ms M",
        dt.date(2022, 2, 18),
    ),
    (
        K.SYMBOLIC_PAYMENT,
        "Pay Ms B £500 for her time and trouble in pursuing the complaint.",
        500,
        "Ms B",
        dt.date(2022, 2, 18),
    ),
    (
        K.SYMBOLIC_PAYMENT,
        "Pay Ms B £100 for the council's refusal to complete its complaints procedure.",
        100,
        "Ms B",
        dt.date(2022, 2, 18),
    ),
    (
        K.SYMBOLIC_PAYMENT,
        "Pay £200 for the financial worry caused by the loss of tax credits.",
        200,
        "Ms B",
        dt.date(2022, 2, 18),
    ),
    (K.SYMBOLIC_PAYMENT, "Pay £200 for the lost opportunity to appeal.", 200, "Ms B", dt.date(2022, 2, 18)),
    (
        K.FINANCIAL_LOSS,
        "Pay Ms B the equivalent of the tax credits she lost while Ms M was out of education, on "
        "receipt of evidence of the amount.",
        None,
        "Ms B",
        dt.date(2022, 3, 1),
    ),
]
# The tax credits repaid: the real figure is not public, this one is invented for the demo.
SOURCE_TAX_CREDITS = Decimal("1873.40")
# Service improvements, due within three months (4 May 2022). The council's response to them went
# to the Ombudsman on 13 May 2022 (Devon minute).
SOURCE_IMPROVEMENTS = [
    (
        K.PROCEDURE_REVIEW,
        "Review its complaints procedure so that no stage is removed or suspended without "
        "telling complainants they can go to the Ombudsman straight away.",
        "admin",
        "The revised complaints procedure",
    ),
    (
        K.STAFF_TRAINING,
        "Provide training to SEN officers on complaint handling and on the council's duties when a "
        "young person transfers between phases of education.",
        "aisha.khan",
        "The training materials and attendance record",
    ),
    (
        K.PROCEDURE_REVIEW,
        "Review how it plans and monitors phase transfers for young people with EHC Plans, "
        "including the transfer to post-16 education, so placements are named in time.",
        "manager",
        "The review and its action plan",
    ),
]
# Invented: the Link Officer asked for more time for the response on 26 April 2022 and the
# Ombudsman agreed in writing on 28 April 2022 (see the report below).
SOURCE_EXTENSION_AGREED = dt.date(2022, 4, 28)
SOURCE_EXTENSION_LETTER = "LGSCO email of 28 April 2022 agreeing a longer period, to 13 May 2022"
SOURCE_RESPONSE_SENT = dt.date(2022, 5, 13)
SOURCE_COMMITTEES = [
    (
        "Children's Scrutiny Committee",
        dt.date(2022, 3, 15),
        "The Committee considered the Ombudsman's public interest report and noted the actions taken so far. "
        "(A previous public interest report had gone to the Health and Adult Social Care Scrutiny Committee, so "
        "this one was presented to the Children's Scrutiny Committee.)",
    ),
    (
        "Council",
        dt.date(2022, 5, 26),
        "Following a discussion, the Cabinet Member for Children's Services and Schools agreed that the public "
        "interest report be presented to a future Cabinet meeting, with the additional findings of the new "
        "Interim SEN Strategic Director.",
    ),
    # The Cabinet minute (shared/seed/cabinet-minute.txt) does not give the meeting date, only that it
    # came after Council on 26 May 2022 and after a reassessment planned for 6 July 2022; 13 July 2022
    # is an assumption.
    ("Cabinet", dt.date(2022, 7, 13), "RESOLVED that the Report and actions to date be noted."),
]


# --- the loader ---------------------------------------------------------------------------------


def demo_data_loaded() -> bool:
    return OmbudsmanCase.objects.filter(reference=SOURCE_REFERENCE).exists()


def load_demo_data(*, cases: int = 40, seed: int = 2026, today: dt.date) -> LoadResult:
    """Load the demo cases once: a second call adds nothing (the source case's reference marks it)."""
    if today < SOURCE_CLOSED_ON:
        raise DemoSetupError(f"--today must be {SOURCE_CLOSED_ON:%d %B %Y} or later: the source case ends then.")
    if demo_data_loaded():
        return LoadResult(loaded=False)
    with transaction.atomic():
        if demo_data_loaded():
            return LoadResult(loaded=False)
        first_id = OmbudsmanCase.objects.order_by("-id").values_list("id", flat=True).first() or 0
        loader = _Loader(seed=seed, today=today)
        loader.run(cases)
    return _result(first_id=first_id, today=today, source_complaint=loader.source_complaint)


def _result(*, first_id: int, today: dt.date, source_complaint: str) -> LoadResult:
    demo = OmbudsmanCase.objects.filter(id__gt=first_id)
    by_status = Counter(demo.values_list("status", flat=True))
    recs = Recommendation.objects.filter(case__in=demo)
    horizon = today + dt.timedelta(days=selectors.OVERDUE_WINDOW_DAYS)
    open_recs = recs.filter(evidence_sent_on__isnull=True)
    payments = Payment.objects.filter(recommendation__in=recs)
    manager, caseworker = User.objects.get(username="manager"), User.objects.get(username="caseworker")
    rows, _ = selectors.overdue_items(user=manager, today=today)
    return LoadResult(
        loaded=True,
        cases=demo.count(),
        by_status={s.label.lower(): by_status.get(s.value, 0) for s in CaseStatus},
        outcomes=len(set(demo.exclude(outcome="").values_list("outcome", flat=True))),
        recommendations=recs.count(),
        recs_overdue=open_recs.filter(due_on__lt=today).count(),
        recs_due_soon=open_recs.filter(due_on__gte=today, due_on__lte=horizon).count(),
        recs_on_time=recs.filter(completed_on__isnull=False, is_late=False).count(),
        recs_late=recs.filter(is_late=True).count(),
        extensions=recs.filter(extensions__isnull=False).distinct().count(),
        payments=payments.count(),
        paid=payments.aggregate(total=Sum("amount"))["total"] or Decimal(0),
        reports=PublicInterestReport.objects.filter(case__in=demo).count(),
        overdue_obligations=Obligation.objects.filter(
            ombudsman_case__in=demo, done_on__isnull=True, due_on__lt=today
        ).count(),
        manager_rows=len(rows),
        manager_overdue=sum(1 for r in rows if r.due_on < today),
        caseworker_open=open_recs.filter(owner=caseworker).count(),
        caseworker_overdue=open_recs.filter(owner=caseworker, due_on__lt=today).count(),
        source_complaint=source_complaint,
    )


class _Loader:
    def __init__(self, *, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self._ensure_bank_holidays()
        self.non_working = non_working_days(
            calendar=default_calendar(), start=dt.date(2019, 1, 1), end=dt.date(today.year + 3, 12, 31)
        )
        self.areas = self._service_areas()
        self.users = self._staff()
        self.link = self.users[LINK_OFFICER]
        names = {t.category for topics in TOPICS.values() for t in topics} | {SOURCE_CATEGORY}
        self.categories = {name: Category.objects.get_or_create(name=name)[0] for name in names}
        self.references = set(OmbudsmanCase.objects.values_list("reference", flat=True))
        self.source_complaint = ""
        self.payment_number = 0

    # setup ----------------------------------------------------------------------------------

    def _ensure_bank_holidays(self):
        years = range(2019, self.today.year + 3)
        missing = years_without_bank_holidays(calendar=default_calendar(), years=years)
        if missing:
            load_bank_holidays(years=missing)

    def _service_areas(self) -> dict[str, ServiceArea]:
        areas = {a.name: a for a in ServiceArea.objects.filter(name__in=list(AREAS))}
        missing = [name for name in AREAS if name not in areas]
        if missing:
            raise DemoSetupError(
                f"Service areas missing ({', '.join(missing)}). Run `python manage.py seed_demo` first."
            )
        return areas

    def _staff(self) -> dict[str, User]:
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        missing = [name for name in DEMO_USERNAMES if name not in users]
        if missing:
            raise DemoSetupError(
                f"The demo users are missing ({', '.join(missing)}). Run `python manage.py seed_demo` first."
            )
        groups = {role: Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUP_NAMES.items()}
        for spec in EXTRA_STAFF:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "job_title": spec.job_title,
                    "email": f"{spec.username}@example.gov.uk",
                    "manager": users.get(spec.manager),
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(groups[spec.role])
                user.service_areas.add(*[self.areas[name] for name in spec.service_areas])
            users[spec.username] = user
        return users

    # dates ------------------------------------------------------------------------------------

    def days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))

    def before(self, day: dt.date) -> dt.date:
        """The working day on or before day."""
        while not is_working_day(day, self.non_working):
            day -= ONE_DAY
        return day

    def after(self, day: dt.date) -> dt.date:
        """The working day on or after day."""
        while not is_working_day(day, self.non_working):
            day += ONE_DAY
        return day

    def past(self, day: dt.date, *, floor: dt.date | None = None) -> dt.date:
        """A working day on or before min(day, today), and not before floor."""
        day = self.before(min(day, self.today))
        return max(day, floor) if floor else day

    # the run ----------------------------------------------------------------------------------

    def run(self, count: int):
        self._source_case()
        plans = self._scripted()[: max(0, count - 1)]
        for index in range(count - 1 - len(plans)):
            plans.append(self._random_plan(index))
        plans.sort(key=lambda p: p.received_on)  # opened in the order the council heard of them
        for plan in plans:
            self._play(plan)

    # references --------------------------------------------------------------------------------

    def reference(self, lgsco_received: dt.date) -> str:
        """The LGSCO's style: two digits for the year (1 April to 31 March) it received the complaint."""
        year = lgsco_received.year if lgsco_received.month >= 4 else lgsco_received.year - 1
        while True:
            number = self.rng.randint(1, 21999)
            reference = f"{year % 100:02d} {number // 1000:03d} {number % 1000:03d}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    # building plans ---------------------------------------------------------------------------

    def _topic(self, area: str, index: int | None = None) -> Topic:
        topics = TOPICS[area]
        return topics[index % len(topics)] if index is not None else self.rng.choice(topics)

    def _owner(self, area: str, rec: Rec, override: str = "") -> str:
        if override:
            return override
        _, _, personal, improvement = AREAS[area]
        return pick(self.rng, personal if rec.who else improvement)

    def _investigation(self, *, final_on=None, draft_on=None, enquiry_on=None):
        """Enquiry and draft-decision steps that end before the given anchor (worked backwards)."""
        enquiry = draft = None
        if final_on:
            comments_due = self.before(final_on - self.days(14, 45))
            draft_on = self.before(comments_due - self.days(14, 21))
            comments_sent = max(draft_on, self.before(comments_due - self.days(0, 3)))
            draft = (draft_on, comments_due, comments_sent)
        if draft_on:
            reply_due = self.before(draft_on - self.days(50, 150))
            enquiry_on = self.before(reply_due - dt.timedelta(days=28))
            if self.rng.random() < 0.15:  # answered a few days late
                reply_sent = min(self.after(reply_due + self.days(1, 6)), self.before(draft_on - ONE_DAY))
            else:
                reply_sent = max(enquiry_on, self.before(reply_due - self.days(0, 5)))
            enquiry = (enquiry_on, reply_due, reply_sent)
        received = self.before((enquiry_on or final_on) - self.days(0, 14))
        return received, enquiry, draft

    def _recs(self, area: str, topic: Topic, fates, owners=(), n: int | None = None) -> list[RecPlan]:
        recs = list(topic.recs)
        if n is not None and n < len(recs):
            recs = sorted(self.rng.sample(recs, n), key=recs.index)
        plans = []
        for i, rec in enumerate(recs):
            fate = fates[i] if i < len(fates) else fates[-1]
            owner = owners[i] if i < len(owners) else ""
            plans.append(RecPlan(rec, self._owner(area, rec, owner), fate))
        return plans

    def _plan(
        self, key, kind, area, *, topic_index=None, outcome="", fates=("open",), owners=(), n=None, age=None
    ) -> CasePlan:
        """One case in the state `kind`; `age` (days before today) anchors its latest step."""
        rng, today = self.rng, self.today
        topic = self._topic(area, topic_index)
        plan = CasePlan(key=key, kind=kind, area=area, topic=topic, received_on=today)
        if kind == "assessment":
            plan.received_on = self.past(today - dt.timedelta(days=age or rng.randint(3, 45)))
        elif kind.startswith("enquiries"):
            if kind == "enquiries_overdue":
                enquiry_on = self.past(today - dt.timedelta(days=age or rng.randint(36, 60)))
            elif kind == "enquiries_due_soon":
                enquiry_on = self.past(today - dt.timedelta(days=age or rng.randint(8, 24)))
            else:  # replied, waiting for the Ombudsman
                enquiry_on = self.past(today - dt.timedelta(days=age or rng.randint(35, 90)))
            reply_due = self.after(enquiry_on + dt.timedelta(days=28))
            sent = None
            if kind == "enquiries_replied":
                sent = self.past(reply_due - self.days(0, 4), floor=enquiry_on)
            plan.enquiry = (enquiry_on, reply_due, sent)
            plan.received_on = self.before(enquiry_on - self.days(0, 10))
        elif kind.startswith("draft"):
            if kind == "draft_overdue":
                draft_on = self.past(today - dt.timedelta(days=age or rng.randint(24, 40)))
                comments_due = self.after(draft_on + dt.timedelta(days=14))
            elif kind == "draft_due_soon":
                draft_on = self.past(today - dt.timedelta(days=age or rng.randint(3, 12)))
                comments_due = self.after(draft_on + self.days(14, 21))
            else:  # comments sent, waiting for the final decision
                draft_on = self.past(today - dt.timedelta(days=age or rng.randint(25, 60)))
                comments_due = self.after(draft_on + self.days(14, 21))
            sent = self.past(comments_due - self.days(0, 3), floor=draft_on) if kind == "draft_commented" else None
            plan.received_on, plan.enquiry, _ = self._investigation(draft_on=draft_on)
            plan.draft = (draft_on, comments_due, sent)
        else:
            final_on = self.past(today - dt.timedelta(days=age or rng.randint(10, 150)))
            plan.final_on = final_on
            plan.outcome = outcome or Outcome.UPHELD_INJUSTICE
            if plan.outcome in NOT_INVESTIGATED:
                plan.received_on = self.before(final_on - self.days(10, 40))
            else:
                plan.received_on, plan.enquiry, plan.draft = self._investigation(final_on=final_on)
            if plan.outcome in (Outcome.UPHELD_INJUSTICE, Outcome.REPORT_ISSUED):
                plan.recs = self._recs(area, topic, fates, owners, n)
            elif plan.outcome == Outcome.UPHELD_NO_INJUSTICE:
                improvements = Topic(topic.category, topic.summary, tuple(r for r in topic.recs if not r.who))
                plan.recs = self._recs(area, improvements, fates, owners)
            plan.closed = kind == "closed"
            plan.report = plan.outcome == Outcome.REPORT_ISSUED
        return plan

    def _scripted(self) -> list[CasePlan]:
        """Fixed stories first, so even a small run has every status and the overdue view has rows."""
        return [
            # The demo caseworker's overdue remedies in SEND; a service improvement falls due soon.
            self._plan(
                "send-compliance",
                "compliance",
                SEND,
                topic_index=0,
                age=70,
                fates=("open", "on_time", "unsent", "open", "open"),
                owners=("caseworker", "caseworker", "caseworker", "aisha.khan", "manager"),
            ),
            self._plan("csc-enquiries-overdue", "enquiries_overdue", CHILDRENS_SOCIAL_CARE, topic_index=0, age=45),
            self._plan("send-draft-due-soon", "draft_due_soon", SEND, topic_index=1, age=6),
            self._plan("asc-assessment", "assessment", ADULT_SOCIAL_CARE, topic_index=1, age=12),
            self._plan("housing-not-upheld", "final", HOUSING, topic_index=0, outcome=Outcome.NOT_UPHELD, age=20),
            self._plan("highways-premature", "closed", HIGHWAYS, outcome=Outcome.PREMATURE, age=200),
            # A late completion, an extension agreed by the manager, and overdue service improvements.
            self._plan(
                "csc-compliance",
                "compliance",
                CHILDRENS_SOCIAL_CARE,
                topic_index=0,
                age=100,
                fates=("late", "extended", "on_time", "open"),
                owners=("caseworker", "caseworker", "ellie.wright", "daniel.hughes"),
            ),
            self._plan("housing-enquiries-due-soon", "enquiries_due_soon", HOUSING, topic_index=1, age=15),
            self._plan("csc-draft-overdue", "draft_overdue", CHILDRENS_SOCIAL_CARE, topic_index=1, age=30),
            self._plan("tax-satisfactory-remedy", "closed", TAX, outcome=Outcome.UPHELD_SATISFACTORY_REMEDY, age=260),
            # A public interest report received ten days ago: its public notice falls due within days.
            self._plan(
                "asc-report",
                "compliance",
                ADULT_SOCIAL_CARE,
                topic_index=0,
                outcome=Outcome.REPORT_ISSUED,
                age=10,
                fates=("open",),
            ),
            self._plan(
                "asc-compliance",
                "compliance",
                ADULT_SOCIAL_CARE,
                topic_index=1,
                age=120,
                fates=("late", "open", "on_time"),
                owners=("caseworker2", "priya.shah", "priya.shah"),
            ),
            self._plan(
                "planning-out-of-jurisdiction", "closed", PLANNING, outcome=Outcome.OUT_OF_JURISDICTION, age=300
            ),
            self._plan(
                "waste-closed",
                "closed",
                WASTE,
                outcome=Outcome.UPHELD_INJUSTICE,
                age=420,
                fates=("on_time", "late", "on_time"),
            ),
            self._plan(
                "highways-initial-enquiries", "final", HIGHWAYS, outcome=Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES, age=15
            ),
            self._plan("send-enquiries-replied", "enquiries_replied", SEND, topic_index=0, age=50),
            self._plan("housing-draft-commented", "draft_commented", HOUSING, topic_index=0, age=40),
            self._plan(
                "tax-no-injustice",
                "compliance",
                TAX,
                topic_index=0,
                outcome=Outcome.UPHELD_NO_INJUSTICE,
                age=75,
                fates=("open",),
            ),
            self._plan(
                "csc-restricted",
                "compliance",
                CHILDRENS_SOCIAL_CARE,
                topic_index=2,
                age=45,
                fates=("on_time", "open", "open"),
                owners=("caseworker", "caseworker", "daniel.hughes"),
            ),
            self._plan(
                "send-closed",
                "closed",
                SEND,
                topic_index=1,
                outcome=Outcome.UPHELD_INJUSTICE,
                age=380,
                fates=("on_time",),
            ),
        ]

    def _random_plan(self, index: int) -> CasePlan:
        rng = self.rng
        area = pick(rng, [(name, spec[0]) for name, spec in AREAS.items()])
        kind = pick(
            rng,
            [
                ("assessment", 3),
                ("enquiries_overdue", 1),
                ("enquiries_due_soon", 2),
                ("enquiries_replied", 2),
                ("draft_due_soon", 1),
                ("draft_overdue", 1),
                ("draft_commented", 1),
                ("final", 2),
                ("compliance", 8),
                ("closed", 9),
            ],
        )
        outcome = ""
        fates = ("open",)
        if kind == "final":
            outcome = pick(
                rng,
                [
                    (Outcome.NOT_UPHELD, 3),
                    (Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES, 2),
                    (Outcome.UPHELD_SATISFACTORY_REMEDY, 1),
                ],
            )
        elif kind == "compliance":
            outcome = pick(rng, [(Outcome.UPHELD_INJUSTICE, 5), (Outcome.UPHELD_NO_INJUSTICE, 1)])
            fates = tuple(
                pick(rng, [("on_time", 4), ("late", 2), ("open", 4), ("unsent", 1), ("extended", 1)]) for _ in range(5)
            )
        elif kind == "closed":
            outcome = pick(
                rng,
                [
                    (Outcome.UPHELD_INJUSTICE, 5),
                    (Outcome.UPHELD_NO_INJUSTICE, 1),
                    (Outcome.NOT_UPHELD, 3),
                    (Outcome.PREMATURE, 2),
                    (Outcome.OUT_OF_JURISDICTION, 1),
                    (Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES, 2),
                    (Outcome.UPHELD_SATISFACTORY_REMEDY, 1),
                ],
            )
            fates = tuple(pick(rng, [("on_time", 5), ("late", 1)]) for _ in range(5))
        age = None
        if kind == "compliance":
            age = rng.randint(20, 160)
        elif kind == "closed":
            age = rng.randint(150, 900)
        elif kind == "final":
            age = rng.randint(5, 60)
        return self._plan(f"random-{index}", kind, area, outcome=outcome, fates=fates, age=age, n=rng.randint(2, 4))

    # playing a plan ---------------------------------------------------------------------------

    def _play(self, plan: CasePlan):
        rng, today, link = self.rng, self.today, self.link
        area = self.areas[plan.area]
        manager = self.users[AREAS[plan.area][1]]
        letters = rng.sample(LETTERS, 2)
        p, q = f"{plan.topic.p_title} {letters[0]}", f"{plan.topic.q_title} {letters[1]}"
        summary = plan.topic.summary.format(p=p, q=q)
        if plan.outcome in NOT_INVESTIGATED:
            summary += " " + NOT_INVESTIGATED[plan.outcome]
        lgsco_received = plan.received_on - self.days(10, 60)
        case = services.case_register(
            by=link,
            today=today,
            reference=self.reference(lgsco_received),
            service_area=area,
            link_officer=link,
            summary=summary,
            received_on=plan.received_on,
            category=self.categories[plan.topic.category],
            is_restricted=plan.topic.restricted,
            named_users=[manager] if plan.topic.restricted else [],
        )
        if plan.enquiry:
            received, due, sent = plan.enquiry
            case = services.case_record_steps(
                by=link, case=case, today=today, enquiry_received_on=received, enquiry_reply_due=due
            )
            if sent:
                case = services.case_record_steps(by=link, case=case, today=today, enquiry_reply_sent_on=sent)
        if plan.draft:
            received, due, sent = plan.draft
            case = services.case_record_steps(
                by=link, case=case, today=today, draft_decision_received_on=received, draft_comments_due=due
            )
            if sent:
                case = services.case_record_steps(by=link, case=case, today=today, draft_comments_sent_on=sent)
        if not plan.final_on:
            return
        final_on = plan.final_on
        case = services.case_record_steps(
            by=link, case=case, today=today, final_decision_on=final_on, outcome=plan.outcome
        )
        recs = []
        for rp in plan.recs:
            r = rp.rec
            recs.append(
                (
                    rp,
                    services.recommendation_add(
                        by=link,
                        case=case,
                        kind=r.kind,
                        remedy_type=r.remedy_type,
                        wording=r.wording.format(p=p, q=q),
                        owner=self.users[rp.owner],
                        service_area=area,
                        due_basis=r.basis,
                        due_within=r.within,
                        amount=Decimal(str(r.amount)) if r.amount is not None else None,
                        beneficiary_pseudonym={"p": p, "q": q}.get(r.who, ""),
                        evidence_expected=r.evidence,
                    ),
                )
            )
        published = final_on + dt.timedelta(weeks=6)
        if published <= today and plan.outcome not in NOT_INVESTIGATED:
            case = services.case_record_steps(by=link, case=case, today=today, decision_published_on=published)
        if plan.report:
            self._report(case, final_on)
        evidence_dates = [final_on]
        for rp, rec in recs:
            sent = self._fate(rp, rec, final_on, manager, closing=plan.closed)
            if sent:
                evidence_dates.append(sent)
        if plan.closed:
            closed_on = self.past(max(evidence_dates) + self.days(5, 30), floor=max(evidence_dates))
            services.case_close(by=link, case=case, closed_on=closed_on, today=today)

    def _fate(self, rp: RecPlan, rec: Recommendation, final_on: dt.date, manager: User, *, closing: bool):
        """Play what happened to a recommendation; return the date its evidence was sent, if it was."""
        today = self.today
        owner = self.users[rp.owner]
        due = rec.due_on
        fate = rp.fate
        if fate == "late" and due + dt.timedelta(days=3) > today:
            fate = "open"  # not due long enough ago to have been done late
        if closing and fate not in ("on_time", "late"):
            fate = "on_time"
        if fate in ("extended", "extended_done"):
            agreed = self.past(due - self.days(2, 8), floor=final_on)
            new_due = add_calendar_months(due, 1)
            services.recommendation_extend(
                by=manager,
                recommendation=rec,
                new_due_on=new_due,
                today=today,
                agreed_on=agreed,
                letter=f"LGSCO email of {agreed.day} {agreed:%B %Y}",
                reason="The council asked for more time: the work depends on a meeting the family could not attend "
                "before the original date.",
            )
            rec.refresh_from_db()
            due = new_due
            fate = "open" if fate == "extended" else "on_time"
        if fate == "open":
            return None
        if fate == "late":
            completed = self.past(due + self.days(3, 25), floor=due + ONE_DAY)
            if completed <= due:
                return None
        else:  # on_time or unsent: done on or before the due date
            completed = self.past(min(due, today) - self.days(0, 12), floor=final_on)
        sent = None if fate == "unsent" else self.past(completed + self.days(0, 4), floor=completed)
        services.recommendation_complete(
            by=owner, recommendation=rec, completed_on=completed, evidence_sent_on=sent, today=today
        )
        if rec.kind in (K.SYMBOLIC_PAYMENT, K.FINANCIAL_LOSS) and rec.amount:
            self._pay(rec, owner, manager, rec.amount, paid_on=completed, floor=final_on)
        if sent and sent + dt.timedelta(days=21) <= today:
            services.recommendation_lgsco_outcome(
                by=self.link,
                recommendation=rec,
                satisfied=True,
                today=today,
                outcome_on=self.past(sent + self.days(7, 21), floor=sent),
            )
        return sent

    def _pay(self, rec, owner, manager, amount, *, paid_on, floor, method=None):
        self.payment_number += 1
        approved = max(floor, self.before(paid_on - self.days(1, 5)))
        return services.payment_record(
            by=owner,
            recommendation=rec,
            amount=Decimal(amount),
            approved_by=manager,
            approved_on=approved,
            method=method
            or pick(
                self.rng,
                [(PaymentMethod.BANK_TRANSFER, 6), (PaymentMethod.CHEQUE, 1), (PaymentMethod.CREDIT_TO_ACCOUNT, 1)],
            ),
            paid_on=paid_on,
            today=self.today,
            proof=f"Finance ref. FIN-{paid_on:%y%m%d}-{self.payment_number:04d}",
        )

    def _report(self, case: OmbudsmanCase, received_on: dt.date):
        """A public interest report received with the final decision; the notice is still to come."""
        services.report_add(
            by=self.link,
            case=case,
            received_on=received_on,
            today=self.today,
            draft_received_on=case.draft_decision_received_on,
            draft_comments_sent_on=case.draft_comments_sent_on,
        )

    # the source case ----------------------------------------------------------------------------

    def _source_case(self):
        """LGSCO 20 008 832 (DOMAIN.md §0; Devon Cabinet minute, shared/seed/cabinet-minute.txt)."""
        today, link = self.today, self.link
        caseworker, manager = self.users["caseworker"], self.users["manager"]
        area = self.areas[SEND]
        complaint = (
            Complaint.objects.filter(complainant_name="Ms B", summary__icontains="post-16").order_by("id").first()
        )
        # Restricted like the complaint (a child's special educational needs); restricted too when
        # the complaint is not loaded. The demo manager and caseworker are named so they can open it.
        restricted = complaint.is_restricted if complaint else True
        if complaint:
            self.source_complaint = complaint.reference
        # Invented but plausible dates before the final decision: the council heard of the case
        # with the Ombudsman's enquiries in April 2021 (after its Stage 1 reply and signposting
        # in February 2021), replied on time, and commented on the draft report in December 2021.
        case = services.case_register(
            by=link,
            today=today,
            reference=SOURCE_REFERENCE,
            service_area=area,
            link_officer=link,
            summary=SOURCE_SUMMARY,
            received_on=dt.date(2021, 4, 12),
            category=self.categories[SOURCE_CATEGORY],
            complaints=[complaint] if complaint else [],
            is_restricted=restricted,
            named_users=[manager, caseworker] if restricted else [],
        )
        steps = [
            {"enquiry_received_on": dt.date(2021, 4, 12), "enquiry_reply_due": dt.date(2021, 5, 17)},
            {"enquiry_reply_sent_on": dt.date(2021, 5, 14)},
            {"draft_decision_received_on": dt.date(2021, 11, 22), "draft_comments_due": dt.date(2021, 12, 20)},
            {"draft_comments_sent_on": dt.date(2021, 12, 17)},
            {"final_decision_on": SOURCE_FINAL_DECISION, "outcome": Outcome.REPORT_ISSUED},
        ]
        for step in steps:
            case = services.case_record_steps(by=link, case=case, today=today, **step)

        family = []
        for kind, wording, amount, who, paid_on in SOURCE_FAMILY_REMEDIES:
            rec = services.recommendation_add(
                by=link,
                case=case,
                kind=kind,
                remedy_type=RemedyType.PERSONAL,
                wording=wording,
                owner=caseworker,
                service_area=area,
                due_basis="months",
                due_within=1,
                amount=Decimal(amount) if amount is not None else None,
                beneficiary_pseudonym=who,
                evidence_expected=APOLOGY_EVIDENCE if kind == K.APOLOGY else PAYMENT_EVIDENCE,
            )
            family.append((rec, paid_on))
        improvements = [
            services.recommendation_add(
                by=link,
                case=case,
                kind=kind,
                remedy_type=RemedyType.SERVICE_IMPROVEMENT,
                wording=wording,
                owner=self.users[owner],
                service_area=area,
                due_basis="months",
                due_within=3,
                evidence_expected=evidence,
            )
            for kind, wording, owner, evidence in SOURCE_IMPROVEMENTS
        ]

        # The report. Received with the final decision on 4 February 2022, so the s31(2) period of
        # "3 months beginning with" receipt ends on 3 May 2022 (DOMAIN.md §0, §4.3(4)); the council
        # responded on 13 May 2022 (minute). We record the report as received on 4 February with
        # a longer period agreed in writing by the Ombudsman (s31(2) allows it), rather than a later
        # receipt date: the extension letter is invented. The press release (3 March 2022) is not a
        # field; the decision is recorded as published that day.
        report = services.report_add(
            by=link,
            case=case,
            received_on=SOURCE_FINAL_DECISION,
            today=today,
            draft_received_on=dt.date(2021, 11, 22),
            draft_comments_sent_on=dt.date(2021, 12, 17),
        )
        report = services.report_update(
            by=link,
            report=report,
            today=today,
            notice_published_on=dt.date(2022, 2, 10),
            notice_where="Local newspaper and council website",
            inspection_starts_on=dt.date(2022, 2, 14),
        )
        case = services.case_record_steps(by=link, case=case, today=today, decision_published_on=dt.date(2022, 3, 3))

        # Family remedies: done within one month, evidence sent, payments approved and paid.
        for rec, paid_on in family:
            if rec.kind == K.APOLOGY:
                completed, sent = dt.date(2022, 2, 11), dt.date(2022, 2, 14)
            else:
                amount = rec.amount if rec.amount else SOURCE_TAX_CREDITS
                approved = dt.date(2022, 2, 14) if rec.amount else dt.date(2022, 2, 28)
                self.payment_number += 1
                services.payment_record(
                    by=caseworker,
                    recommendation=rec,
                    amount=amount,
                    approved_by=manager,
                    approved_on=approved,
                    method=PaymentMethod.BANK_TRANSFER,
                    paid_on=paid_on,
                    today=today,
                    proof=f"Remittance RA-{paid_on:%y%m%d}-{self.payment_number:04d}",
                )
                completed, sent = paid_on, self.after(paid_on + ONE_DAY)
            services.recommendation_complete(
                by=caseworker, recommendation=rec, completed_on=completed, evidence_sent_on=sent, today=today
            )
            services.recommendation_lgsco_outcome(
                by=link, recommendation=rec, satisfied=True, outcome_on=dt.date(2022, 3, 15), today=today
            )
        services.committee_add(
            by=link,
            report=report,
            body=SOURCE_COMMITTEES[0][0],
            met_on=SOURCE_COMMITTEES[0][1],
            resolution=SOURCE_COMMITTEES[0][2],
            today=today,
        )

        # The three-month recommendations: the same letter gave until 13 May 2022 for them, and
        # the council's response on 13 May 2022 carried the evidence (invented extension; dates
        # from the minute).
        report = services.report_update(
            by=link,
            report=report,
            today=today,
            response_extended_to=SOURCE_RESPONSE_SENT,
            response_extension_letter=SOURCE_EXTENSION_LETTER,
        )
        for rec in improvements:
            services.recommendation_extend(
                by=manager,
                recommendation=rec,
                new_due_on=SOURCE_RESPONSE_SENT,
                letter=SOURCE_EXTENSION_LETTER,
                reason="The council's response to the three-month recommendations goes with its formal response to "
                "the report, for which the Ombudsman agreed a longer period.",
                agreed_on=SOURCE_EXTENSION_AGREED,
                today=today,
            )
            services.recommendation_complete(
                by=rec.owner,
                recommendation=rec,
                completed_on=SOURCE_RESPONSE_SENT,
                evidence_sent_on=SOURCE_RESPONSE_SENT,
                today=today,
            )
        report = services.report_update(by=link, report=report, today=today, response_sent_on=SOURCE_RESPONSE_SENT)
        for body, met_on, resolution in SOURCE_COMMITTEES[1:]:
            services.committee_add(by=link, report=report, body=body, met_on=met_on, resolution=resolution, today=today)

        # Invented: the Ombudsman's letter of satisfaction after the further documentary evidence
        # the minute mentions; the case closes that day.
        for rec in improvements:
            services.recommendation_lgsco_outcome(
                by=link, recommendation=rec, satisfied=True, outcome_on=SOURCE_CLOSED_ON, today=today
            )
        services.report_update(
            by=link, report=report, today=today, outcome=ReportOutcome.SATISFIED, outcome_on=SOURCE_CLOSED_ON
        )
        services.case_close(by=link, case=case, closed_on=SOURCE_CLOSED_ON, today=today)
