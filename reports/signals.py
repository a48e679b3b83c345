"""Cache invalidation only (no domain flow): a saved or deleted record that the performance report
counts starts a new version of the cached figures of the financial years it counts in
(`selectors.forget_figures`), in every process, so an edit to this year's complaint leaves last
year's figures in the cache.

The years are those of the record's dates that the report counts it by, before and after the
change: a complaint's received and closed dates, a stage's received and responded dates, an
extension's told-the-complainant date, and the responded date of the stage an action or an
escalation request belongs to. A complaint that is withdrawn (or no longer withdrawn), moved to
another service area or procedure, or restricted changes the figures of its stages and extensions
too: the years of their dates as well. A save that names its fields (`update_fields`) and changes
none the report reads starts nothing (a complaint's next due date, a stage's handler). Anything
else, or a category or procedure, starts a new version of every year.

The versions move at once (so the same transaction reads its own change) and again when the
transaction commits (so a report counted by another process between the two, from the rows
before the commit, is never read again). `QuerySet.update()` sends no signal: code that changes a
counted field that way must call `forget_figures` itself."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from complaints.models import (
    Action,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintStage,
    ComplaintStatus,
    EscalationRequest,
    Extension,
    Procedure,
)
from reports.selectors import forget_figures, year_start

# For each record: the fields whose dates place it in financial years, and the other fields the
# report reads (by attname).
DATES = {
    Complaint: ("received_on", "closed_on"),
    ComplaintStage: ("received_on", "responded_on"),
    Extension: ("complainant_told_on",),
    EscalationRequest: (),
    Action: (),
}
READ = {
    Complaint: ("status", "service_area_id", "procedure_id", "is_restricted", "channel", "category_id"),
    ComplaintStage: (
        "number",
        "complaint_id",
        "outcome",
        "payment_amount",
        "agreed_response_on",
        "response_due",
    ),
    Extension: ("stage_id", "reason"),
    EscalationRequest: ("stage_id",),
    Action: ("stage_id", "complaint_id", "completed_on", "due_on"),
}
# A change to one of these moves the record's stages and extensions between figures.
COMPLAINT_REACH = ("service_area_id", "procedure_id", "is_restricted")
# A change to one of these moves figures filed under other records' dates: every year, rarely.
MOVED = {ComplaintStage: ("number", "complaint_id"), EscalationRequest: ("stage_id",), Action: ("stage_id",)}

EVERY_YEAR = None


def _fields(model) -> tuple[str, ...]:
    return DATES[model] + READ[model]


def _names(model, attnames) -> set[str]:
    """The attnames and the field names (`category` for `category_id`), as update_fields may use either."""
    names = set(attnames)
    for attname in attnames:
        if attname.endswith("_id"):
            names.add(attname[:-3])
    return names


def _years(*days) -> set[int]:
    return {year_start(day) for day in days if day is not None}


def remember_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a counted record is changed: its counted values as they were (one query), or a note
    that the save changes nothing the report reads."""
    instance._reports_before = None
    instance._reports_skip = False
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = _fields(sender)
    if update_fields is not None and not (_names(sender, fields) & set(update_fields)):
        instance._reports_skip = True
        return
    instance._reports_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


def _stage_years(stage_id) -> set[int]:
    if stage_id is None:
        return set()
    responded = ComplaintStage.objects.filter(pk=stage_id).values_list("responded_on", flat=True).first()
    return _years(responded)


def _complaint_reach(complaint_id) -> set[int]:
    """The years of the dates of a complaint's stages and extensions."""
    stages = ComplaintStage.objects.filter(complaint_id=complaint_id).values_list("received_on", "responded_on")
    told = Extension.objects.filter(stage__complaint_id=complaint_id).values_list("complainant_told_on", flat=True)
    return _years(*(day for pair in stages for day in pair), *told)


def years_touched(model, instance, before: dict | None) -> set[int] | None:
    """The financial years whose figures the record's change may alter, or EVERY_YEAR."""
    now = {name: getattr(instance, name) for name in _fields(model)}
    changed = set() if before is None else {name for name in now if now[name] != before[name]}
    if changed & set(MOVED.get(model, ())):
        return EVERY_YEAR
    years = _years(*(now[name] for name in DATES[model]))
    if before is not None:
        years |= _years(*(before[name] for name in DATES[model]))
    if model in (Action, EscalationRequest):
        years |= _stage_years(instance.stage_id)
    if model is Complaint and before is not None:
        withdrawn = ComplaintStatus.WITHDRAWN
        if changed & set(COMPLAINT_REACH) or ("status" in changed and withdrawn in (now["status"], before["status"])):
            years |= _complaint_reach(instance.pk)
    return years


def _forget(years) -> None:
    forget_figures(years)
    transaction.on_commit(lambda: forget_figures(years))


def forget_saved(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_reports_skip", False):
        return
    if raw:
        _forget(EVERY_YEAR)
        return
    years = years_touched(sender, instance, getattr(instance, "_reports_before", None))
    if years is EVERY_YEAR or years:
        _forget(years)


def forget_deleted(sender, instance, **kwargs):
    years = years_touched(sender, instance, None)
    if years is EVERY_YEAR or years:
        _forget(years)


def forget_every_year(sender, **kwargs):
    _forget(EVERY_YEAR)


def forget_anonymised(sender, instance, created=False, raw=False, **kwargs):
    """Retention (complaints.retention) rewrites a complaint's extension reasons with `update()`
    and then records an "anonymised" timeline entry: the years it counts in are forgotten then,
    so a cached report never lists a reason after it was removed."""
    if raw or not created or instance.kind != "anonymised":
        return
    dates = Complaint.objects.filter(pk=instance.complaint_id).values_list("received_on", "closed_on").first() or ()
    _forget(_years(*dates) | _complaint_reach(instance.complaint_id))


def connect() -> None:
    for model in DATES:
        name = model.__name__
        pre_save.connect(remember_before, sender=model, dispatch_uid=f"reports-figures-before-{name}")
        post_save.connect(forget_saved, sender=model, dispatch_uid=f"reports-figures-{name}")
        post_delete.connect(forget_deleted, sender=model, dispatch_uid=f"reports-figures-delete-{name}")
    for model in (Category, Procedure):
        name = model.__name__
        post_save.connect(forget_every_year, sender=model, dispatch_uid=f"reports-figures-{name}")
        post_delete.connect(forget_every_year, sender=model, dispatch_uid=f"reports-figures-delete-{name}")
    post_save.connect(forget_anonymised, sender=ComplaintEvent, dispatch_uid="reports-figures-anonymised")
