from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("perceptions/", views.perception_list, name="perception_list"),
    path("perceptions/new/", views.perception_create, name="perception_create"),
    path("perceptions/<int:pk>/edit/", views.perception_update, name="perception_update"),
    path("report/", views.report, name="report"),
    path("reports/", views.my_reports, name="my_reports"),
]
