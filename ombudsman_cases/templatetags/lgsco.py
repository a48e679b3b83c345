"""Rows of the managers' overdue view, built in Python.

The overdue view lists every open LGSCO obligation of a manager's service areas (hundreds at a
large council): a row through the template engine (an include, filters and a dozen lookups) cost
more than the rest of the page. The markup is the template's, and `due_cell` is exactly
templates/includes/due.html (a test renders both and compares them)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reminders.models import ObligationKind

register = template.Library()

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KIND_LABELS = dict(ObligationKind.choices)


def short_date(day: dt.date | None) -> str:
    """The date as the template filter `date:"j M Y"` writes it in English: 4 Mar 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def due_cell(info, *, hide_date: bool = False) -> SafeString:
    """A deadline in words and a tag (never colour alone): templates/includes/due.html."""
    if not info.due:
        return mark_safe('<span class="govuk-body-s">No deadline</span>')
    tag = info.tag
    if tag == "Overdue":
        tag_html = mark_safe(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    elif tag == "Due soon":
        tag_html = mark_safe(' <strong class="govuk-tag govuk-tag--yellow">Due soon</strong>')
    else:
        tag_html = ""
    date_html = "" if hide_date else format_html("{}<br>", short_date(info.due))
    return format_html('{}<span class="govuk-body-s">{}</span>{}', date_html, info.words, tag_html)


@register.simple_tag
def overdue_rows(items) -> SafeString:
    """The table rows of one owner's items: what is due (a link), the due date, working days left."""
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br>'
        '<span class="govuk-body-s">{}</span></td><td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}</td></tr>',
        (
            (
                r.url,
                r.title,
                KIND_LABELS.get(r.kind, r.kind),
                short_date(r.due_on),
                due_cell(r.due_info, hide_date=True),
            )
            for r in items
        ),
    )
