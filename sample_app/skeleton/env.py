"""Every per-environment setting, read from environment variables in this one module.

`read_config()` feeds Django's settings module, `read_gunicorn_config()` feeds
`skeleton.gunicorn_conf`. A missing required variable or a value of the wrong
type stops the start-up with `ImproperlyConfigured` naming the variable.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    """Typed, validating access to a mapping of environment variables.

    An empty value counts as unset, so `FOO=` in an env file means "use the default".
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name, "").strip()
        return value or None

    def get_str(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None else value

    def get_bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name} must be a boolean (true/false, yes/no, on/off, 1/0), got {value!r}"
        )

    def get_int(self, name: str, default: int, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
        return number

    def get_float(self, name: str, default: float, minimum: float, maximum: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None
        if not minimum <= number <= maximum:
            raise ImproperlyConfigured(
                f"{name} must be between {minimum} and {maximum}, got {number}"
            )
        return number

    def get_list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class Config:
    """The application's per-environment configuration (see README.md for the table)."""

    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database: dict[str, Any]
    broker_url: str
    broker_ca_file: str
    cache_url: str
    result_backend: str
    task_always_eager: bool
    beat_schedule_filename: str
    sentry_dsn: str
    sentry_environment: str
    release: str
    sentry_traces_sample_rate: float
    email_backend: str
    email_host: str
    email_port: int
    email_host_user: str
    email_host_password: str
    email_use_tls: bool
    email_use_ssl: bool
    email_timeout: int
    default_from_email: str
    static_root: str
    media_root: str
    media_bucket: str
    media_endpoint_url: str
    media_region: str
    secure_ssl_redirect: bool
    secure_proxy_ssl_header: bool
    use_x_forwarded_host: bool
    hsts_seconds: int
    hsts_include_subdomains: bool
    hsts_preload: bool
    cleanup_results_days: int
    log_level: str


def parse_database_url(url: str, conn_max_age: int, connect_timeout: int) -> dict[str, Any]:
    try:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if database.get("ENGINE") == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", connect_timeout)
    return database


def redis_url(env: Env, name: str) -> str:
    """An optional redis:// (or TLS rediss://) URL; empty when unset."""
    url = env.get_str(name)
    if url and not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            f"{name} must be a redis:// or rediss:// URL, e.g. redis://user:password@redis1:6379/0"
        )
    return url


def read_config(environ: Mapping[str, str] | None = None) -> Config:
    env = Env(environ)
    debug = env.get_bool("DJANGO_DEBUG", False)

    missing: list[str] = []

    def production_required(name: str, hint: str, debug_default: str) -> str:
        """Required unless DJANGO_DEBUG; missing ones are reported together below."""
        if debug:
            return env.get_str(name, debug_default)
        value = env.raw(name)
        if value is None:
            missing.append(f"{name} is required ({hint})")
            return ""
        return value

    secret_key = production_required(
        "DJANGO_SECRET_KEY",
        "a long random string",
        "insecure-development-key-only-for-DJANGO_DEBUG-true",
    )
    if debug:
        allowed_hosts = env.get_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    else:
        allowed_hosts = env.get_list("DJANGO_ALLOWED_HOSTS")
        if not allowed_hosts:
            missing.append(
                "DJANGO_ALLOWED_HOSTS is required (comma-separated host names the site answers to)"
            )

    database_url = production_required(
        "DATABASE_URL",
        "e.g. postgres://user:password@db1:5432/app",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
    database = parse_database_url(
        database_url or "sqlite://",
        conn_max_age=env.get_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        connect_timeout=env.get_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1),
    )

    email_use_tls = env.get_bool("EMAIL_USE_TLS", False)
    email_use_ssl = env.get_bool("EMAIL_USE_SSL", False)
    if email_use_tls and email_use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
    default_email_backend = (
        "django.core.mail.backends.console.EmailBackend"
        if debug
        else "django.core.mail.backends.smtp.EmailBackend"
    )

    config = Config(
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=env.get_list("DJANGO_CSRF_TRUSTED_ORIGINS"),
        database=database,
        broker_url=production_required(
            "CELERY_BROKER_URL", "e.g. amqp://user:password@broker1:5672/vhost", "memory://"
        ),
        broker_ca_file=env.get_str("CELERY_BROKER_CA_FILE", ""),
        cache_url=redis_url(env, "REDIS_URL"),
        result_backend=env.get_str("CELERY_RESULT_BACKEND", "django-db"),
        task_always_eager=env.get_bool("CELERY_TASK_ALWAYS_EAGER", False),
        beat_schedule_filename=env.get_str(
            "CELERY_BEAT_SCHEDULE_FILENAME",
            str(Path(tempfile.gettempdir()) / "django-skeleton-celerybeat-schedule"),
        ),
        sentry_dsn=env.get_str("SENTRY_DSN"),
        sentry_environment=env.get_str("SENTRY_ENVIRONMENT", "production"),
        release=env.get_str("SENTRY_RELEASE", env.get_str("APP_RELEASE")),
        sentry_traces_sample_rate=env.get_float("SENTRY_TRACES_SAMPLE_RATE", 0.0, 0.0, 1.0),
        email_backend=env.get_str("DJANGO_EMAIL_BACKEND", default_email_backend),
        email_host=env.get_str("EMAIL_HOST", "localhost"),
        email_port=env.get_int("EMAIL_PORT", 25, minimum=1),
        email_host_user=env.get_str("EMAIL_HOST_USER"),
        email_host_password=env.get_str("EMAIL_HOST_PASSWORD"),
        email_use_tls=email_use_tls,
        email_use_ssl=email_use_ssl,
        email_timeout=env.get_int("EMAIL_TIMEOUT", 10, minimum=1),
        default_from_email=env.get_str("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost"),
        static_root=production_required(
            "DJANGO_STATIC_ROOT",
            "directory collectstatic writes to and the web server serves /static/ from",
            str(BASE_DIR / "var" / "static"),
        ),
        media_root=production_required(
            "DJANGO_MEDIA_ROOT",
            "directory for uploaded files, served as /media/",
            str(BASE_DIR / "var" / "media"),
        ),
        # Uploads on object storage (S3 protocol, django-storages) when a bucket is named;
        # boto3 reads the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
        media_bucket=env.get_str("AWS_STORAGE_BUCKET_NAME"),
        media_endpoint_url=env.get_str("AWS_S3_ENDPOINT_URL"),
        media_region=env.get_str("AWS_S3_REGION_NAME"),
        secure_ssl_redirect=env.get_bool("DJANGO_SECURE_SSL_REDIRECT", not debug),
        secure_proxy_ssl_header=env.get_bool("DJANGO_SECURE_PROXY_SSL_HEADER", True),
        use_x_forwarded_host=env.get_bool("DJANGO_USE_X_FORWARDED_HOST", False),
        hsts_seconds=env.get_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0),
        hsts_include_subdomains=env.get_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True),
        hsts_preload=env.get_bool("DJANGO_HSTS_PRELOAD", True),
        cleanup_results_days=env.get_int("CLEANUP_RESULTS_DAYS", 7, minimum=1),
        log_level=env.get_str("DJANGO_LOG_LEVEL", "INFO").upper(),
    )
    if missing:
        raise ImproperlyConfigured("; ".join(missing))
    return config


