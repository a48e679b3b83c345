from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Complaints and Ombudsman cases: administration"
admin.site.site_title = "Complaints admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accounts/ping", views.signed_in_ping, name="signed_in_ping"),
    path("accounts/", include("accounts.urls")),
    path("complaints/", include("complaints.urls")),
    path("ombudsman/", include("ombudsman_cases.urls")),
    path("reminders/", include("reminders.urls")),
    path("reports/", include("reports.urls")),
    path("", include("intake.urls")),  # /complain/ (the public form) and /intake/ (its queue)
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
