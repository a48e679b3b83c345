from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import docs, views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerDocs.as_view(url_name="api:schema"), name="docs"),
    path("service-areas/", views.ServiceAreaList.as_view(), name="service_areas"),
    path("procedures/", views.ProcedureList.as_view(), name="procedures"),
    path("procedures/<int:pk>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("stage-rules/", views.StageRuleList.as_view(), name="stage_rules"),
    path("bank-holidays/", views.BankHolidayList.as_view(), name="bank_holidays"),
    path("complaints/", views.ComplaintListCreate.as_view(), name="complaints"),
    path("complaints/<int:pk>/", views.ComplaintDetail.as_view(), name="complaint"),
    path("complaints/<int:pk>/acknowledge/", views.Acknowledge.as_view(), name="acknowledge"),
    path("complaints/<int:pk>/extend/", views.Extend.as_view(), name="extend"),
    path("complaints/<int:pk>/respond/", views.Respond.as_view(), name="respond"),
    path("complaints/<int:pk>/escalate/", views.Escalate.as_view(), name="escalate"),
    path("complaints/<int:pk>/close/", views.Close.as_view(), name="close"),
    path("ombudsman-cases/", views.CaseListCreate.as_view(), name="cases"),
    path("ombudsman-cases/<int:pk>/", views.CaseDetail.as_view(), name="case"),
    path("ombudsman-cases/<int:pk>/recommendations/", views.RecommendationListCreate.as_view(), name="recommendations"),
    path(
        "ombudsman-cases/<int:pk>/recommendations/<int:rec_pk>/",
        views.RecommendationDetail.as_view(),
        name="recommendation",
    ),
    path(
        "ombudsman-cases/<int:pk>/recommendations/<int:rec_pk>/complete/",
        views.RecommendationComplete.as_view(),
        name="recommendation_complete",
    ),
    path(
        "ombudsman-cases/<int:pk>/recommendations/<int:rec_pk>/evidence-sent/",
        views.RecommendationEvidenceSent.as_view(),
        name="recommendation_evidence_sent",
    ),
    # Last: anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.NotFound.as_view(), name="not_found"),
]
