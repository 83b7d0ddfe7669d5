"""Settings, read from the environment (see .env.example, one line per variable).

Development (DEBUG on) runs on embedded defaults: an embedded PostgreSQL server, Celery's
filesystem transport and a file mailbox, all under var/. Production (DEBUG off) refuses to start
without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if not DEBUG:
    missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
        if not env(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production settings (DEBUG off) need these environment variables: "
            + ", ".join(missing)
        )

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
# Master key(s) that wrap each source's own key (hrddp/registry/identities.py): Fernet keys,
# comma-separated, the first used to wrap. Required with DEBUG off (check registry.E001).
# In development (DEBUG on) a fixed key that anyone may read here stands in.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEY",
    default=["ZGV2ZWxvcG1lbnQtb25seS1uZXZlci1pbi1wcm9kISE="] if DEBUG else [],
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "solo",
    "mailer",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "hrddp.accounts",
    "hrddp.registry",
    "hrddp.support",
    "hrddp.screening",
    "hrddp.community",
    "assessments",
    "hrddp.insights",
    "hrddp.transfer",
    "hrddp.audit",
    "hrddp.ops",
    "hrddp.notifications",
    "hrddp.policy",
    "hrddp.pickers",
    "hrddp.documents",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hrddp.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed for field links (HTML shrinks about 8×). Django's GZip
    # mitigates BREACH by padding each answer at random, beside CSRF tokens masked per request.
    # Static files never reach it: WhiteNoise, above, serves them pre-compressed.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hrddp.accounts.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in user (session or API token) are never cached: Cache-Control no-store.
    "hrddp.accounts.middleware.PrivateAnswersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hrddp.accounts.middleware.TwoFactorMiddleware",
    "hrddp.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hrddp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hrddp.accounts.context_processors.roles",
                "hrddp.notifications.context_processors.unread_count",
                "hrddp.registry.context_processors.grave_triage",
            ],
            # Status badges and amounts, one way on every page (hrddp/display.py).
            "builtins": ["hrddp.display_tags"],
        },
    },
]

WSGI_APPLICATION = "hrddp.wsgi.application"

# Database: PostgreSQL only. Without DATABASE_URL (development), an embedded server under var/.
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from hrddp.embedded import embedded_database_url

    DATABASES = {"default": env.db_url_config(embedded_database_url(VAR_DIR))}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# "Forgot your password?" (hrddp.accounts.views.PasswordResetView): the emailed link works once,
# for this long; requests are throttled per address asked for and per client address, counted over
# PASSWORD_RESET_THROTTLE_MINUTES. A reset never signs in, nor clears a sign-in lockout, nor spares
# the second factor at the next sign-in.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_MINUTES", default=60) * 60
PASSWORD_RESET_THROTTLE_MINUTES = env.int("PASSWORD_RESET_THROTTLE_MINUTES", default=60)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins (django-axes) are counted per account and address together: the limit locks
# sign-in to that account from that address for the cool-off time, on the login page, the admin and
# the API. Whoever guesses at an account from elsewhere cannot lock its holder out; the holder is
# told when a lock begins (hrddp.accounts.services.lockout_notice).
# Every failure (AccessFailureLog) and every sign-in (AccessLog) is kept, readable in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hrddp.accounts.backends.UserBackend",
]

# Single sign-on with OpenID Connect (issue 17; mozilla-django-oidc, hrddp/accounts/oidc.py), on
# when OIDC_RP_CLIENT_ID is set: the login page then offers "Sign in with <OIDC_PROVIDER_NAME>".
# Accounts are matched by the provider's subject (User.oidc_subject), never by email; a first
# sign-in creates an account with no role, except what OIDC_GROUP_ROLES maps from the provider's
# groups ("group=entity code:role", comma-separated). With OIDC_MFA_SATISFIES_TWO_FACTOR on, a
# sign-in whose ID token says "mfa" in its amr claim spares the product's own second factor.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
OIDC_GROUP_ROLES = env("OIDC_GROUP_ROLES", default="")
OIDC_MFA_SATISFIES_TWO_FACTOR = env.bool("OIDC_MFA_SATISFIES_TWO_FACTOR", default=False)
OIDC_TIMEOUT = 10  # seconds a call to the provider (token, keys, user info) may take
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("hrddp.accounts.oidc.ProviderBackend")
# Sign-in with a password (the login page, the admin's, the API's token endpoint): on by default
# (the demo, a break-glass administrator). LOCAL_SIGN_IN=0 switches it off for every account but
# those named in LOCAL_SIGN_IN_BREAK_GLASS (comma-separated usernames).
LOCAL_SIGN_IN = env.bool("LOCAL_SIGN_IN", default=True)
LOCAL_SIGN_IN_BREAK_GLASS = env.list("LOCAL_SIGN_IN_BREAK_GLASS", default=[])

AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# A success does not clear the count: failures are forgotten when the cool-off time has passed.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same lockout, as JSON on the API's token endpoint, as the template elsewhere.
AXES_LOCKOUT_CALLABLE = "hrddp.api.exceptions.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A failed single sign-on is no password guessed: not counted (hrddp.accounts.oidc).
AXES_WHITELIST_CALLABLE = "hrddp.accounts.oidc.single_sign_on_attempt"
AXES_VERBOSE = False  # no banner on every command and process start
# The address is REMOTE_ADDR. Behind reverse proxies that append the client's address to
# X-Forwarded-For, TRUSTED_PROXY_COUNT says how many: the address is then read that far from the
# header's right end, where a client cannot forge it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Two-factor sign-in (django-otp, TOTP with one-time recovery codes): required for managers and
# administrators, optional for others; hrddp.accounts.middleware.TwoFactorMiddleware enforces it.
OTP_TOTP_ISSUER = "HRDDP"
# The admin may delete a user's lost device (they then set up a new one), never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# A session ends after SESSION_IDLE_MINUTES without a request (SlidingSessionMiddleware pushes its
# expiry on; unlike SESSION_SAVE_EVERY_REQUEST it writes the session row at most once a minute),
# and on a password change (Django's session hash then signs the user's other sessions out).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and one date-time format per language (hrddp/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["hrddp.formats"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as static files are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Attachments, spreadsheet exports and other kept files (issue 17) go to the default storage: the folder MEDIA_ROOT
# (var/media) unless AWS_STORAGE_BUCKET_NAME names a bucket of an S3-compatible object store
# (AWS_S3_ENDPOINT_URL for one other than Amazon's), which several web servers and workers share.
# No URL serves them: every download goes through a view that checks who may read the record.
MEDIA_ROOT = env("MEDIA_ROOT", default="") or str(VAR_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")


def s3_storage(
    bucket, *, endpoint_url=None, region=None, access_key=None, secret_key=None, location=""
):
    """The storage of an S3 bucket as the product uses it (the tests of the S3 path too): objects
    private, never overwritten, no public URL (``url()`` is signed and expires)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # Without keys, boto3's own chain (AWS_ACCESS_KEY_ID..., the machine's role).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": location,
            # A file read back (a download) is copied from the bucket into memory up to this size,
            # and into a temporary file beyond it (django-storages' default keeps it all in memory).
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


