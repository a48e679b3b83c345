"""Pages for LGSCO cases and the managers' overdue view. Views parse, call one service, render."""

from __future__ import annotations

import csv
import hashlib
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from accounts.access import is_manager, role_of
from calendars.selectors import VERSION_KEY as CALENDARS_VERSION_KEY
from complaints import selectors as complaint_selectors
from complaints.selectors import CHOICES_VERSION_KEY
from complaints.views import _service_areas_for, _staff_in, put_errors
from config.versions import current
from ombudsman_cases import forms, selectors, services
from ombudsman_cases.models import Evidence
from ombudsman_cases.templatetags.lgsco import KIND_LABELS, overdue_groups


def _require_role(user):
    if role_of(user) is None:
        raise PermissionDenied("Your account has no role yet. Ask a complaints admin.")


def can_manage_case(user, case) -> bool:
    """Recording the LGSCO's steps, recommendations and reports: the Link Officer or a manager."""
    return is_manager(user) or case.link_officer_id == user.pk


def can_act_on(user, rec) -> bool:
    """Completion, evidence and payments: the recommendation's owner, the Link Officer or a manager."""
    return rec.owner_id == user.pk or can_manage_case(user, rec.case)


def _area_choices(user) -> list[selectors.Choice]:
    """The service areas a user's filters offer, by name (complaints.views._service_areas_for)."""
    return selectors.listed_choices(
        user, "filter_areas", lambda: _service_areas_for(user).order_by("name").values_list("pk", "name")
    )


