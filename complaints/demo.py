"""Demo complaints for `make run`: a few hundred, in every state, built through the services.

Every complaint is a *story*: a received date and, for each stage, when it is acknowledged,
whether its clock stops or its deadline is extended, when it is answered and what happens next
(escalation, closing, withdrawal, reopening). The story is played through `complaints.services`
in date order and stops at the first event after `today`, so what is left open, late or
waiting is exactly what the dates say. The same seed and today give the same data.

Alongside the random stories: a fixed set of scripted ones (so even a small run has every
state), and the source case of DOMAIN.md §0 (pseudonyms only) closed with signposting to the
LGSCO while corporate Stage 2 was suspended during the pandemic.

Names, streets and contact details are invented; email addresses use example.com and phone
numbers the Ofcom drama range (07700 900xxx).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Q
from django.utils.text import slugify

from accounts.models import ROLE_GROUP_NAMES, Role, ServiceArea, User
from calendars.rules import add_working_days, is_working_day
from calendars.selectors import default_calendar, non_working_days, years_without_bank_holidays
from calendars.services import load_bank_holidays
from complaints import deadlines, services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintStage,
    ComplaintStatus,
    ContactMethod,
    Outcome,
    Procedure,
    ProcedureStage,
    StageStatus,
    StageSuspension,
)
from complaints.selectors import suspension_on

# Every demo complaint carries a submission token made from this namespace; the source case's
# token marks the demo data as loaded (and makes registering it twice return the first one).
DEMO_NAMESPACE = uuid.UUID("7d1f4c1e-3b8a-5c55-9d0e-2b6f0d2a2026")
SOURCE_CASE_TOKEN = uuid.uuid5(DEMO_NAMESPACE, "source-case")

DEMO_USERNAMES = ("caseworker", "caseworker2", "manager", "admin")

# Service area names, as `seed_demo` creates them.
SEND = "Children's Services \u2013 SEND"
CSC = "Children's Social Care"
ASC = "Adult Social Care"
HOUSING = "Housing"
HIGHWAYS = "Highways"
WASTE = "Waste and Recycling"
TAX = "Council Tax and Benefits"
PLANNING = "Planning"
CORPORATE_AREAS = (HIGHWAYS, WASTE, TAX, PLANNING)

# The corporate Stage 2 suspension of the source case (DOMAIN.md §0, cabinet minute).
SUSPENSION_STARTS = dt.date(2020, 3, 23)
SUSPENSION_ENDS = dt.date(2021, 6, 30)
SUSPENSION_REASON = "Stage 2 suspended during the pandemic emergency response"
SOURCE_CATEGORY = "Education > Special educational needs"


class DemoSetupError(Exception):
    """Something the demo data needs is missing (e.g. the demo users)."""


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


# Colleagues of the demo users, so that each stage can have a different handler. They cannot
# sign in (unusable passwords); an admin can give them a password in the admin if wanted.
EXTRA_STAFF = [
    Staff("mark.jenkins", "Mark", "Jenkins", Role.MANAGER, "Head of customer relations",
          (HOUSING, HIGHWAYS, WASTE, TAX, PLANNING)),
    Staff("jordan.smith", "Jordan", "Smith", Role.CASEWORKER, "SEND casework officer", (SEND,), "manager"),
    Staff("aisha.khan", "Aisha", "Khan", Role.CASEWORKER, "SEND complaints lead (Stage 2)", (SEND,), "manager"),
    Staff("ellie.wright", "Ellie", "Wright", Role.CASEWORKER, "Children's complaints officer", (CSC,), "manager"),
    Staff("daniel.hughes", "Daniel", "Hughes", Role.CASEWORKER, "Investigating officer (Stage 2)", (CSC,), "manager"),
    Staff("fiona.campbell", "Fiona", "Campbell", Role.CASEWORKER, "Review panel coordinator (Stage 3)", (CSC,),
          "manager"),
    Staff("priya.shah", "Priya", "Shah", Role.CASEWORKER, "Adult social care complaints officer", (ASC,), "manager"),
    Staff("tom.evans", "Tom", "Evans", Role.CASEWORKER, "Housing complaints officer", (HOUSING,), "mark.jenkins"),
    Staff("grace.okafor", "Grace", "Okafor", Role.CASEWORKER, "Housing complaints lead (Stage 2)", (HOUSING,),
          "mark.jenkins"),
    Staff("liam.murphy", "Liam", "Murphy", Role.CASEWORKER, "Highways customer relations officer", (HIGHWAYS,),
          "mark.jenkins"),
    Staff("chloe.baker", "Chloe", "Baker", Role.CASEWORKER, "Waste services complaints officer", (WASTE,),
          "mark.jenkins"),
    Staff("ryan.cooper", "Ryan", "Cooper", Role.CASEWORKER, "Revenues and benefits complaints officer", (TAX,),
          "mark.jenkins"),
    Staff("megan.ward", "Megan", "Ward", Role.CASEWORKER, "Planning complaints officer", (PLANNING,), "mark.jenkins"),
    Staff("helen.price", "Helen", "Price", Role.CASEWORKER, "Corporate complaints officer (Stage 2)",
          (HIGHWAYS, WASTE, TAX, PLANNING, HOUSING), "mark.jenkins"),
]


@dataclass(frozen=True)
class AreaSetup:
    weight: int  # share of the random complaints
    manager: str  # approves extensions beyond a rule's cap
    handlers: dict[int, tuple[tuple[str, int], ...]]  # stage number -> (username, weight)
    topics: tuple[tuple[str, str, int], ...]  # (category, procedure slug, weight)


AREAS = {
    SEND: AreaSetup(13, "manager", {1: (("caseworker", 6), ("jordan.smith", 4)), 2: (("aisha.khan", 1),)},
                    (("Education > Special educational needs", "corporate", 5), ("Education > School transport", "corporate", 1))),
    CSC: AreaSetup(
        14, "manager",
        {1: (("caseworker", 6), ("ellie.wright", 4)), 2: (("daniel.hughes", 1),), 3: (("fiona.campbell", 1),)},
        (("Children's care services > Child protection", "children", 2),
         ("Children's care services > Disabled children", "children", 2),
         ("Children's care services > Looked after children", "children", 2)),
    ),
    ASC: AreaSetup(15, "manager", {1: (("caseworker2", 6), ("priya.shah", 4))},
                   (("Adult care services > Assessment and care plan", "adults", 3),
                    ("Adult care services > Charging", "adults", 2),
                    ("Adult care services > Residential care", "adults", 1))),
    HOUSING: AreaSetup(18, "mark.jenkins", {1: (("caseworker2", 5), ("tom.evans", 5)), 2: (("grace.okafor", 2), ("helen.price", 1))},
                       (("Housing > Council housing repairs", "housing", 5), ("Housing > Homelessness", "corporate", 1))),
    HIGHWAYS: AreaSetup(12, "mark.jenkins", {1: (("liam.murphy", 1),), 2: (("helen.price", 1),)},
                        (("Highways and transport > Highway repair and maintenance", "corporate", 1),)),
    WASTE: AreaSetup(10, "mark.jenkins", {1: (("chloe.baker", 1),), 2: (("helen.price", 1),)},
                     (("Environmental services > Refuse and recycling", "corporate", 1),)),
    TAX: AreaSetup(10, "mark.jenkins", {1: (("ryan.cooper", 1),), 2: (("helen.price", 1),)},
                   (("Benefits and tax > Council tax", "corporate", 3), ("Benefits and tax > Housing benefit", "corporate", 1))),
    PLANNING: AreaSetup(8, "mark.jenkins", {1: (("megan.ward", 1),), 2: (("helen.price", 1),)},
                        (("Planning and development > Planning applications", "corporate", 1),)),
}


# --- what complaints are about ------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    subject: str
    summary: str
    points: tuple[str, ...]
    wanted: str
    actions: tuple[str, ...] = ()
    payment_reason: str = "Time and trouble in pursuing the complaint"
    affected: str = ""  # "child" or "adult": someone other than the complainant is affected
    vulnerable: bool = False


TOPICS: dict[str, tuple[Topic, ...]] = {
    "Highways and transport > Highway repair and maintenance": (
        Topic("the pothole on {street}",
              "I reported a deep pothole on {street} three times in {month} and it has still not been repaired. "
              "My car tyre and wheel were damaged when I drove into it.",
              ("The pothole on {street} was reported three times and not repaired.",
               "The inspector recorded the defect as below the repair threshold although it is clearly deeper.",
               "My claim for the damaged tyre has not been answered."),
              "Repair the road and pay for the damaged tyre.",
              ("Repair the carriageway defect on {street}", "Re-inspect {street} and correct the inspection record"),
              "Cost of the damaged tyre"),
        Topic("the street light outside {number} {street}",
              "The street light outside my home at {number} {street} has been out for more than two months. I have "
              "reported it online four times and each report was closed without the light being fixed.",
              ("The street light has been out for more than two months.",
               "My online reports were closed without a repair."),
              "Fix the light and explain why my reports were closed.",
              ("Replace the faulty lantern on {street}", "Brief the contact centre on closing street lighting reports")),
        Topic("the gritting of {street}",
              "{street} was not gritted during the last cold spell, although it is on the priority route and is the "
              "only way to the primary school.",
              ("{street} was left off the gritting run.", "Nobody answered my calls to the winter service line."),
              "Keep {street} on the priority gritting route.",
              ("Confirm {street} is on the priority gritting route",)),
    ),
    "Environmental services > Refuse and recycling": (
        Topic("the missed bin collections on {street}",
              "My general waste bin on {street} has been missed four times in six weeks. Each time I reported it I was "
              "told the crew would come back within two days, and they did not.",
              ("Repeated missed collections.", "Promised return collections did not happen.",
               "The contact centre was dismissive when I called."),
              "Reliable collections and an explanation.",
              ("Add {street} to the crew's check sheet for eight weeks", "Feed back to the contact centre on the calls")),
        Topic("the assisted collection for {person}",
              "My {parent_word}, {person}, is registered for an assisted collection because {they} cannot move the bins. "
              "The crew have left {their} bins unemptied at the back of the house several times since {month}.",
              ("The assisted collection has been missed several times.", "The crew left the bins where {they} cannot reach them."),
              "Make sure the assisted collection happens every week.",
              ("Re-brief the crew on the assisted collection at {number} {street}",),
              affected="adult", vulnerable=True),
        Topic("the bulky waste collection",
              "I paid \u00a335 for a bulky waste collection of a sofa and a fridge. Nobody came on the booked day and I "
              "had taken a day off work to wait in.",
              ("The paid collection did not happen.", "I was not told it had been cancelled."),
              "A refund and a new collection date.",
              ("Rebook the bulky waste collection at no charge",),
              "Refund of the bulky waste fee"),
    ),
    "Benefits and tax > Council tax": (
        Topic("the council tax summons",
              "A summons for non-payment was issued although I set up a direct debit in {month}. I have been charged "
              "\u00a378 in costs and nobody has answered my emails.",
              ("The summons was issued in error.", "Court costs were added to my account.", "My emails were not answered."),
              "Withdraw the summons and the costs.",
              ("Withdraw the summons and cancel the court costs", "Check the direct debit mandate is on the account"),
              "Reimbursement of court costs"),
        Topic("the removal of the single person discount",
              "My single person discount was removed without warning and I was sent a bill for the full amount. I live "
              "alone and told the council so in writing.",
              ("The discount was removed without asking me.", "The letter did not explain how to challenge it."),
              "Restore the discount and correct the bill.",
              ("Restore the single person discount and reissue the bill",)),
    ),
    "Benefits and tax > Housing benefit": (
        Topic("the delay in deciding my housing benefit claim",
              "My housing benefit claim took eleven weeks to decide and my landlord started action for rent arrears in "
              "the meantime.",
              ("The claim took eleven weeks to decide.", "I was asked for the same documents three times."),
              "An apology and a letter to my landlord explaining the delay.",
              ("Write to the landlord confirming the benefit award and the reason for the delay",),
              "Distress caused by the delay"),
    ),
    "Planning and development > Planning applications": (
        Topic("the consultation on the application at {number} {street}",
              "I was not consulted on my neighbour's planning application for a two-storey extension at {number} "
              "{street}, although my house adjoins it. The application was approved before I knew about it.",
              ("I was not sent a neighbour notification letter.", "The site notice was not displayed."),
              "Review how neighbours are notified and look again at the decision.",
              ("Review the neighbour notification list for {street}",)),
        Topic("the enforcement complaint about {street}",
              "I reported an unauthorised building at the rear of {street} in {month}. The enforcement team has not "
              "visited or replied.",
              ("My enforcement report was not investigated.", "I was not kept informed."),
              "Investigate the building and tell me the outcome.",
              ("Carry out an enforcement site visit at {street}",)),
    ),
    "Education > Special educational needs": (
        Topic("the delay in {child}'s EHC needs assessment",
              "My {child_word} {child} was referred for an EHC needs assessment in {month}. The 20-week deadline has passed and "
              "we still have no draft plan.",
              ("The assessment has gone past the 20-week limit.", "We were not told about the delay or the reasons."),
              "Issue the draft EHC plan and explain the delay.",
              ("Issue the draft EHC plan for {child}", "Write to the family with the assessment timetable"),
              "Distress and uncertainty caused by the delay", affected="child"),
        Topic("{child}'s amended EHC plan",
              "{child}'s annual review was held in {month} but the amended EHC plan has not been issued, so {child_their} "
              "new school cannot plan the support.",
              ("The amended plan was not issued within four weeks of the review.", "My emails to the SEN team were not answered."),
              "Issue the amended plan now.",
              ("Issue the final amended EHC plan for {child}",), affected="child"),
        Topic("the speech and language therapy in {child}'s EHC plan",
              "The speech and language therapy in section F of {child}'s EHC plan has not been provided since {month}.",
              ("Provision in section F of the plan has not been delivered.", "Nobody told us who was responsible for arranging it."),
              "Arrange the therapy and make up the missed sessions.",
              ("Arrange the speech and language therapy in section F", "Agree a plan to make up the missed sessions"),
              "Loss of provision", affected="child", vulnerable=True),
        Topic("{child}'s move to post-16 education",
              "{child} is due to move to college in September but the council has not named a placement in "
              "{child_their} EHC plan, and the college cannot confirm a place.",
              ("No post-16 placement has been named in the plan.", "The phase transfer deadline was missed."),
              "Name a college placement in the plan before the summer.",
              ("Name the post-16 placement in {child}'s EHC plan",), affected="child"),
    ),
    "Education > School transport": (
        Topic("{child}'s school transport",
              "Transport to {child}'s special school was withdrawn at the start of term without notice, so I have to "
              "drive {child} 14 miles each way.",
              ("Transport was withdrawn without notice.", "I was not told how to appeal."),
              "Reinstate the transport and pay my mileage.",
              ("Reinstate home to school transport for {child}",), "Mileage while transport was withdrawn",
              affected="child"),
    ),
    "Children's care services > Child protection": (
        Topic("the child protection conference report",
              "The child protection conference report was not shared with me before the meeting, and it contains "
              "information about my family that is wrong.",
              ("The report was not shared before the conference.", "The report contains factual errors."),
              "Correct the report and share reports in good time in future.",
              ("Add a statement of the corrections to the case record",), affected="child"),
        Topic("the changes of social worker",
              "My family's social worker has changed four times in a year and I was not told about any of the changes.",
              ("Frequent changes of social worker.", "We were not told when the worker changed."),
              "A consistent social worker and to be told of changes.",
              ("Write to the family naming the allocated social worker and team manager",), affected="child"),
    ),
    "Children's care services > Disabled children": (
        Topic("{child}'s short breaks assessment",
              "My {child_word} {child}'s short breaks assessment has been waiting for five months.",
              ("The assessment has not been started.", "Nobody has told us when it will happen."),
              "Complete the assessment and start short breaks.",
              ("Complete the short breaks assessment for {child}",), "Distress caused by the delay",
              affected="child", vulnerable=True),
        Topic("the direct payments for {child}",
              "The direct payments that pay for {child}'s personal assistant were stopped in {month} without a review.",
              ("Direct payments were stopped without a review.", "We were given no notice."),
              "Reinstate the payments and backdate them.",
              ("Reinstate and backdate the direct payments for {child}",), "Backdated direct payments",
              affected="child"),
    ),
    "Children's care services > Looked after children": (
        Topic("the cancelled contact sessions",
              "Contact with my children in foster care has been cancelled at short notice three times since {month}.",
              ("Contact sessions were cancelled at short notice.", "The sessions were not rearranged."),
              "Rearrange the missed contact and give proper notice.",
              ("Rearrange the missed contact sessions",), affected="child"),
        Topic("the foster care allowances",
              "As {child}'s foster carer I have been paid my allowance late for three months running.",
              ("Allowances were paid late.", "Nobody answered my calls about it."),
              "Pay on time and pay what is owed.",
              ("Pay the outstanding foster care allowance",), "Interest on late allowance payments", affected="child"),
    ),
    "Adult care services > Assessment and care plan": (
        Topic("the delay in {person}'s care needs assessment",
              "My {parent_word} {person} waited five months for a care needs assessment, and in that time the family "
              "provided all of {their} care.",
              ("The assessment took five months.", "We were not offered a carer's assessment."),
              "An apology and a carer's assessment.",
              ("Offer a carer's assessment to the family",), "Distress caused by the delay", affected="adult",
              vulnerable=True),
        Topic("the reduction of {person}'s home care",
              "{person}'s home care was cut from four visits a day to two without a reassessment.",
              ("The care package was reduced without a reassessment.", "We were not told why."),
              "Reinstate the visits until a proper review is done.",
              ("Carry out a review of {person}'s care and support plan",), affected="adult", vulnerable=True),
    ),
    "Adult care services > Charging": (
        Topic("the backdated care charges for {person}",
              "I received an invoice for \u00a32,340 of backdated care charges for my {parent_word} {person} with no explanation.",
              ("The charges were backdated without explanation.", "The financial assessment was never sent to us."),
              "Cancel the backdated charges.",
              ("Send the financial assessment to the family", "Put the backdated invoice on hold during the review"),
              "Backdated charges written off", affected="adult"),
        Topic("{person}'s financial assessment",
              "The financial assessment for {person} counted {their} disability benefits wrongly, so {their} weekly "
              "charge is too high.",
              ("Disability-related expenditure was not allowed for.",),
              "Redo the assessment and refund the overpayment.",
              ("Redo the financial assessment with disability-related expenditure",), "Refund of overpaid charges",
              affected="adult"),
    ),
    "Adult care services > Residential care": (
        Topic("the top-up fee at {person}'s care home",
              "The care home the council arranged for my {aunt_word} {person} asked us for a top-up fee that nobody "
              "explained.",
              ("The top-up arrangement was not explained.", "We were not offered a home without a top-up."),
              "An explanation and a choice of homes.",
              ("Write to the family explaining the top-up rules and the choice of homes",), affected="adult"),
    ),
    "Housing > Council housing repairs": (
        Topic("the damp and mould at {number} {street}",
              "Damp and mould in my flat at {number} {street} have been reported since {month}. The repairs team painted "
              "over it and it came back within weeks. My children have asthma.",
              ("Damp and mould were not treated properly.", "Repairs appointments were missed.",
               "Nobody considered my children's health."),
              "Find and fix the cause of the damp.",
              ("Carry out a damp and mould survey at {number} {street}", "Complete the works the survey identifies"),
              "Damage to belongings and inconvenience", vulnerable=True),
        Topic("the broken boiler at {number} {street}",
              "My boiler broke down and I had no heating or hot water for three weeks in {month}.",
              ("The repair took three weeks.", "I was not given temporary heaters."),
              "Compensation for the weeks without heating.",
              ("Service the boiler and confirm it is safe",), "Loss of heating and hot water"),
        Topic("the missed roof repair appointments",
              "My roof has leaked since {month}. Three repair appointments were missed and nobody called to rearrange.",
              ("Three appointments were missed.", "The leak has damaged my ceiling."),
              "Repair the roof and redecorate the ceiling.",
              ("Repair the roof at {number} {street}", "Redecorate the bedroom ceiling"), "Damage to decoration"),
    ),
    "Housing > Homelessness": (
        Topic("the temporary accommodation offered",
              "The temporary accommodation offered to my family is a single room 25 miles from my children's school.",
              ("The accommodation is unsuitable for a family of four.", "The suitability review was not answered."),
              "Suitable accommodation near the children's school.",
              ("Review the suitability of the temporary accommodation",), affected="child"),
        Topic("the delay in my homelessness decision",
              "My homelessness application has not been decided after more than 56 days.",
              ("The decision is overdue.", "My housing officer does not return calls."),
              "A decision on my application.",
              ("Issue the homelessness decision",)),
    ),
}

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Freya", "Grace", "Sophie", "Emily", "Chloe", "Hannah", "Zara", "Aisha",
    "Fatima", "Anjali", "Maryam", "Niamh", "Megan", "Rhiannon", "Jessica", "Laura", "Sarah", "Rachel", "Joanne",
    "Claire", "Karen", "Julie", "Helen", "Susan", "Nadia", "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo",
    "Harry", "Oscar", "Jack", "Thomas", "James", "Daniel", "Ryan", "Connor", "Kieran", "Imran", "Arjun", "Tariq",
    "Kwame", "Tunde", "David", "Paul", "Mark", "Stephen", "Andrew", "Gareth", "Ian", "Kevin", "Peter", "Michael",
    "Tomasz", "Marta", "Bethany", "Lewis", "Callum", "Priyanka", "Yusuf", "Hamza", "Ellie", "Jade",
)
CHILD_NAMES = {
    "girl": ("Lily", "Ruby", "Poppy", "Evie", "Rosie", "Maisie", "Layla", "Aria", "Hafsa", "Ayesha", "Esme", "Nia"),
    "boy": ("Alfie", "Freddie", "Charlie", "Theo", "Archie", "Ibrahim", "Reuben", "Kai", "Finley", "Jayden", "Isaac",
            "Zain"),
}
OLDER_NAMES = {
    "woman": ("Margaret", "Patricia", "Barbara", "Dorothy", "Jean", "Maureen", "Brenda", "Sheila", "Pauline", "Irene",
              "Kathleen", "Kamala"),
    "man": ("Kenneth", "Brian", "Ronald", "Derek", "Raymond", "Harold", "Malcolm", "Trevor", "Gordon", "Dennis",
            "Gurdev", "Winston"),
}
LAST_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "Scott", "Phillips", "Watson", "Parker", "Bennett",
    "Young", "Griffiths", "Mitchell", "Kelly", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy",
    "Miller", "Cox", "Khan", "Marshall", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Ali", "Hussain", "Ahmed",
    "Kaur", "Mensah", "Nowak", "O'Brien", "Kennedy", "Campbell", "Stewart", "Reid", "Doherty", "Byrne",
)
STREETS = (
    "Station Road", "Church Lane", "Mill Street", "Victoria Road", "Orchard Close", "Park Avenue", "Queen Street",
    "The Crescent", "Meadow Way", "Chapel Hill", "Oak Drive", "Riverside Walk", "Windsor Terrace", "Beech Grove",
    "Kingsway", "Foxglove Close", "Harbour View", "School Lane", "Elm Road", "Larkspur Rise",
)
TOWNS = ("Millbrook", "Ashcombe", "Hartwell Green", "Westerleigh Vale", "Kingsford St Mary", "Little Hatherton")
ADJUSTMENTS = (
    "Large print letters (18 point).",
    "Prefers phone calls to letters; has dyslexia.",
    "Communicate by email only; works night shifts.",
    "Needs a British Sign Language interpreter for meetings.",
    "Send letters to a relative's address, with the complainant's consent.",
    "Allow extra time to reply; has a long-term illness.",
)
WITHDRAW_REASONS = (
    "The complainant phoned to say the matter has been put right and they do not want to pursue the complaint.",
    "The complainant emailed to withdraw the complaint; the service resolved it directly.",
    "The complainant asked to withdraw the complaint while legal proceedings are under way.",
)
CLOCK_STOP_REASONS = (
    "Waiting for an advocate to be appointed.",
    "Complainant asked to pause while the child is in hospital.",
    "Waiting for the complainant to agree the statement of complaint.",
)
EXTENSION_REASONS = (
    "The complaint is complex and the records from the service are still being gathered.",
    "Key members of staff are on leave; the complainant agreed a later date.",
    "We need information from a partner organisation.",
)
LATE_REASONS = (
    "The complainant was in hospital when the window ran and asked as soon as they were able.",
    "The complainant says the response letter went to an old address; accepted.",
)
ESCALATION_REASONS = (
    "The complainant says the response did not address all of their points.",
    "The complainant disagrees with the findings and says the actions offered are not enough.",
    "The promised action has not happened and the complainant wants an independent review.",
)
OUTCOME_OPENERS = {
    Outcome.UPHELD: "We have upheld your complaint about {subject}. We are sorry; we have explained what went wrong and "
    "what we will do to put it right.",
    Outcome.PARTLY_UPHELD: "We have partly upheld your complaint about {subject}. We found fault on some points and have "
    "set out what we will do; on the others we explain why we did not find fault.",
    Outcome.NOT_UPHELD: "We have not upheld your complaint about {subject}. We have explained how we reached our decision "
    "and what the council's policy requires.",
}
RELATIONSHIP_TO_CHILD = (("Parent", 8), ("Foster carer", 1), ("Grandparent (special guardian)", 1))
RELATIONSHIP_TO_ADULT = (("Daughter", 4), ("Son", 3), ("Niece", 1), ("Neighbour, with consent", 1))
CHANNELS = (
    (Channel.WEB_FORM, 35), (Channel.EMAIL, 30), (Channel.PHONE, 14), (Channel.LETTER, 8),
    (Channel.IN_PERSON, 4), (Channel.COUNCILLOR_OR_MP, 9),
)


def pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


# --- plans ----------------------------------------------------------------------------------


@dataclass
class StagePlan:
    """What happens in one stage. Offsets are working days unless named `_days`."""

    handler: str
    ack_after: int = 2  # after receipt (stages with an acknowledgement)
    agreed_after: int = 20  # adults: response date agreed, after the acknowledgement
    clock_stop: tuple[int, int] | None = None  # (after receipt or acknowledgement, length)
    extension: tuple[int, int] | None = None  # (told this long before the deadline, days added)
    beyond_cap: bool = False  # extension past the rule's cap, approved by the area's manager
    panel: tuple[int, int] = (25, 4)  # stage 3: panel meets after the request, report after the meeting
    respond: int | None = -1  # relative to the deadline (negative: early); None: never answered
    outcome: str = Outcome.PARTLY_UPHELD
    payment: int | None = None
    actions: list[tuple[str, str, int, int | None]] = field(default_factory=list)  # (text, owner, due_days, done_days)
    then: str = "close"  # "close", "escalate" or "withdraw"
    then_after: int = 5  # escalate: after the response; close: after the window (or days after a final response)
    withdraw_after: int | None = None  # withdrawn this long after receipt, before the response
    reopen_after_days: int | None = None  # closed, then reopened and escalated late this many days later


@dataclass
class ComplaintPlan:
    token: uuid.UUID
    area: str
    category: str
    procedure: str
    received_on: dt.date
    topic: Topic
    stages: list[StagePlan]
    restricted: bool = False


# --- the loader ---------------------------------------------------------------------------------


class _Stop(Exception):
    """The story has reached today (or its end)."""


@dataclass
class LoadResult:
    loaded: bool
    complaints: int = 0
    by_status: dict = field(default_factory=dict)
    by_stage_status: dict = field(default_factory=dict)
    overdue: int = 0
    stage_numbers: dict = field(default_factory=dict)
    caseworker_open: int = 0
    caseworker_overdue: int = 0

    def summary(self) -> str:
        if not self.loaded:
            return "Demo data already loaded"
        statuses = ", ".join(f"{n} {s}" for s, n in self.by_status.items())
        stages = ", ".join(f"{s.replace('_', ' ')} {n}" for s, n in self.by_stage_status.items())
        reached = ", ".join(f"Stage {k}: {v}" for k, v in sorted(self.stage_numbers.items()))
        return (
            f"Loaded {self.complaints} demo complaints ({statuses}); current stages: {stages}; "
            f"{self.overdue} open overdue; reached {reached}; caseworker has {self.caseworker_open} open "
            f"({self.caseworker_overdue} overdue)."
        )


def demo_data_loaded() -> bool:
    """The source case, or any complaint logged by the demo-only staff (who cannot sign in)."""
    return Complaint.objects.filter(
        Q(submission_token=SOURCE_CASE_TOKEN) | Q(created_by__username__in=[s.username for s in EXTRA_STAFF])
    ).exists()


def load_demo_data(*, complaints: int = 300, seed: int = 2026, today: dt.date) -> LoadResult:
    """Load the demo complaints once: a second call (or a concurrent one that lost) adds nothing."""
    if demo_data_loaded():
        return LoadResult(loaded=False)
    with transaction.atomic():
        if demo_data_loaded():
            return LoadResult(loaded=False)
        loader = _Loader(seed=seed, today=today)
        first_id = (Complaint.objects.order_by("-id").values_list("id", flat=True).first() or 0)
        loader.run(complaints)
    return _result(first_id=first_id, today=today)


def _result(*, first_id: int, today: dt.date) -> LoadResult:
    demo = Complaint.objects.filter(id__gt=first_id)
    by_status = Counter(demo.values_list("status", flat=True))
    current = ComplaintStage.objects.filter(complaint__id__gt=first_id, number=F("complaint__current_stage_number"))
    by_stage = Counter(current.values_list("status", flat=True))
    open_demo = demo.filter(status=ComplaintStatus.OPEN)
    caseworker = User.objects.get(username="caseworker")
    return LoadResult(
        loaded=True,
        complaints=demo.count(),
        by_status={s.label.lower(): by_status.get(s.value, 0) for s in ComplaintStatus},
        by_stage_status={s.value: by_stage.get(s.value, 0) for s in StageStatus},
        overdue=open_demo.filter(next_due_date__lt=today).count(),
        stage_numbers=dict(Counter(ComplaintStage.objects.filter(complaint__id__gt=first_id).values_list("number", flat=True))),
        caseworker_open=open_demo.filter(handler=caseworker).count(),
        caseworker_overdue=open_demo.filter(handler=caseworker, next_due_date__lt=today).count(),
    )


class _Loader:
    def __init__(self, *, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.start = today - dt.timedelta(days=548)  # about 18 months
        self._ensure_bank_holidays()
        self.areas = self._service_areas()
        self.users = self._staff()
        self.procedures = {p.slug: p for p in Procedure.objects.select_related("calendar")}
        missing = {"corporate", "housing", "children", "adults"} - set(self.procedures)
        if missing:
            raise DemoSetupError(f"Procedures missing: {', '.join(sorted(missing))}. Run `manage.py migrate`.")
        self.categories = {name: Category.objects.get_or_create(name=name)[0] for name in TOPICS}
        calendar = default_calendar()
        self.non_working = non_working_days(
            calendar=calendar, start=dt.date(min(2019, self.start.year - 1), 1, 1), end=dt.date(today.year + 3, 12, 31)
        )

    # setup ----------------------------------------------------------------------------------

    def _ensure_bank_holidays(self):
        years = range(min(2019, self.today.year - 2), self.today.year + 3)
        missing = years_without_bank_holidays(calendar=default_calendar(), years=years)
        if missing:
            load_bank_holidays(years=missing)

    def _service_areas(self) -> dict[str, ServiceArea]:
        areas = {}
        for name in AREAS:
            slug = slugify(name)
            areas[name] = ServiceArea.objects.get_or_create(
                name=name, defaults={"slug": slug, "mailbox": f"{slug}-complaints@example.gov.uk"}
            )[0]
        return areas

    def _staff(self) -> dict[str, User]:
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        missing = [name for name in DEMO_USERNAMES if name not in users]
        if missing:
            raise DemoSetupError(
                f"The demo users are missing ({', '.join(missing)}). Run `python manage.py seed_demo` first: "
                "it creates them and then loads the demo data."
            )
        groups = {role: Group.objects.get_or_create(name=name)[0] for role, name in ROLE_GROUP_NAMES.items()}
        for spec in EXTRA_STAFF:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name, "last_name": spec.last_name, "job_title": spec.job_title,
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

    def add_wd(self, day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, self.non_working)

    def sub_wd(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= dt.timedelta(days=1)
            if is_working_day(day, self.non_working):
                n -= 1
        return day

    def shift_wd(self, day: dt.date, n: int) -> dt.date:
        return self.add_wd(day, n) if n >= 0 else self.sub_wd(day, -n)

    def weekday_on_or_before(self, day: dt.date) -> dt.date:
        while not is_working_day(day, self.non_working):
            day -= dt.timedelta(days=1)
        return day

    # plans -------------------------------------------------------------------------------------

    def run(self, count: int):
        self._suspension()
        plans = []
        scripted = self._scripted()[: max(0, count - 1)]
        plans.extend(scripted)
        for index in range(count - 1 - len(scripted)):
            plans.append(self._random_plan(index))
        # References follow the order complaints were received in.
        plans.sort(key=lambda p: p.received_on)
        self._source_case()
        for plan in plans:
            _Story(self, plan).play()

    def _suspension(self):
        stage2 = ProcedureStage.objects.get(procedure=self.procedures["corporate"], number=2)
        self.suspension, _ = StageSuspension.objects.get_or_create(
            procedure_stage=stage2, starts_on=SUSPENSION_STARTS,
            defaults={"ends_on": SUSPENSION_ENDS, "reason": SUSPENSION_REASON, "created_by": self.users["admin"]},
        )

    def _token(self, key: str) -> uuid.UUID:
        return uuid.uuid5(DEMO_NAMESPACE, f"{self.seed}:{key}")

    def _topic(self, category: str) -> Topic:
        return self.rng.choice(TOPICS[category])

    def _handler(self, area: str, number: int, exclude: str = "") -> str:
        pool = [(u, w) for u, w in AREAS[area].handlers[number] if u != exclude]
        return pick(self.rng, pool)

    def _random_received(self) -> dt.date:
        # A third of the complaints in the last ten weeks, so there is open work to show.
        if self.rng.random() < 0.33:
            day = self.today - dt.timedelta(days=self.rng.randint(0, 70))
        else:
            day = self.start + dt.timedelta(days=self.rng.randint(0, 548 - 71))
        if day.weekday() >= 5 and self.rng.random() < 0.8:
            day -= dt.timedelta(days=day.weekday() - 4)  # most arrive on a weekday
        return day

    def _random_plan(self, index: int) -> ComplaintPlan:
        rng = self.rng
        area = pick(rng, [(name, setup.weight) for name, setup in AREAS.items()])
        category, procedure = pick(rng, [((c, p), w) for c, p, w in AREAS[area].topics])
        topic = self._topic(category)
        number_of_stages = {"corporate": 2, "housing": 2, "children": 3, "adults": 1}[procedure]
        stages = []
        previous = ""
        for number in range(1, number_of_stages + 1):
            handler = self._handler(area, min(number, max(AREAS[area].handlers)), exclude=previous)
            stage = self._random_stage(procedure, number, handler, area, final=number == number_of_stages)
            stages.append(stage)
            previous = handler
            if stage.then != "escalate":
                break
        return ComplaintPlan(
            token=self._token(f"random-{index}"), area=area, category=category, procedure=procedure,
            received_on=self._random_received(), topic=topic, stages=stages,
            restricted=procedure == "children" and rng.random() < 0.35 or area == SEND and rng.random() < 0.1,
        )

    def _random_stage(self, procedure: str, number: int, handler: str, area: str, *, final: bool) -> StagePlan:
        rng = self.rng
        plan = StagePlan(handler=handler)
        if procedure == "adults":
            plan.ack_after = pick(rng, [(1, 35), (2, 35), (3, 18), (4, 8), (5, 4)])
            plan.agreed_after = rng.randint(15, 45)
        else:
            plan.ack_after = pick(rng, [(1, 20), (2, 30), (3, 20), (4, 10), (5, 8), (6, 5), (7, 4), (8, 3)])
        if procedure == "children" and number < 3 and rng.random() < 0.2:
            plan.clock_stop = (rng.randint(1, 5), rng.randint(3, 15))
        if number < 3 and rng.random() < 0.15:
            added = rng.randint(10, 40) if procedure == "children" and number == 2 else rng.randint(3, 10)
            plan.extension = (rng.randint(1, 3), added)
        if number == 3:
            plan.panel = (rng.randint(15, 30), rng.randint(2, 5))
        roll = rng.random()
        plan.respond = -rng.randint(0, 6) if roll < 0.62 else rng.randint(1, 10) if roll < 0.9 else rng.randint(11, 30)
        plan.outcome = pick(rng, [(Outcome.UPHELD, 25), (Outcome.PARTLY_UPHELD, 35), (Outcome.NOT_UPHELD, 40 + 10 * number)])
        if plan.outcome != Outcome.NOT_UPHELD:
            if rng.random() < 0.25:
                plan.payment = rng.choice((50, 75, 100, 150, 200, 250, 300, 500))
            plan.actions = [
                (None, handler, rng.randint(10, 60), rng.randint(-5, 25) if rng.random() < 0.7 else None)
                for _ in range(pick(rng, [(0, 3), (1, 5), (2, 2)]))
            ]
        escalate = {("corporate", 1): 0.22, ("housing", 1): 0.25, ("children", 1): 0.25, ("children", 2): 0.35}
        if rng.random() < 0.04:
            plan.withdraw_after = rng.randint(1, 12)
        if not final and rng.random() < escalate.get((procedure, number), 0):
            plan.then = "escalate"
            late = rng.random() < 0.05
            plan.then_after = rng.randint(22, 30) if late else rng.randint(2, 18)
        elif rng.random() < 0.015:
            plan.then, plan.then_after = "withdraw", rng.randint(1, 10)
        else:
            plan.then_after = rng.randint(0, 5) if final else rng.randint(1, 10)
            if not final and rng.random() < 0.03:
                plan.reopen_after_days = rng.randint(5, 30)
        return plan

    def _scripted(self) -> list[ComplaintPlan]:
        """One complaint per state worth showing, dated back from today so it is in that state."""
        back = lambda n: self.sub_wd(self.weekday_on_or_before(self.today), n)  # noqa: E731
        S = StagePlan
        never = None
        specs = [
            # (key, area, category, procedure, received, stages, restricted)
            ("ack-due", SEND, SOURCE_CATEGORY, "corporate", back(1), [S("caseworker", ack_after=3)], False),
            ("ack-overdue", SEND, SOURCE_CATEGORY, "corporate", back(8), [S("caseworker", ack_after=12)], False),
            ("ack-overdue-housing", HOUSING, "Housing > Council housing repairs", "housing", back(9),
             [S("caseworker2", ack_after=15)], False),
            ("in-progress", SEND, "Education > School transport", "corporate", back(6),
             [S("caseworker", ack_after=2, respond=0)], False),
            ("respond-overdue", CSC, "Children's care services > Disabled children", "children", back(14),
             [S("caseworker", respond=8)], True),
            ("respond-overdue-send", SEND, SOURCE_CATEGORY, "corporate", back(22),
             [S("caseworker", ack_after=4, respond=12)], False),
            ("clock-stopped", CSC, "Children's care services > Child protection", "children", back(6),
             [S("caseworker", clock_stop=(3, 15))], False),
            ("clock-restarted", CSC, "Children's care services > Looked after children", "children", back(12),
             [S("caseworker", clock_stop=(2, 5), respond=0)], False),
            ("extended", SEND, SOURCE_CATEGORY, "corporate", back(16),
             [S("caseworker", ack_after=2, extension=(2, 8), respond=0)], False),
            ("extended-beyond-cap", SEND, SOURCE_CATEGORY, "corporate", back(25),
             [S("jordan.smith", ack_after=3, extension=(2, 5), beyond_cap=True, respond=0)], False),
            ("responded-actions", SEND, SOURCE_CATEGORY, "corporate", back(45),
             [S("caseworker", ack_after=2, respond=-1, outcome=Outcome.UPHELD, payment=150,
                actions=[(None, "jordan.smith", 10, 3), (None, "caseworker", 20, never)], then_after=3)], False),
            ("responded-window", HOUSING, "Housing > Council housing repairs", "housing", back(20),
             [S("caseworker2", ack_after=2, respond=0, outcome=Outcome.UPHELD,
                actions=[(None, "tom.evans", 14, never)])], False),
            ("stage2-in-progress", HIGHWAYS, "Highways and transport > Highway repair and maintenance", "corporate",
             back(40), [S("liam.murphy", ack_after=3, respond=-1, outcome=Outcome.NOT_UPHELD, then="escalate",
                          then_after=6), S("helen.price", ack_after=2, respond=5)], False),
            # Answered 12 working days after receipt; escalated yesterday (17 working days later).
            ("stage2-awaiting-ack", SEND, SOURCE_CATEGORY, "corporate", back(30),
             [S("caseworker", ack_after=2, respond=0, then="escalate", then_after=17),
              S("aisha.khan", ack_after=4)], False),
            ("stage2-overdue", HOUSING, "Housing > Council housing repairs", "housing", back(60),
             [S("caseworker2", ack_after=2, respond=0, outcome=Outcome.PARTLY_UPHELD, then="escalate", then_after=8),
              S("grace.okafor", ack_after=3, respond=25)], False),
            ("children-stage2-extended", CSC, "Children's care services > Disabled children", "children", back(70),
             [S("ellie.wright", respond=0, outcome=Outcome.NOT_UPHELD, then="escalate", then_after=5),
              S("daniel.hughes", extension=(2, 35), respond=0)], True),
            ("children-stage3-panel", CSC, "Children's care services > Looked after children", "children", back(90),
             [S("caseworker", respond=-1, outcome=Outcome.NOT_UPHELD, then="escalate", then_after=10),
              S("daniel.hughes", respond=-1, outcome=Outcome.PARTLY_UPHELD, then="escalate", then_after=8,
                actions=[(None, "daniel.hughes", 20, 12)]),
              S("fiona.campbell", panel=(22, 4), respond=10)], True),
            ("children-stage3-closed", CSC, "Children's care services > Child protection", "children", back(260),
             [S("ellie.wright", respond=-2, outcome=Outcome.NOT_UPHELD, then="escalate", then_after=8),
              S("daniel.hughes", respond=-3, outcome=Outcome.NOT_UPHELD, then="escalate", then_after=12),
              S("fiona.campbell", panel=(28, 5), respond=-2, outcome=Outcome.PARTLY_UPHELD, then_after=2,
                actions=[(None, "fiona.campbell", 30, 20)])], False),
            ("corporate-final", WASTE, "Environmental services > Refuse and recycling", "corporate", back(150),
             [S("chloe.baker", ack_after=1, respond=-2, outcome=Outcome.PARTLY_UPHELD, then="escalate", then_after=9,
                actions=[(None, "chloe.baker", 14, 5)]),
              S("helen.price", ack_after=3, respond=-4, outcome=Outcome.UPHELD, payment=100, then_after=1)], False),
            ("adults-closed", ASC, "Adult care services > Charging", "adults", back(120),
             [S("caseworker2", ack_after=2, agreed_after=25, respond=-1, outcome=Outcome.UPHELD, payment=250,
                actions=[(None, "priya.shah", 20, 10)], then_after=2)], False),
            ("adults-overdue", ASC, "Adult care services > Assessment and care plan", "adults", back(35),
             [S("caseworker2", ack_after=2, agreed_after=20, respond=20)], False),
            ("adults-extended", ASC, "Adult care services > Residential care", "adults", back(30),
             [S("caseworker2", ack_after=3, agreed_after=20, extension=(2, 17), respond=0)], False),
            ("withdrawn", TAX, "Benefits and tax > Council tax", "corporate", back(80),
             [S("ryan.cooper", ack_after=2, withdraw_after=6)], False),
            ("reopened", PLANNING, "Planning and development > Planning applications", "corporate", back(60),
             [S("megan.ward", ack_after=2, respond=-2, outcome=Outcome.NOT_UPHELD, then_after=3, reopen_after_days=14),
              S("helen.price", ack_after=2, respond=10)], False),
            ("send-in-progress-2", SEND, "Education > Special educational needs", "corporate", back(9),
             [S("caseworker", ack_after=1, respond=0)], False),
        ]
        plans = []
        for key, area, category, procedure, received, stages, restricted in specs:
            plans.append(ComplaintPlan(
                token=self._token(f"scripted-{key}"), area=area, category=category, procedure=procedure,
                received_on=received, topic=self._topic(category), stages=stages, restricted=restricted,
            ))
        return plans

    # the source case (DOMAIN.md §0) ---------------------------------------------------------------

    def _source_case(self):
        """Ms B's complaint about Ms M's post-16 transfer, received while corporate Stage 2 was
        suspended: answered at Stage 1 and closed with signposting to the LGSCO."""
        caseworker, manager, jordan = self.users["caseworker"], self.users["manager"], self.users["jordan.smith"]
        received = dt.date(2021, 1, 18)
        if received > self.today:
            return
        complaint = services.complaint_register(
            by=caseworker, today=self.today, procedure=self.procedures["corporate"], service_area=self.areas[SEND],
            channel=Channel.EMAIL, received_on=received, complainant_name="Ms B",
            summary="Ms B complains that the council failed to arrange Ms M's transfer to post-16 education under her "
            "Education, Health and Care (EHC) Plan from September 2019. Ms M has had no education or special "
            "educational needs support since then, and because she is not in education the family stopped "
            "receiving tax credits.",
            points=[
                "The council did not arrange Ms M's transfer to post-16 education in her EHC Plan from September 2019.",
                "Ms M has had no education or special educational needs support since September 2019.",
                "Because Ms M is not in education the family lost their tax credits, causing financial hardship.",
                "The council did not reply to Ms B's emails and calls about the placement.",
            ],
            handler=caseworker, submission_token=SOURCE_CASE_TOKEN, named_users=[manager, jordan],
            category=self.categories[SOURCE_CATEGORY], preferred_contact=ContactMethod.LETTER,
            affected_person_name="Ms M", affected_person_relationship="Parent",
            outcome_wanted="A suitable post-16 placement named in Ms M's EHC Plan, the support she has missed, an "
            "apology, and the lost tax credits made good.",
            is_vulnerable=True, is_restricted=True,
        )
        stage = complaint.stages.get(number=1)
        steps = dt.date(2021, 1, 20), dt.date(2021, 2, 17), dt.date(2021, 2, 24)
        if steps[0] > self.today:
            return
        stage = services.stage_acknowledge(by=caseworker, stage=stage, acknowledged_on=steps[0], today=self.today)
        if steps[1] > self.today:
            return
        points = list(complaint.points.order_by("number"))
        stage = services.stage_respond(
            by=caseworker, stage=stage, responded_on=steps[1], outcome=Outcome.PARTLY_UPHELD, today=self.today,
            point_outcomes={points[0].pk: Outcome.UPHELD, points[1].pk: Outcome.UPHELD,
                            points[2].pk: Outcome.NOT_UPHELD, points[3].pk: Outcome.PARTLY_UPHELD},
            response_summary="We accept that Ms M's post-16 placement was not arranged in time and that she has been "
            "without education since September 2019. We apologise. Tax credits are a matter for HMRC, but we will "
            "give Ms B a letter confirming the dates Ms M has been without a placement.",
            apology_given=True, explanation_given=True,
            actions=[
                ("Hold an early annual review and amend Ms M's EHC Plan to name a post-16 placement", jordan,
                 dt.date(2021, 3, 31)),
                ("Write to Ms B confirming the dates Ms M has been without an education placement", caseworker,
                 dt.date(2021, 2, 26)),
            ],
        )
        if steps[2] > self.today:
            return
        services.complaint_close(
            by=caseworker, stage=stage, closed_on=steps[2], today=self.today,
            signposting=services.SignpostingDetails(
                told_on=steps[1], method=ContactMethod.LETTER,
                wording="Stage 2 of our complaints procedure is suspended during the council's emergency response to "
                "the pandemic, so we cannot offer you a Stage 2 review. If you are still unhappy you can ask the Local "
                "Government and Social Care Ombudsman to look at your complaint now. The Ombudsman is free and "
                "independent. You can contact them through www.lgo.org.uk.",
            ),
        )
        for action, done in zip(stage.actions.order_by("id"), (dt.date(2021, 5, 14), dt.date(2021, 3, 5)), strict=True):
            if done <= self.today:
                services.action_complete(by=caseworker, action=action, completed_on=done, today=self.today)


# --- playing a story ----------------------------------------------------------------------------


class _Story:
    def __init__(self, loader: _Loader, plan: ComplaintPlan):
        self.loader = loader
        self.plan = plan
        self.today = loader.today
        self.rng = loader.rng
        self.procedure = loader.procedures[plan.procedure]
        self.withdraw_on: dt.date | None = None
        self.completions: list[tuple[object, dt.date]] = []
        self.fill = self._fill_values()

    def _fill_values(self) -> dict:
        rng = self.rng
        self.first, self.last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        child, older = rng.choice(("girl", "boy")), rng.choice(("woman", "man"))
        she = older == "woman"
        return {
            "street": rng.choice(STREETS), "number": rng.randint(1, 120),
            "child": rng.choice(CHILD_NAMES[child]), "child_word": "daughter" if child == "girl" else "son",
            "child_their": "her" if child == "girl" else "his",
            "person": f"{rng.choice(OLDER_NAMES[older])} {self.last}", "parent_word": "mother" if she else "father",
            "aunt_word": "aunt" if she else "uncle", "they": "she" if she else "he", "their": "her" if she else "his",
            "month": (self.plan.received_on - dt.timedelta(days=rng.randint(20, 90))).strftime("%B"),
        }

    def text(self, template: str) -> str:
        return template.format(**self.fill)

    def user(self, username: str) -> User:
        return self.loader.users[username]

    # dates --------------------------------------------------------------------------------------

    def reach(self, day: dt.date):
        """Move the story to `day`: stop at today, or withdraw if the complainant withdrew first."""
        if self.withdraw_on is not None and day >= self.withdraw_on:
            if self.withdraw_on <= self.today:
                services.complaint_withdraw(
                    by=self.user(self.stage_handler), complaint=self.complaint, withdrawn_on=self.withdraw_on,
                    reason=self.rng.choice(WITHDRAW_REASONS), today=self.today,
                )
            raise _Stop
        if day > self.today:
            raise _Stop

    # the complaint -------------------------------------------------------------------------------

    def _details(self) -> dict:
        rng, plan, topic = self.rng, self.plan, self.plan.topic
        channel = pick(rng, CHANNELS)
        email_name = f"{self.first}.{self.last}".lower().replace("'", "")
        details = {
            "category": self.loader.categories[plan.category],
            "complainant_email": f"{email_name}{rng.randint(1, 99)}@example.com" if rng.random() < 0.85 else "",
            "complainant_phone": f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.7 else "",
            "complainant_address": f"{self.fill['number']} {self.fill['street']}, {rng.choice(TOWNS)}"
            if rng.random() < 0.6 else "",
            "outcome_wanted": self.text(topic.wanted),
            "is_vulnerable": topic.vulnerable and rng.random() < 0.6 or rng.random() < 0.05,
            "is_restricted": plan.restricted,
        }
        details["preferred_contact"] = (
            ContactMethod.EMAIL if details["complainant_email"] and rng.random() < 0.75
            else ContactMethod.PHONE if details["complainant_phone"] else ContactMethod.LETTER
        )
        if topic.affected == "child" or (plan.procedure == "children" and rng.random() < 0.8):
            details["affected_person_name"] = f"{self.fill['child']} {self.last}"
            details["affected_person_relationship"] = pick(rng, RELATIONSHIP_TO_CHILD)
        elif topic.affected == "adult" or plan.procedure == "adults":
            details["affected_person_name"] = self.fill["person"]
            details["affected_person_relationship"] = pick(rng, RELATIONSHIP_TO_ADULT)
        if channel == Channel.COUNCILLOR_OR_MP:
            details["representative_name"] = f"Cllr {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            details["representative_relationship"] = "Ward councillor"
            details["representative_consent"] = "Complainant's signed consent received with the councillor's email."
        elif plan.procedure == "children" and rng.random() < 0.2:
            details["representative_name"] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (independent advocate)"
            details["representative_relationship"] = "Advocate"
            details["representative_consent"] = "Consent form signed by the young person, held on file."
        if rng.random() < 0.12:
            details["reasonable_adjustments"] = rng.choice(ADJUSTMENTS)
        return {"channel": channel, **details}

    def play(self):
        plan = self.plan
        first = plan.stages[0]
        self.stage_handler = first.handler
        named = [self.user(AREAS[plan.area].manager)] if plan.restricted else []
        self.complaint = services.complaint_register(
            by=self.user(first.handler), today=self.today, procedure=self.procedure,
            service_area=self.loader.areas[plan.area], received_on=plan.received_on,
            complainant_name=f"{self.first} {self.last}", summary=self.text(plan.topic.summary),
            points=[self.text(p) for p in plan.topic.points], handler=self.user(first.handler),
            submission_token=plan.token, named_users=named, **self._details(),
        )
        self.points = list(self.complaint.points.order_by("number"))
        stage = self.complaint.stages.get(number=1)
        try:
            for index, stage_plan in enumerate(plan.stages):
                following = plan.stages[index + 1] if index + 1 < len(plan.stages) else None
                stage = self._play_stage(stage, stage_plan, following)
                if stage is None:
                    break
        except _Stop:
            pass
        for action, done in self.completions:
            if done <= self.today:
                services.action_complete(by=action.owner, action=action, completed_on=done, today=self.today)

    def _play_stage(self, stage: ComplaintStage, sp: StagePlan, following: StagePlan | None):
        """Play one stage up to today. Returns the next stage if the complaint escalated."""
        self.stage_handler = sp.handler
        by = self.user(sp.handler)
        today, L = self.today, self.loader
        self.withdraw_on = L.add_wd(stage.received_on, sp.withdraw_after) if sp.withdraw_after is not None else None
        last = stage.received_on

        if stage.acknowledge_due is not None:
            acknowledged = L.add_wd(stage.received_on, sp.ack_after)
            self.reach(acknowledged)
            agreed = None
            if stage.rule.response_date_agreed:
                agreed = min(L.add_wd(acknowledged, sp.agreed_after), stage.response_due)
            stage = services.stage_acknowledge(
                by=by, stage=stage, acknowledged_on=acknowledged, today=today, agreed_response_on=agreed
            )
            last = acknowledged

        if sp.clock_stop and stage.rule.clock_stop_allowed:
            stopped = L.add_wd(last, sp.clock_stop[0])
            self.reach(stopped)
            services.clock_stop(by=by, stage=stage, stopped_on=stopped, reason=self.rng.choice(CLOCK_STOP_REASONS),
                                today=today)
            restarted = L.add_wd(stopped, sp.clock_stop[1])
            self.reach(restarted)
            stage = services.clock_restart(by=by, stage=stage, restarted_on=restarted, today=today)
            last = restarted

        if stage.rule.panel_meeting_within is not None:
            met = max(last, L.add_wd(stage.received_on, sp.panel[0]))
            self.reach(met)
            stage = services.stage_record_panel(by=by, stage=stage, today=today, panel_met_on=met)
            report = L.add_wd(met, sp.panel[1])
            self.reach(report)
            stage = services.stage_record_panel(by=by, stage=stage, today=today, panel_report_on=report)
            last = report

        due = stage.agreed_response_on or stage.response_due
        if sp.extension:
            told = max(last, L.sub_wd(due, sp.extension[0]))
            self.reach(told)
            cap = deadlines.extension_cap(stage.rule, original_response_due=stage.original_response_due,
                                          non_working=L.non_working)
            approver = by
            if sp.beyond_cap:
                new_due = L.add_wd(max(cap, due), sp.extension[1])
                approver = self.user(AREAS[self.plan.area].manager)
            else:
                new_due = min(cap, L.add_wd(due, sp.extension[1]))
            if new_due > due:
                services.stage_extend(by=approver, stage=stage, new_due=new_due, reason=self.rng.choice(EXTENSION_REASONS),
                                      complainant_told_on=told, today=today)
                stage = ComplaintStage.objects.select_related("rule").get(pk=stage.pk)
                due = new_due
            last = told

        if sp.respond is None:
            raise _Stop
        responded = max(last, L.shift_wd(due, sp.respond))
        self.reach(responded)
        stage = self._respond(stage, sp, responded)

        final = stage.number >= self.procedure.number_of_stages
        if sp.then == "withdraw":
            self.withdraw_on = L.add_wd(responded, sp.then_after)
            self.reach(self.withdraw_on)
        if sp.then == "escalate" and following is not None and not final:
            requested = L.add_wd(responded, sp.then_after)
            self.reach(requested)
            return self._escalate(stage, requested, following)
        if final:
            closed = responded + dt.timedelta(days=sp.then_after)
        else:
            closed = L.add_wd(stage.escalation_deadline or responded, sp.then_after)
        self.reach(closed)
        self._close(stage, closed, by)
        if sp.reopen_after_days is not None and following is not None and not final:
            reopened = closed + dt.timedelta(days=sp.reopen_after_days)
            self.reach(reopened)
            services.complaint_reopen(by=by, complaint=self.complaint,
                                      reason="The complainant came back after the complaint was closed and asked for a "
                                      "review; the late request is accepted.")
            stage = ComplaintStage.objects.select_related("rule").get(pk=stage.pk)
            return self._escalate(stage, reopened, following)
        raise _Stop

    def _respond(self, stage: ComplaintStage, sp: StagePlan, responded: dt.date) -> ComplaintStage:
        rng, topic = self.rng, self.plan.topic
        outcome = sp.outcome
        point_outcomes = {}
        for point in self.points:
            if outcome == Outcome.PARTLY_UPHELD:
                point_outcomes[point.pk] = rng.choice((Outcome.UPHELD, Outcome.NOT_UPHELD, Outcome.PARTLY_UPHELD))
            else:
                point_outcomes[point.pk] = outcome
        actions = []
        texts = list(topic.actions) or ["Review the case and write to the complainant with the outcome"]
        for n, (text, owner, due_days, done_days) in enumerate(sp.actions):
            description = self.text(text or texts[n % len(texts)])
            due_on = responded + dt.timedelta(days=due_days)
            actions.append((description, self.user(owner), due_on, done_days))
        prefix = {1: "", 2: "Stage 2 review. ", 3: "Response to the review panel's recommendations. "}[min(stage.number, 3)]
        stage = services.stage_respond(
            by=self.user(sp.handler), stage=stage, responded_on=responded, outcome=outcome, today=self.today,
            point_outcomes=point_outcomes,
            response_summary=prefix + OUTCOME_OPENERS[outcome].format(subject=self.text(topic.subject)),
            apology_given=outcome != Outcome.NOT_UPHELD, explanation_given=True,
            decision_changed=outcome == Outcome.UPHELD and rng.random() < 0.3,
            payment_amount=Decimal(sp.payment) if sp.payment else None,
            payment_reason=topic.payment_reason if sp.payment else "",
            actions=[(d, o, due) for d, o, due, _ in actions],
        )
        if actions:
            for action, (_, _, due_on, done_days) in zip(stage.actions.order_by("id"), actions, strict=True):
                if done_days is not None:
                    self.completions.append((action, max(responded, due_on + dt.timedelta(days=done_days))))
        return stage

    def _escalate(self, stage: ComplaintStage, requested: dt.date, following: StagePlan) -> ComplaintStage | None:
        """Open the next stage; if it is suspended on that date, close with signposting instead."""
        if suspension_on(procedure=self.procedure, number=stage.number + 1, on=requested) is not None:
            return self._close(stage, requested, self.user(self.stage_handler))
        within = deadlines.is_within_window(requested, stage.escalation_deadline)
        new_stage = services.escalation_request(
            by=self.user(following.handler), stage=stage, requested_on=requested,
            reasons=self.rng.choice(ESCALATION_REASONS), handler=self.user(following.handler), today=self.today,
            late_reason_accepted="" if within else self.rng.choice(LATE_REASONS),
        )
        return ComplaintStage.objects.select_related("rule").get(pk=new_stage.pk)

    def _close(self, stage: ComplaintStage, closed: dt.date, by: User):
        reason, _ = services.signposting_required(stage, on=closed)
        signposting = None
        if reason is not None:
            method = self.complaint.preferred_contact
            signposting = services.SignpostingDetails(
                told_on=stage.responded_on, method=method, wording=self.procedure.signposting_wording
            )
        services.complaint_close(by=by, stage=stage, closed_on=closed, today=self.today, signposting=signposting)
        return None

