"""Public: the online complaint form under /complain/. Staff: the intake queue under /intake/."""

from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("complain/", views.start, name="start"),
    path("complain/documents/", views.DocumentsView.as_view(), name="documents"),
    path("complain/check-your-answers/", views.CheckAnswersView.as_view(), name="check"),
    path("complain/complaint-sent/", views.done, name="done"),
    path("complain/<slug:slug>/", views.StepView.as_view(), name="step"),
    path("intake/", views.queue, name="queue"),
    path("intake/<int:pk>/pick-up/", views.pick_up, name="pick_up"),
]
