"""Pages for caseworkers, managers and admins. Views parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from accounts.access import is_complaints_admin, is_manager, role_of
from accounts.models import ServiceArea, User
from accounts.services import record_access
from calendars.selectors import VERSION_KEY as CALENDARS_VERSION_KEY
from complaints import forms, selectors, services, workflow
from complaints.models import Action, ComplaintStatus, Document
from config.versions import current


def _require_role(user):
    if role_of(user) is None:
        raise PermissionDenied("Your account has no role yet. Ask a complaints admin.")


def _service_areas_for(user):
    if is_complaints_admin(user):
        return ServiceArea.objects.all()
    return ServiceArea.objects.filter(members=user)


def _staff_in(service_areas):
    return (
        User.objects.filter(
            is_active=True,
            service_areas__in=service_areas,
            groups__name__in=["Caseworker", "Manager", "Complaints admin"],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def put_errors(form, error: ValidationError) -> None:
    """Attach a service's refusal to the form field it names (or to the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e.messages[0] if hasattr(e, "messages") else e)
    else:
        for message in error.messages:
            form.add_error(None, message)


COMPLAINTS_PER_PAGE = 25
# Where a page of the list starts; every other query parameter is a filter and stays in page links.
PAGE_PARAMETERS = ("after", "before", "page")


