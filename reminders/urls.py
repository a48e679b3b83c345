from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.my_reminders, name="mine"),
    path("log/", views.delivery_log, name="log"),
]