if AWS_STORAGE_BUCKET_NAME:
    _default_storage = s3_storage(
        AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default=""),
        region=env("AWS_S3_REGION_NAME", default=""),
        access_key=env("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
        location=env("AWS_LOCATION", default=""),
    )
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": MEDIA_ROOT,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: with EMAIL_URL (smtp://...) it is sent; otherwise every message is written as a file
# under var/mail, where reminders can be read in the running product.
if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    MAILER_EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
    vars().update(_email)
else:
    MAILER_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default="") or str(VAR_DIR / "mail")
# Mail is queued in the database (django-mailer) inside the transaction that sends it, and a
# Celery task delivers the queue with MAILER_EMAIL_BACKEND: a rolled-back reminder sends nothing.
EMAIL_BACKEND = "mailer.backend.DbBackend"
MAILER_USE_FILE_LOCK = False  # rows are locked one by one (select_for_update)
# A message that cannot be sent (a header with a line break...) is set aside with its error, shown
# to administrators, and the rest of the queue goes out (hrddp/notifications/mail.py).
MAILER_ERROR_HANDLER = "hrddp.notifications.mail.set_aside"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="hrddp@localhost")
# Links in emails point here.
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# Celery: with CELERY_BROKER_URL (redis://...) that broker; otherwise the filesystem transport.
# An empty value counts as unset, as for DATABASE_URL and EMAIL_URL. The filesystem URL names a
# host, unused: without one kombu logs "No hostname was supplied" each time it reads the URL.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = Path(env("CELERY_DATA_DIR", default="") or VAR_DIR / "celery")
    _queue = _celery_dir / "queue"
    _processed = _celery_dir / "processed"
    for _folder in (_queue, _processed):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
