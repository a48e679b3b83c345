"""Each person's reminders (the digest's list, so nobody depends on email) and the delivery log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.access import is_complaints_admin, role_of
from reminders import selectors
from reminders.models import DigestStatus


@login_required
def my_reminders(request):
    if role_of(request.user) is None:
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "reminders/my_reminders.html",
        {"items": selectors.items_for(request.user, today=today), "today": today},
    )


@login_required
def delivery_log(request):
    if not is_complaints_admin(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in DigestStatus.values:
        status = ""
    page = Paginator(selectors.delivery_log(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request, "reminders/delivery_log.html", {"page": page, "status": status, "statuses": DigestStatus.choices}
    )
