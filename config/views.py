"""Project-level pages that compose several apps: the role-dependent home page and /healthz."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.access import role_of
from accounts.models import Role
from complaints import selectors as complaint_selectors
from ombudsman_cases import views as ombudsman_views


@login_required
def home(request):
    """Each role lands on the page that answers its first question of the day."""
    today = complaint_selectors.today()
    role = role_of(request.user)
    if role == Role.CASEWORKER:
        context = {"stages": complaint_selectors.my_open_stages(user=request.user, today=today)}
        return render(request, "home/caseworker.html", context)
    if role == Role.MANAGER:
        return ombudsman_views.overdue(request)
    if role == Role.COMPLAINTS_ADMIN:
        context = complaint_selectors.admin_overview(today=today)
        return render(request, "home/admin.html", context)
    return render(request, "home/no_role.html")
