"""Cache invalidation only (no domain flow): the complaint list's kept counts and filter options
(`selectors.LIST_VERSION_KEY`, `selectors.CHOICES_VERSION_KEY`) are out of date as soon as what
they were read from changes.

Any saved or deleted complaint, or a change to the people named on one, moves the list's version
on; a saved or deleted person (but a sign-in, which only writes `last_login`), a change to their
roles or service areas, or a saved or deleted service area or procedure moves the filter options'
version on. `QuerySet.update()` sends no signal: code that changes complaints that way
(`retention`) calls `complaints_changed` itself."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import ServiceArea, User
from complaints.models import Complaint, Procedure
from complaints.selectors import CHOICES_VERSION_KEY, LIST_VERSION_KEY
from config.versions import bump_now_and_on_commit

M2M_DONE = ("post_add", "post_remove", "post_clear")


def complaints_changed(*args, **kwargs) -> None:
    bump_now_and_on_commit(LIST_VERSION_KEY)


def _named_changed(sender, action, **kwargs):
    if action in M2M_DONE:
        complaints_changed()


def _choices_changed(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_now_and_on_commit(CHOICES_VERSION_KEY)


def _memberships_changed(sender, action, **kwargs):
    if action in M2M_DONE:
        bump_now_and_on_commit(CHOICES_VERSION_KEY)


def connect() -> None:
    post_save.connect(complaints_changed, sender=Complaint, dispatch_uid="complaints-list-saved")
    post_delete.connect(complaints_changed, sender=Complaint, dispatch_uid="complaints-list-deleted")
    m2m_changed.connect(_named_changed, sender=Complaint.named_users.through, dispatch_uid="complaints-list-named")
    for model in (User, ServiceArea, Procedure):
        name = model.__name__
        post_save.connect(_choices_changed, sender=model, dispatch_uid=f"complaints-choices-saved-{name}")
        post_delete.connect(_choices_changed, sender=model, dispatch_uid=f"complaints-choices-deleted-{name}")
    for through in (User.groups.through, User.service_areas.through):
        m2m_changed.connect(_memberships_changed, sender=through, dispatch_uid=f"complaints-choices-{through.__name__}")
