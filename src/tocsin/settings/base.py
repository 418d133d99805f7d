import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

env = environ.Env()

VAR_DIR = Path(env.str("TOCSIN_VAR_DIR", default=str(REPO_ROOT / "var")))

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: it registers each app's translation.py (organizers' texts per language).
    "modeltranslation",
    "tocsin.organizations.admin_apps.TocsinAdminConfig",  # django.contrib.admin, scoped
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "rest_framework",
    "drf_spectacular",
    "tocsin.core",
    "tocsin.organizations",
    "tocsin.audit",
    "tocsin.signin",
    "tocsin.targets",
    "tocsin.districts",
    "tocsin.campaigns",
    "tocsin.supporters",
    "tocsin.calls",
    "tocsin.whip",
    "tocsin.petitions",
    "tocsin.events",
    "tocsin.fundraising",
    "tocsin.letters",
    "tocsin.dashboard",
    "tocsin.alerts",
    "tocsin.pages",
    "tocsin.organize",
    "tocsin.embeds",
    "tocsin.api",
    "tocsin.webhooks",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tocsin.audit.middleware.AuditlogMiddleware",
    "tocsin.dashboard.pageviews.PageViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tocsin.core.staff_sessions.StaffSessionMiddleware",
    # After the staff session check: an expired session is signed out before being asked.
    "tocsin.signin.middleware.SecondFactorMiddleware",
    "tocsin.core.http.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tocsin.urls"
WSGI_APPLICATION = "tocsin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tocsin.core.context_processors.site",
            ],
        },
    },
]


def database_from_env(default_url: str) -> dict:
    """One database, from DATABASE_URL; SQLite gets WAL and immediate transactions."""
    config = env.db_url("DATABASE_URL", default=default_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite creates the file but not its directory; a first `tocsin migrate` should just work.
        if config["NAME"] not in ("", ":memory:"):
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            }
        )
    else:
        config.setdefault("CONN_HEALTH_CHECKS", True)
    # Persistent connections on both: opening SQLite and running its PRAGMAs for every
    # request cost more than the signature it served.
    config.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    return config


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'tocsin.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How many reverse proxies of our own stand in front of gunicorn (nginx or Caddy: 1). Each
# appends the address it saw to X-Forwarded-For; 0 means requests come straight from clients.
TOCSIN_TRUSTED_PROXIES = env.int("TOCSIN_TRUSTED_PROXIES", default=0)

REDIS_URL = env.str("REDIS_URL", default="")
# Click-to-call. Without Twilio credentials the "console" backend only logs what it would do.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="")  # tests point the client at a fake
TOCSIN_TELEPHONY = env.str(
    "TOCSIN_TELEPHONY", default="twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN else "console"
)
TOCSIN_CALL_COUNTRIES = env.list("TOCSIN_CALL_COUNTRIES", default=["US"])
TOCSIN_CALLS_PER_IP_PER_HOUR = env.int("TOCSIN_CALLS_PER_IP_PER_HOUR", default=10)
TOCSIN_MAX_CALL_MINUTES = env.int("TOCSIN_MAX_CALL_MINUTES", default=20)

# Online gifts through Stripe Checkout. Without both keys, fundraisers show only how to give
# offline. The webhook endpoint is /give/stripe/webhook/ (events: checkout.session.completed,
# checkout.session.async_payment_succeeded, invoice.paid, charge.refunded).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # tests point the client at a fake

# Signatures of petitions closed this many days ago keep only what the counts need.
TOCSIN_ANONYMISE_AFTER_DAYS = env.int("TOCSIN_ANONYMISE_AFTER_DAYS", default=90)

# The optional proof-of-work challenge (core/challenge.py): the largest number a browser
# may have to try; about 1 s of work on an ordinary phone at the default.
TOCSIN_ALTCHA_MAX_NUMBER = env.int("TOCSIN_ALTCHA_MAX_NUMBER", default=50_000)

# Mail that a server refused is retried after this many seconds, doubling each time.
TOCSIN_MAIL_RETRY_SECONDS = env.int("TOCSIN_MAIL_RETRY_SECONDS", default=60)


