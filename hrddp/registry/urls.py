from django.urls import path

from .views import merge, organisation, violations

app_name = "registry"

urlpatterns = [
    path("institutions/", organisation.institution_list, name="institution_list"),
    path("institutions/new/", organisation.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", organisation.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", organisation.institution_update, name="institution_update"),
    path("units/", organisation.unit_list, name="unit_list"),
    path("units/new/", organisation.unit_create, name="unit_create"),
    path("units/<int:pk>/", organisation.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", organisation.unit_update, name="unit_update"),
    path("people/", organisation.person_list, name="person_list"),
    path("people/new/", organisation.person_create, name="person_create"),
    path("people/<int:pk>/", organisation.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", organisation.person_update, name="person_update"),
    path("people/<int:pk>/merge/", merge.person_merge, name="person_merge"),
    path("people/duplicates/", merge.duplicate_list, name="duplicate_list"),
    path("people/duplicates/dismiss/", merge.duplicate_dismiss, name="duplicate_dismiss"),
    path("merges/<int:pk>/undo/", merge.merge_undo, name="merge_undo"),
    path("assignments/", organisation.assignment_list, name="assignment_list"),
    path("assignments/new/", organisation.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/edit/", organisation.assignment_update, name="assignment_update"),
    path("violations/", violations.violation_list, name="violation_list"),
    path("violations/triage/", violations.triage, name="triage"),
    path("violations/triage/bulk/", violations.triage_bulk, name="triage_bulk"),
    path("violations/new/", violations.violation_create, name="violation_create"),
    path("violations/<int:pk>/", violations.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/edit/", violations.violation_update, name="violation_update"),
    path("violations/<int:pk>/verification/", violations.violation_verify, name="violation_verify"),
    path("sources/<int:pk>/erasure/", violations.source_erasure, name="source_erasure"),
    path(
        "sources/<int:pk>/erasure/confirm/",
        violations.source_erasure_confirm,
        name="source_erasure_confirm",
    ),
]
