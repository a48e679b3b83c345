"""Report pages for managers and complaints admins. Views parse, call a selector or service, render.

Every table on a report page can be downloaded as CSV with `?format=csv&table=<name>` (the same
filters as the page): the export writes the cells the page shows, streamed.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from complaints.views import put_errors
from ombudsman_cases.services import normalise_reference
from reports import charts, forms, selectors, services, tables
from reports.casereport import committee_case_report
from reports.models import LearningStatus, LearningTheme
from reports.rules import financial_year, long_date


def today():
    return timezone.localdate()


def reports_only(view):
    """Signed-in managers and complaints admins; anyone else is refused (caseworkers: 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.can_see_reports(request.user):
            raise PermissionDenied("Reports are for managers and complaints admins")
        return view(request, *args, **kwargs)

    return wrapped


class Echo:
    def write(self, value):
        return value


# Rows fetched from the database at a time for a streamed export, and the text sent at a time: the
# memory an export needs stays the same however many rows it has.
CSV_FETCH_ROWS = 100
CSV_SEND_CHARS = 32 * 1024


def csv_lines(rows) -> Iterator[str]:
    """CSV text for the rows, in pieces of about CSV_SEND_CHARS (not one write per row)."""
    writer = csv.writer(Echo())
    piece, size = [], 0
    for row in rows:
        line = writer.writerow(row)
        piece.append(line)
        size += len(line)
        if size >= CSV_SEND_CHARS:
            yield "".join(piece)
            piece, size = [], 0
    if piece:
        yield "".join(piece)


def csv_response(request, report_tables: list[tables.Table], *, stem: str):
    """Stream the table named by ?table= as CSV: the page's own cells."""
    name = request.GET.get("table", "")
    table = next((t for t in report_tables if t.name == name), None)
    if table is None:
        raise Http404("No such table on this report")
    response = StreamingHttpResponse(csv_lines(table.csv_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table.name}.csv"'
    return response


def csv_query(request) -> str:
    """The page's own query string, without any format or table, for the CSV links."""
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return query.urlencode()


def _report_context(request, *, title: str, period_text: str, filters_text: str = "") -> dict:
    return {
        "report_title": title,
        "period_text": period_text,
        "filters_text": filters_text,
        "generated_on": long_date(today()),
        "council_name": settings.COUNCIL_NAME,
        "csv_query": csv_query(request),
    }


@reports_only
def index(request):
    return render(request, "reports/index.html", {"cases": selectors.case_choices(request.user)[:200]})


def _scope_text(user, filters: dict, areas) -> str:
    """What a performance report covers, for its title block."""
    if filters.get("service_area"):
        area_text = f"Service area: {filters['service_area']}"
    elif selectors.reporting_area_ids(user) is None:
        area_text = "All service areas"
    else:
        area_text = "Service areas: " + ", ".join(a.name for a in areas)
    procedure_text = f"Procedure: {filters['procedure']}" if filters.get("procedure") else "All procedures"
    return f"{area_text}. {procedure_text}."


# In a cached report body, where the page's own query string goes (in each table's CSV link).
CSV_QUERY_MARK = "reports-csv-query-7d1c"


def _with_csv_query(body: str, query: str) -> SafeString:
    """A cached body with the page's query string put in its CSV links, escaped as the template would."""
    return mark_safe(body.replace(f"{CSV_QUERY_MARK}&amp;", f"{conditional_escape(query)}&amp;" if query else ""))


def _period_form_html(request, form) -> SafeString:
    """The performance report's filter form as HTML: drawn once for the same choices and values
    (a crispy form costs more than the rest of a cached report page), or afresh when it has errors."""
    if form.is_bound and form.errors:
        return mark_safe(render_to_string("reports/includes/period_form.html", {"form": form}, request=request))
    for name in ("year", "quarter", "service_area", "procedure"):
        field = form.fields[name]
        field.choices = list(iter(field.choices))  # asked once (the procedures); iter: list() would count them first
    state = [
        form.today.isoformat(),
        request.GET.urlencode(),
        *(
            [(str(value), str(label)) for value, label in form.fields[name].choices]
            for name in ("year", "quarter", "service_area", "procedure")
        ),
    ]
    key = "reports:period-form:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("reports/includes/period_form.html", {"form": form}, request=request)
        cache.set(key, html, selectors.REPORT_CACHE_SECONDS)
    return mark_safe(html)


@reports_only
def performance(request):
    """A finished period's report body (tables and charts) is kept in the cache as HTML beside its
    figures, under the same versioned key (`selectors.performance_cache_key`), so it is drawn once."""
    day = today()
    areas = selectors.reporting_areas(request.user)
    form = forms.PeriodForm(request.GET or None, today=day, service_areas=areas, area_list=list(areas))
    period, filters = form.period(), form.filters()
    key = selectors.performance_cache_key(user=request.user, period=period, today=day, **filters)
    as_csv = request.GET.get("format") == "csv"
    body_key = f"{key}:page" if key else None
    body = cache.get(body_key) if body_key and not as_csv else None
    if body is None:
        current, previous = selectors.performance_report(
            user=request.user, period=period, today=day, key=key, **filters
        )
        report_tables = tables.performance_tables(current, previous)
        if as_csv:
            stem = f"complaints-performance-{period.start.isoformat()}-to-{period.end.isoformat()}"
            return csv_response(request, report_tables, stem=stem)
        numbers = sorted(set(current.stages) | set(previous.stages)) or [1]
        body = render_to_string(
            "reports/includes/performance_body.html",
            {
                "previous": period.previous(),
                "tables": {t.name: t for t in report_tables},
                "months_chart": charts.months_chart(
                    tables.months_rows(current, previous), this_label="This period", before_label="A year earlier"
                ),
                "timeliness_chart": charts.timeliness_chart(current, previous, numbers),
                "csv_query": CSV_QUERY_MARK,
            },
        )
        if body_key:
            cache.set(body_key, body, selectors.REPORT_CACHE_SECONDS)
    context = {
        "form": form,
        "period": period,
        "previous": period.previous(),
        "body": _with_csv_query(body, csv_query(request)),
        "form_html": _period_form_html(request, form),
        **_report_context(
            request,
            title="Complaints performance report",
            period_text=f"{period.label} ({period.dates})" if period.kind != "custom" else period.dates,
            filters_text=_scope_text(request.user, filters, form.area_list),
        ),
    }
    return render(request, "reports/performance.html", context)


@reports_only
def performance_stages_csv(request):
    """The manager's operational export: every stage in the period, by reference, never by name."""
    form = forms.PeriodForm(request.GET or None, today=today(), service_areas=selectors.reporting_areas(request.user))
    period = form.period()
    rows = selectors.operational_stages(user=request.user, period=period, **form.filters())
    header = [
        "Reference",
        "Procedure",
        "Service area",
        "Category",
        "Channel",
        "Complaint status",
        "Stage",
        "Received",
        "Deadline in force",
        "Responded",
        "Within the time limit",
        "Extensions",
        "Outcome",
        "Payment",
    ]

    def lines():
        yield header
        for (
            reference,
            procedure,
            area,
            category,
            channel,
            status,
            number,
            received,
            deadline,
            responded,
            extensions,
            outcome,
            payment,
        ) in rows.iterator(chunk_size=CSV_FETCH_ROWS):
            on_time = "" if responded is None else ("Yes" if responded <= deadline else "No")
            yield [
                reference,
                procedure,
                area,
                category or "",
                channel,
                status,
                number,
                received.isoformat(),
                deadline.isoformat(),
                responded.isoformat() if responded else "",
                on_time,
                extensions,
                outcome,
                f"{payment:.2f}" if payment is not None else "",
            ]

    response = StreamingHttpResponse(csv_lines(lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="complaint-stages-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"'
    )
    return response


@reports_only
def ombudsman(request):
    day = today()
    form = forms.YearForm(request.GET or None, today=day)
    year = financial_year(form.chosen_year())
    figures = selectors.ombudsman_figures(user=request.user, year=year)
    years = selectors.compliance_by_year(user=request.user, last_year_start=year.start.year)
    report_tables = tables.ombudsman_tables(figures, years)
    if request.GET.get("format") == "csv":
        return csv_response(request, report_tables, stem=f"ombudsman-figures-{year.start.year}-{year.end.year}")
    context = {
        "form": form,
        "year": year,
        "figures": figures,
        "tables": {t.name: t for t in report_tables},
        "compliance_chart": charts.compliance_chart(years),
        **_report_context(
            request, title="Ombudsman figures: the LGSCO annual letter", period_text=f"{year.label} ({year.dates})"
        ),
    }
    return render(request, "reports/ombudsman.html", context)


@reports_only
@require_http_methods(["GET", "POST"])
def published_figures(request, year_start: int):
    if not 2000 <= year_start <= 2100:  # the years the LGSCO's figures can be entered for
        raise Http404("No such year")
    year = financial_year(year_start)
    existing = selectors.published_figures_for(year_start)
    initial = {name: getattr(existing, name) for name in services.PUBLISHED_FIELDS} if existing else None
    form = forms.PublishedFiguresForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lgsco_figures_save(by=request.user, year_start=year_start, **form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, f"The LGSCO's figures for {year.label} are saved.")
            return redirect(f"{reverse('reports:ombudsman')}?year={year_start}")
    return render(
        request,
        "reports/form_page.html",
        {
            "form": form,
            "title": f"The LGSCO's published figures for {year.label}",
            "caption": "Ombudsman figures",
            "back_url": f"{reverse('reports:ombudsman')}?year={year_start}",
            "intro": "Copy the figures from the LGSCO's annual review letter or its statistics page for the council. "
            "The Ombudsman figures page shows them beside the council's own records.",
            "history": existing.history.select_related("history_user").order_by("-history_date")[:10]
            if existing
            else [],
        },
    )


def _learning_reference(user):
    """How the register names an item's source: by reference, never a restricted one (issue 6)."""

    def reference_for(item):
        parts, href = [], ""
        if item.complaint_id:
            if item.complaint.is_restricted:
                parts.append("A restricted complaint")
            else:
                parts.append(f"Complaint {item.complaint.reference}")
                href = reverse("complaints:detail", args=[item.complaint_id])
        if item.ombudsman_case_id:
            if item.ombudsman_case.is_restricted:
                parts.append("a restricted LGSCO case" if parts else "A restricted LGSCO case")
            else:
                parts.append(f"LGSCO case {item.ombudsman_case.reference}")
                href = href or reverse("ombudsman_cases:detail", args=[item.ombudsman_case_id])
        return "; ".join(parts), href

    return reference_for


def _learning_scope(user, filters: dict) -> str:
    parts = [
        f"Service area: {filters['service_area']}"
        if filters.get("service_area")
        else "All service areas"
        if selectors.reporting_area_ids(user) is None
        else "The service areas you work in"
    ]
    if filters.get("theme"):
        parts.append(f"theme: {LearningTheme(filters['theme']).label}")
    if filters.get("status"):
        parts.append(f"status: {LearningStatus(filters['status']).label.lower()}")
    return "; ".join(parts) + "."


@reports_only
def learning(request):
    form = forms.LearningFilterForm(request.GET or None, service_areas=selectors.reporting_areas(request.user))
    register = selectors.learning_register(user=request.user, filters=form.filters())
    report_tables = tables.learning_tables(register, today=today(), reference_for=_learning_reference(request.user))
    if request.GET.get("format") == "csv":
        return csv_response(request, report_tables, stem="learning-register")
    context = {
        "form": form,
        "tables": {t.name: t for t in report_tables},
        **_report_context(
            request, title="Learning register", period_text=_learning_scope(request.user, form.filters())
        ),
        "period_label": "Covers",
    }
    return render(request, "reports/learning.html", context)


def _plain_id(value):
    """A record id from a query string, or None: ASCII digits only ("²" passes isdigit()), at most 12 of them."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


@reports_only
@require_http_methods(["GET", "POST"])
def learning_add(request):
    user = request.user
    initial = {"due_on": None}
    complaint_id, case_id = _plain_id(request.GET.get("complaint")), _plain_id(request.GET.get("case"))
    complaint = selectors.complaint_visible(user, complaint_id) if complaint_id else None
    case = selectors.case_visible(user, case_id) if case_id else None
    if complaint:
        initial.update(complaint_reference=complaint.reference, service_area=complaint.service_area_id)
    if case:
        initial.update(lgsco_reference=case.reference, service_area=case.service_area_id)
    form = forms.LearningItemForm(
        request.POST or None,
        initial=initial,
        service_areas=selectors.reporting_areas(user),
        owners=selectors.learning_owner_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = case = None
        if data["complaint_reference"].strip():
            complaint = selectors.complaint_by_reference(user, data["complaint_reference"])
            if complaint is None:
                form.add_error("complaint_reference", "There is no complaint with that reference that you can open")
        if data["lgsco_reference"].strip():
            try:
                case = selectors.case_by_reference(user, normalise_reference(data["lgsco_reference"]))
            except ValidationError:
                form.add_error("lgsco_reference", "Enter the LGSCO reference as 8 digits in the format 20 008 832")
            else:
                if case is None:
                    form.add_error("lgsco_reference", "There is no LGSCO case with that reference that you can open")
        if not form.errors:
            try:
                item = services.learning_add(
                    by=user,
                    today=today(),
                    theme=data["theme"],
                    improvement=data["improvement"],
                    service_area=data["service_area"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    complaint=complaint,
                    ombudsman_case=case,
                )
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, "Added to the learning register.")
                return redirect("reports:learning_detail", pk=item.pk)
    return render(
        request,
        "reports/form_page.html",
        {
            "form": form,
            "title": "Add a service improvement",
            "caption": "Learning register",
            "back_url": reverse("reports:learning"),
            "intro": "Record what the council agreed to change after an upheld complaint or an Ombudsman decision. "
            "The owner is reminded as the due date approaches, like any other deadline.",
        },
    )


def _can_act(user, item) -> bool:
    return selectors.can_see_reports(user) or item.owner_id == user.pk


@login_required
def learning_detail(request, pk: int):
    item = selectors.learning_item_for(request.user, pk)
    if not _can_act(request.user, item):
        raise PermissionDenied("Only managers and the owner can see this improvement")
    source_text, source_href = _learning_reference(request.user)(item)
    context = {
        "item": item,
        "source_text": source_text,
        "source_href": source_href,
        "overdue": item.status == "open" and item.due_on < today(),
        "is_manager": selectors.can_see_reports(request.user),
    }
    return render(request, "reports/learning_detail.html", context)


def _learning_form_page(request, pk: int, *, form_class, title: str, perform, success: str):
    item = selectors.learning_item_for(request.user, pk)
    if not _can_act(request.user, item):
        raise PermissionDenied("Only managers and the owner can change this improvement")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(item, form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("reports:learning_detail", pk=item.pk)
    return render(
        request,
        "reports/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": "Learning register",
            "back_url": reverse("reports:learning_detail", args=[item.pk]),
            "inset": item.improvement,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_complete(request, pk: int):
    return _learning_form_page(
        request,
        pk,
        form_class=forms.LearningCompleteForm,
        title="Mark the improvement as done",
        perform=lambda item, data: services.learning_complete(
            by=request.user, item=item, completed_on=data["completed_on"], today=today()
        ),
        success="Marked as done.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_drop(request, pk: int):
    return _learning_form_page(
        request,
        pk,
        form_class=forms.LearningDropForm,
        title="Drop the improvement",
        perform=lambda item, data: services.learning_drop(
            by=request.user, item=item, dropped_on=data["dropped_on"], reason=data["reason"], today=today()
        ),
        success="Dropped.",
    )


@reports_only
def case_pick(request):
    """The case report picker: an LGSCO reference in, the case's report out."""
    raw = request.GET.get("reference", "")
    try:
        reference = normalise_reference(raw)
    except ValidationError:
        messages.error(request, "Enter the LGSCO reference as 8 digits in the format 20 008 832")
        return redirect("reports:index")
    case = selectors.case_by_reference(request.user, reference)
    if case is None:
        messages.error(request, f"There is no LGSCO case {reference} that you can open")
        return redirect("reports:index")
    return redirect("reports:case", case_pk=case.pk)


@reports_only
def case(request, case_pk: int):
    data = selectors.case_report(user=request.user, case_pk=case_pk)
    report = committee_case_report(data)
    if request.GET.get("format") == "csv":
        return csv_response(request, report.tables, stem=f"case-report-{data.case.reference.replace(' ', '')}")
    context = {
        "report": report,
        "case": data.case,
        "tables": {t.name: t for t in report.tables},
        **_report_context(
            request,
            title=f"Ombudsman case {data.case.reference}: report for committee",
            period_text=report.period_text,
        ),
        "period_label": "Decision",
    }
    return render(request, "reports/case.html", context)
