from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hrddp.accounts import views as account_views
from hrddp.accounts import views_two_factor as two_factor_views
from hrddp.registry.views import search as search_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    # Single sign-on (issue 17): 404 unless OIDC_RP_CLIENT_ID is set. mozilla-django-oidc's names.
    path(
        "oidc/authenticate/",
        account_views.SingleSignOnView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        account_views.SingleSignOnCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/api-tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/api-tokens/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # "Forgot your password?": the link emailed never signs in; the next sign-in asks the
    # second factor as ever, and a locked sign-in stays locked.
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", two_factor_views.manage, name="two_factor"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/setup/<str:token>/",
        two_factor_views.setup_link,
        name="two_factor_setup_link",
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/two-factor/off/", two_factor_views.disable, name="two_factor_disable"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    # Search everywhere (issue 15): the header's search box.
    path("search/", search_views.search, name="search"),
    path("registry/", include("hrddp.registry.urls")),
    path("requests/", include("hrddp.support.urls")),
    path("screening/", include("hrddp.screening.urls")),
    path("assessments/notifications/", include("hrddp.notifications.urls")),
    path("assessments/", include("assessments.urls")),
    path("insights/", include("hrddp.insights.urls")),
    path("community/", include("hrddp.community.urls")),
    path("transfer/", include("hrddp.transfer.urls")),
    path("api/", include("hrddp.api.urls")),
    path("pickers/", include("hrddp.pickers.urls")),
    path("documents/", include("hrddp.documents.urls")),
    path("ops/", include("hrddp.ops.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a server error answers JSON, as every other API answer does.
handler500 = "hrddp.api.exceptions.server_error"
