from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path(
        "import/participants/<int:request_pk>/",
        views.participant_import,
        name="participant_import",
    ),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/template/<slug:kind>/", views.import_template, name="import_template"),
    path("import/template/<slug:kind>/codes/", views.import_codes, name="import_codes"),
    path("export/records/<slug:kind>/", views.export_records, name="export_records"),
    path("export/<int:pk>/", views.export_job, name="export_job"),
    path("export/<int:pk>/file/", views.export_file, name="export_file"),
]
