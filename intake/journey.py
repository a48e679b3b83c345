"""The order of the form's pages, which of them apply, and where each one leads.

Answers live in the session as plain JSON (`Draft`); nothing is saved to the database until the
resident sends the form from the check-your-answers page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from intake import forms

SESSION_KEY = "intake"
DONE_KEY = "intake_done"


def _someone_else(answers: dict) -> bool:
    return answers.get("for_whom") == "someone_else"


def _needs_adjustments(answers: dict) -> bool:
    return answers.get("needs_adjustments") == "yes"


@dataclass(frozen=True)
class Step:
    slug: str
    form: type
    applies: Callable[[dict], bool] = field(default=lambda answers: True)

    @property
    def title(self) -> str:
        return self.form.title if self.form is not forms.AttachmentForm else "Upload documents (optional)"


STEPS = [
    Step("who", forms.WhoForm),
    Step("someone-else", forms.SomeoneElseForm, _someone_else),
    Step("your-name", forms.NameForm),
    Step("contact-method", forms.ContactMethodForm),
    Step("contact-details", forms.ContactDetailsForm),
    Step("about", forms.TopicForm),
    Step("what-happened", forms.WhatHappenedForm),
    Step("outcome", forms.OutcomeForm),
    Step("adjustments", forms.AdjustmentsForm),
    Step("adjustments-details", forms.AdjustmentsDetailsForm, _needs_adjustments),
    Step("documents", forms.AttachmentForm),
]
BY_SLUG = {step.slug: step for step in STEPS}


@dataclass
class Draft:
    """The resident's answers so far, the pages they have completed, and the draft's id (which is
    also the complaint's submission token, so sending twice logs one complaint)."""

    id: uuid.UUID
    answers: dict
    done: list[str]
    trapped: bool = False  # the honeypot was filled on some page

    @classmethod
    def load(cls, session) -> Draft:
        data = session.get(SESSION_KEY) or {}
        try:
            draft_id = uuid.UUID(str(data.get("id")))
        except ValueError:
            draft_id = uuid.uuid4()
        return cls(
            id=draft_id,
            answers=dict(data.get("answers") or {}),
            done=list(data.get("done") or []),
            trapped=bool(data.get("trapped")),
        )

    def save(self, session) -> None:
        session[SESSION_KEY] = {
            "id": str(self.id),
            "answers": self.answers,
            "done": self.done,
            "trapped": self.trapped,
        }

    def record(self, step: Step, answers: dict) -> None:
        self.answers.update(answers)
        if step.slug not in self.done:
            self.done.append(step.slug)

    def applicable(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self.answers)]

    def first_missing(self) -> Step | None:
        """The first page that applies and has not been answered, or None when the form is complete."""
        return next((step for step in self.applicable() if step.slug not in self.done), None)

    def next_after(self, step: Step) -> Step | None:
        steps = self.applicable()
        later = steps[steps.index(step) + 1 :] if step in steps else []
        return later[0] if later else None

    def previous_before(self, step: Step) -> Step | None:
        steps = self.applicable()
        earlier = steps[: steps.index(step)] if step in steps else []
        return earlier[-1] if earlier else None

    def for_someone_else(self) -> bool:
        return _someone_else(self.answers)

    def adjustments(self) -> str:
        return self.answers.get("adjustments", "") if _needs_adjustments(self.answers) else ""


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Row:
    key: str
    value: str | list[str]
    href: str


NOT_GIVEN = "Not given"


def summary_rows(draft: Draft, *, attachments, url: Callable) -> list[Row]:
    """The check-your-answers list: each answer, in the resident's words, with a link to change it."""
    from complaints.models import ContactMethod
    from intake.models import Consent, Topic

    a = draft.answers

    def change(slug: str) -> str:
        return url(BY_SLUG[slug], change=True)

    rows = [Row("Complaining for", "Someone else" if draft.for_someone_else() else "Myself", change("who"))]
    if draft.for_someone_else():
        consent = dict(Consent.choices).get(a.get("consent"), "")
        rows += [
            Row("Their name", a.get("affected_name", ""), change("someone-else")),
            Row("How you know them", a.get("affected_relationship", ""), change("someone-else")),
            Row("Have they agreed", consent, change("someone-else")),
        ]
    topic = Topic.objects.filter(pk=a.get("topic")).first()
    rows += [
        Row("Your name", a.get("full_name", ""), change("your-name")),
        Row(
            "How to contact you",
            dict(ContactMethod.choices).get(a.get("preferred_contact"), ""),
            change("contact-method"),
        ),
        Row("Email address", a.get("email") or NOT_GIVEN, change("contact-details")),
        Row("Phone number", a.get("phone") or NOT_GIVEN, change("contact-details")),
        Row("Postal address", a.get("address") or NOT_GIVEN, change("contact-details")),
        Row("What it is about", topic.label if topic else "", change("about")),
        Row("What happened", a.get("what_happened", ""), change("what-happened")),
        Row("What you would like us to do", a.get("outcome_wanted", ""), change("outcome")),
        Row("Adjustments needed", "Yes" if _needs_adjustments(a) else "No", change("adjustments")),
        Row("Documents", [f.original_name for f in attachments] or "None", change("documents")),
    ]
    if _needs_adjustments(a):
        rows.insert(-1, Row("The adjustments you need", a.get("adjustments", ""), change("adjustments-details")))
    return rows
