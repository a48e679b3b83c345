from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.ComplaintCreateView.as_view(), name="create"),
    path("rules/", views.procedures, name="procedures"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("<int:pk>/legal-hold/", views.LegalHoldView.as_view(), name="legal_hold"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/stage/<slug:action>/", views.StageActionView.as_view(), name="stage_action"),
    path("<int:pk>/actions/<int:action_pk>/complete/", views.ActionCompleteView.as_view(), name="action_complete"),
    path("<int:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
]
