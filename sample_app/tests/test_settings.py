"""Configuration from environment variables: validation, defaults, production checks."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from skeleton.env import read_config, read_gunicorn_config

from tests.helpers import PRODUCTION_ENVIRONMENT, run_manage


def test_production_config_reads_every_required_variable() -> None:
    config = read_config(PRODUCTION_ENVIRONMENT)

    assert config.debug is False
    assert config.allowed_hosts == ["app.example.com", "web1.example.com"]
    assert config.csrf_trusted_origins == ["https://app.example.com"]
    assert config.database["ENGINE"] == "django.db.backends.postgresql"
    assert config.database["HOST"] == "db1"
    assert config.database["CONN_MAX_AGE"] == 60
    assert config.database["CONN_HEALTH_CHECKS"] is True
    assert config.database["OPTIONS"]["connect_timeout"] == 3
    assert config.broker_url == "amqp://app:secret@broker1:5672/app"
    assert config.result_backend == "django-db"
    assert config.task_always_eager is False
    assert config.sentry_dsn == ""
    assert config.sentry_environment == "production"
    assert config.email_backend == "django.core.mail.backends.smtp.EmailBackend"
    assert config.secure_ssl_redirect is True
    assert config.secure_proxy_ssl_header is True
    assert config.hsts_seconds == 31536000
    assert config.cleanup_results_days == 7


@pytest.mark.parametrize(
    "name",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_STATIC_ROOT",
        "DJANGO_MEDIA_ROOT",
    ],
)
def test_missing_required_variable_fails_naming_it(name: str) -> None:
    environ = {key: value for key, value in PRODUCTION_ENVIRONMENT.items() if key != name}

    with pytest.raises(ImproperlyConfigured, match=f"{name} is required"):
        read_config(environ)


def test_empty_required_variable_counts_as_missing() -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is required"):
        read_config({**PRODUCTION_ENVIRONMENT, "DJANGO_SECRET_KEY": "  "})


def test_all_missing_required_variables_are_reported_at_once() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        read_config({})

    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"):
        assert f"{name} is required" in str(error.value)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be a boolean"),
        ("CELERY_TASK_ALWAYS_EAGER", "2", "CELERY_TASK_ALWAYS_EAGER must be a boolean"),
        ("DJANGO_SECURE_PROXY_SSL_HEADER", "yes please", "DJANGO_SECURE_PROXY_SSL_HEADER must"),
        ("DATABASE_CONN_MAX_AGE", "sixty", "DATABASE_CONN_MAX_AGE must be an integer"),
        ("DJANGO_HSTS_SECONDS", "-1", "DJANGO_HSTS_SECONDS must be at least 0"),
        ("CLEANUP_RESULTS_DAYS", "0", "CLEANUP_RESULTS_DAYS must be at least 1"),
        ("SENTRY_TRACES_SAMPLE_RATE", "2", "SENTRY_TRACES_SAMPLE_RATE must be between"),
        ("SENTRY_TRACES_SAMPLE_RATE", "lots", "SENTRY_TRACES_SAMPLE_RATE must be a number"),
        ("DATABASE_URL", "nosuchdb://x/y", "DATABASE_URL is not a valid database URL"),
        ("REDIS_URL", "memcached://cache1:11211", "REDIS_URL must be a redis:// or rediss:// URL"),
    ],
)
def test_invalid_value_fails_naming_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        read_config({**PRODUCTION_ENVIRONMENT, name: value})


def test_tls_and_ssl_for_email_together_are_rejected() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS and EMAIL_USE_SSL"):
        read_config({**PRODUCTION_ENVIRONMENT, "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"})


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("On", True), ("0", False)])
def test_bool_variables_accept_the_usual_spellings(value: str, expected: bool) -> None:
    config = read_config({**PRODUCTION_ENVIRONMENT, "DJANGO_USE_X_FORWARDED_HOST": value})

    assert config.use_x_forwarded_host is expected


def test_debug_mode_needs_no_variables_and_uses_local_defaults() -> None:
    config = read_config({"DJANGO_DEBUG": "true"})

    assert config.secret_key
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
    assert config.broker_url == "memory://"
    assert config.email_backend == "django.core.mail.backends.console.EmailBackend"
    assert config.secure_ssl_redirect is False
    assert "localhost" in config.allowed_hosts


def test_release_falls_back_from_sentry_release_to_app_release() -> None:
    assert read_config({**PRODUCTION_ENVIRONMENT, "APP_RELEASE": "abc123"}).release == "abc123"
    both = {**PRODUCTION_ENVIRONMENT, "APP_RELEASE": "abc123", "SENTRY_RELEASE": "v2"}
    assert read_config(both).release == "v2"


def test_gunicorn_config_defaults_to_unix_socket_and_capped_workers() -> None:
    config = read_gunicorn_config({})

    assert config.bind == "unix:/run/app/gunicorn.sock"
    assert 1 <= config.workers <= 8
    assert config.access_log is None


def test_gunicorn_config_reads_its_variables() -> None:
    config = read_gunicorn_config(
        {
            "GUNICORN_BIND": "127.0.0.1:9000",
            "GUNICORN_WORKERS": "3",
            "GUNICORN_THREADS": "4",
            "GUNICORN_TIMEOUT": "60",
            "GUNICORN_GRACEFUL_TIMEOUT": "20",
            "GUNICORN_FORWARDED_ALLOW_IPS": "10.0.0.5",
            "GUNICORN_ACCESS_LOG": "/var/log/app/access.log",
        }
    )

    assert config.bind == "127.0.0.1:9000"
    assert (config.workers, config.threads, config.timeout, config.graceful_timeout) == (
        3,
        4,
        60,
        20,
    )
    assert config.forwarded_allow_ips == "10.0.0.5"
    assert config.access_log == "/var/log/app/access.log"


def test_gunicorn_config_binds_localhost_in_debug() -> None:
    assert read_gunicorn_config({"DJANGO_DEBUG": "true"}).bind == "127.0.0.1:8000"


def test_gunicorn_config_rejects_non_integer_workers() -> None:
    with pytest.raises(ImproperlyConfigured, match="GUNICORN_WORKERS must be an integer"):
        read_gunicorn_config({"GUNICORN_WORKERS": "many"})


def test_gunicorn_config_module_loads_with_reload_friendly_settings() -> None:
    from skeleton import gunicorn_conf

    assert gunicorn_conf.preload_app is False
    assert gunicorn_conf.worker_tmp_dir == "/dev/shm"  # noqa: S108 -- the value under test
    assert "%(L)s" in gunicorn_conf.access_log_format
    assert gunicorn_conf.wsgi_app == "skeleton.wsgi:application"


# The start-up itself, in a fresh process with the real settings module.


def test_startup_without_secret_key_fails_naming_the_variable() -> None:
    environ = {k: v for k, v in PRODUCTION_ENVIRONMENT.items() if k != "DJANGO_SECRET_KEY"}

    process = run_manage("check", environ=environ)

    assert process.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is required" in process.stderr


def test_startup_with_bad_bool_fails_naming_the_variable() -> None:
    process = run_manage("check", environ={**PRODUCTION_ENVIRONMENT, "DJANGO_DEBUG": "sometimes"})

    assert process.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in process.stderr


def test_check_deploy_is_silent_with_production_values() -> None:
    process = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environ=PRODUCTION_ENVIRONMENT
    )

    assert process.returncode == 0, process.stdout + process.stderr
    assert "System check identified no issues (0 silenced)." in process.stdout
    assert "WARNING" not in process.stderr


def test_redis_as_cache_and_broker_gives_the_settings_that_keep_tasks_safe() -> None:
    environ = {
        **PRODUCTION_ENVIRONMENT,
        "REDIS_URL": "redis://app:secret@redis1:6379/0",
        "CELERY_BROKER_URL": "redis://app:secret@redis1:6379/1",
    }
    show = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.CACHES['default'], s.SESSION_ENGINE, s.CELERY_BROKER_TRANSPORT_OPTIONS,"
        " s.CELERY_TASK_ACKS_LATE, s.CELERY_TASK_TIME_LIMIT]))"
    )

    process = run_manage("shell", "-c", show, environ=environ)

    assert process.returncode == 0, process.stderr
    cache, sessions, transport, acks_late, time_limit = json.loads(process.stdout.splitlines()[-1])
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://app:secret@redis1:6379/0"
    assert sessions == "skeleton.sessions"
    # A task is given to another worker only once the visibility timeout has passed: longer
    # than the longest task, or a running task would run twice.
    assert transport["visibility_timeout"] > time_limit
    assert "confirm_publish" not in transport
    assert acks_late is True


def test_redis_over_tls_checks_the_certificate_for_the_cache_and_celery() -> None:
    # The URLs' form the stack's inventories give (docs/your-project.md): Django's cache hands
    # the query to redis-py, Celery's transport to kombu, and each checks the certificate
    # against the CA (and redis-py the name) on its connection class.
    query = "?ssl_cert_reqs=required&ssl_ca_certs=/etc/ssl/django_skeleton/ca.crt"
    environ = {
        **PRODUCTION_ENVIRONMENT,
        "REDIS_URL": "rediss://app:secret@10.0.1.51:6380/0" + query,
        "CELERY_BROKER_URL": "rediss://app:secret@10.0.1.51:6380/1" + query,
    }
    show = (
        "from django.conf import settings as s; from django.core.cache import cache; import json;"
        " from skeleton.celery import app;"
        " pool = cache._cache._pool_class.from_url(s.CACHES['default']['LOCATION']);"
        " conn = app.connection_for_write(); kw = pool.connection_kwargs;"
        " print(json.dumps([pool.connection_class.__name__, kw['ssl_cert_reqs'],"
        " kw['ssl_ca_certs'], conn.transport.Channel.connection_class_ssl.__name__,"
        " int(conn.ssl['ssl_cert_reqs']), conn.ssl['ssl_ca_certs']]))"
    )

    process = run_manage("shell", "-c", show, environ=environ)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == [
        "SSLConnection",
        "required",
        "/etc/ssl/django_skeleton/ca.crt",
        "SSLConnection",
        2,  # ssl.CERT_REQUIRED
        "/etc/ssl/django_skeleton/ca.crt",
    ]


def test_without_redis_the_cache_is_local_and_rabbitmq_confirms_publishes() -> None:
    show = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )

    process = run_manage("shell", "-c", show, environ=PRODUCTION_ENVIRONMENT)

    assert process.returncode == 0, process.stderr
    backend, transport = json.loads(process.stdout.splitlines()[-1])
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert transport == {"confirm_publish": True}


def test_amqp_over_tls_verifies_the_brokers_certificate_and_name() -> None:
    environ = {
        **PRODUCTION_ENVIRONMENT,
        "CELERY_BROKER_URL": "amqps://app:secret@10.0.1.41:5671/app",
        "CELERY_BROKER_CA_FILE": "/etc/ssl/django_skeleton/ca.crt",
    }
    show = (
        "from django.conf import settings as s; import json; print(json.dumps("
        "{k: int(v) if k == 'cert_reqs' else v for k, v in s.CELERY_BROKER_USE_SSL.items()}))"
    )

    process = run_manage("shell", "-c", show, environ=environ)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == {
        "cert_reqs": 2,  # ssl.CERT_REQUIRED
        "ca_certs": "/etc/ssl/django_skeleton/ca.crt",
        "server_hostname": "10.0.1.41",
    }


def test_plain_amqp_sets_no_tls() -> None:
    show = "from django.conf import settings as s; print(hasattr(s, 'CELERY_BROKER_USE_SSL'))"

    process = run_manage("shell", "-c", show, environ=PRODUCTION_ENVIRONMENT)

    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[-1] == "False"


def test_debug_mode_starts_with_no_other_variables() -> None:
    process = run_manage("check", environ={"DJANGO_DEBUG": "true"})

    assert process.returncode == 0, process.stderr
