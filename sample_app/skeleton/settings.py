"""Django settings. Per-environment values come from environment variables via skeleton.env."""

import ssl
from datetime import timedelta
from urllib.parse import urlsplit

from kombu import Exchange, Queue

from skeleton.env import read_config
from skeleton.sentry import init_sentry

CONFIG = read_config()

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
RELEASE = CONFIG.release

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "skeleton",
    "app1",
    "celery_app",
    "uploads",
]

MIDDLEWARE = [
    # Outermost, so that every response (redirects and errors too) names its host.
    "skeleton.middleware.ServedByMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "skeleton.urls"
WSGI_APPLICATION = "skeleton.wsgi.application"

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
                "skeleton.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Cache: Redis when REDIS_URL is set (shared by every web host), else this process's
# memory. Short socket timeouts: a cache that does not answer costs a page a second, not
# a worker's whole timeout (the pages that use it fall back to working without it).
if CONFIG.cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions in the cache and, written through, in the database: a cache that evicts,
# restarts or is down logs nobody out (skeleton.sessions: Django's cached_db with every
# cache call guarded).
SESSION_ENGINE = "skeleton.sessions"

# Static files: hashed names (cacheable forever), collected to STATIC_ROOT by collectstatic.
STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.static_root
MEDIA_URL = "/media/"
MEDIA_ROOT = CONFIG.media_root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
# Uploaded files (the uploads app) on object storage that every web host shares, when a
# bucket is named: under media/ in the bucket. Another S3 server than AWS (its endpoint URL)
# gets path-style addresses, which they all understand.
if CONFIG.media_bucket:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CONFIG.media_bucket,
            "endpoint_url": CONFIG.media_endpoint_url or None,
            "region_name": CONFIG.media_region or None,
            "addressing_style": "path" if CONFIG.media_endpoint_url else None,
            "location": "media",
            "file_overwrite": False,
        },
    }
# Under nginx's client_max_body_size (10m), which counts the form's encoding too.
UPLOADS_MAX_BYTES = 8 * 1024 * 1024

# E-mail
EMAIL_BACKEND = CONFIG.email_backend
EMAIL_HOST = CONFIG.email_host
EMAIL_PORT = CONFIG.email_port
EMAIL_HOST_USER = CONFIG.email_host_user
EMAIL_HOST_PASSWORD = CONFIG.email_host_password
EMAIL_USE_TLS = CONFIG.email_use_tls
EMAIL_USE_SSL = CONFIG.email_use_ssl
EMAIL_TIMEOUT = CONFIG.email_timeout
DEFAULT_FROM_EMAIL = CONFIG.default_from_email
SERVER_EMAIL = CONFIG.default_from_email

# The pages for signed-in users only (the e-mail form) send others to the admin's login.
LOGIN_URL = "admin:login"

# Security. The proxy terminates TLS and says so in X-Forwarded-Proto.
if CONFIG.secure_proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = CONFIG.use_x_forwarded_host
SECURE_SSL_REDIRECT = CONFIG.secure_ssl_redirect
# Health checks answer on plain HTTP too (matched against the path without its leading "/").
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_include_subdomains
    SECURE_HSTS_PRELOAD = CONFIG.hsts_preload

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
}

# Celery (read by skeleton.celery with namespace "CELERY").
CELERY_BROKER_URL = CONFIG.broker_url
CELERY_RESULT_BACKEND = CONFIG.result_backend
CELERY_RESULT_EXTENDED = True
# Results are deleted by celery_app.tasks.cleanup (CLEANUP_RESULTS_DAYS), not by
# Celery's built-in daily backend_cleanup.
CELERY_RESULT_EXPIRES = None
CELERY_TASK_ALWAYS_EAGER = CONFIG.task_always_eager
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Do not lose tasks when a worker stops: acknowledge after the task ran, requeue a task
# whose worker died, take one message at a time, keep queues and messages on disk.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (
    Queue("celery", Exchange("celery", durable=True), routing_key="celery", durable=True),
)
CELERY_TASK_DEFAULT_DELIVERY_MODE = "persistent"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TRACK_STARTED = True
# The worker waits for the broker at start-up; a web request does not: short connect
# timeout and a single publish retry, so a POST with the broker down fails in seconds.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_TASK_PUBLISH_RETRY = True
if CONFIG.broker_url.startswith(("redis://", "rediss://")):
    # Redis has no acknowledgements of its own: a task a worker took is given to another
    # worker if not acknowledged within the visibility timeout, so it must be longer than
    # the longest task (CELERY_TASK_TIME_LIMIT) or a task still running would run twice.
    # With late acknowledgement (above), a task whose worker died runs again after it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    # Publisher confirms: a task is queued only once RabbitMQ says it has the message (a
    # publish it refuses raises instead of vanishing).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
if CONFIG.broker_url.startswith("amqps://"):
    # AMQP over TLS: the broker must show a certificate from CELERY_BROKER_CA_FILE's CA (the
    # system's CAs when unset) for the host the URL names, or the connection is refused.
    CELERY_BROKER_USE_SSL = {
        "cert_reqs": ssl.CERT_REQUIRED,
        "ca_certs": CONFIG.broker_ca_file or None,
        "server_hostname": urlsplit(CONFIG.broker_url).hostname,
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE_FILENAME = CONFIG.beat_schedule_filename
CELERY_BEAT_SCHEDULE = {
    "cleanup-task-results": {
        "task": "celery_app.tasks.cleanup",
        "schedule": timedelta(hours=1),
    },
}

CLEANUP_RESULTS_DAYS = CONFIG.cleanup_results_days

# Sentry (only when SENTRY_DSN is set).
SENTRY_DSN = CONFIG.sentry_dsn
init_sentry(CONFIG)
