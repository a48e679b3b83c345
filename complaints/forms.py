"""Forms in the GOV.UK patterns: day/month/year dates, an error summary, one primary action.

Forms parse and check what one field can tell; the rules that need the database (deadlines,
caps, windows, suspensions) are the services', whose errors are put back next to the field.
"""

from __future__ import annotations

import datetime as dt
import uuid

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import ServiceArea, User
from complaints.models import Category, Channel, ContactMethod, Outcome, Procedure


class GovDateField(DateInputField):
    """A day/month/year date with messages that name the date (GOV.UK date input pattern)."""

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = f"{what[0].upper()}{what[1:]} must include a day, month and year"
        for sub, name in zip(self.fields, ("day", "month", "year"), strict=True):
            sub.validators[0].message = f"{what[0].upper()}{what[1:]} must be a real date"
            sub.error_messages["incomplete"] = f"{what[0].upper()}{what[1:]} must include a {name}"

    def compress(self, data_list):
        day, month, year = (str(part).strip() if part is not None else "" for part in data_list)
        if not (day or month or year):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if len(year) != 4:
            raise ValidationError(f"The year of {self.what} must have 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:  # huge numbers overflow a C int
            raise ValidationError(f"{self.what[0].upper()}{self.what[1:]} must be a real date") from exc


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _text(field, width=None):
    return Field.text(field, field_width=width) if width else Field.text(field)


class VersionedForm(forms.Form):
    """Carries the stage version the user saw, so a concurrent change is detected, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ComplaintForm(forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Which procedure applies?",
        error_messages={"required": "Select the procedure that applies"},
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.none(),
        label="Service area",
        error_messages={"required": "Select the service area"},
    )
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False, label="Category (optional)")
    channel = forms.ChoiceField(
        choices=Channel.choices,
        widget=forms.RadioSelect,
        label="How was the complaint made?",
        error_messages={"required": "Select how the complaint was made"},
    )
    received_on = GovDateField(what="the date received", label="Date received", help_text="For example, 27 3 2026")
    complainant_name = forms.CharField(
        max_length=200, label="Complainant's full name", error_messages={"required": "Enter the complainant's name"}
    )
    complainant_email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    complainant_phone = forms.CharField(max_length=40, required=False, label="Phone number (optional)")
    complainant_address = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Postal address (optional)"
    )
    preferred_contact = forms.ChoiceField(
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        label="How do they want to be contacted?",
        error_messages={"required": "Select how they want to be contacted"},
    )
    affected_person_name = forms.CharField(
        max_length=200,
        required=False,
        label="Person affected, if not the complainant (optional)",
        help_text="For example, a child or young person.",
    )
    affected_person_relationship = forms.CharField(
        max_length=120,
        required=False,
        label="Complainant's relationship to them (optional)",
        help_text="For example, parent, foster carer, person with parental responsibility.",
    )
    representative_name = forms.CharField(max_length=200, required=False, label="Representative or advocate (optional)")
    representative_relationship = forms.CharField(max_length=120, required=False, label="Their role (optional)")
    representative_consent = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Evidence of consent to act",
        help_text="Needed when a representative or advocate is named.",
    )
    reasonable_adjustments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reasonable adjustments agreed (optional)"
    )
    is_vulnerable = forms.BooleanField(
        required=False, label="The complainant or person affected is vulnerable or at risk"
    )
    is_restricted = forms.BooleanField(
        required=False,
        label="Restrict this complaint to the people named on it",
        help_text="For example, a complaint about a child. Only the handler and people you name can see it.",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Points of complaint",
        help_text="One point per line, as the complainant made them.",
        error_messages={"required": "Enter the points of complaint"},
    )
    outcome_wanted = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Outcome wanted (optional)"
    )
    handler = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Handler", error_messages={"required": "Select who will handle Stage 1"}
    )

    def __init__(self, *args, user, service_areas, handlers, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = service_areas
        self.fields["handler"].queryset = handlers
        self.fields["handler"].initial = user.pk
        self.helper = _helper(
            "submission_token",
            Fieldset(
                Field.radios("procedure"),
                Field.select("service_area"),
                Field.select("category"),
                Field.radios("channel", inline=False),
                Field("received_on"),
                legend="The complaint",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                _text("complainant_name", 20),
                _text("complainant_email", 20),
                _text("complainant_phone", 10),
                Field.textarea("complainant_address"),
                Field.radios("preferred_contact", inline=True),
                legend="The complainant",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                _text("affected_person_name", 20),
                _text("affected_person_relationship", 20),
                _text("representative_name", 20),
                _text("representative_relationship", 20),
                Field.textarea("representative_consent"),
                legend="Others involved",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("reasonable_adjustments"),
                Field.checkbox("is_vulnerable"),
                Field.checkbox("is_restricted"),
                legend="Support and access",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("summary"),
                Field.textarea("outcome_wanted"),
                Field.select("handler"),
                legend="What the complaint is about",
                legend_size=Size.MEDIUM,
            ),
            submit="Log complaint",
        )

    def clean(self):
        data = super().clean()
        if data.get("representative_name") and not (data.get("representative_consent") or "").strip():
            self.add_error(
                "representative_consent", "Enter the evidence that the complainant agreed to the representative acting"
            )
        method = data.get("preferred_contact")
        needed = {"email": "complainant_email", "phone": "complainant_phone", "letter": "complainant_address"}.get(
            method
        )
        if needed and needed in self.cleaned_data and not self.cleaned_data.get(needed):
            label = {
                "complainant_email": "an email address",
                "complainant_phone": "a phone number",
                "complainant_address": "a postal address",
            }[needed]
            self.add_error(needed, f"Enter {label}, as it is the preferred way to contact them")
        return data

    def points(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.cleaned_data["summary"].splitlines() if line.strip(" -•\t")]


class AcknowledgeForm(VersionedForm):
    acknowledged_on = GovDateField(what="the date of acknowledgement", label="Date acknowledged")
    agreed_response_on = GovDateField(
        what="the agreed response date", label="Response date agreed with the complainant", required=False
    )

    def __init__(self, *args, needs_agreed_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["version", Field("acknowledged_on")]
        if needs_agreed_date:
            self.fields["agreed_response_on"].required = True
            fields.append(Field("agreed_response_on"))
        else:
            del self.fields["agreed_response_on"]
        self.helper = _helper(*fields, submit="Record acknowledgement")


class ExtendForm(VersionedForm):
    new_due = GovDateField(what="the new response date", label="New response date")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the extension",
        error_messages={"required": "Enter the reason for the extension"},
    )
    complainant_told_on = GovDateField(what="the date the complainant was told", label="Date the complainant was told")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Field("new_due"),
            Field.textarea("reason"),
            Field("complainant_told_on"),
            submit="Extend the deadline",
        )


class RespondForm(VersionedForm):
    ACTION_ROWS = 3

    responded_on = GovDateField(what="the date of the response", label="Date the response was sent")
    outcome = forms.ChoiceField(
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        label="Overall outcome",
        error_messages={"required": "Select the overall outcome"},
    )
    response_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Summary of the response (optional)"
    )
    apology_given = forms.BooleanField(required=False, label="Apology given")
    explanation_given = forms.BooleanField(required=False, label="Explanation given")
    decision_changed = forms.BooleanField(required=False, label="Decision changed")
    payment_amount = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Payment (£, optional)",
        error_messages={
            "invalid": "Enter the payment as a number, like 250 or 250.00",
            "min_value": "The payment must be £0 or more",
            "max_decimal_places": "Enter the payment in pounds and pence, like 250.50",
        },
    )
    payment_reason = forms.CharField(max_length=300, required=False, label="What the payment is for")

    def __init__(self, *args, points=(), owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        point_fields = []
        for point in points:
            name = f"point_{point.pk}"
            self.fields[name] = forms.ChoiceField(
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                label=f"Point {point.number}: {point.text[:200]}",
                error_messages={"required": f"Select the outcome for point {point.number}"},
            )
            point_fields.append(Field.radios(name, inline=True))
        action_fields = []
        for i in range(1, self.ACTION_ROWS + 1):
            self.fields[f"action_{i}_description"] = forms.CharField(required=False, label=f"Action {i} (optional)")
            self.fields[f"action_{i}_owner"] = forms.ModelChoiceField(
                queryset=owners if owners is not None else User.objects.none(),
                required=False,
                label=f"Owner of action {i}",
            )
            self.fields[f"action_{i}_due"] = GovDateField(
                what=f"the due date of action {i}", label=f"Action {i} due by", required=False
            )
            action_fields += [
                _text(f"action_{i}_description"),
                Field.select(f"action_{i}_owner"),
                Field(f"action_{i}_due"),
            ]
        self.point_names = [f"point_{p.pk}" for p in points]
        self.helper = _helper(
            "version",
            Field("responded_on"),
            Field.radios("outcome", inline=True),
            Fieldset(*point_fields, legend="Outcome for each point", legend_size=Size.MEDIUM)
            if point_fields
            else HTML(""),
            Field.textarea("response_summary"),
            Fieldset(
                Field.checkbox("apology_given"),
                Field.checkbox("explanation_given"),
                Field.checkbox("decision_changed"),
                _text("payment_amount", 5),
                _text("payment_reason"),
                legend="Remedy",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*action_fields, legend="Actions promised", legend_size=Size.MEDIUM),
            submit="Record the response",
        )

    def clean(self):
        data = super().clean()
        if data.get("payment_amount") and not (data.get("payment_reason") or "").strip():
            self.add_error("payment_reason", "Enter what the payment is for")
        for i in range(1, self.ACTION_ROWS + 1):
            description = (data.get(f"action_{i}_description") or "").strip()
            owner, due = data.get(f"action_{i}_owner"), data.get(f"action_{i}_due")
            if description or owner or due:
                if not description:
                    self.add_error(f"action_{i}_description", f"Describe action {i}")
                if not owner:
                    self.add_error(f"action_{i}_owner", f"Select who owns action {i}")
                if not due and f"action_{i}_due" not in self.errors:
                    self.add_error(f"action_{i}_due", f"Enter the due date of action {i}")
        return data

    def actions(self):
        rows = []
        for i in range(1, self.ACTION_ROWS + 1):
            description = (self.cleaned_data.get(f"action_{i}_description") or "").strip()
            if description:
                rows.append((description, self.cleaned_data[f"action_{i}_owner"], self.cleaned_data[f"action_{i}_due"]))
        return rows

    def point_outcomes(self) -> dict[int, str]:
        return {int(name.split("_")[1]): self.cleaned_data[name] for name in self.point_names}


class PanelForm(VersionedForm):
    panel_met_on = GovDateField(what="the date the panel met", label="Date the review panel met", required=False)
    panel_report_on = GovDateField(
        what="the date the report was received", label="Date the panel's report was received", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("panel_met_on"), Field("panel_report_on"), submit="Save panel dates")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("panel_met_on") and not data.get("panel_report_on"):
            self.add_error("panel_met_on", "Enter the date the panel met or the date its report was received")
        return data


class ClockStopForm(VersionedForm):
    stopped_on = GovDateField(what="the date the clock stopped", label="Clock stopped from")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the clock stopped?",
        help_text="For example, waiting for an advocate to be appointed.",
        error_messages={"required": "Enter why the clock is stopped"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("stopped_on"), Field.textarea("reason"), submit="Stop the clock")


class ClockRestartForm(VersionedForm):
    restarted_on = GovDateField(what="the date the clock restarted", label="Clock restarted on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("restarted_on"), submit="Restart the clock")


class EscalateForm(VersionedForm):
    requested_on = GovDateField(what="the date of the request", label="Date the complainant asked for the next stage")
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Their reasons for asking",
        error_messages={"required": "Enter the complainant's reasons for asking for the next stage"},
    )
    handler = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Handler of the next stage",
        error_messages={"required": "Select who will handle the next stage"},
    )
    late_reason_accepted = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="If the request was late, why is it accepted?"
    )

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers if handlers is not None else User.objects.none()
        self.helper = _helper(
            "version",
            Field("requested_on"),
            Field.textarea("reasons"),
            Field.select("handler"),
            Field.textarea("late_reason_accepted"),
            submit="Open the next stage",
        )


class CloseForm(VersionedForm):
    closed_on = GovDateField(what="the closing date", label="Date closed")
    told_on = GovDateField(
        what="the date the complainant was told", label="Date the complainant was told where to go next", required=False
    )
    method = forms.ChoiceField(
        choices=ContactMethod.choices, widget=forms.RadioSelect, required=False, label="How were they told?"
    )
    wording = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="The words used")

    def __init__(self, *args, signposting_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.signposting_required = signposting_required
        for name in ("told_on", "method", "wording"):
            self.fields[name].required = signposting_required
        self.fields["method"].error_messages["required"] = "Select how the complainant was told"
        self.fields["wording"].error_messages["required"] = (
            "Enter the words used to tell the complainant where to go next"
        )
        self.helper = _helper(
            "version",
            Field("closed_on"),
            Fieldset(
                Field("told_on"),
                Field.radios("method", inline=True),
                Field.textarea("wording"),
                legend="Signposting to the Ombudsman",
                legend_size=Size.MEDIUM,
            ),
            submit="Close the complaint",
        )


class WithdrawForm(VersionedForm):
    withdrawn_on = GovDateField(what="the date of withdrawal", label="Date withdrawn")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How and why did the complainant withdraw?",
        error_messages={"required": "Enter how and why the complainant withdrew"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field("withdrawn_on"), Field.textarea("reason"), submit="Record withdrawal")


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the complaint reopened?",
        error_messages={"required": "Enter why the complaint is reopened"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field.textarea("reason"), submit="Reopen the complaint")


class ReassignForm(VersionedForm):
    handler = forms.ModelChoiceField(
        queryset=User.objects.none(), label="New handler", error_messages={"required": "Select the new handler"}
    )

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers if handlers is not None else User.objects.none()
        self.helper = _helper("version", Field.select("handler"), submit="Reassign")


class ActionCompleteForm(forms.Form):
    completed_on = GovDateField(what="the completion date", label="Date completed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("completed_on"), submit="Mark as complete")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
        help_text="PDF, Word, Excel, PNG, JPEG or plain text.",
    )
    description = forms.CharField(
        max_length=255,
        required=False,
        label="Description (optional)",
        help_text="For example, Stage 1 response letter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), _text("description"), submit="Upload")


DUE_CHOICES = [
    ("", "Any time"),
    ("overdue", "Overdue"),
    ("5", "Due in the next 5 working days"),
    ("20", "Due in the next 20 working days"),
]
SORT_CHOICES = [
    ("due", "Next deadline, soonest first"),
    ("-due", "Next deadline, latest first"),
    ("-received", "Received, newest first"),
    ("received", "Received, oldest first"),
    ("reference", "Reference"),
]


def _choice(*, label: str, empty: str, what: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label=label,
        choices=[("", empty)],
        error_messages={"invalid_choice": f"Select {what} from the list"},
        **kwargs,
    )


class ComplaintFilterForm(forms.Form):
    """The list's filters: a plain GET form that works without JavaScript.

    The choices of people, areas and procedures are read once (the list page reads all three in
    one query, `selectors.complaint_filter_choices`), and a chosen one is checked against them
    rather than looked up again: the filters give ids. The page writes the controls with
    `complaints.templatetags.complaint_tables.filter_controls`."""

    q = forms.CharField(required=False, label="Reference or name")
    service_area = _choice(label="Service area", empty="All", what="a service area")
    procedure = _choice(label="Procedure", empty="All", what="a procedure")
    stage = forms.TypedChoiceField(
        choices=[("", "Any"), (1, "Stage 1"), (2, "Stage 2"), (3, "Stage 3")],
        coerce=int,
        required=False,
        empty_value=None,
        label="Stage",
    )
    status = forms.ChoiceField(
        choices=[("", "Any"), ("open", "Open"), ("closed", "Closed"), ("withdrawn", "Withdrawn")],
        required=False,
        label="Status",
    )
    handler = _choice(label="Handler", empty="Anyone", what="a handler")
    due = forms.ChoiceField(choices=DUE_CHOICES, required=False, label="Due")
    received_from = forms.DateField(
        required=False,
        label="Received from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the 'received from' date as a real date"},
    )
    received_to = forms.DateField(
        required=False,
        label="Received to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the 'received to' date as a real date"},
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort by")

    def __init__(self, *args, service_areas, handlers, procedures=None, **kwargs):
        """`service_areas`, `handlers` and `procedures` (every procedure if not given): rows, or
        (id, label) pairs."""
        super().__init__(*args, **kwargs)
        if procedures is None:
            procedures = Procedure.objects.all()
        for name, options in (("service_area", service_areas), ("procedure", procedures), ("handler", handlers)):
            field = self.fields[name]
            field.choices = [
                *field.choices,
                *(option if isinstance(option, tuple) else (option.pk, str(option)) for option in options),
            ]


class LegalHoldForm(forms.Form):
    hold = forms.TypedChoiceField(
        choices=[("yes", "Place a legal hold: keep everything, whatever its age"), ("no", "Lift the legal hold")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Legal hold",
        error_messages={"required": "Select whether to place or lift the legal hold"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        error_messages={"required": "Enter why the legal hold is placed or lifted"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("hold"), Field.textarea("reason"), submit="Save")


class SubjectAccessForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label="Name or email address of the person",
        error_messages={"required": "Enter the person's name or email address"},
    )
