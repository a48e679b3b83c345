"""Project-level pages that compose several apps: the role-dependent home page and /healthz."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import role_of
from accounts.models import Role
from complaints import selectors as complaint_selectors
from ombudsman_cases import views as ombudsman_views
from reminders.models import TaskRun

# The sweep runs every 15 minutes; an hour without one means beat (or every worker) is down.
BEAT_STALE_SECONDS = 3600


@login_required
def home(request):
    """Each role lands on the page that answers its first question of the day."""
    today = complaint_selectors.today()
    role = role_of(request.user)
    if role == Role.CASEWORKER:
        rows = complaint_selectors.my_open_stages(user=request.user, today=today)
        return render(request, "home/caseworker.html", {"rows": rows})
    if role == Role.MANAGER:
        return ombudsman_views.overdue(request)
    if role == Role.COMPLAINTS_ADMIN:
        context = complaint_selectors.admin_overview(today=today)
        return render(request, "home/admin.html", context)
    return render(request, "home/no_role.html")


def ping(request):
    """Liveness: the process answers. No database, no session (the benchmark's floor)."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in_ping(request):
    """The same for a signed-in user: session and user are loaded, nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def healthz(request):
    """Readiness for a load balancer and monitoring: database, Redis, and the last beat run.

    503 when the database or Redis (if configured) does not answer. A stale beat run is
    reported (`beat.ok` false) but does not take the web server out of service."""
    checks = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        status = 503
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = {"ok": True}
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = {"ok": False, "error": type(exc).__name__}
            status = 503
    else:
        checks["redis"] = {"ok": True, "note": "not configured (filesystem broker)"}
    last = None
    if checks["database"]["ok"]:
        run = TaskRun.objects.filter(name="reminders_sweep").first()
        last = run.last_success_at if run else None
    age = (timezone.now() - last).total_seconds() if last else None
    checks["beat"] = {
        "ok": age is not None and age < BEAT_STALE_SECONDS,
        "last_sweep": last.isoformat() if last else None,
        "seconds_ago": round(age) if age is not None else None,
    }
    return JsonResponse({"status": "ok" if status == 200 else "unavailable", **checks}, status=status)
