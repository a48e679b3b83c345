"""Forms for LGSCO cases in the GOV.UK patterns. Database rules are the services'."""

from __future__ import annotations

from html import escape

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from accounts.models import ServiceArea, User
from complaints.forms import GovDateField, VersionedForm, _helper, _text
from complaints.models import Category
from ombudsman_cases.models import (
    CaseStatus,
    DueBasis,
    Outcome,
    PaymentMethod,
    RecommendationKind,
    RemedyType,
    ReportOutcome,
)
from reminders.models import ObligationKind

MONEY_ERRORS = {
    "invalid": "Enter the amount as a number of pounds, like 500 or 500.00",
    "min_value": "The amount must be £0 or more",
    "max_decimal_places": "Enter the amount in pounds and pence, like 250.50",
    "max_digits": "The amount is too large",
}


class CaseForm(forms.Form):
    reference = forms.CharField(
        max_length=20,
        label="LGSCO reference",
        help_text="8 digits, for example 20 008 832",
        error_messages={"required": "Enter the LGSCO reference"},
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(),
        label="Service area",
        error_messages={"required": "Select the service area"},
    )
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False, label="Category (optional)")
    link_officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Link Officer",
        error_messages={"required": "Select the council's Link Officer for this case"},
    )
    received_on = GovDateField(what="the date received", label="Date the council heard of the case")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the complaint to the Ombudsman is about",
        help_text='Use pseudonyms as the LGSCO does, for example "Ms B".',
        error_messages={"required": "Enter what the complaint is about"},
    )
    complaint_references = forms.CharField(
        required=False,
        label="Council complaint references (optional)",
        help_text="For example CMP-2026-00042. Separate several with commas. Leave blank if the council never saw the complaint.",
    )
    is_restricted = forms.BooleanField(required=False, label="Restrict this case to the people named on it")

    def __init__(self, *args, service_areas, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.fields["link_officer"].queryset = staff
        self.helper = _helper(
            _text("reference", 10),
            Field.select("service_area"),
            Field.select("category"),
            Field.select("link_officer"),
            Field("received_on"),
            Field.textarea("summary"),
            _text("complaint_references"),
            Field.checkbox("is_restricted"),
            submit="Open the case",
        )

    def references(self) -> list[str]:
        raw = self.cleaned_data.get("complaint_references") or ""
        return [r.strip().upper() for r in raw.replace(";", ",").split(",") if r.strip()]


class StepsForm(forms.Form):
    enquiry_received_on = GovDateField(
        what="the date the enquiry was received", label="Enquiry received", required=False
    )
    enquiry_reply_due = GovDateField(
        what="the reply due date", label="Council's reply due (the date the LGSCO set)", required=False
    )
    enquiry_reply_sent_on = GovDateField(what="the date the reply was sent", label="Reply sent", required=False)
    draft_decision_received_on = GovDateField(
        what="the date the draft decision was received", label="Draft decision received", required=False
    )
    draft_comments_due = GovDateField(what="the comments due date", label="Comments due", required=False)
    draft_comments_sent_on = GovDateField(what="the date the comments were sent", label="Comments sent", required=False)
    final_decision_on = GovDateField(what="the date of the final decision", label="Final decision", required=False)
    decision_published_on = GovDateField(
        what="the date the decision was published", label="Decision published", required=False
    )
    outcome = forms.ChoiceField(choices=[("", "Not decided yet"), *Outcome.choices], required=False, label="Outcome")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                Field("enquiry_received_on"),
                Field("enquiry_reply_due"),
                Field("enquiry_reply_sent_on"),
                legend="Enquiries",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("draft_decision_received_on"),
                Field("draft_comments_due"),
                Field("draft_comments_sent_on"),
                legend="Draft decision",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("final_decision_on"),
                Field("decision_published_on"),
                Field.select("outcome"),
                legend="Final decision",
                legend_size=Size.MEDIUM,
            ),
            submit="Save the steps",
        )


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(
        choices=RecommendationKind.choices,
        widget=forms.RadioSelect,
        label="Kind of recommendation",
        error_messages={"required": "Select the kind of recommendation"},
    )
    remedy_type = forms.ChoiceField(
        choices=RemedyType.choices,
        widget=forms.RadioSelect,
        label="Personal remedy or service improvement?",
        error_messages={"required": "Select personal remedy or service improvement"},
    )
    wording = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="The recommendation, as the decision words it",
        error_messages={"required": "Enter the recommendation as the decision words it"},
    )
    amount = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Amount in £ (optional)",
        error_messages=MONEY_ERRORS,
    )
    beneficiary_pseudonym = forms.CharField(
        max_length=40,
        required=False,
        label="Beneficiary as the decision names them (optional)",
        help_text='For example "Ms M". The same person may have another pseudonym in another document.',
    )
    evidence_expected = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Evidence the LGSCO expects (optional)",
        help_text="For example, a copy of the apology letter or proof of payment.",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Owner", error_messages={"required": "Select who owns it"}
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(),
        label="Service area",
        error_messages={"required": "Select the service area"},
    )
    due_basis = forms.ChoiceField(
        choices=DueBasis.choices,
        widget=forms.RadioSelect,
        label="How is the due date set?",
        error_messages={"required": "Select how the due date is set"},
    )
    due_within = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=120,
        label="Number of months or working days",
        error_messages={"invalid": "Enter a whole number, like 1 or 3", "min_value": "Enter a number of 1 or more"},
    )
    explicit_due_on = GovDateField(what="the due date", label="Due date from the decision letter", required=False)

    def __init__(self, *args, owners, service_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["service_area"].queryset = service_areas
        self.helper = _helper(
            Field.radios("kind"),
            Field.radios("remedy_type"),
            Field.textarea("wording"),
            _text("amount", 5),
            _text("beneficiary_pseudonym", 10),
            Field.textarea("evidence_expected"),
            Field.select("owner"),
            Field.select("service_area"),
            Field.radios("due_basis"),
            _text("due_within", 3),
            Field("explicit_due_on"),
            submit="Add the recommendation",
        )


class CompleteForm(VersionedForm):
    completed_on = GovDateField(what="the completion date", label="Date completed")
    evidence_sent_on = GovDateField(
        what="the date the evidence was sent",
        label="Date the evidence was sent to the LGSCO (optional)",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("completed_on"), Field("evidence_sent_on"), submit="Record completion")


class EvidenceSentForm(VersionedForm):
    evidence_sent_on = GovDateField(
        what="the date the evidence was sent", label="Date the evidence was sent to the LGSCO"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("evidence_sent_on"), submit="Record evidence sent")


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload evidence",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
        help_text="PDF, Word, Excel, PNG, JPEG or plain text.",
    )
    description = forms.CharField(max_length=255, required=False, label="Description (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), _text("description"), submit="Upload")


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Amount paid (£)",
        error_messages={**MONEY_ERRORS, "required": "Enter the amount paid"},
    )
    approved_by = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Approved by",
        error_messages={"required": "Select who approved the payment"},
    )
    approved_on = GovDateField(what="the approval date", label="Date approved")
    method = forms.ChoiceField(
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        label="How was it paid?",
        error_messages={"required": "Select how it was paid"},
    )
    paid_on = GovDateField(what="the payment date", label="Date paid")
    proof = forms.CharField(
        max_length=200,
        label="Proof of payment",
        help_text="The finance system reference or remittance.",
        error_messages={"required": "Enter the finance reference or remittance"},
    )

    def __init__(self, *args, approvers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = approvers
        self.helper = _helper(
            _text("amount", 5),
            Field.select("approved_by"),
            Field("approved_on"),
            Field.radios("method"),
            Field("paid_on"),
            _text("proof"),
            submit="Record the payment",
        )


class ExtendRecommendationForm(VersionedForm):
    new_due_on = GovDateField(what="the new due date", label="New due date")
    agreed_on = GovDateField(what="the date it was agreed", label="Date the LGSCO agreed it")
    letter = forms.CharField(
        max_length=200,
        label="The LGSCO's letter or email",
        help_text="Its date and reference.",
        error_messages={"required": "Enter the LGSCO letter or email that agreed the extension"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        error_messages={"required": "Enter the reason for the extension"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Field("new_due_on"),
            Field("agreed_on"),
            _text("letter"),
            Field.textarea("reason"),
            submit="Record the extension",
        )


class ReassignRecommendationForm(VersionedForm):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), label="New owner", error_messages={"required": "Select the new owner"}
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.helper = _helper("version", Field.select("owner"), submit="Reassign")


class LgscoOutcomeForm(VersionedForm):
    satisfied = forms.TypedChoiceField(
        choices=[
            ("yes", "Yes: the LGSCO was satisfied it was done"),
            ("no", "No: the LGSCO recorded it as not complied"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Was the LGSCO satisfied?",
        error_messages={"required": "Select whether the LGSCO was satisfied"},
    )
    outcome_on = GovDateField(what="the date of the LGSCO's outcome", label="Date of the LGSCO's outcome")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field.radios("satisfied"), Field("outcome_on"), submit="Record the outcome")


class ReportForm(forms.Form):
    received_on = GovDateField(
        what="the date the final report was received",
        label="Date the final report was received",
        help_text="The statutory clocks run from this date, not from publication.",
    )
    is_further_report = forms.BooleanField(required=False, label="This is a further report (s31(2A))")
    draft_received_on = GovDateField(
        what="the date the draft was received", label="Draft report received (optional)", required=False
    )
    draft_comments_sent_on = GovDateField(
        what="the date comments were sent", label="Comments on the draft sent (optional)", required=False
    )
    non_publication_direction = forms.BooleanField(
        required=False,
        label="The Ombudsman directed that the report is not published (s30(7))",
        help_text="This removes the notice and inspection duties.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("received_on"),
            Field.checkbox("is_further_report"),
            Field("draft_received_on"),
            Field("draft_comments_sent_on"),
            Field.checkbox("non_publication_direction"),
            submit="Add the report",
        )


class ReportUpdateForm(VersionedForm):
    notice_published_on = GovDateField(what="the date of the notice", label="Public notice first given", required=False)
    notice_where = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Where the notice was given",
        help_text="Newspapers and other places.",
    )
    inspection_starts_on = GovDateField(
        what="the date inspection begins", label="Public inspection begins", required=False
    )
    response_sent_on = GovDateField(
        what="the date the council told the Ombudsman",
        label="Council told the Ombudsman what it has done",
        required=False,
    )
    response_extended_to = GovDateField(
        what="the agreed later date", label="Longer period agreed in writing: new date (optional)", required=False
    )
    response_extension_letter = forms.CharField(
        max_length=200, required=False, label="The Ombudsman's letter agreeing it"
    )
    outcome = forms.ChoiceField(choices=ReportOutcome.choices, required=False, label="The Ombudsman's outcome")
    outcome_on = GovDateField(what="the date of the outcome", label="Date of the outcome", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Fieldset(
                Field("notice_published_on"),
                Field.textarea("notice_where"),
                Field("inspection_starts_on"),
                legend="Notice and inspection",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("response_sent_on"),
                Field("response_extended_to"),
                _text("response_extension_letter"),
                legend="Telling the Ombudsman",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(Field.select("outcome"), Field("outcome_on"), legend="Outcome", legend_size=Size.MEDIUM),
            submit="Save the report",
        )


class CommitteeForm(forms.Form):
    body = forms.CharField(
        max_length=150,
        label="Committee or meeting",
        help_text="For example, Children's Scrutiny Committee, Council, Cabinet.",
        error_messages={"required": "Enter the committee or meeting"},
    )
    met_on = GovDateField(what="the meeting date", label="Date of the meeting")
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What it resolved",
        error_messages={"required": "Enter what the committee resolved"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_text("body"), Field("met_on"), Field.textarea("resolution"), submit="Add the committee")


class CloseCaseForm(forms.Form):
    closed_on = GovDateField(what="the closing date", label="Date closed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("closed_on"), submit="Close the case")


class ListedChoiceField(forms.ModelChoiceField):
    """A model choice over rows fetched once by the form: its options and its check run no query.

    (A ModelChoiceField counts and iterates its queryset each time the page lists the options,
    and looks the chosen row up again when the form is checked.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, queryset=None, **kwargs)

    def set_rows(self, rows) -> None:
        rows = list(rows)
        self._rows = {str(row.pk): row for row in rows}
        self.choices = [("", self.empty_label), *((row.pk, str(row)) for row in rows)]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self._rows[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class FilterForm(forms.Form):
    """A GET form of filters; `rows()` gives each field with its options already rendered."""

    def rows(self):
        for bound in self:
            options = None
            if isinstance(bound.field, forms.ChoiceField):
                current = str(bound.value())
                options = mark_safe(
                    "".join(
                        f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
                        f"{escape(str(label))}</option>"
                        for value, label in bound.field.choices
                    )
                )
            yield bound, options


class OverdueFilterForm(FilterForm):
    service_area = ListedChoiceField(required=False, label="Service area", empty_label="All")
    kind = forms.ChoiceField(choices=[("", "All"), *ObligationKind.choices], required=False, label="What is due")
    owner = ListedChoiceField(required=False, label="Owner", empty_label="Anyone")
    window = forms.ChoiceField(
        choices=[("", "Overdue or due in the next 30 days"), ("overdue", "Overdue only")], required=False, label="Show"
    )

    def __init__(self, *args, service_areas, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].set_rows(service_areas)
        self.fields["owner"].set_rows(owners)


class CaseFilterForm(FilterForm):
    q = forms.CharField(required=False, label="LGSCO reference or words")
    service_area = ListedChoiceField(required=False, label="Service area", empty_label="All")
    status = forms.ChoiceField(choices=[("", "Any"), *CaseStatus.choices], required=False, label="Status")

    def __init__(self, *args, service_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].set_rows(service_areas)
