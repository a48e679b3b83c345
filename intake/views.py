"""The public online complaint form (no sign-in) and the staff's intake queue.

The form is one question per page; answers stay in the session until the resident sends them
from the check-your-answers page. Every page works without JavaScript.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from accounts.access import role_of
from complaints.selectors import annotate_due, complaint_for
from complaints.services import StaleEdit
from intake import journey, selectors, services, throttle
from intake.forms import HONEYPOT, AttachmentForm, CheckAnswersForm, ContactDetailsForm
from intake.journey import BY_SLUG, DONE_KEY, SESSION_KEY, Draft, Step
from intake.models import PendingAttachment

log = logging.getLogger(__name__)


def step_url(step: Step, *, change: bool = False) -> str:
    url = reverse("intake:documents") if step.slug == "documents" else reverse("intake:step", args=[step.slug])
    return f"{url}?change=1" if change else url


def _form_kwargs(step: Step, draft: Draft) -> dict:
    if step.form is ContactDetailsForm:
        return {"preferred_contact": draft.answers.get("preferred_contact", "")}
    return {}


def _still_valid(step: Step, draft: Draft) -> bool:
    """Whether a page's stored answers still hold (an earlier change can undo them, e.g. a new way
    of contacting that needs a detail not given, or a topic no longer offered)."""
    if step.form is AttachmentForm:
        return True
    data = {name: value for name, value in draft.answers.items() if value is not None}
    return step.form(data, **_form_kwargs(step, draft)).is_valid()


def _recheck(draft: Draft) -> None:
    draft.done = [slug for slug in draft.done if slug in BY_SLUG and _still_valid(BY_SLUG[slug], draft)]


def _next_url(draft: Draft, step: Step, *, changing: bool) -> str:
    if changing:
        missing = draft.first_missing()
        return step_url(missing, change=True) if missing else reverse("intake:check")
    following = draft.next_after(step)
    return step_url(following) if following else reverse("intake:check")


def _back_url(draft: Draft, step: Step, *, changing: bool) -> str:
    if changing:
        return reverse("intake:check")
    previous = draft.previous_before(step)
    return step_url(previous) if previous else reverse("intake:start")


def start(request):
    first = journey.STEPS[0]
    return render(
        request, "intake/start.html", {"first_url": step_url(first), "team_email": settings.COMPLAINTS_TEAM_EMAIL}
    )


class StepView(View):
    """One question page: show it with the answer so far, or take the answer and move on."""

    template_name = "intake/step.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.step = BY_SLUG.get(kwargs.get("slug"))
        if self.step is None or self.step.form is AttachmentForm:
            raise Http404("No such question")
        self.draft = Draft.load(request.session)
        self.changing = request.GET.get("change") == "1"

    def render(self, form):
        context = {
            "form": form,
            "step": self.step,
            "back_url": _back_url(self.draft, self.step, changing=self.changing),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, slug):
        form = self.step.form(
            initial=self.step.form.initial_from(self.draft.answers), **_form_kwargs(self.step, self.draft)
        )
        return self.render(form)

    def post(self, request, slug):
        form = self.step.form(request.POST, **_form_kwargs(self.step, self.draft))
        if request.POST.get(HONEYPOT):
            self.draft.trapped = True  # carried on silently; the complaint is never logged
        if not form.is_valid():
            self.draft.save(request.session)
            return self.render(form)
        self.draft.record(self.step, form.answers())
        _recheck(self.draft)
        self.draft.save(request.session)
        return redirect(_next_url(self.draft, self.step, changing=self.changing))


class DocumentsView(View):
    """The optional uploads: one file at a time, each checked as every upload is; remove any."""

    template_name = "intake/documents.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.step = BY_SLUG["documents"]
        self.draft = Draft.load(request.session)
        self.changing = request.GET.get("change") == "1"

    def form(self, data=None, files=None):
        return AttachmentForm(data, files, limit_mb=settings.UPLOAD_MAX_BYTES // (1024 * 1024))

    def render(self, form, status=200):
        context = {
            "form": form,
            "step": self.step,
            "attachments": PendingAttachment.objects.filter(draft=self.draft.id),
            "max_files": services.MAX_ATTACHMENTS,
            "back_url": _back_url(self.draft, self.step, changing=self.changing),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        self.draft.save(request.session)  # the draft id the files are kept under
        if "remove" in request.POST:
            try:
                services.attachment_remove(draft_id=self.draft.id, attachment_id=int(request.POST["remove"]))
            except (TypeError, ValueError, OverflowError):
                pass
            return redirect(request.get_full_path())
        form = self.form(request.POST, request.FILES)
        uploaded = form.is_valid() and form.cleaned_data.get("file")
        if uploaded:
            if not throttle.allow(request, "uploads"):
                form.add_error("file", "You have uploaded too many files from this connection. Try again in an hour")
                return self.render(form, status=429)
            try:
                services.attachment_add(draft_id=self.draft.id, uploaded_file=uploaded)
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    form.add_error("file", message)
        if form.errors:
            return self.render(form)
        if request.POST.get("action") != "continue":
            return redirect(request.get_full_path())
        self.draft.record(self.step, {})
        self.draft.save(request.session)
        return redirect(_next_url(self.draft, self.step, changing=self.changing))


class CheckAnswersView(View):
    """Check your answers, then send: the complaint is logged here and nowhere else."""

    template_name = "intake/check_answers.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = Draft.load(request.session)
        _recheck(self.draft)

    def get(self, request):
        missing = self.draft.first_missing()
        if missing is not None:
            return redirect(step_url(missing))
        return self.render(CheckAnswersForm())

    def render(self, form):
        rows = journey.summary_rows(
            self.draft, attachments=PendingAttachment.objects.filter(draft=self.draft.id), url=step_url
        )
        return render(self.request, self.template_name, {"form": form, "rows": rows})

    def post(self, request):
        if not throttle.allow(request, "submissions"):
            context = {"limit": throttle.limit("submissions"), "team_email": settings.COMPLAINTS_TEAM_EMAIL}
            return render(request, "intake/too_many.html", context, status=429)
        if request.POST.get(HONEYPOT) or self.draft.trapped:
            log.info("Online complaint form: honeypot filled, submission discarded")
            request.session.pop(SESSION_KEY, None)
            request.session[DONE_KEY] = {"reference": ""}
            return redirect("intake:done")
        missing = self.draft.first_missing()
        if missing is not None:
            return redirect(step_url(missing))
        try:
            complaint = services.online_complaint_submit(draft=self.draft, today=timezone.localdate())
        except ValidationError:  # the topic was withdrawn while the resident was writing
            return redirect(step_url(BY_SLUG["about"]))
        stage = complaint.stages.get(number=1)
        request.session.pop(SESSION_KEY, None)
        request.session[DONE_KEY] = {
            "reference": complaint.reference,
            "emailed": bool(complaint.complainant_email),
            "acknowledge_by": stage.acknowledge_due.isoformat() if stage.acknowledge_due else "",
        }
        return redirect("intake:done")


def done(request):
    sent = request.session.get(DONE_KEY)
    if not sent:
        return redirect("intake:start")
    return render(
        request, "intake/done.html", {"sent": sent, "acknowledge_by": journey.parse_date(sent.get("acknowledge_by"))}
    )


# --- staff ---------------------------------------------------------------------------------------


def _require_role(user):
    if role_of(user) is None:
        raise PermissionDenied("Your account has no role yet. Ask a complaints admin.")


@login_required
def queue(request):
    _require_role(request.user)
    today = timezone.localdate()
    page = Paginator(selectors.intake_queue(request.user), 25).get_page(request.GET.get("page"))
    annotate_due(page.object_list, today=today)
    return render(request, "intake/queue.html", {"page": page, "today": today})


@require_POST
@login_required
def pick_up(request, pk):
    _require_role(request.user)
    complaint = complaint_for(request.user, pk)
    try:
        services.online_complaint_pick_up(by=request.user, complaint=complaint)
    except (ValidationError, StaleEdit) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
        return redirect("intake:queue")
    messages.success(request, f"You are now handling {complaint.reference}.")
    return redirect("complaints:detail", pk=complaint.pk)
