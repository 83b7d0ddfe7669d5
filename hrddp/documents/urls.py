from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/download/", views.attachment_download, name="download"),
    path("<int:pk>/remove/", views.attachment_remove, name="remove"),
    path("<str:kind>/<int:pk>/add/", views.attachment_add, name="add"),
]
