from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("performance/", views.performance, name="performance"),
    path("performance/stages.csv", views.performance_stages_csv, name="performance_stages_csv"),
    path("ombudsman/", views.ombudsman, name="ombudsman"),
    path("ombudsman/<int:year_start>/published/", views.published_figures, name="published_figures"),
    path("learning/", views.learning, name="learning"),
    path("learning/new/", views.learning_add, name="learning_add"),
    path("learning/<int:pk>/", views.learning_detail, name="learning_detail"),
    path("learning/<int:pk>/done/", views.learning_complete, name="learning_complete"),
    path("learning/<int:pk>/drop/", views.learning_drop, name="learning_drop"),
    path("case/", views.case_pick, name="case_pick"),
    path("case/<int:case_pk>/", views.case, name="case"),
]
