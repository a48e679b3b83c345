"""The REST API (/api/v1/): thin views over the pages' selectors, forms, checks and services.

Each view finds the record through the same selector as the page (404 for what the account
cannot see, restricted openings logged), checks the same "may act" rule as the page (403),
and calls the same service, which records the change in the timeline as the service account.
"""

from __future__ import annotations

import uuid

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.forms_bridge import bound_form
from api.pagination import Pagination
from calendars.models import BankHoliday
from calendars.selectors import default_non_working_around
from complaints import forms as complaint_forms
from complaints import selectors, services
from complaints.models import Procedure, ProcedureStage, StageRule
from complaints.views import _service_areas_for, _staff_in
from ombudsman_cases import forms as case_forms
from ombudsman_cases import selectors as case_selectors
from ombudsman_cases import services as case_services
from ombudsman_cases.views import can_act_on, can_manage_case

ERRORS = {
    code: OpenApiResponse(s.ErrorSerializer, description=text)
    for code, text in {
        400: "Invalid input: `errors` names each field.",
        401: "No token, or a token that is not valid.",
        403: "The account may see the record but not do this.",
        404: "No such record, or the account may not see it.",
        409: "The record changed since `version` was read (code `stale`), or its state no longer allows this"
        " (code `not_allowed_now`).",
    }.items()
}
READ_ERRORS = {k: ERRORS[k] for k in (401, 403, 404)}
WRITE_ERRORS = {k: ERRORS[k] for k in (400, 401, 403, 404)}
ACTION_ERRORS = ERRORS
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the record as read (e.g. "3"); instead of `version` in the body.',
)


def expected_version(request, data: dict) -> int:
    """The version the caller read: `version` in the body or the If-Match header (an ETag)."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not (value.isascii() and value.isdigit() and len(value) < 10):
            raise ValidationError({"version": ['If-Match must be the ETag you read, like "3".']})
        if data.get("version") is not None and int(value) != data["version"]:
            raise ValidationError({"version": ["The version in the body and If-Match differ."]})
        return int(value)
    if data.get("version") is None:
        raise ValidationError({"version": ["Send the version you read (current_stage_version), or If-Match."]})
    return data["version"]


def complaint_list_page(*, user, filters: dict, today, size: int, after: str | None, before: str | None):
    """A page of the complaint list from the list page's own keyset selector (same order, same cap)."""
    return selectors.complaint_list_page(user=user, filters=filters, today=today, size=size, after=after, before=before)


def page_size(request) -> int:
    raw = request.query_params.get("page_size", "")
    if not raw:
        return Pagination.page_size
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw[:4]) <= Pagination.max_page_size and len(raw) <= 3):
        raise ValidationError({"page_size": [f"Enter a page size from 1 to {Pagination.max_page_size}."]})
    return int(raw)


def etag(version: int) -> str:
    return f'"{version}"'