@login_required
def complaint_list(request):
    _require_role(request.user)
    choices = selectors.complaint_filter_choices(user=request.user)
    form = forms.ComplaintFilterForm(
        request.GET or None,
        service_areas=choices.service_areas,
        procedures=choices.procedures,
        handlers=choices.handlers,
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = selectors.complaint_table_page(
        user=request.user,
        filters=filters,
        today=selectors.today(),
        size=COMPLAINTS_PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        last=request.GET.get("page") == "last",
    )
    return render(
        request,
        "complaints/complaint_list.html",
        {"form": form, "page": page, "rows": page.rows, "links": _page_links(request.GET, page)},
    )


def _page_links(params, page) -> dict:
    """First, Previous, Next and Last for a page of the list, keeping its filters."""
    query = params.copy()
    for name in PAGE_PARAMETERS:
        query.pop(name, None)

    def link(**extra) -> str:
        q = query.copy()
        q.update(extra)
        return f"?{q.urlencode()}" if q else reverse("complaints:list")

    return {
        "first": link(),
        "previous": link(before=page.start_cursor) if page.has_previous else None,
        "next": link(after=page.end_cursor) if page.has_next else None,
        "last": link(page="last"),
    }


class ComplaintCreateView(LoginRequiredMixin, View):
    template_name = "complaints/complaint_form.html"

    def form(self, data=None):
        areas = _service_areas_for(self.request.user)
        return forms.ComplaintForm(data, user=self.request.user, service_areas=areas, handlers=_staff_in(areas))

    def get(self, request):
        _require_role(request.user)
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        _require_role(request.user)
        form = self.form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                complaint = services.complaint_register(
                    by=request.user,
                    today=selectors.today(),
                    points=form.points(),
                    **{k: v for k, v in data.items() if k != "category"},
                    category=data.get("category"),
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, f"Complaint {complaint.reference} logged.")
                return redirect("complaints:detail", pk=complaint.pk)
        return render(request, self.template_name, {"form": form})


@login_required
def complaint_detail(request, pk):
    _require_role(request.user)
    complaint = selectors.complaint_for(request.user, pk)
    body = complaint_body(complaint=complaint, today=selectors.today())
    context = {
        "complaint": complaint,
        "body": body,
        "actions_now": available_actions(request.user, complaint, body["current_stage"]),
        "can_hold": is_manager(request.user),
    }
    return render(request, "complaints/complaint_detail.html", context)


# Every change through the services, and a renamed person, service area or procedure, starts a new
# cache entry at once (see complaint_body); this only bounds how long an edit made elsewhere (a stage
# renamed in the Django admin, which records no timeline entry) takes to show.
COMPLAINT_BODY_SECONDS = 600


def complaint_body(*, complaint, today) -> dict:
    """The complaint page below its heading, as HTML (signposting; summary, stages, actions,
    documents and timeline), with the current stage the actions are worked out from.

    Rendered from `selectors.complaint_page` and kept in the cache under the complaint's newest
    timeline entry (every change records one), its last save, today's date (deadlines in words),
    the version of people's, areas' and procedures' names and the calendars' version (bank holidays): opening a complaint again costs one query, not
    eight, until something changes. Nothing in it depends on who is looking: the permission check
    (`complaint_for`) comes first, and the actions a user may take are worked out per request.
    """
    key = ":".join(
        [
            "complaint-body",
            str(complaint.pk),
            str(selectors.complaint_version(complaint)),
            complaint.updated_at.isoformat(),
            today.isoformat(),
            # Names of people, areas and procedures (a rename shows at once) and the bank holidays.
            *map(str, current(selectors.CHOICES_VERSION_KEY, CALENDARS_VERSION_KEY)),
        ]
    )
    body = cache.get(key)
    if body is None:
        context = {
            **selectors.complaint_page(complaint=complaint, today=today),
            "complaint": complaint,
            "today": today,
            "can_complete_actions": complaint.status != ComplaintStatus.WITHDRAWN,
        }
        body = {
            "signposting": render_to_string("complaints/complaint_detail_signposting.html", context),
            "main": render_to_string("complaints/complaint_detail_main.html", context),
            "current_stage": context["current_stage"],
        }
        cache.set(key, body, COMPLAINT_BODY_SECONDS)
    return body


def available_actions(user, complaint, stage) -> list[dict]:
    """The actions this user may take now on the current stage, from the workflow table."""
    if stage is None:
        return []
    rule = stage.rule
    result = []
    for action, label in workflow.ACTION_LABELS.items():
        if not workflow.allowed(action, stage.status):
            continue
        if action == "stop_clock" and (not rule.clock_stop_allowed or stage.clock_running_stop):
            continue
        if action == "restart_clock" and not stage.clock_running_stop:
            continue
        if action == "record_panel" and rule.panel_meeting_within is None:
            continue
        if action == "escalate" and stage.number >= complaint.procedure.number_of_stages:
            continue
        result.append(
            {"action": action, "label": label, "href": reverse("complaints:stage_action", args=[complaint.pk, action])}
        )
    if stage.is_open and is_manager(user):
        result.append(
            {
                "action": "reassign",
                "label": "Reassign",
                "href": reverse("complaints:stage_action", args=[complaint.pk, "reassign"]),
            }
        )
    return result


SUCCESS = {
    "acknowledge": "acknowledgement recorded",
    "extend": "deadline extended",
    "respond": "response recorded",
    "record_panel": "review panel dates recorded",
    "stop_clock": "clock stopped",
    "restart_clock": "clock restarted",
    "escalate": "next stage opened",
    "close": "complaint closed",
    "withdraw": "withdrawal recorded",
    "reopen": "complaint reopened",
    "reassign": "stage reassigned",
}


class StageActionView(LoginRequiredMixin, View):
    """One page per stage action: a form, then the service; refusals go back next to the field."""

    template_name = "complaints/stage_action.html"

    def setup_action(self, request, pk, action):
        _require_role(request.user)
        if action not in workflow.ACTION_LABELS and action != "reassign":
            raise Http404("No such action")
        self.complaint = selectors.complaint_for(request.user, pk)
        self.stage = self.complaint.stages.select_related("rule", "handler").order_by("-number").first()
        self.stage.clock_running_stop = self.stage.clock_stops.filter(restarted_on__isnull=True).first()
        self.action = action
        if action == "reassign" and not is_manager(request.user):
            raise PermissionDenied("Only a manager can reassign a stage")
        allowed = {a["action"] for a in available_actions(request.user, self.complaint, self.stage)}
        return action in allowed

    def build_form(self, data=None, files=None):
        action, stage, complaint = self.action, self.stage, self.complaint
        today = selectors.today()
        initial = {"version": stage.version}
        kwargs = {}
        if action == "acknowledge":
            cls, kwargs = forms.AcknowledgeForm, {"needs_agreed_date": stage.rule.response_date_agreed}
        elif action == "extend":
            cls = forms.ExtendForm
        elif action == "respond":
            cls = forms.RespondForm
            kwargs = {"points": list(complaint.points.all()), "owners": _staff_in([complaint.service_area])}
        elif action == "record_panel":
            cls = forms.PanelForm
        elif action == "stop_clock":
            cls = forms.ClockStopForm
        elif action == "restart_clock":
            cls = forms.ClockRestartForm
        elif action == "escalate":
            cls = forms.EscalateForm
            kwargs = {"handlers": _staff_in([complaint.service_area])}
        elif action == "close":
            reason, self.suspension = services.signposting_required(stage, on=today)
            cls, kwargs = forms.CloseForm, {"signposting_required": reason is not None}
            initial.update(wording=complaint.procedure.signposting_wording, method=complaint.preferred_contact)
        elif action == "withdraw":
            cls = forms.WithdrawForm
        elif action == "reopen":
            cls = forms.ReopenForm
        else:
            cls = forms.ReassignForm
            kwargs = {"handlers": _staff_in([complaint.service_area])}
        return cls(data, files, initial=initial, **kwargs)

    def call_service(self, form):
        d, user, stage, today = form.cleaned_data, self.request.user, self.stage, selectors.today()
        common = {"by": user, "expected_version": d.get("version")}
        action = self.action
        if action == "acknowledge":
            return services.stage_acknowledge(
                stage=stage,
                acknowledged_on=d["acknowledged_on"],
                today=today,
                agreed_response_on=d.get("agreed_response_on"),
                **common,
            )
        if action == "extend":
            return services.stage_extend(
                stage=stage,
                new_due=d["new_due"],
                reason=d["reason"],
                complainant_told_on=d["complainant_told_on"],
                today=today,
                **common,
            )
        if action == "respond":
            return services.stage_respond(
                stage=stage,
                responded_on=d["responded_on"],
                outcome=d["outcome"],
                today=today,
                point_outcomes=form.point_outcomes(),
                response_summary=d["response_summary"],
                apology_given=d["apology_given"],
                explanation_given=d["explanation_given"],
                decision_changed=d["decision_changed"],
                payment_amount=d.get("payment_amount"),
                payment_reason=d["payment_reason"],
                actions=form.actions(),
                **common,
            )
        if action == "record_panel":
            return services.stage_record_panel(
                stage=stage,
                today=today,
                panel_met_on=d.get("panel_met_on"),
                panel_report_on=d.get("panel_report_on"),
                **common,
            )
        if action == "stop_clock":
            return services.clock_stop(
                stage=stage, stopped_on=d["stopped_on"], reason=d["reason"], today=today, **common
            )
        if action == "restart_clock":
            return services.clock_restart(stage=stage, restarted_on=d["restarted_on"], today=today, **common)
        if action == "escalate":
            return services.escalation_request(
                stage=stage,
                requested_on=d["requested_on"],
                reasons=d["reasons"],
                handler=d["handler"],
                today=today,
                late_reason_accepted=d["late_reason_accepted"],
                **common,
            )
        if action == "close":
            signposting = None
            if d.get("told_on"):  # optional signposting counts only when the date they were told is given
                signposting = services.SignpostingDetails(
                    told_on=d["told_on"], method=d["method"], wording=d["wording"]
                )
            return services.complaint_close(
                stage=stage, closed_on=d["closed_on"], today=today, signposting=signposting, **common
            )
        if action == "withdraw":
            return services.complaint_withdraw(
                complaint=self.complaint, withdrawn_on=d["withdrawn_on"], reason=d["reason"], today=today, **common
            )
        if action == "reopen":
            return services.complaint_reopen(complaint=self.complaint, reason=d["reason"], **common)
        return services.stage_reassign(stage=stage, handler=d["handler"], **common)

    def render_form(self, form, status=200):
        context = {
            "complaint": self.complaint,
            "stage": self.stage,
            "form": form,
            "action": self.action,
            "title": "Reassign" if self.action == "reassign" else workflow.ACTION_LABELS[self.action],
            "suspension": getattr(self, "suspension", None),
            "signposting_required": getattr(form, "signposting_required", False),
        }
        return render(self.request, self.template_name, context, status=status)

    def stale_after_move(self, request):
        """Someone else moved the stage on (e.g. acknowledged it first): say so and keep the entries."""
        stale = services.StaleEdit(self.stage, services.changes_since(self.stage, int(request.POST["version"])))
        form = self.build_form(request.POST, request.FILES)
        form.is_valid()
        form.add_error(
            None, f"{stale} This action is no longer available, so nothing was saved. What you entered is kept below."
        )
        return self.render_form(form)

    def refuse(self):
        messages.info(self.request, "That action is not available for this complaint now.")
        return redirect("complaints:detail", pk=self.complaint.pk)

    def get(self, request, pk, action):
        if not self.setup_action(request, pk, action):
            return self.refuse()
        return self.render_form(self.build_form())

    def post(self, request, pk, action):
        if not self.setup_action(request, pk, action):
            posted = request.POST.get("version", "")
            if posted.isascii() and posted.isdigit() and len(posted) < 12 and posted != str(self.stage.version):
                return self.stale_after_move(request)
            return self.refuse()
        form = self.build_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.call_service(form)
            except ValidationError as error:
                put_errors(form, error)
            except services.StaleEdit as stale:
                form.add_error(None, f"{stale} Your entries are kept below: check them and submit again.")
                data = request.POST.copy()
                data["version"] = stale.stage.version
                form.data = data
            except workflow.TransitionNotAllowed as refused:
                messages.info(request, str(refused))
                return redirect("complaints:detail", pk=self.complaint.pk)
            else:
                messages.success(request, f"{self.complaint.reference}: {SUCCESS[self.action]}.")
                return redirect("complaints:detail", pk=self.complaint.pk)
        return self.render_form(form)


class ActionCompleteView(LoginRequiredMixin, View):
    template_name = "complaints/action_complete.html"

    def setup_action(self, request, pk, action_pk):
        _require_role(request.user)
        self.complaint = selectors.complaint_for(request.user, pk)
        self.action = get_object_or_404(
            Action.objects.select_related("stage", "owner"),
            pk=action_pk,
            complaint=self.complaint,
            completed_on__isnull=True,
        )

    def get(self, request, pk, action_pk):
        self.setup_action(request, pk, action_pk)
        return render(
            request,
            self.template_name,
            {"complaint": self.complaint, "item": self.action, "form": forms.ActionCompleteForm()},
        )

    def post(self, request, pk, action_pk):
        self.setup_action(request, pk, action_pk)
        form = forms.ActionCompleteForm(request.POST)
        if form.is_valid():
            try:
                services.action_complete(
                    by=request.user,
                    action=self.action,
                    completed_on=form.cleaned_data["completed_on"],
                    today=selectors.today(),
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, "Action marked as complete.")
                return redirect("complaints:detail", pk=self.complaint.pk)
        return render(request, self.template_name, {"complaint": self.complaint, "item": self.action, "form": form})


class DocumentUploadView(LoginRequiredMixin, View):
    template_name = "complaints/document_form.html"

    def get(self, request, pk):
        _require_role(request.user)
        complaint = selectors.complaint_for(request.user, pk)
        return render(request, self.template_name, {"complaint": complaint, "form": forms.DocumentForm()})

    def post(self, request, pk):
        _require_role(request.user)
        complaint = selectors.complaint_for(request.user, pk)
        form = forms.DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_upload(
                    by=request.user,
                    complaint=complaint,
                    uploaded_file=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, "Document uploaded.")
                return redirect("complaints:detail", pk=complaint.pk)
        return render(request, self.template_name, {"complaint": complaint, "form": form})


@login_required
def document_download(request, pk, document_pk):
    """Documents are only ever served through the complaint's permission check, as attachments."""
    _require_role(request.user)
    complaint = selectors.complaint_for(request.user, pk)
    document = get_object_or_404(Document, pk=document_pk, complaint=complaint)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
def procedures(request):
    """Stage rules and their versions, for complaints admins (editing is in the admin)."""
    if not is_complaints_admin(request.user):
        raise PermissionDenied
    today = selectors.today()
    return render(
        request, "complaints/procedures.html", {"procedures": selectors.procedure_rules(today=today), "today": today}
    )


class LegalHoldView(LoginRequiredMixin, View):
    template_name = "complaints/legal_hold.html"

    def setup_page(self, request, pk):
        self.complaint = selectors.complaint_for(request.user, pk)  # 404 before 403: never confirm a hidden record
        if not is_manager(request.user):
            raise PermissionDenied("Only a manager or a complaints admin can change a legal hold")

    def get(self, request, pk):
        self.setup_page(request, pk)
        form = forms.LegalHoldForm(initial={"hold": "no" if self.complaint.legal_hold else "yes"})
        return render(request, self.template_name, {"complaint": self.complaint, "form": form})

    def post(self, request, pk):
        self.setup_page(request, pk)
        form = forms.LegalHoldForm(request.POST)
        if form.is_valid():
            try:
                services.complaint_set_legal_hold(
                    by=request.user,
                    complaint=self.complaint,
                    hold=form.cleaned_data["hold"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, "Legal hold saved.")
                return redirect("complaints:detail", pk=self.complaint.pk)
        return render(request, self.template_name, {"complaint": self.complaint, "form": form})


@login_required
def subject_access(request):
    """Find everything held about one person, for a subject access request (complaints admins)."""
    if not is_complaints_admin(request.user):
        raise PermissionDenied
    form = forms.SubjectAccessForm(request.GET or None)
    matches = []
    if form.is_bound and form.is_valid():
        matches = list(selectors.subject_access_matches(q=form.cleaned_data["q"]))
        for complaint in matches:
            record_access(user=request.user, record=complaint, record_type="complaint")
        if request.GET.get("download") and matches:
            today = selectors.today()
            records = [{"complaint": c, **selectors.complaint_page(complaint=c, today=today)} for c in matches]
            response = render(
                request,
                "complaints/subject_access_export.html",
                {"records": records, "q": form.cleaned_data["q"], "today": today},
            )
            response["Content-Disposition"] = f'attachment; filename="subject-access-{today.isoformat()}.html"'
            return response
    return render(request, "complaints/subject_access.html", {"form": form, "matches": matches})
