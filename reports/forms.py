"""Forms for reports in the GOV.UK patterns: plain GET forms for periods, day/month/year dates."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms

from accounts.models import ServiceArea, User
from complaints.forms import GovDateField, _helper, _text
from complaints.models import Procedure
from reports import rules
from reports.models import LearningStatus, LearningTheme

FIRST_YEAR = 2015
MAX_CUSTOM_DAYS = 5 * 366


def year_choices(today: dt.date) -> list[tuple[int, str]]:
    latest = rules.financial_year_containing(today).start.year
    return [(year, f"{year} to {year + 1}") for year in range(latest, FIRST_YEAR - 1, -1)]


def _get_helper(*fields, button: str) -> FormHelper:
    """A GET form: the button has no name, so the address only carries the choices."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(
        *fields,
        HTML(
            f'<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">{button}</button>'
        ),
    )
    return helper


class PeriodForm(forms.Form):
    """The performance report's period and filters (GET): a year, a quarter of it, or custom dates."""

    year = forms.TypedChoiceField(coerce=int, label="Year (1 April to 31 March)")
    quarter = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label="Part of the year",
        choices=[("", "The whole year"), *rules.QUARTERS.items()],
    )
    start = GovDateField(what="the first day of the period", label="From", required=False)
    end = GovDateField(what="the last day of the period", label="To", required=False)
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(), required=False, label="Service area", empty_label="All your service areas"
    )
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.all(), required=False, label="Procedure", empty_label="All procedures"
    )

    def __init__(self, *args, today: dt.date, service_areas, area_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial = rules.financial_year_containing(today).start.year
        area_field = self.fields["service_area"]
        area_field.queryset = service_areas
        self.area_list = area_list
        if area_list is not None:  # the areas already fetched: the select shows them without asking again
            area_field.choices = [("", area_field.empty_label)] + [
                (area.pk, area_field.label_from_instance(area)) for area in area_list
            ]
        self.helper = _get_helper(
            Field.select("year"),
            Field.select("quarter"),
            Fieldset(
                HTML('<p class="govuk-hint">Leave both blank to use the year or quarter above.</p>'),
                Field("start"),
                Field("end"),
                legend="Or choose your own dates",
                legend_size=Size.SMALL,
            ),
            Field.select("service_area"),
            Field.select("procedure"),
            button="Show the report",
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("end" if start else "start", "Enter both the first and the last day of the period")
        elif start and end:
            if end < start:
                self.add_error("end", "The last day of the period must be on or after the first day")
            elif (end - start).days > MAX_CUSTOM_DAYS:
                self.add_error("end", "The period can be at most 5 years long")
        return data

    def period(self) -> rules.Period:
        """The period chosen, or this year when the form is empty or wrong."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return rules.Period(start=data["start"], end=data["end"])
        year = data.get("year") or rules.financial_year_containing(self.today).start.year
        if data.get("quarter"):
            return rules.quarter(year, data["quarter"])
        return rules.financial_year(year)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"service_area": data.get("service_area"), "procedure": data.get("procedure")}


class YearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Year (1 April to 31 March)")

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = year_choices(today)
        self.fields["year"].initial = rules.financial_year_containing(today).start.year
        self.helper = _get_helper(Field.select("year"), button="Show the year")

    def chosen_year(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return rules.financial_year_containing(self.today).start.year


class LearningFilterForm(forms.Form):
    theme = forms.ChoiceField(choices=[("", "Any theme"), *LearningTheme.choices], required=False, label="Theme")
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(), required=False, label="Service area", empty_label="All your service areas"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *LearningStatus.choices], required=False, label="Status")

    def __init__(self, *args, service_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.helper = _get_helper(
            Field.select("theme"), Field.select("service_area"), Field.select("status"), button="Apply filters"
        )

    def filters(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class LearningItemForm(forms.Form):
    complaint_reference = forms.CharField(
        required=False,
        max_length=20,
        label="Council complaint reference",
        help_text="For example CMP-2026-00042. Leave blank if the learning comes only from an Ombudsman case.",
    )
    lgsco_reference = forms.CharField(
        required=False,
        max_length=20,
        label="LGSCO reference",
        help_text="For example 20 008 832. Leave blank if the learning comes only from a complaint.",
    )
    theme = forms.ChoiceField(
        choices=LearningTheme.choices,
        widget=forms.RadioSelect,
        label="What went wrong?",
        error_messages={"required": "Select the theme"},
    )
    improvement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Service improvement agreed",
        help_text="What will change, in plain words. No names: this appears in published reports.",
        error_messages={"required": "Enter the service improvement agreed"},
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(),
        label="Service area",
        error_messages={"required": "Select the service area that will make the improvement"},
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Owner", error_messages={"required": "Select who will make sure it happens"}
    )
    due_on = GovDateField(what="the due date", label="Due date")

    def __init__(self, *args, service_areas, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.fields["owner"].queryset = owners
        self.helper = _helper(
            _text("complaint_reference", 10),
            _text("lgsco_reference", 10),
            Field.radios("theme", legend_size=Size.SMALL),
            Field.textarea("improvement"),
            Field.select("service_area"),
            Field.select("owner"),
            Field("due_on"),
            submit="Add to the learning register",
        )

    def clean(self):
        data = super().clean()
        if not (data.get("complaint_reference") or "").strip() and not (data.get("lgsco_reference") or "").strip():
            self.add_error("complaint_reference", "Enter the complaint reference, the LGSCO reference, or both")
        return data


class LearningCompleteForm(forms.Form):
    completed_on = GovDateField(what="the date it was done", label="Date the improvement was made")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("completed_on"), submit="Mark as done")


class LearningDropForm(forms.Form):
    dropped_on = GovDateField(what="the date it was dropped", label="Date it was dropped")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why it will not be made",
        error_messages={"required": "Enter why the improvement will not be made"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("dropped_on"), Field.textarea("reason"), submit="Drop the improvement")


PERCENT_ERRORS = {
    "invalid": "Enter the rate as a number, like 83 or 82.5",
    "min_value": "Enter a percentage from 0 to 100",
    "max_value": "Enter a percentage from 0 to 100",
    "max_decimal_places": "Enter the rate with at most one decimal place",
    "max_digits": "Enter a percentage from 0 to 100",
}
COUNT_ERRORS = {"invalid": "Enter a whole number, like 12", "min_value": "Enter 0 or more"}


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=0, label=label, error_messages=COUNT_ERRORS)


def _rate(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        label=label,
        help_text="As a percentage, for example 83",
        error_messages=PERCENT_ERRORS,
    )


class PublishedFiguresForm(forms.Form):
    decisions = _count("Decisions")
    investigated = _count("Investigated (upheld or not upheld)")
    upheld = _count("Upheld")
    uphold_rate = _rate("Uphold rate (%)")
    satisfactory_remedy_rate = _rate("Satisfactory remedy rate (%)")
    compliance_rate = _rate("Compliance rate (%)")
    public_interest_reports = _count("Public interest reports")
    source_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=300,
        label="Where the LGSCO published them (optional)",
        help_text="The address of the LGSCO's statistics page or annual letter",
        error_messages={"invalid": "Enter the address as a web address, starting https://"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            HTML('<p class="govuk-body">Leave a box blank if the LGSCO did not publish that figure.</p>'),
            _text("decisions", 4),
            _text("investigated", 4),
            _text("upheld", 4),
            _text("uphold_rate", 4),
            _text("satisfactory_remedy_rate", 4),
            _text("compliance_rate", 4),
            _text("public_interest_reports", 4),
            _text("source_url"),
            submit="Save the LGSCO's figures",
        )
