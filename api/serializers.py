"""What the API shows and accepts. Output mirrors what the pages show; input is typed here and
checked by the pages' forms (creates) or the services (actions), never by rules of its own."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import ServiceArea
from calendars.models import BankHoliday
from complaints.models import (
    Action,
    Channel,
    ClockStop,
    Complaint,
    ComplaintEvent,
    ComplaintPoint,
    ComplaintStage,
    ContactMethod,
    Extension,
    Outcome,
    Procedure,
    ProcedureStage,
    Signposting,
    StageRule,
)
from ombudsman_cases.models import (
    CaseEvent,
    DueBasis,
    OmbudsmanCase,
    PublicInterestReport,
    Recommendation,
    RecommendationKind,
    RemedyType,
)

# Ids are bigints: anything larger is refused here, before it reaches the database.
ID = {"min_value": 1, "max_value": 2**63 - 1}

# --- reference data --------------------------------------------------------------------------------


class ServiceAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceArea
        fields = ["id", "name", "slug"]


class StageRuleSerializer(serializers.ModelSerializer):
    procedure = serializers.IntegerField(source="procedure_stage.procedure_id", read_only=True)
    stage_number = serializers.IntegerField(source="procedure_stage.number", read_only=True)

    class Meta:
        model = StageRule
        fields = [
            "id",
            "procedure",
            "stage_number",
            "version",
            "effective_from",
            "acknowledge_within",
            "acknowledge_unit",
            "respond_within",
            "respond_unit",
            "respond_from",
            "response_date_agreed",
            "max_extension",
            "max_extension_unit",
            "escalation_window",
            "escalation_window_unit",
            "handler_must_differ",
            "clock_stop_allowed",
            "panel_meeting_within",
            "panel_report_within",
            "source",
        ]


class ProcedureStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureStage
        fields = ["number", "name"]


class ProcedureSerializer(serializers.ModelSerializer):
    stages = ProcedureStageSerializer(many=True, read_only=True)
    calendar = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "applies_to",
            "calendar",
            "number_of_stages",
            "ombudsman_name",
            "signposting_wording",
            "is_active",
            "stages",
        ]


class BankHolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = BankHoliday
        fields = ["date", "title", "division"]


# --- complaints ----------------------------------------------------------------------------------


class DueSerializer(serializers.Serializer):
    """How a deadline stands today, in words as the pages say it."""

    due = serializers.DateField(allow_null=True)
    working_days_left = serializers.IntegerField(source="days", allow_null=True)
    words = serializers.CharField()
    overdue = serializers.BooleanField()


class PersonField(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class ComplaintListSerializer(serializers.ModelSerializer):
    procedure = serializers.IntegerField(source="procedure_id")
    procedure_name = serializers.CharField(source="procedure.name")
    service_area = serializers.IntegerField(source="service_area_id")
    service_area_name = serializers.CharField(source="service_area.name")
    handler = PersonField()
    next_due = DueSerializer(source="due_info", allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "procedure",
            "procedure_name",
            "service_area",
            "service_area_name",
            "status",
            "current_stage_number",
            "received_on",
            "complainant_name",
            "handler",
            "next_due_date",
            "next_due_label",
            "next_due",
            "is_restricted",
        ]


class ExtensionSerializer(serializers.ModelSerializer):
    approved_by = PersonField()

    class Meta:
        model = Extension
        fields = ["previous_due", "new_due", "reason", "complainant_told_on", "beyond_cap", "approved_by", "created_at"]


class ClockStopSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClockStop
        fields = ["stopped_on", "restarted_on", "reason"]


class StageSerializer(serializers.ModelSerializer):
    handler = PersonField()
    rule = serializers.SerializerMethodField()
    acknowledgement = DueSerializer(source="ack_info", allow_null=True, help_text="While the stage awaits it.")
    response = DueSerializer(source="response_info", allow_null=True, help_text="While the response is awaited.")
    responded_in_time = serializers.BooleanField()
    extensions = ExtensionSerializer(many=True)
    clock_stops = ClockStopSerializer(many=True)
    point_outcomes = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintStage
        fields = [
            "number",
            "status",
            "handler",
            "rule",
            "received_on",
            "acknowledged_on",
            "acknowledge_due",
            "response_due",
            "original_response_due",
            "response_due_is_provisional",
            "agreed_response_on",
            "panel_meeting_due",
            "panel_met_on",
            "panel_report_due",
            "panel_report_on",
            "responded_on",
            "outcome",
            "response_summary",
            "apology_given",
            "explanation_given",
            "decision_changed",
            "payment_amount",
            "payment_reason",
            "escalation_deadline",
            "closed_on",
            "version",
            "acknowledgement",
            "response",
            "responded_in_time",
            "extensions",
            "clock_stops",
            "point_outcomes",
        ]

    def get_rule(self, stage) -> dict:
        return {"id": stage.rule_id, "version": stage.rule.version, "effective_from": stage.rule.effective_from}

    def get_point_outcomes(self, stage) -> list[dict]:
        # complaint_page loads them with the points (one query for every stage); otherwise read them.
        rows = getattr(stage, "outcomes_by_point", None)
        if rows is None:
            rows = stage.point_outcomes.all()
        return [{"point": po.point_id, "outcome": po.outcome} for po in rows]


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintPoint
        fields = ["id", "number", "text"]


class ActionSerializer(serializers.ModelSerializer):
    owner = PersonField()
    stage = serializers.IntegerField(source="stage.number")

    class Meta:
        model = Action
        fields = ["id", "stage", "description", "owner", "due_on", "completed_on"]


class SignpostingSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage.number")

    class Meta:
        model = Signposting
        fields = ["stage", "reason", "told_on", "method", "wording"]


class EventSerializer(serializers.ModelSerializer):
    actor = PersonField(allow_null=True)

    class Meta:
        model = ComplaintEvent
        fields = ["at", "actor", "kind", "stage_number", "summary", "changes"]


class ComplaintDetailSerializer(ComplaintListSerializer):
    category = serializers.CharField(source="category.name", allow_null=True, default=None)
    stages = StageSerializer(many=True, source="page_stages")
    current_stage_version = serializers.IntegerField(
        source="current_stage.version", help_text="Send it as `version` (or If-Match) with a stage action."
    )
    points = PointSerializer(many=True, source="page_points")
    actions = ActionSerializer(many=True, source="page_actions")
    signpostings = SignpostingSerializer(many=True, source="page_signpostings")
    events = EventSerializer(
        many=True, source="page_events", help_text="The timeline, newest first (the last 200, as the page)."
    )

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "category",
            "channel",
            "complainant_email",
            "complainant_phone",
            "complainant_address",
            "preferred_contact",
            "affected_person_name",
            "affected_person_relationship",
            "representative_name",
            "representative_relationship",
            "representative_consent",
            "reasonable_adjustments",
            "is_vulnerable",
            "summary",
            "outcome_wanted",
            "closed_on",
            "legal_hold",
            "created_at",
            "current_stage_version",
            "stages",
            "points",
            "actions",
            "signpostings",
            "events",
        ]


class ComplaintCreateSerializer(serializers.Serializer):
    """The complaint page's form, as JSON. `summary`: the points of complaint, one per line."""

    submission_token = serializers.UUIDField(
        required=False, help_text="Send the same token again and the first complaint is returned, not a second one."
    )
    procedure = serializers.IntegerField(**ID)
    service_area = serializers.IntegerField(**ID)
    category = serializers.IntegerField(**ID, required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    complainant_name = serializers.CharField(max_length=200)
    complainant_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    complainant_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    complainant_address = serializers.CharField(required=False, allow_blank=True)
    preferred_contact = serializers.ChoiceField(choices=ContactMethod.choices)
    affected_person_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    affected_person_relationship = serializers.CharField(max_length=120, required=False, allow_blank=True)
    representative_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    representative_relationship = serializers.CharField(max_length=120, required=False, allow_blank=True)
    representative_consent = serializers.CharField(required=False, allow_blank=True)
    reasonable_adjustments = serializers.CharField(required=False, allow_blank=True)
    is_vulnerable = serializers.BooleanField(required=False, default=False)
    is_restricted = serializers.BooleanField(required=False, default=False)
    summary = serializers.CharField()
    outcome_wanted = serializers.CharField(required=False, allow_blank=True)
    handler = serializers.IntegerField(**ID)


# --- stage actions ---------------------------------------------------------------------------------


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The current stage's version you read (`current_stage_version`). Required unless If-Match is sent.",
    )