else:
    # A task whose worker died unacknowledged (acks_late) is redelivered after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The sweep derives every due reminder, trigger and lapse from the database; nothing is scheduled
# ahead in the broker. django-celery-beat copies these entries into its admin-editable tables.
CELERY_BEAT_SCHEDULE = {
    "monitoring-sweep": {
        "task": "assessments.tasks.sweep",
        "schedule": env.int("SWEEP_SECONDS", default=120),
    },
    # Trigger checks owed by registry changes whose task was lost, failed or not yet run
    # (assessments/outbox.py): a grave violation reaches the request within a minute or so.
    "trigger-checks": {
        "task": "assessments.tasks.run_pending_checks",
        "schedule": env.int("TRIGGER_CHECK_SECONDS", default=60),
    },
    "send-queued-mail": {
        "task": "hrddp.notifications.tasks.send_queued_mail",
        "schedule": env.int("MAIL_SECONDS", default=30),
    },
    "verify-history": {
        "task": "hrddp.audit.tasks.verify_history",
        "schedule": env.int("VERIFY_HISTORY_SECONDS", default=86400),
    },
    # The insights dashboard shows each summarised figure with the time of its last refresh.
    "refresh-insights-summaries": {
        "task": "hrddp.insights.tasks.refresh_summaries",
        "schedule": env.int("INSIGHTS_REFRESH_SECONDS", default=300),
    },
    # Spreadsheet exports: sends again a job whose task was lost, deletes files past their time.
    "export-sweep": {
        "task": "hrddp.transfer.tasks.sweep_exports",
        "schedule": env.int("EXPORT_SWEEP_SECONDS", default=60),
    },
    # Imports: fails a job whose worker was lost long ago (IMPORT_ABANDON_HOURS).
    "import-sweep": {
        "task": "hrddp.transfer.tasks.sweep_imports",
        "schedule": env.int("IMPORT_SWEEP_SECONDS", default=600),
    },
    # Screening runs (issue 15): sends again a run whose task was lost or whose worker died.
    "screening-sweep": {
        "task": "hrddp.screening.tasks.sweep_screening",
        "schedule": env.int("SCREENING_SWEEP_SECONDS", default=60),
    },
}

# Imports (issue 12, hole 5): limits checked before a file is parsed. A larger file, a spreadsheet
# unpacking to more, or a sheet declaring more rows or columns, is refused with the limit named.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
# An .xlsx's different texts, all loaded before the first row (~150 bytes each, however short).
IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", default=300_000)
# Imports (hole 9): a running import silent this long is shown as stalled, and its owner may retry
# it; the sweep fails one silent this many hours.
IMPORT_STALE_MINUTES = env.int("IMPORT_STALE_MINUTES", default=10)
IMPORT_ABANDON_HOURS = env.int("IMPORT_ABANDON_HOURS", default=24)
# Screening runs (issue 15): a run silent this long is sent to a worker again by the sweep.
SCREENING_STALE_MINUTES = env.int("SCREENING_STALE_MINUTES", default=5)

