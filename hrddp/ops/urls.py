from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("mail/set-aside/", views.mail_set_aside, name="mail_set_aside"),
]
