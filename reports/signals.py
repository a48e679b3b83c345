"""Cache invalidation only (no domain flow): a saved or deleted record that the performance report
counts starts a new version of the cached figures, in every process (`selectors.forget_figures`).

The version moves at once (so the same transaction reads its own change) and again when the
transaction commits (so a report counted by another process between the two, from the rows
before the commit, is never read again)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from complaints.models import Action, Category, Complaint, ComplaintStage, EscalationRequest, Extension, Procedure
from reports.selectors import forget_figures

COUNTED = (Complaint, ComplaintStage, Extension, EscalationRequest, Action, Category, Procedure)


def forget_cached_figures(sender, **kwargs):
    forget_figures()
    transaction.on_commit(forget_figures)


def connect() -> None:
    for model in COUNTED:
        post_save.connect(forget_cached_figures, sender=model, dispatch_uid=f"reports-figures-{model.__name__}")
        post_delete.connect(
            forget_cached_figures, sender=model, dispatch_uid=f"reports-figures-delete-{model.__name__}"
        )
