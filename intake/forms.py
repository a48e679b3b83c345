"""The online form's questions, one per page (GOV.UK "one thing per page"), and the staff's pick-up.

Each step form checks what its page can tell and says how to put it right, next to the field and
in the error summary. The question is the page's heading: the field's label (or the radios'
legend) is the <h1>.
"""

from __future__ import annotations

import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from complaints.documents import ALLOWED_DESCRIPTION
from complaints.models import ContactMethod
from intake.models import Consent, Topic

# The honeypot: a text box people never see (visually hidden and hidden from screen readers, out of
# the tab order) that form-filling robots do fill. A name with no autofill meaning, so browsers and
# password managers leave it empty.
HONEYPOT = "reference_code"
HONEYPOT_HTML = HTML(
    '<div class="govuk-visually-hidden" aria-hidden="true">'
    f'<label for="id_{HONEYPOT}">Leave this box empty</label>'
    f'<input type="text" name="{HONEYPOT}" id="id_{HONEYPOT}" value="" tabindex="-1" autocomplete="off">'
    "</div>"
)

PHONE_CHARACTERS = re.compile(r"^[0-9 +()\-]+$")
NO_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}  # our messages, not the browser's
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _plain(value: str) -> str:
    """Text as typed, without the control characters (and NUL) no resident means to send."""
    return NO_CONTROL.sub("", value).strip()


class StepForm(forms.Form):
    """A question page. `answers()` is what the session keeps: plain JSON values only."""

    title = ""

    def answers(self) -> dict:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        return {name: answers[name] for name in cls.base_fields if name in answers}

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _plain(value)
        return data


def _text_required(message: str, **kwargs) -> forms.CharField:
    return forms.CharField(error_messages={"required": message}, **kwargs)


