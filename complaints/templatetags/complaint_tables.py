"""Tables of complaints (the complaint list, My work) and the list's filters, written in Python.

Through the template language a row (a dozen lookups, a date filter, an included deadline) cost
more than the rest of the page, and so did the filter form's eleven controls. The markup is the
templates': a row is includes/complaint_rows.html's, a deadline includes/due.html's, and
complaints/tests/test_list_markup.py renders both ways and compares them. Text is escaped with the
standard library's `html.escape`, which is what Django's `escape` does."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import forms, template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from complaints.models import ComplaintStatus

register = template.Library()

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TAGS = {
    "Overdue": ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>',
    "Due soon": ' <strong class="govuk-tag govuk-tag--yellow">Due soon</strong>',
}
RESTRICTED = ' <strong class="govuk-tag govuk-tag--grey">Restricted</strong>'
STATUS_LABELS = {value: escape(str(label)) for value, label in ComplaintStatus.choices}
CELL = '<td class="govuk-table__cell">'


def short_date(day) -> str:
    """The date as the template filter `date:"j M Y"` writes it in English: 4 Mar 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def due_cell(info, *, hide_date: bool = False) -> SafeString:
    """A deadline in words and a tag (never colour alone), as templates/includes/due.html writes
    it: the one Python copy of that include, for pages that write their rows in Python (here and
    ombudsman_cases/templatetags/lgsco.py); tests compare both with the include."""
    if not getattr(info, "due", None):
        return mark_safe('<span class="govuk-body-s">No deadline</span>')
    date_html = "" if hide_date else f"{short_date(info.due)}<br>"
    return mark_safe(f'{date_html}<span class="govuk-body-s">{escape(info.words)}</span>{TAGS.get(info.tag, "")}')


@lru_cache(maxsize=16)
def _detail_url(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    """The complaint page's URL around its id: reversed once per process, not once a row."""
    marker = "987654321"
    before, _, after = reverse("complaints:detail", kwargs={"pk": int(marker)}, urlconf=urlconf).partition(marker)
    return before, after


@register.simple_tag
def complaint_rows(rows, *, handler: bool, empty: str) -> SafeString:
    """The rows of a table of complaints (selectors.ComplaintRow, with `due_info`): reference (a
    link), complainant, service area, stage, the handler if `handler`, next step and deadline;
    or one row saying `empty`."""
    if not rows:
        return mark_safe(
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{7 if handler else 6}">'
            f"{escape(empty)}</td></tr>"
        )
    before, after = _detail_url(get_script_prefix(), get_urlconf())
    parts = []
    for c in rows:
        is_open = c.status == ComplaintStatus.OPEN
        parts.append(
            f'<tr class="govuk-table__row">\n{CELL}<a class="govuk-link" href="{before}{int(c.pk)}{after}">'
            f"{escape(c.reference)}</a>{RESTRICTED if c.is_restricted else ''}</td>\n"
            f"{CELL}{escape(c.complainant_name)}</td>\n"
            f"{CELL}{escape(c.service_area_name)}</td>\n"
            f"{CELL}{int(c.current_stage_number)} of {int(c.number_of_stages)}</td>\n"
            f"{f'{CELL}{escape(c.handler_name)}</td>{chr(10)}' if handler else ''}"
            f"{CELL}{escape(c.next_due_label or '—') if is_open else STATUS_LABELS.get(c.status, escape(c.status))}</td>\n"
            f"{CELL}{due_cell(c.due_info) if is_open else '—'}</td>\n</tr>"
        )
    return mark_safe("\n".join(parts))


@register.simple_tag
def filter_controls(form) -> SafeString:
    """Each field of a GET filter form as a GOV.UK form group: a label, its errors, and a select
    (its options written here: an admin's handler filter lists every member of staff) or an input."""
    return mark_safe("\n".join(_control(bound) for bound in form))


def _control(bound) -> str:
    errors = bound.errors
    field_id = escape(bound.id_for_label)
    name = escape(bound.html_name)
    value = bound.value()
    error_class = described = messages = ""
    if errors:
        described = f' aria-describedby="{field_id}-error"'
        messages = "".join(
            f'<p class="govuk-error-message" id="{field_id}-error">'
            f'<span class="govuk-visually-hidden">Error:</span> {escape(str(error))}</p>'
            for error in errors
        )
    if isinstance(bound.field, forms.ChoiceField):
        current = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(choice))}"{" selected" if str(choice) == current else ""}>'
            f"{escape(str(label))}</option>"
            for choice, label in bound.field.choices
        )
        error_class = " govuk-select--error" if errors else ""
        control = (
            f'<select class="govuk-select app-full-width{error_class}" id="{field_id}"{described} name="{name}">'
            f"{options}</select>"
        )
    else:
        error_class = " govuk-input--error" if errors else ""
        control = (
            f'<input class="govuk-input{error_class}" id="{field_id}" name="{name}"'
            f' type="{escape(bound.field.widget.input_type)}" value="{"" if value is None else escape(str(value))}"'
            f"{described}>"
        )
    return (
        f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">\n'
        f'<label class="govuk-label govuk-label--s" for="{field_id}">{escape(str(bound.label))}</label>\n'
        f"{messages}{control}\n</div>"
    )
