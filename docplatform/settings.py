"""Settings for the document platform: one module, driven by DOCPLATFORM_* environment variables.

Defaults are safe for a single machine: SQLite in WAL mode, the django-q2 ORM broker on the
same database, DEBUG off, a secret key generated into the data directory on first run.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from docplatform.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_path,
    env_str,
    secret_key_from,
    storage_from_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("DOCPLATFORM_DATA_DIR", BASE_DIR / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DOCPLATFORM_DEBUG", False)
SECRET_KEY = secret_key_from(DATA_DIR)
ALLOWED_HOSTS = env_list("DOCPLATFORM_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DOCPLATFORM_CSRF_TRUSTED_ORIGINS", [])

# Behind TLS (DOCPLATFORM_HTTPS=1) every transport setting `check --deploy` asks for is on.
HTTPS = env_bool("DOCPLATFORM_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS and env_bool("DOCPLATFORM_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DOCPLATFORM_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DOCPLATFORM_HSTS_PRELOAD", True)
# Behind a reverse proxy (TLS ends there): requests arrive from the proxy, which says the
# scheme in X-Forwarded-Proto and the client in X-Forwarded-For.
BEHIND_PROXY = env_bool("DOCPLATFORM_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Messages carry secrets shown once (new API keys, webhook secrets): keep them server-side in
# the session, never in the messages cookie (signed, not encrypted).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "django_prometheus",
    "django_htmx",
    "axes",
    "csp",
    "docplatform",
    "jobs",
    "review",
    "webhooks",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "docplatform.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

# Password guessing on the sign-in pages (review and admin) is throttled by django-axes: after
# DOCPLATFORM_LOGIN_FAILURE_LIMIT failures for one user name from one address, that pair is
# locked out for DOCPLATFORM_LOGIN_COOLOFF_MINUTES (a success resets the count).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("DOCPLATFORM_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("DOCPLATFORM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DOCPLATFORM_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None

# Content-Security-Policy (django-csp): only this site's own scripts, styles and images. The
# review pages position boxes with style attributes, hence style-src-attr.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "docplatform.urls"
WSGI_APPLICATION = "docplatform.wsgi.application"

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
                "review.context.navigation",
            ],
        },
    },
]

# SQLite on local disk: WAL lets the web server read while the worker writes, IMMEDIATE
# transactions take the write lock up front (no deadlocked upgrades), and the busy timeout
# makes writers queue instead of failing with "database is locked".
DATABASE_PATH = env_path("DOCPLATFORM_DB_PATH", DATA_DIR / "db.sqlite3")
# Several machines share one PostgreSQL server instead: DOCPLATFORM_DATABASE_URL, e.g.
# postgres://docplatform:secret@db.internal:5432/docplatform (psycopg 3).
DATABASE_URL = env_str("DOCPLATFORM_DATABASE_URL", "")
_checkout_tag = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]
DATABASES = {
    "default": database_from_url(
        DATABASE_URL, conn_max_age=env_int("DOCPLATFORM_DB_CONN_MAX_AGE", 60)
    )
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATABASE_PATH,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("DOCPLATFORM_DB_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        # A file, not :memory:, so a real worker process can share the test database; one per
        # checkout, so test runs of two checkouts on one machine never share it.
        "TEST": {"NAME": str(DATA_DIR / f"test-db-{_checkout_tag}.sqlite3")},
        # Kept open between requests: closing the last connection to a WAL database
        # checkpoints it, which cost a submit more than all its queries.
        "CONN_MAX_AGE": env_int("DOCPLATFORM_DB_CONN_MAX_AGE", 60),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DOCPLATFORM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("DOCPLATFORM_STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env_path("DOCPLATFORM_MEDIA_ROOT", DATA_DIR / "media")
# Uploads, previews and exports: the media folder, or S3-compatible object storage shared by
# every machine (DOCPLATFORM_STORAGE_URL=s3://bucket/prefix?endpoint_url=https://...).
STORAGE_URL = env_str("DOCPLATFORM_STORAGE_URL", "")
STORAGES = {
    "default": storage_from_url(STORAGE_URL)
    if STORAGE_URL
    # Every name is under its document's own folder, so a name written again (a job run
    # twice after a crash) is the same file, replaced rather than copied under a new name.
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Documents and extraction -------------------------------------------------------------
DOCPLATFORM_MAX_UPLOAD_BYTES = env_int("DOCPLATFORM_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
DOCPLATFORM_MAX_PAGES = env_int("DOCPLATFORM_MAX_PAGES", 200)
DOCPLATFORM_OCR_DPI = env_int("DOCPLATFORM_OCR_DPI", 300)
# Tesseract's languages (PP-OCR reads English, German and French with one model).
DOCPLATFORM_OCR_LANG = env_str("DOCPLATFORM_OCR_LANG", "eng+deu")
# "rapidocr" (PP-OCR models on ONNX Runtime; chosen by measurement) or "tesseract".
DOCPLATFORM_OCR_ENGINE = env_str("DOCPLATFORM_OCR_ENGINE", "rapidocr")
DOCPLATFORM_PREVIEW_DPI = env_int("DOCPLATFORM_PREVIEW_DPI", 150)
DOCPLATFORM_EXTRACTION_SECONDS = env_int("DOCPLATFORM_EXTRACTION_SECONDS", 240)
DOCPLATFORM_EXTRACTION_MEMORY_MB = env_int("DOCPLATFORM_EXTRACTION_MEMORY_MB", 2048)
# Jobs one extraction child serves before it is replaced (1: a fresh child per job).
DOCPLATFORM_EXTRACTION_CHILD_JOBS = env_int("DOCPLATFORM_EXTRACTION_CHILD_JOBS", 100)
# An idle extraction child is stopped after this long (its memory, OCR models included, freed).
DOCPLATFORM_EXTRACTION_CHILD_IDLE_SECONDS = env_float(
    "DOCPLATFORM_EXTRACTION_CHILD_IDLE_SECONDS", 300
)
# The synchronous predict's time limit (under the web server's 120 s request timeout); longer
# documents go through async-predict.
DOCPLATFORM_PREDICT_SECONDS = env_int("DOCPLATFORM_PREDICT_SECONDS", 60)
# Results' lifetime after completion: the default of every service. A service may set its own,
# and a request may ask for another with `x-result-ttl`, both within the limits below.
DOCPLATFORM_RESULT_TTL_SECONDS = env_int("DOCPLATFORM_RESULT_TTL_SECONDS", 24 * 3600)
DOCPLATFORM_RESULT_TTL_MIN_SECONDS = env_int("DOCPLATFORM_RESULT_TTL_MIN_SECONDS", 60)
DOCPLATFORM_RESULT_TTL_MAX_SECONDS = env_int("DOCPLATFORM_RESULT_TTL_MAX_SECONDS", 30 * 24 * 3600)
# django-q2 task and failure rows older than this are purged with expired results.
DOCPLATFORM_QUEUE_HISTORY_SECONDS = env_int("DOCPLATFORM_QUEUE_HISTORY_SECONDS", 24 * 3600)
# Idempotency-Key records live this long; a key still "in progress" after the lock time
# (its request died) may be taken over by a retry.
DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS = env_int("DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS", 24 * 3600)
DOCPLATFORM_IDEMPOTENCY_LOCK_SECONDS = env_int("DOCPLATFORM_IDEMPOTENCY_LOCK_SECONDS", 120)
# Absolute URLs in webhook bodies (built outside any request) start with this.
DOCPLATFORM_PUBLIC_URL = env_str("DOCPLATFORM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A job is failed for good after this many claims (crashes included).
DOCPLATFORM_JOB_MAX_ATTEMPTS = env_int("DOCPLATFORM_JOB_MAX_ATTEMPTS", 3)
# Recovery. A running job holds a lease of this many seconds, renewed every third of it while
# its worker lives: a job whose worker died is free again within one lease. Leases are set and
# compared on the database's clock, so worker machines whose clocks differ still agree.
DOCPLATFORM_JOB_LEASE_SECONDS = env_int("DOCPLATFORM_JOB_LEASE_SECONDS", 30)
# How often the worker supervisor beats, reconciles and dispatches (seconds).
DOCPLATFORM_SUPERVISOR_SECONDS = env_float("DOCPLATFORM_SUPERVISOR_SECONDS", 5)
# A job whose delivery is neither waiting in the queue nor running for this long is delivered
# again (a lost enqueue, a delivery held by a dead cluster).
DOCPLATFORM_REDELIVER_SECONDS = env_int("DOCPLATFORM_REDELIVER_SECONDS", 20)
# Jobs waiting this long while no worker claimed or finished anything: the cluster is stalled,
# the supervisor restarts it, and /healthz answers 503.
DOCPLATFORM_STALL_SECONDS = env_int("DOCPLATFORM_STALL_SECONDS", 30)
# On SIGTERM, running jobs get this long to finish before their processes are killed (they
# are then taken up again at the next start).
DOCPLATFORM_STOP_SECONDS = env_int("DOCPLATFORM_STOP_SECONDS", 30)

# --- Webhooks ---------------------------------------------------------------------------------
# Targets must resolve to public addresses; these hosts or networks (comma list of host names,
# IP addresses or CIDR networks) are allowed anyway, e.g. "127.0.0.1,10.1.0.0/16,hooks.lan".
DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = env_list("DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS", [])
DOCPLATFORM_WEBHOOK_TIMEOUT_SECONDS = env_int("DOCPLATFORM_WEBHOOK_TIMEOUT_SECONDS", 10)
# A delivery (connect, send, read the answer) is cut off after this long in total, however
# slowly the receiver trickles bytes; its claim lasts longer than that, so no event is sent
# twice at once.
DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS = env_int("DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS", 15)
# Tries per event; the delay before try n+1 is base * 3**(n-1) plus up to 30 % jitter:
# with 8 tries and a 60 s base, about 18 hours from the first try to the last.
DOCPLATFORM_WEBHOOK_MAX_ATTEMPTS = env_int("DOCPLATFORM_WEBHOOK_MAX_ATTEMPTS", 8)
DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS = env_float("DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS", 60)
# Delivered and abandoned events (and their attempt logs) are kept this long.
DOCPLATFORM_WEBHOOK_HISTORY_SECONDS = env_int("DOCPLATFORM_WEBHOOK_HISTORY_SECONDS", 30 * 24 * 3600)

# --- Queue (django-q2) ------------------------------------------------------------------------
# The job row is the truth; the queue only delivers job ids. retry must exceed the time a task
# can spend in the cluster before it finishes, or it is delivered twice:
# retry >= (ceil(queue_limit / workers) + 2) * timeout.
Q_WORKERS = env_int("DOCPLATFORM_WORKERS", 2)
Q_TIMEOUT = DOCPLATFORM_EXTRACTION_SECONDS + 60
Q_CLUSTER = {
    "name": "docplatform",
    "orm": "default",
    "workers": Q_WORKERS,
    "queue_limit": Q_WORKERS,
    "bulk": 1,
    # Seconds an idle cluster waits before looking for tasks again: every job waits half of it
    # on average (bench/bench_scale.py --latency: p50 submit to completed 0.52 s at 1 s, 0.26 s
    # at 0.2 s); a look is one indexed query.
    "poll": env_float("DOCPLATFORM_Q_POLL", 0.2),
    "timeout": Q_TIMEOUT,
    # Also the delay before a crashed cluster's tasks are delivered again.
    "retry": env_int("DOCPLATFORM_Q_RETRY", 4 * Q_TIMEOUT),
    "max_attempts": 3,
    "ack_failures": True,
    "save_limit": 100,
    "recycle": 50,
    "max_rss": 600_000,
    "catch_up": False,
    "scheduler": True,
    "label": "Queue",
    "sync": env_bool("DOCPLATFORM_Q_SYNC", False),
    # Webhook deliveries have a lane of their own (a cluster of that name, started by
    # `manage.py worker`): a slow receiver never holds up extraction, nor OCR a delivery.
    "ALT_CLUSTERS": {
        "docplatform-webhooks": {
            "workers": env_int("DOCPLATFORM_WEBHOOK_WORKERS", 2),
            "queue_limit": env_int("DOCPLATFORM_WEBHOOK_WORKERS", 2),
            "timeout": DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS + 30,
            "retry": 4 * (DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS + 30),
            "max_rss": 200_000,
            "scheduler": False,
        }
    },
}
WEBHOOK_CLUSTER = "docplatform-webhooks"

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.JSONParser",
    ],
    "EXCEPTION_HANDLER": "docplatform.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Document platform API",
    "DESCRIPTION": "Submit documents for asynchronous extraction and read back the results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "docplatform.schema.postprocess",
    ],
}

# --- Operations ----------------------------------------------------------------------------
# GET /metrics (Prometheus): allowed with "Authorization: Bearer <token>", or from these networks.
DOCPLATFORM_METRICS_TOKEN = env_str("DOCPLATFORM_METRICS_TOKEN", "")
DOCPLATFORM_METRICS_NETWORKS = env_networks(
    "DOCPLATFORM_METRICS_NETWORKS", ["127.0.0.1/32", "::1/128"]
)
# Logs: "plain" lines, or "json" lines (one object per record), both with the request id.
LOG_FORMAT = env_choice("DOCPLATFORM_LOG_FORMAT", "plain", ["plain", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "docplatform.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DOCPLATFORM_LOG_LEVEL", "INFO")},
}
