"""Settings for every deployment, read from the environment.

YIMEN_DATABASE_URL   PostgreSQL URL (postgres://user@host:5432/db); SQLite under var/ if unset
YIMEN_DB_CONN_MAX_AGE  seconds a PostgreSQL connection is kept (default 60; "persistent": for ever)
YIMEN_SECRET_KEY     required when YIMEN_DEBUG is off
YIMEN_DEBUG          1/true to enable debug (the demo sets it)
YIMEN_ALLOWED_HOSTS  comma-separated host names
YIMEN_DATA_DIR       where SQLite, uploads and batch data live (default: var/ in the checkout)
YIMEN_SECURE         1 behind HTTPS: secure cookies, HSTS, SSL redirect
YIMEN_AUDIT_KEY      the audit key (base64 Ed25519 seed) from a secret store; else the file
YIMEN_AUDIT_KEY_FILE (default $YIMEN_DATA_DIR/audit.key, made by `yimen audit keygen`)
YIMEN_AUDIT_CHECKPOINT_DIR  where `yimen audit checkpoint` exports signed checkpoints
                     (default $YIMEN_DATA_DIR/audit-checkpoints; ship it off the host)
YIMEN_TRUSTED_PROXIES  how many reverse proxies in front of the app append to X-Forwarded-For
                     (default 0: the client is REMOTE_ADDR; accounts/addresses.py)
YIMEN_CACHE_URL      redis://host:6379/0: Django's cache (and with it the rate-limit counters) in
                     Redis; unset: the counters live in the database, no cache needed
YIMEN_REDIS_URL      the same (either name): the shared store of a web tier of many processes
YIMEN_SESSIONS       db (default: sessions in the database), cache (in the shared Redis) or
                     cached_db (Redis in front of the database)
YIMEN_DATABASE_REPLICA_URL  a read replica: dashboards, indicators and exports read from it
                     (yimen.db_router); unset: everything reads the primary
YIMEN_JOBS_BACKEND   inprocess (default: no broker) or procrastinate (PostgreSQL; run
                     `yimen worker`): background jobs, docs/jobs.md
YIMEN_JOBS_INPROCESS how the in-process runner starts long jobs: process (default: a
                     detached `yimen job_run`), thread or inline
YIMEN_JOBS_SCHEDULE  off: `yimen worker` runs no periodic kinds (default on)
YIMEN_API_TOKEN_TTL_HOURS  hours an API token is valid after it was issued (default 8)
YIMEN_SMS_BACKEND    file (default: JSON lines in YIMEN_SMS_FILE) or http (yimen.notify.gateway)
YIMEN_SMS_URL, YIMEN_SMS_KEY, YIMEN_SMS_TIMEOUT  the HTTP gateway, its bearer key, seconds (5)
YIMEN_SMS_FILE       default $YIMEN_DATA_DIR/sms-outbox.jsonl
YIMEN_SMS_QUIET_HOURS  Beijing time with no optional texts (default 21:00-08:00; empty: none)
YIMEN_SMS_MAX_ATTEMPTS  gateway tries before a message is failed (default 5)
YIMEN_SMS_CONCURRENCY  gateway calls in flight at once (default 8)
YIMEN_SMS_BATCH      messages claimed per round by a sender (default 1000)
YIMEN_FSI_DEMO_CREDENTIAL  1 (with YIMEN_DEBUG only; `make demo` sets it): the hospital interface
                     also accepts the published demo credential for the demo hospital
                     (settlement/fsi/auth.py DEMO_CREDENTIALS); ignored when debug is off
YIMEN_EXAMS_LINK_CODE_DAYS  days a candidate's account link code stays valid (default 14)
YIMEN_BACKUP_KEY_FILE  the key of `yimen backup`/`yimen restore` (kept apart from the data
                     directory and the backups; `yimen backup --keygen` makes it)
YIMEN_BACKUP_DIR     where `yimen backup` writes (ship it off the host)
YIMEN_PRIVACY_PURPOSES_FILE  JSON list of [code, 中文, English]: the purposes staff choose from
                     when they export personal data or unmask an ID number (privacy.purposes)
YIMEN_VERIFICATION_ENGINE  duckdb (default: in this process) or spark: the verification batch's
                     matching on Apache Spark over the same Parquet (verification/matching_spark.py)
YIMEN_SPARK_MASTER   the Spark master for it (default local[2]; spark://host:7077, yarn, …)
YIMEN_SPARK_CONF     JSON object of further spark.* settings (e.g. {"spark.driver.memory": "4g"})
YIMEN_FIELD_KEY      the master key of field encryption (base64, 16 bytes) from a secret store;
YIMEN_FIELD_KEY_FILE else its file (`yimen fieldkeys keygen`), kept apart from the data and
                     backup directories; one of the two is required when YIMEN_DEBUG is off
                     (the demo makes $YIMEN_DATA_DIR/keys/field-master.key on first use)
YIMEN_COLUMN_READS   off: roster batches read through Django's connection only, never a second
                     read-only connection handing back Arrow columns (yimen.column_reads)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("YIMEN_DEBUG")
# roster batches may read through a second, read-only connection as Arrow columns
COLUMN_READS = env_bool("YIMEN_COLUMN_READS", default=True)
# the published demo credential of the hospital interface: never outside a debug deployment
YIMEN_FSI_DEMO_CREDENTIAL = DEBUG and env_bool("YIMEN_FSI_DEMO_CREDENTIAL")
DATA_DIR = Path(os.environ.get("YIMEN_DATA_DIR", REPO_DIR / "var"))
# The audit key and the signed checkpoints live outside the database (docs/operations.md).
AUDIT_KEY = os.environ.get("YIMEN_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(os.environ.get("YIMEN_AUDIT_KEY_FILE", DATA_DIR / "audit.key"))
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("YIMEN_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
)

SECRET_KEY = os.environ.get("YIMEN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not os.environ.get("YIMEN_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "YIMEN_SECRET_KEY is required when YIMEN_DEBUG is off / "
            "关闭调试时必须设置 YIMEN_SECRET_KEY"
        )
    SECRET_KEY = "insecure-development-key-only-for-yimen-demo-and-tests"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("YIMEN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # first: its changepassword and createsuperuser (password rules, audit) replace Django's
    "yimen.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "yimen.regions",
    "yimen.audit",
    "yimen.fieldcrypt",
    "yimen.workflow",
    "yimen.notify",
    "yimen.web",
    "yimen.assistance",
    "yimen.verification",
    "yimen.benefits",
    "yimen.medins",
    "yimen.settlement",
    "yimen.supervision",  # above the services it reads
    # --- issue 19: safety exams ---
    "yimen.exams",
    # --- end issue 19 ---
    # --- issue 17: straw-to-meat subsidy ---
    "yimen.subsidy",
    # --- end issue 17 ---
    # --- issue 18: straw-burning supervision ---
    "yimen.burning",
    # --- end issue 18 ---
    # --- issue 22 item 2: complaints and re-examination ---
    "yimen.complaints",
    # --- end issue 22 item 2 ---
    # --- issue 23: personal data protection ---
    "yimen.privacy",
    # --- end issue 23 ---
    # --- issue 22 item 4: moving in from the old system ---
    "yimen.rostermove",
    # --- end issue 22 item 4 ---
    "yimen.jobs",  # issue 24: background jobs
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "yimen.web.middleware.RefuseLargeBodyMiddleware",
    "yimen.web.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yimen.web.middleware.SecurityHeadersMiddleware",
    "yimen.web.middleware.DatabaseConflictMiddleware",
]

ROOT_URLCONF = "yimen.urls"
WSGI_APPLICATION = "yimen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yimen.web.context.workbench",
            ],
            # labels not codes, money as yuan (house rule 14), on every page without {% load %}
            "builtins": ["yimen.web.templatetags.labels"],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("YIMEN_DATABASE_URL")
    if url:
        age = os.environ.get("YIMEN_DB_CONN_MAX_AGE", "60")
        config = dj_database_url.parse(url, conn_max_age=None if age == "persistent" else int(age))
        config.setdefault("OPTIONS", {})
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "yimen.sqlite3"),
        "OPTIONS": {
            # BEGIN IMMEDIATE: writers queue on the lock instead of failing when they
            # upgrade a read transaction, so "two completions at once" serialise cleanly.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # a page cache of up to 128 MiB (default 2 MiB): a batch transaction (a
            # verification run's chunk) then keeps its dirty index pages in memory instead
            # of spilling them to the WAL mid-transaction; memory is taken only as used
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
            ),
        },
    }


DATABASES = {"default": _database()}
_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# A read replica (streaming replication's standby): dashboards, indicators and exports read
# from it inside yimen.db_router.replica_reads; never migrated, never written.
YIMEN_DATABASE_REPLICA_URL = os.environ.get("YIMEN_DATABASE_REPLICA_URL", "")
if YIMEN_DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        YIMEN_DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_READS = bool(YIMEN_DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["yimen.db_router.ReplicaRouter"]

# Background jobs (yimen.jobs, docs/jobs.md): the in-process runner unless a queue is set up.
JOBS_BACKEND = os.environ.get("YIMEN_JOBS_BACKEND", "inprocess")
JOBS_INPROCESS = os.environ.get("YIMEN_JOBS_INPROCESS", "process")
# off: `yimen worker` runs queued jobs only, not the schedule (bench/queue_overhead.py)
JOBS_SCHEDULE = env_bool("YIMEN_JOBS_SCHEDULE", default=True)
if JOBS_BACKEND not in {"inprocess", "procrastinate"}:
    raise ImproperlyConfigured(
        f"YIMEN_JOBS_BACKEND: inprocess or procrastinate, not {JOBS_BACKEND!r}"
    )
if JOBS_BACKEND == "procrastinate" and not _POSTGRES:
    raise ImproperlyConfigured(
        "YIMEN_JOBS_BACKEND=procrastinate needs PostgreSQL (YIMEN_DATABASE_URL)"
    )
if _POSTGRES:
    # the queue's tables (its migrations are PostgreSQL's only); used when JOBS_BACKEND says
    INSTALLED_APPS.append("procrastinate.contrib.django")
PROCRASTINATE_READONLY_MODELS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (accounts/lockout.py).
YIMEN_LOCKOUT = {
    "per_account": int(os.environ.get("YIMEN_LOCKOUT_PER_ACCOUNT", 5)),
    "per_address": int(os.environ.get("YIMEN_LOCKOUT_PER_ADDRESS", 20)),
    "window_minutes": int(os.environ.get("YIMEN_LOCKOUT_WINDOW_MINUTES", 15)),
}

# Reverse proxies in front of the app that append the client to X-Forwarded-For; the
# client address (lockout, public rate limits) is the right-most one none of them stands for.
YIMEN_TRUSTED_PROXIES = int(os.environ.get("YIMEN_TRUSTED_PROXIES", 0))
# A shared cache only when configured: the rate-limit counters (accounts/ratelimit.py) then
# count in Redis with atomic INCR; without one they count in the database. Either way every
# worker and server shares them (the default local-memory cache would not).
# verification matching engine (issue 24): DuckDB in process, or Spark for a province
VERIFICATION_ENGINE = os.environ.get("YIMEN_VERIFICATION_ENGINE", "duckdb").strip().lower()
if VERIFICATION_ENGINE not in ("duckdb", "spark"):
    raise ImproperlyConfigured("YIMEN_VERIFICATION_ENGINE must be duckdb or spark")
SPARK_MASTER = os.environ.get("YIMEN_SPARK_MASTER", "local[2]")
SPARK_CONF = json.loads(os.environ.get("YIMEN_SPARK_CONF", "") or "{}")
if not isinstance(SPARK_CONF, dict):
    raise ImproperlyConfigured("YIMEN_SPARK_CONF must be a JSON object")

YIMEN_CACHE_URL = os.environ.get("YIMEN_CACHE_URL", "") or os.environ.get("YIMEN_REDIS_URL", "")
if YIMEN_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": YIMEN_CACHE_URL,
            "KEY_PREFIX": "yimen",
        }
    }

# An API token expires this many hours after it was issued (accounts/tokens.py); logout and
# a password change or reset revoke it at once.
YIMEN_API_TOKEN_TTL_HOURS = float(os.environ.get("YIMEN_API_TOKEN_TTL_HOURS", 8))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Session and CSRF hardening.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
# Sessions live in a shared store, so any server process answers any user: the database
# (default), or with YIMEN_REDIS_URL the cache ("cache") or the cache over the database.
_SESSIONS = os.environ.get("YIMEN_SESSIONS", "db")
if _SESSIONS not in {"db", "cache", "cached_db"}:
    raise ImproperlyConfigured(f"YIMEN_SESSIONS: db, cache or cached_db, not {_SESSIONS!r}")
if _SESSIONS != "db" and not YIMEN_CACHE_URL:
    raise ImproperlyConfigured("YIMEN_SESSIONS=cache needs YIMEN_REDIS_URL (a shared cache)")
SESSION_ENGINE = f"django.contrib.sessions.backends.{_SESSIONS}"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("YIMEN_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # token first: a bad token then answers 401 with WWW-Authenticate
        "yimen.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "yimen.web.problems.ProblemAutoSchema",  # problem responses
    "EXCEPTION_HANDLER": "yimen.web.problems.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "yimen.web.paging.Pages",  # limit/offset, capped
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yimen API (一门接口)",
    "DESCRIPTION": "Cases, tasks, divisions and audit of the Yimen platform. "
    "Errors are RFC 9457 problem details with stable codes.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "yimen.web.problems.document_text_rules",  # NUL and blank text, as refused
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIMEN_LOG_LEVEL", "INFO")},
}

# Workflow: what "due soon" means for reminders, in working days.
YIMEN_DUE_SOON_WORKING_DAYS = int(os.environ.get("YIMEN_DUE_SOON_WORKING_DAYS", 2))

# Caps on every imported file (yimen/import_limits.py): a file over one is refused before it is
# read whole, with a message saying which cap; a 1 MB .xlsx may unpack to gigabytes.
YIMEN_IMPORT_LIMITS = {
    # the file as given (CSV, .xlsx, Parquet)
    "max_file_bytes": int(os.environ.get("YIMEN_IMPORT_MAX_FILE_BYTES", 100 * 2**20)),
    # an .xlsx unpacked (all its zip members together), and one member's compression ratio
    "max_unpacked_bytes": int(os.environ.get("YIMEN_IMPORT_MAX_UNPACKED_BYTES", 300 * 2**20)),
    "max_ratio": int(os.environ.get("YIMEN_IMPORT_MAX_RATIO", 100)),
    # data rows and columns of one file (the largest partner file seen: 175,005 rows, 9 columns)
    "max_rows": int(os.environ.get("YIMEN_IMPORT_MAX_ROWS", 1_000_000)),
    "max_columns": int(os.environ.get("YIMEN_IMPORT_MAX_COLUMNS", 200)),
}

# The largest request body (multipart uploads included), refused from its declared length
# before it is read: above the largest attachment (YIMEN_MAX_UPLOAD_BYTES, 10 MB) and its form.
YIMEN_MAX_REQUEST_BYTES = int(os.environ.get("YIMEN_MAX_REQUEST_BYTES", 12 * 2**20))

# Safety exams: how long a code linking an employer-registered candidate to an account lives
YIMEN_EXAMS_LINK_CODE_DAYS = int(os.environ.get("YIMEN_EXAMS_LINK_CODE_DAYS", 14))

# Notifications (yimen.notify): the SMS gateway and its quiet hours
SMS_BACKEND = os.environ.get("YIMEN_SMS_BACKEND", "file")
SMS_URL = os.environ.get("YIMEN_SMS_URL", "")
SMS_KEY = os.environ.get("YIMEN_SMS_KEY", "")
SMS_TIMEOUT = float(os.environ.get("YIMEN_SMS_TIMEOUT", 5))
SMS_FILE = os.environ.get("YIMEN_SMS_FILE", str(DATA_DIR / "sms-outbox.jsonl"))
SMS_QUIET_HOURS = os.environ.get("YIMEN_SMS_QUIET_HOURS", "21:00-08:00")
SMS_MAX_ATTEMPTS = int(os.environ.get("YIMEN_SMS_MAX_ATTEMPTS", 5))
SMS_CONCURRENCY = int(os.environ.get("YIMEN_SMS_CONCURRENCY", 8))
SMS_BATCH = int(os.environ.get("YIMEN_SMS_BATCH", 1000))
if SMS_BACKEND == "http" and not SMS_URL:
    raise ImproperlyConfigured("YIMEN_SMS_BACKEND=http needs YIMEN_SMS_URL")

# --- issue 23: personal data protection (yimen.privacy, docs/privacy.md) ---
BACKUP_KEY_FILE = os.environ.get("YIMEN_BACKUP_KEY_FILE", "")
BACKUP_DIR = os.environ.get("YIMEN_BACKUP_DIR", "")
PRIVACY_PURPOSES_FILE = os.environ.get("YIMEN_PRIVACY_PURPOSES_FILE", "")
# Field encryption (yimen.fieldcrypt): the master key stays outside the database. Production
# refuses to start without one; the demo makes its own under the data directory.
FIELD_KEY = os.environ.get("YIMEN_FIELD_KEY", "")
FIELD_KEY_FILE = os.environ.get("YIMEN_FIELD_KEY_FILE", "")
FIELD_KEY_DEMO = False
if not FIELD_KEY and not FIELD_KEY_FILE:
    if not DEBUG and not os.environ.get("YIMEN_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "YIMEN_FIELD_KEY or YIMEN_FIELD_KEY_FILE is required when YIMEN_DEBUG is off / "
            "关闭调试时必须设置字段加密主密钥 YIMEN_FIELD_KEY 或 YIMEN_FIELD_KEY_FILE"
        )
    FIELD_KEY_FILE = str(DATA_DIR / "keys" / "field-master.key")
    FIELD_KEY_DEMO = True
# --- end issue 23 ---
