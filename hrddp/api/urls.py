"""``/api/v1/`` (the resources), ``/api/schema/`` (OpenAPI 3) and ``/api/docs/`` (Swagger UI,
its assets served as static files by drf-spectacular-sidecar)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .auth import ObtainTokenView, RevokeAllTokensView, RevokeTokenView
from .views_assessments import AssessmentViewSet, InterventionViewSet
from .views_community import AbuseReportViewSet, PerceptionViewSet
from .views_decisions import DecisionViewSet, WaiverViewSet
from .views_documents import RECORD_RESOURCES, AttachmentViewSet, RecordAttachmentsView
from .views_merge import (
    DuplicateDismissView,
    DuplicateListView,
    PersonMergeView,
    PersonMergeViewSet,
)
from .views_notifications import NotificationViewSet
from .views_participants import ParticipantViewSet, RequestParticipantsView
from .views_registry import (
    AssignmentViewSet,
    InstitutionViewSet,
    PersonViewSet,
    UnitViewSet,
    ViolationViewSet,
)
from .views_screening import (
    CandidateDecisionView,
    ParticipantCandidatesView,
    ParticipantOutcomeView,
    RequestScreeningClearView,
    RequestScreeningView,
)
from .views_search import SearchView
from .views_sources import SourceViewSet
from .views_support import CommunicationViewSet, PolicySettingsView, SupportRequestViewSet
from .views_transfer import ExportViewSet, ImportViewSet

app_name = "api"

# No root view and no format suffixes: JSON only, one URL per resource.
router = SimpleRouter(trailing_slash=True)
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("units", UnitViewSet, basename="unit")
router.register("people", PersonViewSet, basename="person")
router.register("person-merges", PersonMergeViewSet, basename="person-merge")
router.register("command-assignments", AssignmentViewSet, basename="assignment")
router.register("violations", ViolationViewSet, basename="violation")
router.register("support-requests", SupportRequestViewSet, basename="support-request")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("interventions", InterventionViewSet, basename="intervention")
router.register("communications", CommunicationViewSet, basename="communication")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("waivers", WaiverViewSet, basename="waiver")
router.register("imports", ImportViewSet, basename="import")
router.register("exports", ExportViewSet, basename="export")
router.register("sources", SourceViewSet, basename="source")
router.register("perceptions", PerceptionViewSet, basename="perception")
router.register("abuse-reports", AbuseReportViewSet, basename="abuse-report")
# A support request's participants (issue 15): listed and added under their request.
router.register("participants", ParticipantViewSet, basename="participant")
# Attached files (issue 17): one file's description and its download; a record's files are listed
# and added under the record (``<kind>-attachments`` below).
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="token"),
    path("v1/auth/logout/", RevokeTokenView.as_view(), name="logout"),
    path("v1/auth/logoutall/", RevokeAllTokensView.as_view(), name="logoutall"),
    path("v1/policy-settings/", PolicySettingsView.as_view(), name="policy-settings"),
    # Search everywhere (issue 15).
    path("v1/search/", SearchView.as_view(), name="search"),
    path("v1/people/<int:pk>/merge/", PersonMergeView.as_view(), name="person-merge"),
    path("v1/people/duplicates/", DuplicateListView.as_view(), name="person-duplicates"),
    path(
        "v1/people/duplicates/dismiss/",
        DuplicateDismissView.as_view(),
        name="person-duplicates-dismiss",
    ),
    path(
        "v1/support-requests/<int:pk>/participants/",
        RequestParticipantsView.as_view(),
        name="support-request-participants",
    ),
    # Screening (issue 15, part "screen"): the screening page's actions.
    path(
        "v1/support-requests/<int:pk>/screening/",
        RequestScreeningView.as_view(),
        name="support-request-screening",
    ),
    path(
        "v1/support-requests/<int:pk>/screening/clear/",
        RequestScreeningClearView.as_view(),
        name="support-request-screening-clear",
    ),
    path(
        "v1/participants/<int:pk>/candidates/",
        ParticipantCandidatesView.as_view(),
        name="participant-candidates",
    ),
    path(
        "v1/participants/<int:pk>/outcome/",
        ParticipantOutcomeView.as_view(),
        name="participant-outcome",
    ),
    path(
        "v1/candidates/<int:pk>/decision/",
        CandidateDecisionView.as_view(),
        name="candidate-decision",
    ),
    *(
        path(
            f"v1/{resource}/<int:pk>/attachments/",
            RecordAttachmentsView.as_view(kind=kind),
            name=f"{kind}-attachments",
        )
        for kind, resource in RECORD_RESOURCES.items()
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
