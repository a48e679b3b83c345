from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Complaints and Ombudsman cases: administration"
admin.site.site_title = "Complaints admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("complaints/", include("complaints.urls")),
    path("ombudsman/", include("ombudsman_cases.urls")),
    path("reminders/", include("reminders.urls")),
    path("admin/", admin.site.urls),
]
