from django.urls import path

from ombudsman_cases import views

app_name = "ombudsman_cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue.csv", views.overdue_csv, name="overdue_csv"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/steps/", views.StepsView.as_view(), name="steps"),
    path("<int:pk>/close/", views.CloseCaseView.as_view(), name="close"),
    path("<int:pk>/recommendations/new/", views.RecommendationAddView.as_view(), name="recommendation_add"),
    path("<int:pk>/recommendations/<int:rec_pk>/", views.recommendation_detail, name="recommendation"),
    path("<int:pk>/recommendations/<int:rec_pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/evidence-sent/", views.EvidenceSentView.as_view(), name="evidence_sent"
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/evidence/new/",
        views.EvidenceUploadView.as_view(),
        name="evidence_upload",
    ),
    path(
        "<int:pk>/recommendations/<int:rec_pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("<int:pk>/recommendations/<int:rec_pk>/payments/new/", views.PaymentView.as_view(), name="payment"),
    path("<int:pk>/recommendations/<int:rec_pk>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<int:pk>/recommendations/<int:rec_pk>/reassign/", views.ReassignView.as_view(), name="reassign"),
    path("<int:pk>/recommendations/<int:rec_pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("<int:pk>/reports/new/", views.ReportAddView.as_view(), name="report_add"),
    path("<int:pk>/reports/<int:report_pk>/", views.ReportUpdateView.as_view(), name="report_update"),
    path("<int:pk>/reports/<int:report_pk>/committees/new/", views.CommitteeAddView.as_view(), name="committee_add"),
]
