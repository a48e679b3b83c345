"""Cache invalidation only (no domain flow): what is kept from Ombudsman cases and their
recommendations (`selectors.OMBUDSMAN_VERSION_KEY`: the compliance figures of the managers' home)
is out of date as soon as a case, a recommendation, or the people named on a case change.
`QuerySet.update()` sends no signal: code that changes them that way must call `cases_changed`."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from config.versions import bump_now_and_on_commit
from ombudsman_cases.models import OmbudsmanCase, Recommendation
from ombudsman_cases.selectors import OMBUDSMAN_VERSION_KEY


def cases_changed(*args, **kwargs) -> None:
    bump_now_and_on_commit(OMBUDSMAN_VERSION_KEY)


def _named_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        cases_changed()


def connect() -> None:
    for model in (OmbudsmanCase, Recommendation):
        name = model.__name__
        post_save.connect(cases_changed, sender=model, dispatch_uid=f"ombudsman-kept-saved-{name}")
        post_delete.connect(cases_changed, sender=model, dispatch_uid=f"ombudsman-kept-deleted-{name}")
    m2m_changed.connect(_named_changed, sender=OmbudsmanCase.named_users.through, dispatch_uid="ombudsman-kept-named")