class AcknowledgeSerializer(VersionedSerializer):
    acknowledged_on = serializers.DateField()
    agreed_response_on = serializers.DateField(
        required=False, allow_null=True, help_text="Required where the rule says the response date is agreed."
    )


class ExtendSerializer(VersionedSerializer):
    new_due = serializers.DateField()
    reason = serializers.CharField()
    complainant_told_on = serializers.DateField()


class PointOutcomeSerializer(serializers.Serializer):
    point = serializers.IntegerField(**ID)
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class PromisedActionSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.IntegerField(**ID)
    due_on = serializers.DateField()


class RespondSerializer(VersionedSerializer):
    responded_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    point_outcomes = PointOutcomeSerializer(many=True, help_text="An outcome for every point of complaint.")
    response_summary = serializers.CharField(required=False, allow_blank=True, default="")
    apology_given = serializers.BooleanField(required=False, default=False)
    explanation_given = serializers.BooleanField(required=False, default=False)
    decision_changed = serializers.BooleanField(required=False, default=False)
    payment_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    payment_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    actions = PromisedActionSerializer(many=True, required=False, default=list)


class EscalateSerializer(VersionedSerializer):
    requested_on = serializers.DateField()
    reasons = serializers.CharField()
    handler = serializers.IntegerField(**ID)
    late_reason_accepted = serializers.CharField(required=False, allow_blank=True, default="")