def caches_for(redis_url: str) -> dict:
    """The shared Redis cache when there is one, else each process's own memory. Redis being
    unreachable is a cache miss, not an error (core/caching.py): pages come from the
    database until it is back."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "tocsin.core.caching.ForgivingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "tocsin",
            # A Redis that stops answering (rather than refusing) costs a request at most this
            # long before it counts as down.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


CACHES = caches_for(REDIS_URL)
# /readyz answers 503 when no worker has looked at its schedule for this long.
TOCSIN_WORKER_STALE_SECONDS = env.int("TOCSIN_WORKER_STALE_SECONDS", default=120)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Organizers' back-office sessions end after this long without a request, and this long after
# signing in however busy (core/staff_sessions.py); the cookie lasts no longer either.
TOCSIN_STAFF_IDLE_MINUTES = env.int("TOCSIN_STAFF_IDLE_MINUTES", default=30)
TOCSIN_STAFF_SESSION_HOURS = env.int("TOCSIN_STAFF_SESSION_HOURS", default=8)
SESSION_COOKIE_AGE = TOCSIN_STAFF_SESSION_HOURS * 3600
# Admin login throttling: five failures lock that username from that address for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address each limit and the lockout count: see core/http.py.
AXES_CLIENT_IP_CALLABLE = "tocsin.core.http.client_ip"
# Login records (address, browser, username) are deleted after this many days (retention job).
TOCSIN_LOGIN_LOG_DAYS = env.int("TOCSIN_LOGIN_LOG_DAYS", default=30)

# The record of who changed what (django-auditlog; tocsin/audit). Entries carry the organization
# they belong to (audit.Entry). Signatures are tracked for organizers' changes only, and by
# number: no entry copies a supporter's name, address or email (audit/models.py, tracking.py).
AUDITLOG_LOGENTRY_MODEL = "audit.Entry"
# auditlog's own migrations would still create its stock log table, unused once swapped; its
# foreign key to users would then stop PostgreSQL from emptying the users table (a test's
# flush). Without migrations, Django creates no table for a swapped model.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "campaigns.campaign",
    "campaigns.demand",
    "campaigns.campaigntarget",
    "campaigns.targetstance",
    "campaigns.stanceevidence",
    "campaigns.partnership",
    "calls.callaction",
    "calls.scriptvariant",
    "petitions.petitionaction",
    {"model": "petitions.signature", "include_fields": ["invalidated_at", "held_at"]},
    "letters.writeaction",
    "letters.lettervariant",
    "events.event",
    "events.session",
    "fundraising.fundraiser",
    "alerts.alert",
    "targets.target",
    "targets.office",
    "organizations.organization",
    "organizations.membership",
    # Not there yet: registered by name, so it is tracked from the day it is added.
    "organizations.invitation",
)
# Owners and campaigners must sign in with a second factor (an authenticator app, recovery
# codes: the signin app). Off for development and tests; production turns it on by default.
TOCSIN_REQUIRE_TWO_FACTOR = env.bool("TOCSIN_REQUIRE_TWO_FACTOR", default=False)
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env.str("TOCSIN_SITE_NAME", default="Tocsin")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Organizers' texts are stored once per language (title_en, title_es: each app's translation.py).
# Pages read them through core/translated.py, which falls back to the campaign's own language
# and says so; a plain attribute (mails, exports) falls back to any language written.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(code for code, _name in LANGUAGES)
# Dates as each language writes them ("viernes 25 de diciembre de 2026"); see core/dates.py.
FORMAT_MODULE_PATH = ["tocsin.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tocsin <tocsin@localhost>")

# An email provider instead of plain SMTP, through django-anymail: TOCSIN_EMAIL_PROVIDER names
# its backend ("mailgun", "postmark", "amazon_ses"…) and every ANYMAIL_<SETTING> variable
# becomes that setting (ANYMAIL_MAILGUN_API_KEY, ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY,
# ANYMAIL_WEBHOOK_SECRET…). The provider's tracking webhooks (/anymail/<provider>/tracking/)
# turn bounces and complaints into the suppression list alerts respect.
TOCSIN_EMAIL_PROVIDER = env.str("TOCSIN_EMAIL_PROVIDER", default="")
if TOCSIN_EMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{TOCSIN_EMAIL_PROVIDER}.EmailBackend"
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

# Action alerts (the alerts app). The sending rate is shared by every worker through the
# cache (installation-wide with REDIS_URL; per worker process without it); 0 means no limit.
TOCSIN_ALERT_RATE_PER_MINUTE = env.int("TOCSIN_ALERT_RATE_PER_MINUTE", default=6000)
# How many workers may send one alert at once, and how many recipients each claims at a time.
TOCSIN_ALERT_SENDERS = env.int("TOCSIN_ALERT_SENDERS", default=2)
TOCSIN_ALERT_BATCH = env.int("TOCSIN_ALERT_BATCH", default=100)
# A sending task hands the worker back after this long (and queues its own continuation), so
# confirmations and receipts are not kept waiting behind a long alert.
TOCSIN_ALERT_SLICE_SECONDS = env.int("TOCSIN_ALERT_SLICE_SECONDS", default=20)
# Recipients claimed this long ago and still not marked were claimed by a worker that died:
# they are marked "unknown" (they may or may not have been sent), never sent again.
TOCSIN_ALERT_CLAIM_LEASE_SECONDS = env.int("TOCSIN_ALERT_CLAIM_LEASE_SECONDS", default=300)
# How long the link in an alert opens its action already filled in.
TOCSIN_PREFILL_DAYS = env.int("TOCSIN_PREFILL_DAYS", default=14)
# Webhooks may go to http:// and to loopback or private addresses: development only.
TOCSIN_WEBHOOKS_ALLOW_PRIVATE = env.bool("TOCSIN_WEBHOOKS_ALLOW_PRIVATE", default=False)
TOCSIN_WEBHOOKS_TIMEOUT_SECONDS = env.float("TOCSIN_WEBHOOKS_TIMEOUT_SECONDS", default=10)

# Absolute links in mail need to know where the site lives.
TOCSIN_BASE_URL = env.str("TOCSIN_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
TOCSIN_SITE_NAME = env.str("TOCSIN_SITE_NAME", default="Tocsin")

# Passkeys (django-otp-webauthn): the browser binds each passkey to the site's host name, so
# the relying party is the host of TOCSIN_BASE_URL and only that origin may use them. Browsers
# allow passkeys only over HTTPS or on http://localhost (never on a bare IP address), so a
# plain-HTTP site offers them at localhost on the same port.
_base_url = urlsplit(TOCSIN_BASE_URL)
if _base_url.scheme == "https":
    OTP_WEBAUTHN_RP_ID = _base_url.hostname
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [TOCSIN_BASE_URL]
else:
    OTP_WEBAUTHN_RP_ID = "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"http://localhost:{_base_url.port or 80}"]
OTP_WEBAUTHN_RP_NAME = TOCSIN_SITE_NAME
# A passkey is the second factor after the password, never a way in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Where the sync commands read the public datasets; empty means download them.
TOCSIN_DATA_DIR = env.str("TOCSIN_DATA_DIR", default="")
# A portrait URL per member, e.g. "https://example.org/congress/225x275/{bioguide}.jpg".
# Empty: pages show initials instead of loading a third-party image.
TOCSIN_PHOTO_URL_TEMPLATE = env.str("TOCSIN_PHOTO_URL_TEMPLATE", default="")
# Seconds a rendered public campaign page may be served from the cache.
TOCSIN_PAGE_CACHE_SECONDS = env.int("TOCSIN_PAGE_CACHE_SECONDS", default=5)

# The organizers' dashboard shows hours and days in this zone (rollups are kept in UTC hours).
TOCSIN_DASHBOARD_TIME_ZONE = env.str("TOCSIN_DASHBOARD_TIME_ZONE", default="America/New_York")
TOCSIN_COUNT_PAGE_VIEWS = env.bool("TOCSIN_COUNT_PAGE_VIEWS", default=True)
# Each process writes the page views it counted at most this often (see dashboard/pageviews.py).
TOCSIN_PAGE_VIEW_FLUSH_SECONDS = env.int("TOCSIN_PAGE_VIEW_FLUSH_SECONDS", default=30)

# No inline script or style anywhere: pages load /static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry query strings (ZIP codes); keep them out of the logs.
        "django.server": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "tocsin.core.views.csrf_failure"

# ---------------------------------------------------------------------------------------------
# The worker's schedule (`tocsin worker`, see core/scheduling.py): each job calls a dotted path
# every so many seconds, with optional "kwargs". However many workers run, on however many
# servers, a due job runs once per period. A job new to the schedule first runs one period
# after a worker first sees it.
# People with no current consent and no action for this long are anonymised by the worker.
TOCSIN_ANONYMISE_AFTER_MONTHS = env.int("TOCSIN_ANONYMISE_AFTER_MONTHS", default=24)

TOCSIN_SCHEDULE = {
    "dashboard-rollups": {"call": "tocsin.dashboard.rollups.refresh", "every": 60},
    # Nightly, all of time: corrects what the recent hours cannot see.
    "dashboard-rollups-all": {
        "call": "tocsin.dashboard.rollups.refresh",
        "every": 86400,
        "kwargs": {"since": None},
    },
    "event-reminders": {"call": "tocsin.events.services.enqueue_reminders", "every": 3600},
    "petitions-maintenance": {
        "call": "tocsin.petitions.services.nightly_maintenance",
        "every": 86400,
    },
    # Consents and RSVPs whose address nobody confirmed in time.
    "forget-unconfirmed-consents": {
        "call": "tocsin.supporters.services.forget_unconfirmed",
        "every": 86400,
    },
    # People with no current consent who have not acted for TOCSIN_ANONYMISE_AFTER_MONTHS.
    "anonymise-inactive-people": {
        "call": "tocsin.supporters.services.anonymise_inactive",
        "every": 86400,
    },
    "forget-unconfirmed-rsvps": {
        "call": "tocsin.events.services.forget_unconfirmed",
        "every": 3600,
    },
    "forget-stale-numbers": {
        "call": "tocsin.calls.telephony.forget_stale_numbers",
        "every": 60,
    },
    # Scheduled alerts whose time has come; claims left by dead workers marked unknown;
    # alerts whose senders all died given new ones.
    "alerts-tick": {"call": "tocsin.alerts.services.tick", "every": 30},
    # Letters above a target's daily cap go out as one digest per office a day; letters whose
    # writer never confirmed are forgotten.
    "letters-digests": {"call": "tocsin.letters.services.send_digests", "every": 86400},
    "letters-forget-unconfirmed": {
        "call": "tocsin.letters.services.forget_unconfirmed",
        "every": 86400,
    },
    # Webhook deliveries whose next try is due (a lost task or a dead worker loses nothing);
    # old deliveries pruned.
    "webhooks-retry": {"call": "tocsin.webhooks.services.retry_due", "every": 15},
    "webhooks-prune": {"call": "tocsin.webhooks.services.prune", "every": 86400},
    "recover-tasks": {"call": "tocsin.core.scheduling.recover_tasks", "every": 60},
    "prune-task-results": {"call": "tocsin.core.scheduling.prune_task_results", "every": 86400},
    # Login records past TOCSIN_LOGIN_LOG_DAYS, spent proof-of-work solutions.
    "retention": {"call": "tocsin.core.retention.prune", "every": 86400},
    # Offline, a sync fails (logged) and changes nothing; it tries again the next week.
    "sync-legislators": {"call": "tocsin.targets.services.sync_legislators", "every": 7 * 86400},
    "sync-districts": {"call": "tocsin.districts.sync.sync_districts", "every": 7 * 86400},
    "sync-uk": {"call": "tocsin.targets.uk.sync_uk", "every": 7 * 86400},
}

# The call reports' indexes carry extra columns on PostgreSQL (counts read only the index);
# SQLite builds them without those columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The OSDI API (/api/v1/, tocsin.api): keys in the OSDI-API-Token header, HAL+JSON, a rate
# per key in the shared cache (TOCSIN_API_RATE, e.g. "240/min"), the OpenAPI 3.1 schema.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tocsin.api.auth.OsdiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tocsin.api.auth.KeyMayWrite"],
    "DEFAULT_THROTTLE_CLASSES": ["tocsin.api.auth.PerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("TOCSIN_API_RATE", default="240/min")},
    "DEFAULT_PARSER_CLASSES": ["tocsin.api.osdi.CappedJSONParser", "tocsin.api.osdi.HalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "tocsin.api.osdi.HalJSONRenderer",
        "rest_framework.renderers.JSONRenderer",
    ],
    "EXCEPTION_HANDLER": "tocsin.api.osdi.handle_exception",
    "DEFAULT_SCHEMA_CLASS": "tocsin.api.schema.OsdiAutoSchema",
    "UNAUTHENTICATED_USER": None,
    # No ?format=: the answer is HAL+JSON (or JSON by Accept), nothing else.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tocsin OSDI API",
    "DESCRIPTION": "OSDI 1.2 as Action Network implements it: HAL+JSON, page/per_page, "
    "filter=modified_date gt '…', identifiers tocsin:<id>. Send your key in OSDI-API-Token.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "osdiToken": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}
        }
    },
    "SECURITY": [{"osdiToken": []}],
}