@login_required
def case_list(request):
    _require_role(request.user)
    form = forms.CaseFilterForm(request.GET or None, service_areas=_area_choices(request.user))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = selectors.case_list(user=request.user, filters=filters, fields=selectors.CASE_LIST_FIELDS)
    paginator = Paginator(cases, 25)
    paginator.count = selectors.case_count(user=request.user, filters=filters, cases=cases)  # kept between views
    page = paginator.get_page(request.GET.get("page"))
    url = selectors.url_maker("ombudsman_cases:detail")
    for case in page.object_list:
        case.url = url(case.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ombudsman_cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def case_detail(request, pk):
    _require_role(request.user)
    case = selectors.case_for(request.user, pk)  # the permission check and the access log, before the cache
    can_manage = can_manage_case(request.user, case)
    body = case_body(case=case, today=complaint_selectors.today())
    context = {
        "case": case,
        "body": body,
        "linked_complaints": selectors.linked_complaints(user=request.user, case=case),
        "can_manage": can_manage,
        "is_manager": is_manager(request.user),
        "links": {
            name: selectors.url_for(f"ombudsman_cases:{name}", case.pk)
            for name in ("steps", "recommendation_add", "report_add", "close")
        }
        | {
            "learning_add": selectors.url_for("reports:learning_add"),
            "case_report": selectors.url_for("reports:case", case.pk),
        },
    }
    if can_manage:  # the cached body is not changed: each request has its own copy of the reports
        context["body"] = body | {
            "reports": [
                report
                | {
                    "update_url": selectors.url_for("ombudsman_cases:report_update", case.pk, report["pk"]),
                    "committee_url": selectors.url_for("ombudsman_cases:committee_add", case.pk, report["pk"]),
                }
                for report in body["reports"]
            ]
        }
    return render(request, "ombudsman_cases/case_detail.html", context)


# Every change through the services, and a renamed person or service area, starts a new cache entry
# at once (see case_body); this only bounds how long an edit made elsewhere (a recommendation edited
# in the Django admin, which records no timeline entry) takes to show.
CASE_BODY_SECONDS = 600

# The case's own fields the cached part shows (its LGSCO steps and their deadlines): part of the key,
# so a change that records no timeline entry (the admin) shows at once too.
_STEP_FIELDS = attrgetter(*services.STEP_FIELDS, "closed_on", "received_on")


def case_body(*, case, today) -> dict:
    """The parts of the case page that are the same for everyone who may see it, as HTML: the
    LGSCO steps and recommendations, each public interest report (with its id, for the links a
    manager gets) and the timeline.

    Rendered from `selectors.case_record` and kept in the cache under the case's newest timeline
    entry (every change through the services and the retention job records one), the case's step
    dates, today's date (deadlines in words), the version of people's and areas' names and the
    calendars' version (bank holidays): opening a
    case again costs one query for its body (that entry), not four, until something changes. The
    heading, summary, linked complaints (who may open each) and the links to act are drawn per
    request, after the permission check and the access log (`selectors.case_for`)."""
    steps = hashlib.md5(repr(_STEP_FIELDS(case)).encode(), usedforsecurity=False).hexdigest()
    names, calendars = current(CHOICES_VERSION_KEY, CALENDARS_VERSION_KEY)  # people's and areas' names; holidays
    key = f"case-body:{case.pk}:{selectors.case_version(case)}:{steps}:{today.isoformat()}:{names}:{calendars}"
    body = cache.get(key)
    if body is None:
        context = {**selectors.case_record(case=case, today=today), "today": today}
        body = {
            "steps": render_to_string("ombudsman_cases/case_detail_steps.html", context),
            "reports": [
                {
                    "pk": report.pk,
                    "html": render_to_string("ombudsman_cases/case_detail_report.html", {"report": report}),
                }
                for report in context["reports"]
            ],
            "timeline": render_to_string("ombudsman_cases/case_detail_timeline.html", context),
        }
        cache.set(key, body, CASE_BODY_SECONDS)
    return body


class FormPage(LoginRequiredMixin, View):
    """A form page for one step: GET shows it, POST calls the service and puts refusals by the field."""

    template_name = "ombudsman_cases/form_page.html"
    title = ""
    success = "Saved."

    def load(self, request, **kwargs):
        raise NotImplementedError

    def allowed(self, request) -> bool:
        return can_manage_case(request.user, self.case)

    def make_form(self, data=None, files=None):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def back_url(self):
        return self.case_url()

    def case_url(self):
        return reverse("ombudsman_cases:detail", args=[self.case.pk])

    def render_page(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": self.title,
                "case": self.case,
                "back_url": self.back_url(),
                "item": getattr(self, "item", None),
                "intro": getattr(self, "intro", ""),
            },
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        _require_role(request.user)
        self.load(request, **kwargs)
        if not self.allowed(request):
            raise PermissionDenied("You cannot do that on this case")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        return self.render_page(self.make_form())

    def post(self, request, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, self.success)
                return redirect(self.back_url())
        return self.render_page(form)


class CaseCreateView(FormPage):
    title = "Open an LGSCO case"
    template_name = "ombudsman_cases/case_form.html"

    def load(self, request, **kwargs):
        self.case = None

    def allowed(self, request):
        return True

    def back_url(self):
        return reverse("ombudsman_cases:detail", args=[self.case.pk]) if self.case else reverse("ombudsman_cases:list")

    def make_form(self, data=None, files=None):
        areas = _service_areas_for(self.request.user)
        return forms.CaseForm(
            data, service_areas=areas, staff=_staff_in(areas), initial={"link_officer": self.request.user.pk}
        )

    def perform(self, form):
        refs = form.references()
        found = list(complaint_selectors.visible_complaints(self.request.user).filter(reference__in=refs))
        missing = sorted(set(refs) - {c.reference for c in found})
        if missing:
            raise ValidationError(
                {"complaint_references": f"No complaint you can see has the reference {', '.join(missing)}"}
            )
        d = form.cleaned_data
        self.case = services.case_register(
            by=self.request.user,
            today=complaint_selectors.today(),
            reference=d["reference"],
            service_area=d["service_area"],
            link_officer=d["link_officer"],
            summary=d["summary"],
            received_on=d["received_on"],
            category=d["category"],
            complaints=found,
            is_restricted=d["is_restricted"],
        )
        self.success = f"LGSCO case {self.case.reference} opened."


class CasePage(FormPage):
    def load(self, request, pk, **kwargs):
        self.case = selectors.case_for(request.user, pk)


class StepsView(CasePage):
    title = "Record the LGSCO's steps"
    success = "LGSCO steps saved."

    def make_form(self, data=None, files=None):
        initial = {f: getattr(self.case, f) for f in services.STEP_FIELDS}
        return forms.StepsForm(data, initial=initial)

    def perform(self, form):
        services.case_record_steps(
            by=self.request.user, case=self.case, today=complaint_selectors.today(), **form.cleaned_data
        )


class RecommendationAddView(CasePage):
    title = "Add a recommendation"
    success = "Recommendation added."

    def make_form(self, data=None, files=None):
        areas = _service_areas_for(self.request.user)
        return forms.RecommendationForm(
            data, owners=_staff_in(areas), service_areas=areas, initial={"service_area": self.case.service_area_id}
        )

    def perform(self, form):
        d = form.cleaned_data
        services.recommendation_add(
            by=self.request.user,
            case=self.case,
            **{name: d[name] for name in services.RECOMMENDATION_FIELDS},
        )


class CloseCaseView(CasePage):
    title = "Close the case"
    success = "Case closed."

    def make_form(self, data=None, files=None):
        return forms.CloseCaseForm(data)

    def perform(self, form):
        services.case_close(
            by=self.request.user,
            case=self.case,
            closed_on=form.cleaned_data["closed_on"],
            today=complaint_selectors.today(),
        )


class ReportAddView(CasePage):
    title = "Add a public interest report"
    success = "Report added: its statutory deadlines are on the case page."

    def make_form(self, data=None, files=None):
        return forms.ReportForm(data)

    def perform(self, form):
        services.report_add(
            by=self.request.user, case=self.case, today=complaint_selectors.today(), **form.cleaned_data
        )


class ReportPage(CasePage):
    def load(self, request, pk, report_pk, **kwargs):
        super().load(request, pk)
        self.item = get_object_or_404(self.case.reports, pk=report_pk)

    def back_url(self):
        return self.case_url() + f"#report-{self.item.pk}"


class ReportUpdateView(ReportPage):
    title = "Record the report's steps"
    success = "Report saved."

    def make_form(self, data=None, files=None):
        fields = [
            "notice_published_on",
            "notice_where",
            "inspection_starts_on",
            "response_sent_on",
            "outcome",
            "outcome_on",
        ]
        initial = {f: getattr(self.item, f) for f in fields} | {"version": self.item.version}
        return forms.ReportUpdateForm(data, initial=initial)

    def perform(self, form):
        d = dict(form.cleaned_data)
        services.report_update(
            by=self.request.user,
            report=self.item,
            today=complaint_selectors.today(),
            expected_version=d.pop("version"),
            **d,
        )


class CommitteeAddView(ReportPage):
    title = "Add a committee that considered the report"
    success = "Committee added."

    def make_form(self, data=None, files=None):
        return forms.CommitteeForm(data)

    def perform(self, form):
        services.committee_add(
            by=self.request.user, report=self.item, today=complaint_selectors.today(), **form.cleaned_data
        )


@login_required
def recommendation_detail(request, pk, rec_pk):
    _require_role(request.user)
    rec = selectors.recommendation_for(request.user, pk, rec_pk)
    today = complaint_selectors.today()
    context = {
        "case": rec.case,
        "rec": rec,
        "today": today,
        "extensions": list(rec.extensions.select_related("recorded_by")),
        "evidence": list(rec.evidence.select_related("uploaded_by")),
        "payments": list(rec.payments.select_related("approved_by")),
        "can_act": can_act_on(request.user, rec),
        "is_manager": is_manager(request.user),
    }
    return render(request, "ombudsman_cases/recommendation_detail.html", context)


class RecommendationPage(FormPage):
    def load(self, request, pk, rec_pk, **kwargs):
        self.item = selectors.recommendation_for(request.user, pk, rec_pk)
        self.case = self.item.case

    def allowed(self, request):
        return can_act_on(request.user, self.item)

    def back_url(self):
        return reverse("ombudsman_cases:recommendation", args=[self.case.pk, self.item.pk])

    def versioned(self, cls, data=None, **kwargs):
        return cls(data, initial={"version": self.item.version}, **kwargs)


class CompleteView(RecommendationPage):
    title = "Record completion"
    success = "Completion recorded."

    def make_form(self, data=None, files=None):
        return self.versioned(forms.CompleteForm, data)

    def perform(self, form):
        d = form.cleaned_data
        services.recommendation_complete(
            by=self.request.user,
            recommendation=self.item,
            completed_on=d["completed_on"],
            evidence_sent_on=d["evidence_sent_on"],
            today=complaint_selectors.today(),
            expected_version=d["version"],
        )


class EvidenceSentView(RecommendationPage):
    title = "Record the evidence sent to the LGSCO"
    success = "Evidence sent recorded."

    def make_form(self, data=None, files=None):
        return self.versioned(forms.EvidenceSentForm, data)

    def perform(self, form):
        d = form.cleaned_data
        services.recommendation_evidence_sent(
            by=self.request.user,
            recommendation=self.item,
            evidence_sent_on=d["evidence_sent_on"],
            today=complaint_selectors.today(),
            expected_version=d["version"],
        )


class EvidenceUploadView(RecommendationPage):
    title = "Upload evidence"
    success = "Evidence uploaded."

    def make_form(self, data=None, files=None):
        return forms.EvidenceUploadForm(data, files)

    def perform(self, form):
        services.evidence_upload(
            by=self.request.user,
            recommendation=self.item,
            uploaded_file=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )


class PaymentView(RecommendationPage):
    title = "Record a payment"
    success = "Payment recorded."

    def make_form(self, data=None, files=None):
        return forms.PaymentForm(data, approvers=_staff_in([self.item.service_area]))

    def perform(self, form):
        services.payment_record(
            by=self.request.user, recommendation=self.item, today=complaint_selectors.today(), **form.cleaned_data
        )


class ManagerOnly:
    def allowed(self, request):
        return is_manager(request.user)


class ExtendView(ManagerOnly, RecommendationPage):
    title = "Record an extension agreed with the LGSCO"
    success = "Extension recorded; the original due date is kept."

    def make_form(self, data=None, files=None):
        return self.versioned(forms.ExtendRecommendationForm, data)

    def perform(self, form):
        d = dict(form.cleaned_data)
        services.recommendation_extend(
            by=self.request.user,
            recommendation=self.item,
            today=complaint_selectors.today(),
            expected_version=d.pop("version"),
            **d,
        )


class ReassignView(ManagerOnly, RecommendationPage):
    title = "Reassign the recommendation"
    success = "Recommendation reassigned."

    def make_form(self, data=None, files=None):
        return self.versioned(forms.ReassignRecommendationForm, data, owners=_staff_in([self.item.service_area]))

    def perform(self, form):
        services.recommendation_reassign(
            by=self.request.user,
            recommendation=self.item,
            owner=form.cleaned_data["owner"],
            expected_version=form.cleaned_data["version"],
        )


class OutcomeView(RecommendationPage):
    title = "Record the LGSCO's compliance outcome"
    success = "Compliance outcome recorded."

    def allowed(self, request):
        return can_manage_case(request.user, self.case)

    def make_form(self, data=None, files=None):
        return self.versioned(forms.LgscoOutcomeForm, data)

    def perform(self, form):
        d = form.cleaned_data
        services.recommendation_lgsco_outcome(
            by=self.request.user,
            recommendation=self.item,
            satisfied=d["satisfied"],
            outcome_on=d["outcome_on"],
            today=complaint_selectors.today(),
            expected_version=d["version"],
        )


@login_required
def evidence_download(request, pk, rec_pk, evidence_pk):
    """Evidence is served only through the case's permission check, as an attachment."""
    _require_role(request.user)
    rec = selectors.recommendation_for(request.user, pk, rec_pk)
    item = get_object_or_404(Evidence, pk=evidence_pk, recommendation=rec)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


CSV_CHUNK_ROWS = 500


def _overdue_filters(request):
    if not is_manager(request.user):
        raise PermissionDenied("The overdue view is for managers and complaints admins")
    areas = _area_choices(request.user)
    area_ids = tuple(area.pk for area in areas)
    owners = selectors.listed_choices(
        request.user,
        ("overdue_owners", area_ids),
        lambda: _staff_in(area_ids).values_list("pk", "first_name", "last_name", "username"),
        selectors.person_name,
    )
    form = forms.OverdueFilterForm(request.GET or None, service_areas=areas, owners=owners)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filters


@login_required
def overdue(request):
    """The managers' overdue view: everything overdue or due in 30 days, by service area and owner."""
    form, filters = _overdue_filters(request)
    today = complaint_selectors.today()
    context = {
        "form": form,
        "overdue": selectors.overdue_list(user=request.user, today=today, filters=filters, render=overdue_groups),
        "today": today,
        "query": request.GET.urlencode(),
        "compliance": selectors.compliance_panel(user=request.user, today=today),
        "complaints": complaint_selectors.complaint_due_counts(user=request.user, today=today),
    }
    return render(request, "ombudsman_cases/overdue.html", context)


class Echo:
    def write(self, value):
        return value


@login_required
def overdue_csv(request):
    """Exactly the rows the overdue view shows for the same filters, streamed from the database in
    chunks: memory stays flat however many rows there are."""
    _, filters = _overdue_filters(request)
    today = complaint_selectors.today()
    rows, _ = selectors.overdue_queryset(user=request.user, today=today, filters=filters)
    writer = csv.writer(Echo())
    header = ["Service area", "Owner", "What is due", "Item", "LGSCO reference", "Due date", "Working days", "Status"]

    def lines():
        yield writer.writerow(header)
        for r in selectors.overdue_rows(rows.iterator(chunk_size=CSV_CHUNK_ROWS), today=today):
            yield writer.writerow(
                [
                    r.service_area_name,
                    r.owner_name,
                    KIND_LABELS.get(r.kind, r.kind),
                    r.title,
                    r.case_reference or "",
                    r.due_on.isoformat(),
                    r.due_info.days,
                    "Overdue" if r.due_info.overdue else "Due soon",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overdue-{today.isoformat()}.csv"'
    return response