class CloseSerializer(VersionedSerializer):
    closed_on = serializers.DateField()
    told_on = serializers.DateField(
        required=False, allow_null=True, help_text="Signposting: required after the final stage or a suspended one."
    )
    method = serializers.ChoiceField(choices=ContactMethod.choices, required=False, allow_blank=True, default="")
    wording = serializers.CharField(required=False, allow_blank=True, default="")


# --- Ombudsman cases -------------------------------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    owner = PersonField()
    service_area = serializers.IntegerField(source="service_area_id")
    basis = serializers.CharField(source="basis_description")
    due = DueSerializer(source="due_info", allow_null=True, default=None)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "case",
            "kind",
            "remedy_type",
            "wording",
            "amount",
            "beneficiary_pseudonym",
            "evidence_expected",
            "owner",
            "service_area",
            "due_basis",
            "due_within",
            "basis",
            "original_due_on",
            "due_on",
            "due",
            "completed_on",
            "evidence_sent_on",
            "is_late",
            "lgsco_status",
            "lgsco_outcome_on",
            "version",
        ]


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicInterestReport
        fields = [
            "id",
            "is_further_report",
            "received_on",
            "notice_due",
            "notice_published_on",
            "inspection_starts_on",
            "inspection_ends_on",
            "response_due",
            "response_sent_on",
            "outcome",
            "outcome_on",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = PersonField(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "actor", "kind", "summary", "changes"]


class CaseListSerializer(serializers.ModelSerializer):
    service_area = serializers.IntegerField(source="service_area_id")
    service_area_name = serializers.CharField(source="service_area.name")
    link_officer = PersonField()
    open_recommendations = serializers.IntegerField(required=False)

    class Meta:
        model = OmbudsmanCase
        fields = [
            "id",
            "reference",
            "service_area",
            "service_area_name",
            "link_officer",
            "status",
            "received_on",
            "outcome",
            "closed_on",
            "is_restricted",
            "open_recommendations",
        ]


class LinkedComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null when this account cannot open the complaint.")
    reference = serializers.CharField()
    can_open = serializers.BooleanField()


class CaseDetailSerializer(CaseListSerializer):
    category = serializers.CharField(source="category.name", allow_null=True, default=None)
    recommendations = RecommendationSerializer(many=True, source="recommendations_page")
    reports = ReportSerializer(many=True, source="reports_page")
    linked_complaints = LinkedComplaintSerializer(many=True, source="linked_page")
    events = CaseEventSerializer(many=True, source="events_page", help_text="The timeline, newest first.")

    class Meta(CaseListSerializer.Meta):
        fields = [
            *[f for f in CaseListSerializer.Meta.fields if f != "open_recommendations"],
            "category",
            "summary",
            "enquiry_received_on",
            "enquiry_reply_due",
            "enquiry_reply_sent_on",
            "draft_decision_received_on",
            "draft_comments_due",
            "draft_comments_sent_on",
            "final_decision_on",
            "decision_published_on",
            "legal_hold",
            "recommendations",
            "reports",
            "linked_complaints",
            "events",
        ]


class CaseCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20, help_text="The LGSCO's 8 digits, e.g. 20 008 832.")
    service_area = serializers.IntegerField(**ID)
    category = serializers.IntegerField(**ID, required=False, allow_null=True)
    link_officer = serializers.IntegerField(**ID)
    received_on = serializers.DateField()
    summary = serializers.CharField()
    complaint_references = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=50
    )
    is_restricted = serializers.BooleanField(required=False, default=False)


class RecommendationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecommendationKind.choices)
    remedy_type = serializers.ChoiceField(choices=RemedyType.choices)
    wording = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    beneficiary_pseudonym = serializers.CharField(max_length=40, required=False, allow_blank=True)
    evidence_expected = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.IntegerField(**ID)
    service_area = serializers.IntegerField(**ID)
    due_basis = serializers.ChoiceField(choices=DueBasis.choices)
    due_within = serializers.IntegerField(min_value=1, max_value=120, required=False, allow_null=True)
    explicit_due_on = serializers.DateField(required=False, allow_null=True)


class RecommendationVersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The version you read. Required unless If-Match is sent.",
    )


class CompleteSerializer(RecommendationVersionedSerializer):
    completed_on = serializers.DateField()
    evidence_sent_on = serializers.DateField(required=False, allow_null=True)


class EvidenceSentSerializer(RecommendationVersionedSerializer):
    evidence_sent_on = serializers.DateField()


class ComplaintPageSerializer(serializers.Serializer):
    """A page of the complaint list, as the list page reads it: from a row onwards, not by number."""

    count = serializers.IntegerField(help_text="How many complaints match, counted up to 1,000.")
    count_is_capped = serializers.BooleanField(help_text="True when more than `count` match.")
    next = serializers.CharField(allow_null=True, help_text="The next page's URL (`?after=...`).")
    previous = serializers.CharField(allow_null=True, help_text="The previous page's URL (`?before=...`).")
    results = ComplaintListSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