@extend_schema(exclude=True)
class NotFound(APIView):
    """Any other path under /api/v1/ (e.g. a negative id): a JSON 404, as every other API error."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def handle(self, request, *args, **kwargs):
        raise exceptions.NotFound("There is no such address in the API. The schema is at /api/v1/schema/.")

    get = post = put = patch = delete = head = options = handle


# --- reference data ---------------------------------------------------------------------------------


@extend_schema(tags=["Reference data"], responses={200: s.ServiceAreaSerializer(many=True), **READ_ERRORS})
class ServiceAreaList(generics.ListAPIView):
    """The service areas this account may file complaints and cases under (all of them for complaints admins)."""

    serializer_class = s.ServiceAreaSerializer

    def get_queryset(self):
        return _service_areas_for(self.request.user).order_by("name", "id")


@extend_schema(tags=["Reference data"])
class ProcedureList(generics.ListAPIView):
    """Complaint procedures with their stages."""

    serializer_class = s.ProcedureSerializer
    queryset = (
        Procedure.objects.select_related("calendar")
        .prefetch_related(Prefetch("stages", ProcedureStage.objects.order_by("number")))
        .order_by("name", "id")
    )


@extend_schema(tags=["Reference data"], responses={200: s.ProcedureSerializer, **READ_ERRORS})
class ProcedureDetail(generics.RetrieveAPIView):
    serializer_class = s.ProcedureSerializer
    queryset = ProcedureList.queryset


@extend_schema(
    tags=["Reference data"],
    parameters=[
        OpenApiParameter("procedure", OpenApiTypes.INT, description="Only this procedure's rules."),
    ],
)
class StageRuleList(generics.ListAPIView):
    """Every version of every stage rule (newest first within a stage); a deadline keeps the version that set it."""

    serializer_class = s.StageRuleSerializer

    def get_queryset(self):
        qs = StageRule.objects.select_related("procedure_stage").order_by(
            "procedure_stage__procedure_id", "procedure_stage__number", "-effective_from", "id"
        )
        procedure = self.request.query_params.get("procedure", "")
        if procedure:
            if not (procedure.isascii() and procedure.isdigit() and len(procedure) < 19):
                raise ValidationError({"procedure": ["Enter a procedure id."]})
            qs = qs.filter(procedure_stage__procedure_id=int(procedure))
        return qs


@extend_schema(
    tags=["Reference data"],
    parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Only this calendar year (e.g. 2026).")],
)
class BankHolidayList(generics.ListAPIView):
    """Bank holidays the working-day calendars count."""

    serializer_class = s.BankHolidaySerializer

    def get_queryset(self):
        qs = BankHoliday.objects.order_by("date", "division", "id")
        year = self.request.query_params.get("year", "")
        if year:
            if not (year.isascii() and year.isdigit() and 1 <= int(year[:5]) <= 9999 and len(year) <= 4):
                raise ValidationError({"year": ["Enter a year, like 2026."]})
            qs = qs.filter(date__year=int(year))
        return qs


# --- complaints ----------------------------------------------------------------------------------


def complaint_response(request, complaint, *, code=status.HTTP_200_OK) -> Response:
    """The complaint as its page shows it, with the current stage's version as the ETag."""
    today = selectors.today()
    page = selectors.complaint_page(complaint=complaint, today=today)
    complaint.current_stage = page["current_stage"]
    for key in ("stages", "points", "actions", "signpostings", "events"):
        setattr(complaint, f"page_{key}", page[key])
    selectors.annotate_due([complaint], today=today)
    data = s.ComplaintDetailSerializer(complaint).data
    headers = {"ETag": etag(complaint.current_stage.version)}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api:complaint", args=[complaint.pk])
    return Response(data, status=code, headers=headers)


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Reference or name."),
    OpenApiParameter("service_area", OpenApiTypes.INT),
    OpenApiParameter("procedure", OpenApiTypes.INT),
    OpenApiParameter("stage", OpenApiTypes.INT, enum=[1, 2, 3]),
    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "closed", "withdrawn"]),
    OpenApiParameter("handler", OpenApiTypes.INT),
    OpenApiParameter("due", OpenApiTypes.STR, enum=["overdue", "5", "20"], description="Working days."),
    OpenApiParameter("received_from", OpenApiTypes.DATE),
    OpenApiParameter("received_to", OpenApiTypes.DATE),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=[c for c, _ in complaint_forms.SORT_CHOICES]),
]


