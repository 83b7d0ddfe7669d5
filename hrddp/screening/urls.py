from django.urls import path

from . import views_participants, views_screening

app_name = "screening"

urlpatterns = [
    # Participants: the list, typed in or imported (views_participants).
    path(
        "requests/<int:request_pk>/participants/",
        views_participants.participant_list,
        name="participants",
    ),
    path(
        "participants/<int:pk>/edit/",
        views_participants.participant_edit,
        name="participant_edit",
    ),
    path(
        "participants/<int:pk>/delete/",
        views_participants.participant_delete,
        name="participant_delete",
    ),
    # Screening: candidates, decisions, outcomes (views_screening).
    path("requests/<int:request_pk>/", views_screening.request_screening, name="request"),
    path(
        "requests/<int:request_pk>/screen/",
        views_screening.screening_start,
        name="screen",
    ),
    path(
        "requests/<int:request_pk>/clear/",
        views_screening.screening_clear,
        name="clear",
    ),
    path("participants/<int:pk>/", views_screening.participant_detail, name="participant"),
    path(
        "participants/<int:pk>/screen/",
        views_screening.participant_screen,
        name="participant_screen",
    ),
    path(
        "participants/<int:pk>/outcome/",
        views_screening.participant_outcome,
        name="participant_outcome",
    ),
    path(
        "candidates/<int:pk>/decision/", views_screening.candidate_decide, name="candidate_decide"
    ),
]
