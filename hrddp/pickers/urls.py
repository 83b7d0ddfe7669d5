from django.urls import path

from . import views

app_name = "pickers"

urlpatterns = [
    path("units/", views.units, name="units"),
    path("institutions/", views.institutions, name="institutions"),
    path("people/", views.people, name="people"),
    path("violations/", views.violations, name="violations"),
    path(
        "requests/<int:pk>/named-individuals/",
        views.named_individuals,
        name="named_individuals",
    ),
]