class ComplaintListCreate(generics.GenericAPIView):
    serializer_class = s.ComplaintListSerializer

    @extend_schema(
        tags=["Complaints"],
        summary="List complaints",
        operation_id="complaints_list",
        description="The complaints this account may open, with the complaint list page's filters and sorts, "
        "a page at a time from a row onwards (follow `next` and `previous`), as the list page.",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("after", OpenApiTypes.STR, description="From `next`: the page after this row."),
            OpenApiParameter("before", OpenApiTypes.STR, description="From `previous`: the page before this row."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100; 25 if not given."),
        ],
        responses={200: s.ComplaintPageSerializer, **{k: ERRORS[k] for k in (400, 401, 403)}},
    )
    def get(self, request):
        areas = _service_areas_for(request.user)
        form = complaint_forms.ComplaintFilterForm(request.query_params, service_areas=areas, handlers=_staff_in(areas))
        if not form.is_valid():
            raise ValidationError(dict(form.errors))
        page = complaint_list_page(
            user=request.user,
            filters=form.cleaned_data,
            today=selectors.today(),
            size=page_size(request),
            after=request.query_params.get("after"),
            before=request.query_params.get("before"),
        )

        def link(**cursor) -> str:
            query = request.query_params.copy()
            for name in ("after", "before"):
                query.pop(name, None)
            query.update(cursor)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "count": page.count,
                "count_is_capped": page.more_than,
                "next": link(after=page.end_cursor) if page.has_next else None,
                "previous": link(before=page.start_cursor) if page.has_previous else None,
                "results": s.ComplaintListSerializer(page.rows, many=True).data,
            }
        )

    @extend_schema(
        tags=["Complaints"],
        summary="Log a complaint",
        description="As the 'Log a complaint' page: the same choices, checks and messages; Stage 1 opens with "
        "its deadlines. Idempotent with `submission_token`.",
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        given = s.ComplaintCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = {"submission_token": uuid.uuid4(), **given.validated_data}
        areas = _service_areas_for(request.user)
        form = bound_form(
            complaint_forms.ComplaintForm, values, user=request.user, service_areas=areas, handlers=_staff_in(areas)
        )
        data = dict(form.cleaned_data)
        complaint = services.complaint_register(by=request.user, today=selectors.today(), points=form.points(), **data)
        return complaint_response(
            request, selectors.complaint_for(request.user, complaint.pk), code=status.HTTP_201_CREATED
        )


@extend_schema(tags=["Complaints"], responses={200: s.ComplaintDetailSerializer, **READ_ERRORS})
class ComplaintDetail(APIView):
    """A complaint as its page shows it: stages with their deadlines, points, actions and timeline."""

    def get(self, request, pk):
        return complaint_response(request, selectors.complaint_for(request.user, pk))


class StageAction(APIView):
    """One stage action, through the same service as the page's form."""

    action = ""
    serializer_class: type[serializers.Serializer] = s.VersionedSerializer

    def post(self, request, pk):
        complaint = selectors.complaint_for(request.user, pk)
        stage = complaint.stages.select_related("rule", "handler").order_by("-number").first()
        given = self.serializer_class(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        common = {"by": request.user, "stage": stage, "today": selectors.today()}
        common["expected_version"] = expected_version(request, data)
        self.perform(complaint, data, common)
        return complaint_response(request, selectors.complaint_for(request.user, pk))

    def perform(self, complaint, data: dict, common: dict) -> None:
        raise NotImplementedError


def _staff(complaint, user_id: int, field: str):
    """A person the page would offer for this complaint (staff with a role in its service area)."""
    person = _staff_in([complaint.service_area]).filter(pk=user_id).first()
    if person is None:
        raise ValidationError({field: ["Select someone with a role in the complaint's service area."]})
    return person


def action_schema(serializer, summary, description):
    return extend_schema(
        tags=["Stage actions"],
        summary=summary,
        description=description + " Send `version` (the complaint's `current_stage_version`) or If-Match.",
        request=serializer,
        parameters=[IF_MATCH],
        responses={200: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )


@action_schema(s.AcknowledgeSerializer, "Acknowledge", "Record the acknowledgement of the current stage.")
class Acknowledge(StageAction):
    serializer_class = s.AcknowledgeSerializer

    def perform(self, complaint, data, common):
        services.stage_acknowledge(
            acknowledged_on=data["acknowledged_on"], agreed_response_on=data.get("agreed_response_on"), **common
        )


@action_schema(s.ExtendSerializer, "Extend the deadline", "Beyond the rule's cap only a manager may extend.")
class Extend(StageAction):
    serializer_class = s.ExtendSerializer

    def perform(self, complaint, data, common):
        services.stage_extend(
            new_due=data["new_due"], reason=data["reason"], complainant_told_on=data["complainant_told_on"], **common
        )


@action_schema(
    s.RespondSerializer,
    "Record the response",
    "Outcome overall and for every point of complaint, remedy and actions promised.",
)
class Respond(StageAction):
    serializer_class = s.RespondSerializer

    def perform(self, complaint, data, common):
        points = set(complaint.points.values_list("pk", flat=True))
        outcomes = {row["point"]: row["outcome"] for row in data["point_outcomes"]}
        if set(outcomes) != points:
            raise ValidationError(
                {"point_outcomes": [f"Give an outcome for each point of complaint, and only those: {sorted(points)}."]}
            )
        actions = [
            (row["description"].strip(), _staff(complaint, row["owner"], f"actions.{i}.owner"), row["due_on"])
            for i, row in enumerate(data["actions"])
        ]
        services.stage_respond(
            responded_on=data["responded_on"],
            outcome=data["outcome"],
            point_outcomes=outcomes,
            response_summary=data["response_summary"],
            apology_given=data["apology_given"],
            explanation_given=data["explanation_given"],
            decision_changed=data["decision_changed"],
            payment_amount=data.get("payment_amount"),
            payment_reason=data["payment_reason"],
            actions=actions,
            **common,
        )


@action_schema(s.EscalateSerializer, "Escalate", "The complainant asked for the next stage: it opens.")
class Escalate(StageAction):
    serializer_class = s.EscalateSerializer

    def perform(self, complaint, data, common):
        services.escalation_request(
            requested_on=data["requested_on"],
            reasons=data["reasons"],
            handler=_staff(complaint, data["handler"], "handler"),
            late_reason_accepted=data["late_reason_accepted"],
            **common,
        )


@action_schema(
    s.CloseSerializer,
    "Close the complaint",
    "After the final stage, or when the next stage is suspended, the signposting (`told_on`, `method`, "
    "`wording`) is required.",
)
class Close(StageAction):
    serializer_class = s.CloseSerializer

    def perform(self, complaint, data, common):
        signposting = None
        if data.get("told_on"):  # as the page: signposting counts only when the date they were told is given
            signposting = services.SignpostingDetails(
                told_on=data["told_on"], method=data["method"], wording=data["wording"]
            )
        services.complaint_close(closed_on=data["closed_on"], signposting=signposting, **common)


# --- Ombudsman cases -----------------------------------------------------------------------------


def case_response(request, case, *, code=status.HTTP_200_OK) -> Response:
    page = case_selectors.case_page(user=request.user, case=case, today=selectors.today())
    case.recommendations_page = page["recommendations"]
    case.reports_page = page["reports"]
    case.events_page = page["events"]
    case.linked_page = [
        {"id": c.pk if visible else None, "reference": c.reference, "can_open": visible}
        for c, visible in page["linked_complaints"]
    ]
    headers = {"Location": reverse("api:case", args=[case.pk])} if code == status.HTTP_201_CREATED else {}
    return Response(s.CaseDetailSerializer(case).data, status=code, headers=headers)


class CaseListCreate(generics.GenericAPIView):
    serializer_class = s.CaseListSerializer

    @extend_schema(
        tags=["Ombudsman cases"],
        summary="List LGSCO cases",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="LGSCO reference or words."),
            OpenApiParameter("service_area", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
        ],
        responses={200: s.CaseListSerializer(many=True), **{k: ERRORS[k] for k in (400, 401, 403, 404)}},
    )
    def get(self, request):
        form = case_forms.CaseFilterForm(request.query_params, service_areas=_service_areas_for(request.user))
        if not form.is_valid():
            raise ValidationError(dict(form.errors))
        page = self.paginate_queryset(case_selectors.case_list(user=request.user, filters=form.cleaned_data))
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    @extend_schema(
        tags=["Ombudsman cases"],
        summary="Open an LGSCO case",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        given = s.CaseCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        values["complaint_references"] = ", ".join(values["complaint_references"])
        areas = _service_areas_for(request.user)
        form = bound_form(case_forms.CaseForm, values, service_areas=areas, staff=_staff_in(areas))
        refs = form.references()
        found = list(selectors.visible_complaints(request.user).filter(reference__in=refs))
        missing = sorted(set(refs) - {c.reference for c in found})
        if missing:
            raise ValidationError(
                {"complaint_references": [f"No complaint you can see has the reference {', '.join(missing)}"]}
            )
        d = form.cleaned_data
        case = case_services.case_register(
            by=request.user,
            today=selectors.today(),
            reference=d["reference"],
            service_area=d["service_area"],
            link_officer=d["link_officer"],
            summary=d["summary"],
            received_on=d["received_on"],
            category=d["category"],
            complaints=found,
            is_restricted=d["is_restricted"],
        )
        return case_response(request, case_selectors.case_for(request.user, case.pk), code=status.HTTP_201_CREATED)


@extend_schema(tags=["Ombudsman cases"], responses={200: s.CaseDetailSerializer, **READ_ERRORS})
class CaseDetail(APIView):
    """An LGSCO case as its page shows it: steps, recommendations, reports, linked complaints, timeline."""

    def get(self, request, pk):
        return case_response(request, case_selectors.case_for(request.user, pk))


def recommendation_response(request, rec, *, code=status.HTTP_200_OK) -> Response:
    today = selectors.today()
    rec.due_info = (
        case_selectors._due(rec.due_on, today, default_non_working_around(today)) if not rec.evidence_sent_on else None
    )
    headers = {"ETag": etag(rec.version)}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api:recommendation", args=[rec.case_id, rec.pk])
    return Response(s.RecommendationSerializer(rec).data, status=code, headers=headers)


class RecommendationListCreate(generics.GenericAPIView):
    serializer_class = s.RecommendationSerializer

    @extend_schema(
        tags=["Recommendations"],
        summary="A case's recommendations",
        responses={200: s.RecommendationSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        case = case_selectors.case_for(request.user, pk)
        today = selectors.today()
        recs = self.paginate_queryset(
            case.recommendations.select_related("owner", "service_area").order_by("due_on", "id")
        )
        non_working = default_non_working_around(today)
        for rec in recs:
            rec.due_info = case_selectors._due(rec.due_on, today, non_working) if not rec.evidence_sent_on else None
        return self.get_paginated_response(s.RecommendationSerializer(recs, many=True).data)

    @extend_schema(
        tags=["Recommendations"],
        summary="Add a recommendation",
        description="The Link Officer or a manager, as on the page.",
        request=s.RecommendationCreateSerializer,
        responses={201: s.RecommendationSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk):
        case = case_selectors.case_for(request.user, pk)
        if not can_manage_case(request.user, case):
            raise PermissionDenied("Only the Link Officer or a manager can add a recommendation")
        given = s.RecommendationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        areas = _service_areas_for(request.user)
        form = bound_form(
            case_forms.RecommendationForm, dict(given.validated_data), owners=_staff_in(areas), service_areas=areas
        )
        d = form.cleaned_data
        rec = case_services.recommendation_add(
            by=request.user,
            case=case,
            **{name: d[name] for name in case_services.RECOMMENDATION_FIELDS},
        )
        return recommendation_response(
            request, case_selectors.recommendation_for(request.user, pk, rec.pk), code=status.HTTP_201_CREATED
        )


@extend_schema(tags=["Recommendations"], responses={200: s.RecommendationSerializer, **READ_ERRORS})
class RecommendationDetail(APIView):
    def get(self, request, pk, rec_pk):
        return recommendation_response(request, case_selectors.recommendation_for(request.user, pk, rec_pk))


class RecommendationAction(APIView):
    serializer_class: type[serializers.Serializer] = s.RecommendationVersionedSerializer

    def post(self, request, pk, rec_pk):
        rec = case_selectors.recommendation_for(request.user, pk, rec_pk)
        if not can_act_on(request.user, rec):
            raise PermissionDenied("Only the owner, the Link Officer or a manager can record this")
        given = self.serializer_class(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = expected_version(request, data)
        self.perform(rec, data, by=request.user, today=selectors.today(), expected_version=version)
        return recommendation_response(request, case_selectors.recommendation_for(request.user, pk, rec_pk))


def rec_action_schema(serializer, summary, description):
    return extend_schema(
        tags=["Recommendations"],
        summary=summary,
        description=description + " The owner, the Link Officer or a manager. Send `version` or If-Match.",
        request=serializer,
        parameters=[IF_MATCH],
        responses={200: s.RecommendationSerializer, **ACTION_ERRORS},
    )


@rec_action_schema(
    s.CompleteSerializer, "Record completion", "Completed after the due date in force is late, for ever."
)
class RecommendationComplete(RecommendationAction):
    serializer_class = s.CompleteSerializer

    def perform(self, rec, data, **common):
        case_services.recommendation_complete(
            recommendation=rec,
            completed_on=data["completed_on"],
            evidence_sent_on=data.get("evidence_sent_on"),
            **common,
        )


@rec_action_schema(s.EvidenceSentSerializer, "Record the evidence sent", "The evidence sent to the LGSCO.")
class RecommendationEvidenceSent(RecommendationAction):
    serializer_class = s.EvidenceSentSerializer

    def perform(self, rec, data, **common):
        case_services.recommendation_evidence_sent(
            recommendation=rec, evidence_sent_on=data["evidence_sent_on"], **common
        )
