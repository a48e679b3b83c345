"""Cache invalidation only (no domain flow): what is kept from Ombudsman cases and their
recommendations (`selectors.OMBUDSMAN_VERSION_KEY`: the compliance figures of the managers' home,
the case list's counts) is out of date as soon as a case, a recommendation, or the people named on
a case change; what is kept from the obligation register (`selectors.OBLIGATIONS_VERSION_KEY`: the
overdue view's list) as soon as an obligation is saved or deleted. `QuerySet.update()` sends no
signal: code that changes them that way must call `cases_changed` or `obligations_changed`."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from complaints.signals import M2M_DONE
from config.versions import bump_now_and_on_commit
from ombudsman_cases.models import OmbudsmanCase, Recommendation
from ombudsman_cases.selectors import OBLIGATIONS_VERSION_KEY, OMBUDSMAN_VERSION_KEY
from reminders.models import Obligation


def cases_changed(*args, **kwargs) -> None:
    bump_now_and_on_commit(OMBUDSMAN_VERSION_KEY)


def obligations_changed(*args, **kwargs) -> None:
    bump_now_and_on_commit(OBLIGATIONS_VERSION_KEY)


def _named_changed(sender, action, **kwargs):
    if action in M2M_DONE:
        cases_changed()


def connect() -> None:
    for model in (OmbudsmanCase, Recommendation):
        name = model.__name__
        post_save.connect(cases_changed, sender=model, dispatch_uid=f"ombudsman-kept-saved-{name}")
        post_delete.connect(cases_changed, sender=model, dispatch_uid=f"ombudsman-kept-deleted-{name}")
    post_save.connect(obligations_changed, sender=Obligation, dispatch_uid="ombudsman-kept-obligation-saved")
    post_delete.connect(obligations_changed, sender=Obligation, dispatch_uid="ombudsman-kept-obligation-deleted")
    m2m_changed.connect(_named_changed, sender=OmbudsmanCase.named_users.through, dispatch_uid="ombudsman-kept-named")