class WhoForm(StepForm):
    title = "Who are you complaining for?"
    for_whom = forms.ChoiceField(
        choices=[("myself", "Myself"), ("someone_else", "Someone else")],
        widget=forms.RadioSelect,
        label=title,
        help_text="For example, someone else could be your child, a relative you care for, or a neighbour.",
        error_messages={"required": "Select whether you are complaining for yourself or for someone else"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("for_whom", legend_size=Size.LARGE, legend_tag="h1"), HONEYPOT_HTML)


class SomeoneElseForm(StepForm):
    title = "About the person you are complaining for"
    affected_name = _text_required(
        "Enter the full name of the person you are complaining for", max_length=200, label="Their full name"
    )
    affected_relationship = _text_required(
        "Enter how you know them",
        max_length=120,
        label="How do you know them?",
        help_text="For example, parent, carer, friend or advocate.",
    )
    consent = forms.ChoiceField(
        choices=[
            Choice(Consent.AGREED, Consent.AGREED.label),
            Choice(
                Consent.AUTHORITY,
                Consent.AUTHORITY.label,
                hint="For example, you have parental responsibility or a lasting power of attorney.",
            ),
            Choice(
                Consent.NOT_YET,
                Consent.NOT_YET.label,
                hint="We may need to ask them before we can share information with you.",
            ),
        ],
        widget=forms.RadioSelect,
        label="Have they agreed to you complaining for them?",
        error_messages={"required": "Select whether they have agreed to you complaining for them"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            HTML(f'<h1 class="govuk-heading-l">{self.title}</h1>'),
            Field.text("affected_name", field_width=20),
            Field.text("affected_relationship", field_width=20),
            Field.radios("consent", legend_size=Size.MEDIUM),
        )


class NameForm(StepForm):
    title = "What is your full name?"
    full_name = _text_required("Enter your full name", max_length=200, label=title)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["full_name"].widget.attrs["spellcheck"] = "false"
        self.helper = _helper(Field.text("full_name", label_size=Size.LARGE, label_tag="h1", field_width=20))


class ContactMethodForm(StepForm):
    title = "How would you like us to contact you?"
    preferred_contact = forms.ChoiceField(
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        label=title,
        error_messages={"required": "Select how you would like us to contact you"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("preferred_contact", legend_size=Size.LARGE, legend_tag="h1"))


# What each way of contacting needs, and how to ask for it.
NEEDED_FOR = {
    ContactMethod.EMAIL: ("email", "Enter your email address, as you would like us to contact you by email"),
    ContactMethod.PHONE: ("phone", "Enter your phone number, as you would like us to contact you by phone"),
    ContactMethod.LETTER: ("address", "Enter your postal address, as you would like us to contact you by letter"),
}


class ContactDetailsForm(StepForm):
    title = "Your contact details"
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email address",
        help_text="We will send your complaint reference to this address.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        required=False, max_length=40, label="Phone number", help_text="For example, 01632 960 001 or 07700 900 982."
    )
    address = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 4}), label="Postal address"
    )

    def __init__(self, *args, preferred_contact: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.preferred_contact = preferred_contact
        needed = NEEDED_FOR.get(preferred_contact, (None,))[0]
        for name, field in self.fields.items():
            if name != needed:
                field.label = f"{field.label} (optional)"
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.helper = _helper(
            HTML(f'<h1 class="govuk-heading-l">{self.title}</h1>'),
            Field.text("email", field_width=30),
            Field.text("phone", field_width=20),
            Field.textarea("address", rows=4),
        )

    def clean_phone(self):
        phone = _plain(self.cleaned_data["phone"])
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not PHONE_CHARACTERS.match(phone) or not 10 <= len(digits) <= 15:
            raise ValidationError("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
        return phone

    def clean(self):
        data = super().clean()
        needed, message = NEEDED_FOR.get(self.preferred_contact, (None, ""))
        if needed and needed not in self.errors and not data.get(needed):
            self.add_error(needed, message)
        return data


class TopicForm(StepForm):
    title = "What is your complaint about?"
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=title,
        help_text="Choose the closest. We will pass your complaint to the right team.",
        error_messages={
            "required": "Select what your complaint is about",
            "invalid_choice": "Select what your complaint is about",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topics = list(Topic.objects.filter(is_active=True))
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["topic"].choices = [
            Choice(t.pk, t.label, hint=t.hint) if t.hint else (t.pk, t.label) for t in topics
        ]
        self.helper = _helper(Field.radios("topic", legend_size=Size.LARGE, legend_tag="h1"))

    def answers(self) -> dict:
        return {"topic": self.cleaned_data["topic"].pk}


class WhatHappenedForm(StepForm):
    title = "What happened?"
    what_happened = _text_required(
        "Enter what happened",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        label=title,
        help_text="Tell us what went wrong, when it happened and who you dealt with, if you know.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_happened"].error_messages["max_length"] = "What happened must be 10,000 characters or fewer"
        self.helper = _helper(
            Field.textarea("what_happened", label_size=Size.LARGE, label_tag="h1", max_characters=10_000)
        )


class OutcomeForm(StepForm):
    title = "What would you like us to do to put things right?"
    outcome_wanted = _text_required(
        "Enter what you would like us to do to put things right",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=title,
        help_text="For example, an apology, an explanation, a decision looked at again, or a repair.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_wanted"].error_messages["max_length"] = (
            "What you would like us to do must be 5,000 characters or fewer"
        )
        self.helper = _helper(
            Field.textarea("outcome_wanted", label_size=Size.LARGE, label_tag="h1", max_characters=5_000)
        )


class AdjustmentsForm(StepForm):
    title = "Do you need us to make any adjustments to help you?"
    needs_adjustments = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        label=title,
        help_text="For example, large print, an interpreter, or someone to help you explain your complaint.",
        error_messages={"required": "Select yes if you need us to make any adjustments"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A page of its own for the details, not a conditional reveal: GOV.UK Frontend's reveal
        # sets aria-expanded on the radios, which axe-core reports as a critical violation.
        self.helper = _helper(Field.radios("needs_adjustments", legend_size=Size.LARGE, legend_tag="h1", inline=True))


class AdjustmentsDetailsForm(StepForm):
    title = "What adjustments do you need?"
    adjustments = _text_required(
        "Enter the adjustments you need",
        max_length=2_000,
        widget=forms.Textarea,
        label=title,
        help_text="Tell us what would help you, for example how and when we contact you.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adjustments"].error_messages["max_length"] = "What you need must be 2,000 characters or fewer"
        self.helper = _helper(
            Field.textarea("adjustments", label_size=Size.LARGE, label_tag="h1", rows=5, max_characters=2_000)
        )


class AttachmentForm(forms.Form):
    """One file at a time; the page lists what is already uploaded."""

    file = forms.FileField(
        required=False,
        label="Upload a file",
        help_text=f"Each file must be {ALLOWED_DESCRIPTION}, and smaller than the size limit.",
        error_messages={
            "invalid": "The selected file could not be uploaded – try again",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, limit_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"Each file must be {ALLOWED_DESCRIPTION}, and smaller than {limit_mb} MB."
        helper = FormHelper()
        helper.form_tag = False  # the template holds the <form> and its two buttons
        helper.label_size = Size.MEDIUM
        helper.layout = Layout(Field("file"))
        self.helper = helper


class CheckAnswersForm(forms.Form):
    """The send button and the honeypot: everything else is already in the session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(HONEYPOT_HTML, submit="Send complaint")


class PickUpForm(forms.Form):
    """Pick up an online complaint from the queue: its Stage 1 version, so two people cannot both take it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
