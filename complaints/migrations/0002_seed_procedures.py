"""Seed the four procedures of DOMAIN.md §1 with their first rule versions, and LGSCO categories.

The first versions are in force from 1 January 2015 so that older complaints (and the demo
source case of 2020-22) take their deadlines from them; admins add later versions.
"""

import datetime as dt

from django.db import migrations

WD, MONTHS = "working_days", "calendar_months"
FROM = dt.date(2015, 1, 1)
LGSCO = (
    "If you are still unhappy, you can ask the Local Government and Social Care Ombudsman to look at your "
    "complaint. The Ombudsman is free and independent. You can contact them through www.lgo.org.uk."
)
HOUSING = (
    "If you are still unhappy, you can ask the Housing Ombudsman to look at your complaint. The Ombudsman is "
    "free and independent. You can contact them through www.housing-ombudsman.org.uk."
)

PROCEDURES = [
    {
        "slug": "corporate",
        "name": "Corporate complaints",
        "kind": "corporate",
        "applies_to": "Complaints about council services with no statutory procedure, including SEND services "
        "(LGSCO Complaint Handling Code).",
        "ombudsman_name": "Local Government and Social Care Ombudsman",
        "signposting_wording": LGSCO,
        "stages": [
            ("Stage 1", dict(acknowledge_within=5, respond_within=10, respond_from="acknowledgement", max_extension=10,
                             escalation_window=20, source="LGSCO Complaint Handling Code 6.2-6.5 (DOMAIN.md 1.2)")),
            ("Stage 2", dict(acknowledge_within=5, respond_within=20, respond_from="acknowledgement", max_extension=20,
                             handler_must_differ=True, source="LGSCO Complaint Handling Code, Stage 2 (DOMAIN.md 1.2)")),
        ],
    },
    {
        "slug": "housing",
        "name": "Council housing complaints",
        "kind": "housing",
        "applies_to": "Complaints about the council as a social landlord (Housing Ombudsman Complaint Handling Code).",
        "ombudsman_name": "Housing Ombudsman",
        "signposting_wording": HOUSING,
        "stages": [
            ("Stage 1", dict(acknowledge_within=5, respond_within=10, respond_from="acknowledgement", max_extension=10,
                             escalation_window=20, source="Housing Ombudsman Complaint Handling Code (DOMAIN.md 1.3)")),
            ("Stage 2", dict(acknowledge_within=5, respond_within=20, respond_from="acknowledgement", max_extension=20,
                             handler_must_differ=True, source="Housing Ombudsman Complaint Handling Code (DOMAIN.md 1.3)")),
        ],
    },
    {
        "slug": "children",
        "name": "Children's social care complaints (statutory)",
        "kind": "children",
        "applies_to": "Representations about children's social care functions under the Children Act 1989 "
        "(SI 2006/1738).",
        "ombudsman_name": "Local Government and Social Care Ombudsman",
        "signposting_wording": LGSCO,
        "stages": [
            ("Local resolution", dict(respond_within=10, respond_from="receipt", max_extension=10, escalation_window=20,
                                      clock_stop_allowed=True, source="SI 2006/1738 reg 14 (DOMAIN.md 1.4)")),
            ("Investigation", dict(respond_within=25, respond_from="receipt", max_extension=40, escalation_window=20,
                                   clock_stop_allowed=True, handler_must_differ=True,
                                   source="SI 2006/1738 regs 17-18 (DOMAIN.md 1.4)")),
            ("Review panel", dict(respond_within=15, respond_from="panel_report", panel_meeting_within=30,
                                  panel_report_within=5, source="SI 2006/1738 regs 19-20 (DOMAIN.md 1.4)")),
        ],
    },
    {
        "slug": "adults",
        "name": "Adult social care complaints (statutory)",
        "kind": "adults",
        "applies_to": "Complaints about adult social care (SI 2009/309).",
        "ombudsman_name": "Local Government and Social Care Ombudsman",
        "signposting_wording": LGSCO,
        "stages": [
            ("Single stage", dict(acknowledge_within=3, respond_within=6, respond_unit=MONTHS, respond_from="receipt",
                                  response_date_agreed=True, source="SI 2009/309 regs 13-14 (DOMAIN.md 1.5)")),
        ],
    },
]

CATEGORIES = [
    "Adult care services > Assessment and care plan",
    "Adult care services > Charging",
    "Adult care services > Residential care",
    "Benefits and tax > Council tax",
    "Benefits and tax > Housing benefit",
    "Children's care services > Child protection",
    "Children's care services > Disabled children",
    "Children's care services > Looked after children",
    "Education > Special educational needs",
    "Education > School transport",
    "Environmental services > Refuse and recycling",
    "Highways and transport > Highway repair and maintenance",
    "Housing > Council housing repairs",
    "Housing > Homelessness",
    "Planning and development > Planning applications",
    "Corporate and other services > Complaint handling",
]


def seed(apps, schema_editor):
    Procedure = apps.get_model("complaints", "Procedure")
    ProcedureStage = apps.get_model("complaints", "ProcedureStage")
    StageRule = apps.get_model("complaints", "StageRule")
    Category = apps.get_model("complaints", "Category")
    Calendar = apps.get_model("calendars", "WorkingDayCalendar")
    calendar = Calendar.objects.get(slug="england")
    for spec in PROCEDURES:
        procedure, created = Procedure.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"], "kind": spec["kind"], "applies_to": spec["applies_to"], "calendar": calendar,
                "number_of_stages": len(spec["stages"]), "ombudsman_name": spec["ombudsman_name"],
                "signposting_wording": spec["signposting_wording"],
            },
        )
        if not created:
            continue
        for number, (name, rule) in enumerate(spec["stages"], start=1):
            stage = ProcedureStage.objects.create(procedure=procedure, number=number, name=name)
            StageRule.objects.create(procedure_stage=stage, version=1, effective_from=FROM, **rule)
    for name in CATEGORIES:
        Category.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("calendars", "0002_add_default_calendars")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