@dataclass(frozen=True)
class GunicornConfig:
    bind: str
    workers: int
    threads: int
    timeout: int
    graceful_timeout: int
    forwarded_allow_ips: str
    access_log: str | None


def default_workers() -> int:
    """2 x CPUs + 1, capped at 8: more workers than that rarely helps a small app.

    Measured by `make bench` (docs/performance.md) on 2 CPUs, with a page that only uses
    CPU: 2 or 3 workers served the most (about 1,430 req/s), 5 served 1,160 and 8 only 810,
    since workers beyond the CPUs only add switching. Real pages also wait on the database
    and the broker, and a sync worker that waits holds no CPU, so the default keeps
    gunicorn's 2 x CPUs + 1; an app whose pages barely wait does better with
    GUNICORN_WORKERS at CPUs + 1.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2 * cpus + 1, 8)


def read_gunicorn_config(environ: Mapping[str, str] | None = None) -> GunicornConfig:
    env = Env(environ)
    debug = env.get_bool("DJANGO_DEBUG", False)
    return GunicornConfig(
        bind=env.get_str(
            "GUNICORN_BIND", "127.0.0.1:8000" if debug else "unix:/run/app/gunicorn.sock"
        ),
        workers=env.get_int("GUNICORN_WORKERS", default_workers(), minimum=1),
        threads=env.get_int("GUNICORN_THREADS", 1, minimum=1),
        timeout=env.get_int("GUNICORN_TIMEOUT", 30, minimum=1),
        graceful_timeout=env.get_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1),
        forwarded_allow_ips=env.get_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        # Off unless asked for: nginx in front logs every request with its timings, and a
        # second log cost each request a write through supervisord (docs/performance.md).
        access_log=env.get_str("GUNICORN_ACCESS_LOG") or None,
    )
