from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("waivers/", views.waiver_list, name="waivers"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_update, name="update"),
    path("<int:pk>/transition/", views.request_transition, name="transition"),
    path("<int:pk>/communications/", views.communication_add, name="communication_add"),
    path("<int:pk>/deliveries/", views.delivery_add, name="delivery_add"),
]