# Spreadsheet exports are written by the worker into the default storage (exports/, beside the
# attached files), for their asker only, and deleted after EXPORT_KEEP_HOURS.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# A request names at most this many recipient units: each one opens its record's summary to the
# requesting entity's SSR advisors, so a request cannot be a way to read the whole registry.
MAX_RECIPIENT_UNITS = env.int("MAX_RECIPIENT_UNITS", default=20)
# Backups (manage.py backup) are encrypted with age to these public keys (age1...); restoring needs
# the matching secret key, kept off this server (restore --identity FILE, or this variable).
BACKUP_AGE_RECIPIENTS = env.list("BACKUP_AGE_RECIPIENTS", default=[])
BACKUP_AGE_IDENTITY = env("BACKUP_AGE_IDENTITY", default="")

# Production hardening; `manage.py check --deploy` stays clean with DEBUG off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content Security Policy (django-csp), in development too so that a page breaking it shows at
# once. No 'unsafe-inline': scripts and styles come from static/ only, never from the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its form controls' icons as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browser features the product never uses are switched off for it (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# History rows (django-pghistory) are protected by database triggers against UPDATE and DELETE.
PGHISTORY_APPEND_ONLY = True
# The events' admin: HROs only, read-only (events hold identities, domain.md 7; issue 12).
PGHISTORY_ADMIN_CLASS = "hrddp.audit.admin.HistoryEventsAdmin"

# The JSON API (hrddp/api, issue 5). Token first, so that an anonymous call answers 401.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hrddp.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hrddp.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "hrddp.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "hrddp.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens (django-rest-knox, issue 12): stored as SHA-512 digests, never in the clear. A token
# lapses after API_TOKEN_IDLE_HOURS without use (each use pushes its expiry on, at most once a
# minute), and API_TOKEN_MAX_DAYS after it was issued whatever the use. Its owner lists and revokes
# it on the "API tokens" page; a change of password, role or second factor and signing out of the
# site revoke all of the user's tokens.
KNOX_TOKEN_MODEL = "api.ApiToken"
# knox's migrations create its own AuthToken table, unused once the model is swapped for ours.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_IDLE_HOURS", default=8)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.int("API_TOKEN_MAX_DAYS", default=30)),
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HRDDP API",
    "DESCRIPTION": "Registry, support requests, risk assessments and monitoring (issue 5).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "hrddp.support.models.RequestStatus",
        "AssessmentStatusEnum": "assessments.models.AssessmentStatus",
        "InterventionStatusEnum": "assessments.models.InterventionStatus",
        "MeasureStatusEnum": "assessments.models.MeasureStatus",
        "FactorEnum": "assessments.models.Factor",
        "ScopeQuestionEnum": "assessments.models.ScopeQuestion",
        "LevelEnum": "assessments.models.Level",
        "ReliabilityEnum": "hrddp.registry.models.Reliability",
        "TransitionActionEnum": "hrddp.api.enums.TRANSITION_ACTIONS",
        "InterventionActionEnum": "hrddp.api.enums.INTERVENTION_ACTION_NAMES",
        "ImportKindEnum": "hrddp.transfer.models.ImportKind",
        "ImportStatusEnum": "hrddp.transfer.models.ImportStatus",
        "ExportStatusEnum": "hrddp.transfer.models.ExportStatus",
        # Screening (issue 15): a participant's outcome, the HRO's decision on a candidate.
        "ScreeningOutcomeEnum": "hrddp.screening.models.Outcome",
        "CandidateDecisionEnum": "hrddp.screening.models.Decision",
        "ScreeningRunStatusEnum": "hrddp.screening.models.RunStatus",
    },
    # Swagger UI and its assets come from drf-spectacular-sidecar (static files): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Attached files (issue 17, hrddp/documents): the largest file accepted, and clamd's address for a
# virus scan of each one before it is kept (tcp://host:3310 or unix:///run/clamav/clamd.ctl); unset,
# files are not scanned. With CLAMD_URL set and clamd unreachable, uploads are refused.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
CLAMD_URL = env("CLAMD_URL", default="")
CLAMD_TIMEOUT_SECONDS = env.int("CLAMD_TIMEOUT_SECONDS", default=30)
