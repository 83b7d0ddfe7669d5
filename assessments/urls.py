from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/print/", views.assessment_print, name="print"),
    path("<int:pk>/new-version/", views.assessment_new_version, name="new_version"),
    path("<int:pk>/risks/new/", views.risk_add, name="risk_add"),
    path("risks/<int:risk_pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:risk_pk>/delete/", views.risk_delete, name="risk_delete"),
    path(
        "violations/<int:pk>/verification/",
        views.verification_confirm,
        name="verification_confirm",
    ),
    path("violations/<int:pk>/undo/", views.verification_undo, name="verification_undo"),
    path("interventions/", views.intervention_list, name="intervention_list"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    path("interventions/<int:pk>/action/", views.intervention_action, name="intervention_action"),
    path(
        "interventions/<int:pk>/communications/",
        views.intervention_communication_add,
        name="intervention_communication_add",
    ),
]
