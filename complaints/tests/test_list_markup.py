"""The complaint tables and the list's filters, written in Python (complaints.templatetags.complaint_tables),
against the templates they replace: the same markup, whitespace between tags aside, for every kind of
row and every state of a filter. And the filters' options, read in one query, against the ORM's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import prime_access
from accounts.models import Role, ServiceArea
from complaints import forms, selectors, views
from complaints.models import Complaint, ComplaintStatus, Procedure
from complaints.selectors import DueInfo
from complaints.templatetags.complaint_tables import complaint_rows, due_cell, filter_controls
from complaints.tests.factories import log_complaint


def today() -> dt.date:
    return timezone.localdate()


def tight(html: str) -> str:
    """Markup without the whitespace between tags (which no one sees in a table or a form)."""
    return re.sub(r">\s+<", "><", html).strip()


def tbody(html: str) -> str:
    return re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)


# --- a deadline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days_left", ["no info", None, -12, -1, 0, 1, 2, 3, 40])
@pytest.mark.parametrize("due", [dt.date(2026, 3, 4), dt.date(2026, 9, 30), dt.date(2027, 1, 1)])
def test_a_deadline_cell_is_the_shared_deadline_markup(days_left, due):
    if days_left == "no info":
        info = None
    else:
        info = DueInfo(None, None) if days_left is None else DueInfo(due, days_left)
    assert due_cell(info) == render_to_string("includes/due.html", {"info": info}).rstrip("\n")


# --- rows ----------------------------------------------------------------------------------------


@pytest.fixture
def varied(make_user) -> list[Complaint]:
    """One complaint of each kind a row shows differently, with text that needs escaping."""
    casey = make_user("casey", Role.CASEWORKER, service_areas=["Housing & <Repairs>"])
    nameless = make_user("x<y>", Role.CASEWORKER, service_areas=["Housing & <Repairs>"], first_name="", last_name="")
    made = []
    for n, (status, due, label, restricted, handler) in enumerate(
        [
            (ComplaintStatus.OPEN, -3, "Respond", False, casey),
            (ComplaintStatus.OPEN, 0, "Acknowledge & respond", True, casey),
            (ComplaintStatus.OPEN, 2, "", False, nameless),
            (ComplaintStatus.OPEN, 30, "Respond <soon>", False, casey),
            (ComplaintStatus.OPEN, None, "", False, casey),
            (ComplaintStatus.CLOSED, None, "", False, casey),
            (ComplaintStatus.WITHDRAWN, None, "", True, nameless),
        ]
    ):
        complaint = log_complaint(
            handler=handler,
            received_on=today() - dt.timedelta(days=40),
            today=today(),
            complainant_name=f'Ms O\'Brien & "Co" <b>{n}</b>',
            is_restricted=restricted,
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            status=status,
            next_due_date=None if due is None else today() + dt.timedelta(days=due),
            next_due_label=label,
        )
        made.append(complaint)
    return made


def template_rows(complaints, *, show_handler: bool, empty_text: str) -> str:
    """includes/complaint_rows.html, the template the rows were written with, over model instances."""
    models = selectors.annotate_due(
        list(
            Complaint.objects.filter(pk__in=[c.pk for c in complaints])
            .select_related("procedure", "service_area", "handler")
            .order_by("id")
        ),
        today=today(),
    )
    context = {"rows": models, "caption": "Complaints", "show_handler": show_handler, "empty_text": empty_text}
    return tbody(render_to_string("includes/complaint_rows.html", context))


def python_rows(complaints, *, handler: bool, empty: str) -> str:
    rows = selectors.annotate_due(
        selectors.complaint_rows(Complaint.objects.filter(pk__in=[c.pk for c in complaints]).order_by("id")),
        today=today(),
    )
    return str(complaint_rows(rows, handler=handler, empty=empty))


@pytest.mark.parametrize("handler", [True, False], ids=["the list's rows", "My work's rows"])
def test_complaint_rows_are_the_templates_rows(db, varied, handler):
    expected = template_rows(varied, show_handler=handler, empty_text="Nothing")
    written = python_rows(varied, handler=handler, empty="Nothing")
    assert tight(written) == tight(expected)
    assert written.count('<tr class="govuk-table__row">') == len(varied)
    assert "&lt;b&gt;" in written and "<b>" not in written, "names are escaped"


@pytest.mark.parametrize("handler", [True, False])
def test_no_complaints_is_one_row_saying_so_across_the_table(db, handler):
    expected = template_rows([], show_handler=handler, empty_text="You have <no> open complaints.")
    assert tight(python_rows([], handler=handler, empty="You have <no> open complaints.")) == tight(expected)


def test_the_list_and_my_work_show_the_rows_through_the_same_tag(client, varied):
    casey = varied[0].handler
    client.force_login(casey)
    mine = [c for c in varied[:5] if c.handler_id == casey.pk]
    home = client.get("/").content.decode()
    assert tight(tbody(home)) == tight(python_rows(mine, handler=False, empty=""))
    listed = client.get("/complaints/", {"status": "open", "handler": casey.pk, "sort": "reference"})
    order = sorted(mine, key=lambda c: c.reference)
    assert re.findall(r">(CMP-\d{4}-\d{5})<", tbody(listed.content.decode())) == [c.reference for c in order]


# --- the filters ---------------------------------------------------------------------------------

# The filter form as complaints/complaint_list.html wrote it in the template language.
FILTERS_TEMPLATE = """
{% for field in form %}
  <div class="govuk-form-group{% if field.errors %} govuk-form-group--error{% endif %}">
    <label class="govuk-label govuk-label--s" for="{{ field.id_for_label }}">{{ field.label }}</label>
    {% for error in field.errors %}<p class="govuk-error-message" id="{{ field.id_for_label }}-error"><span class="govuk-visually-hidden">Error:</span> {{ error }}</p>{% endfor %}
    {% if field.field.choices %}
      <select class="govuk-select app-full-width{% if field.errors %} govuk-select--error{% endif %}" id="{{ field.id_for_label }}"{% if field.errors %} aria-describedby="{{ field.id_for_label }}-error"{% endif %} name="{{ field.html_name }}">
        {% with current=field.value|default_if_none:""|stringformat:"s" %}{% for value, label in field.field.choices %}<option value="{{ value }}"{% if value|stringformat:"s" == current %} selected{% endif %}>{{ label }}</option>{% endfor %}{% endwith %}
      </select>
    {% else %}
      <input class="govuk-input{% if field.errors %} govuk-input--error{% endif %}" id="{{ field.id_for_label }}" name="{{ field.html_name }}" type="{{ field.field.widget.input_type }}" value="{{ field.value|default_if_none:'' }}"{% if field.errors %} aria-describedby="{{ field.id_for_label }}-error"{% endif %}>
    {% endif %}
  </div>
{% endfor %}
"""


@pytest.mark.parametrize(
    "query",
    [
        None,
        "",
        "service_area=1&status=open",
        "q=%3Cscript%3E%22O%27Brien%22+%26&sort=reference",
        "status=bogus&handler=999999&procedure=x&received_from=2026-13-01&received_to=tomorrow",
        "stage=2&due=overdue&received_from=2026-01-01&received_to=2026-03-31&handler=2&sort=-due",
    ],
)
def test_the_filter_controls_are_the_templates_markup(query):
    areas = [(1, "Housing & <Repairs>"), (7, "Adult \"care\" 'services'")]
    people = [(2, "Ada <Lovelace>"), (3, "casey")]
    data = None if query is None else QueryDict(query)
    form = forms.ComplaintFilterForm(data, service_areas=areas, procedures=[(5, "Corporate")], handlers=people)
    if form.is_bound:
        form.is_valid()
    expected = Template(FILTERS_TEMPLATE).render(Context({"form": form}))
    assert tight(str(filter_controls(form))) == tight(expected)


# --- the filters' options ------------------------------------------------------------------------


@pytest.fixture
def staff(make_user):
    return {
        "casey": make_user("casey", Role.CASEWORKER, service_areas=["Housing", "Highways"]),
        "cora": make_user("cora", Role.CASEWORKER, service_areas=["Housing"], first_name="Ada", last_name="Zed"),
        "mona": make_user("mona", Role.MANAGER, service_areas=["Housing", "Highways"], first_name="Ada"),
        "bare": make_user("bare", Role.CASEWORKER, service_areas=["Highways"], first_name="", last_name=""),
        "gone": make_user("gone", Role.CASEWORKER, service_areas=["Housing"], is_active=False),
        "norole": make_user("norole", None, service_areas=["Housing"]),
        "hugo": make_user("hugo", Role.CASEWORKER, service_areas=["Planning"]),
        "ann": make_user("ann", Role.COMPLAINTS_ADMIN, service_areas=["Planning"], first_name="Zoe"),
        "solo": make_user("solo", Role.CASEWORKER),
    }


@pytest.mark.parametrize("who", ["casey", "mona", "hugo", "ann", "solo"])
def test_the_filter_options_are_the_orms_in_one_query(db, staff, who, django_assert_num_queries):
    user = staff[who]
    prime_access([user])  # as the request's user comes, with their roles and areas
    areas = views._service_areas_for(user)
    expected = selectors.FilterChoices(
        service_areas=[(a.pk, str(a)) for a in areas],
        procedures=[(p.pk, str(p)) for p in Procedure.objects.all()],
        handlers=[(u.pk, str(u)) for u in views._staff_in(areas)],
    )
    with django_assert_num_queries(1):
        choices = selectors.complaint_filter_choices(user=user)
    assert choices == expected
    if who == "casey":
        assert [name for _, name in choices.handlers] == ["bare", "Ada Tester", "Ada Zed", "Casey Tester"]
    if who == "ann":
        assert len(choices.service_areas) == ServiceArea.objects.count()
        assert {"gone", "norole", "solo"}.isdisjoint(name for _, name in choices.handlers)
