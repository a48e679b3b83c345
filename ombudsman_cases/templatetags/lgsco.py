"""The managers' overdue view's tables, built in Python, and quick date filters for the case page.

The overdue view lists every open LGSCO obligation of a manager's service areas (hundreds at a
large council): each row through the template engine (an include, filters and a dozen lookups)
cost more than the rest of the page. The markup is what the template wrote, and `due_cell` is
exactly templates/includes/due.html (a test renders both and compares them). Text is escaped with
the standard library's `html.escape`, which is what Django's `escape` does."""

from __future__ import annotations

import datetime as dt
from html import escape

from django import template
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from complaints.templatetags.complaint_tables import due_cell, short_date
from reminders.models import ObligationKind

register = template.Library()

LONG_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
KIND_LABELS = {value: str(label) for value, label in ObligationKind.choices}
TABLE_HEAD = (
    '<thead class="govuk-table__head"><tr class="govuk-table__row">'
    '<th scope="col" class="govuk-table__header">What is due</th>'
    '<th scope="col" class="govuk-table__header">Due</th>'
    '<th scope="col" class="govuk-table__header">Working days</th>'
    "</tr></thead>"
)


register.filter("short_date", short_date)


@register.filter
def long_date(day: dt.date | None) -> str:
    """The date as the template filter `date:"j F Y"` writes it in English: 4 March 2026.
    (The date filter looks up the locale's formats for every date; a case page shows dozens.)"""
    return f"{day.day} {LONG_MONTHS[day.month - 1]} {day.year}" if day else ""


@register.filter
def due_words(info) -> SafeString:
    """`{% include "includes/due.html" with info=info hide_date=True %}` as a filter."""
    return due_cell(info, hide_date=True)


def _row(r) -> str:
    return (
        f'<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{escape(r.url)}">'
        f'{escape(r.title)}</a><br><span class="govuk-body-s">{escape(KIND_LABELS.get(r.kind, r.kind))}</span></td>'
        f'<td class="govuk-table__cell">{short_date(r.due_on)}</td>'
        f'<td class="govuk-table__cell">{due_cell(r.due_info, hide_date=True)}</td></tr>'
    )


@register.simple_tag
def overdue_groups(groups) -> SafeString:
    """Per service area a heading, and per owner a table of their items: what is due (a link),
    the due date and the working days left. `groups` is `selectors.group_overdue`'s."""
    parts = []
    for area_name, owners in groups:
        parts.append(f'<h3 class="govuk-heading-m">{escape(area_name)}</h3>')
        for owner_name, items in owners:
            parts.append(
                f'<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">'
                f"{escape(owner_name)} ({len(items)})</caption>{TABLE_HEAD}"
                f'<tbody class="govuk-table__body">{"".join(_row(r) for r in items)}</tbody></table>'
            )
    return mark_safe("\n".join(parts))


REC_TAGS = {
    True: '<strong class="govuk-tag govuk-tag--red">Late</strong>',
    False: '<strong class="govuk-tag govuk-tag--green">On time</strong>',
}


def _rec_row(r) -> str:
    e = conditional_escape
    what = f'<a class="govuk-link" href="{e(r.url)}">{e(r.get_kind_display())}</a>'
    if r.beneficiary_pseudonym:
        what += f" ({e(r.beneficiary_pseudonym)})"
    if r.amount:
        what += f", £{e(formats.localize(r.amount))}"
    what += f'<br><span class="govuk-body-s">{e(Truncator(r.wording).chars(140))}</span>'
    due = short_date(r.due_on)
    if r.due_on != r.original_due_on:
        due += f'<br><span class="govuk-body-s">extended from {short_date(r.original_due_on)}</span>'
    due += f'<br><span class="govuk-body-s">{e(r.basis_description)}</span>'
    completed = f"Completed {short_date(r.completed_on)} {REC_TAGS[bool(r.is_late)]}<br>" if r.completed_on else ""
    if r.evidence_sent_on:
        evidence = f"Evidence sent {short_date(r.evidence_sent_on)}"
    elif r.due_info:
        evidence = due_words(r.due_info)
    else:
        evidence = ""
    lgsco = f"<br>LGSCO: {e(r.get_lgsco_status_display())}" if r.lgsco_status != "pending" else ""
    return (
        '\n            <tr class="govuk-table__row">'
        f'\n              <td class="govuk-table__cell">{what}</td>'
        f'\n              <td class="govuk-table__cell">{e(r.owner)}</td>'
        f'\n              <td class="govuk-table__cell">{due}</td>'
        '\n              <td class="govuk-table__cell">'
        f"\n                {completed}\n                {evidence}\n                {lgsco}"
        "\n              </td>\n            </tr>\n          "
    )


@register.simple_tag
def recommendation_rows(recommendations) -> SafeString:
    """The case page's recommendation rows, as the template's loop wrote them (a row through the
    template engine cost about 0.1 ms: a link, four dates, a truncated text and tags). Each row
    needs `url` and `due_info` (selectors.case_page). A test renders both and compares them."""
    return mark_safe("".join(_rec_row(r) for r in recommendations))


CASE_ROW = (
    '\n      <tr class="govuk-table__row">\n'
    '        <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{reference}</a>{restricted}</td>\n'
    '        <td class="govuk-table__cell">{area}</td>\n'
    '        <td class="govuk-table__cell">{status}</td>\n'
    '        <td class="govuk-table__cell">{outcome}</td>\n'
    '        <td class="govuk-table__cell">{link_officer}</td>\n'
    '        <td class="govuk-table__cell">{open_recommendations}</td>\n'
    "      </tr>\n    "
)
RESTRICTED_TAG = ' <strong class="govuk-tag govuk-tag--grey">Restricted</strong>'
NO_CASES = (
    '\n      <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6">No cases match.</td></tr>\n    '
)


@register.simple_tag
def case_rows(cases) -> SafeString:
    """The case list's rows, as the template's loop wrote them (25 rows through the template
    engine cost several milliseconds). Each case needs `url`, `service_area`, `link_officer` and
    `open_recommendations` (selectors.case_list). A test renders both and compares them."""
    rows = [
        CASE_ROW.format(
            url=conditional_escape(c.url),
            reference=conditional_escape(c.reference),
            restricted=RESTRICTED_TAG if c.is_restricted else "",
            area=conditional_escape(c.service_area.name),
            status=conditional_escape(c.get_status_display()),
            outcome=conditional_escape(c.get_outcome_display() or "—"),
            link_officer=conditional_escape(str(c.link_officer)),
            open_recommendations=conditional_escape(c.open_recommendations),
        )
        for c in cases
    ]
    return mark_safe("".join(rows) or NO_CASES)
