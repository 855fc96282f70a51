"""Project views: home page, /healthz, /readyz, admin, the X-Served-By header, HTTPS."""

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from app1.models import App1Model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from skeleton import health

pytestmark = pytest.mark.django_db

HOSTNAME = socket.gethostname()


@pytest.fixture
def unreachable_cache() -> Iterator[None]:
    """Django's Redis cache pointed at a local port where nothing listens."""
    with _unreachable_cache():
        yield


@contextmanager
def _unreachable_cache() -> Iterator[None]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": redis}):
        yield


def test_home_page_names_host_and_release_and_links_celery_and_admin(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert HOSTNAME in body
    assert "test-release" in body
    assert 'href="/celery/"' in body
    assert 'href="/admin/"' in body


def test_home_page_lists_the_first_app1_models_by_name(client: Client) -> None:
    assert "none yet" in client.get("/").content.decode()
    for name in ["f", "e", "d", "c", "b", "a"]:
        App1Model.objects.create(name=name)

    names = re.findall(r'<span class="app1-model">(\w+)</span>', client.get("/").content.decode())

    assert names == ["a", "b", "c", "d", "e"]


def test_every_response_carries_x_served_by_with_the_hostname(client: Client) -> None:
    assert client.get("/")["X-Served-By"] == HOSTNAME
    assert client.get("/healthz")["X-Served-By"] == HOSTNAME
    not_found = client.get("/no/such/page/")
    assert not_found.status_code == 404
    assert not_found["X-Served-By"] == HOSTNAME


def test_healthz_answers_ok_with_host_and_release(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "host": HOSTNAME, "release": "test-release"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_when_database_migrations_and_broker_are_ok(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["host"] == HOSTNAME
    assert {name: check["ok"] for name, check in data["checks"].items()} == {
        "database": True,
        "migrations": True,
        "broker": True,
        "cache": True,
    }


@pytest.mark.parametrize("failing", ["check_database", "check_migrations"])
def test_readyz_is_503_and_names_the_failing_check(
    client: Client, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    monkeypatch.setattr(health, failing, lambda: (False, "OperationalError: down"))

    response = client.get("/readyz")

    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "fail"
    failed = {name for name, check in data["checks"].items() if not check["ok"]}
    assert failed == {failing.removeprefix("check_")}
    assert data["checks"][failing.removeprefix("check_")]["detail"] == "OperationalError: down"


def test_readyz_stays_200_but_degraded_when_only_the_broker_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "check_broker", lambda: (False, "ConnectionRefusedError: down"))

    response = client.get("/readyz")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["broker"] == {"ok": False, "detail": "ConnectionRefusedError: down"}
    assert data["checks"]["database"]["ok"] is True


def test_readyz_stays_200_but_degraded_when_only_the_cache_is_down(
    client: Client, unreachable_cache: None
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["cache"]["ok"] is False
    assert "ConnectionError" in data["checks"]["cache"]["detail"]
    assert data["checks"]["database"]["ok"] is True


def test_home_page_section_is_rendered_once_then_served_from_the_cache(client: Client) -> None:
    cache.clear()
    first = client.get("/").content.decode()
    second = client.get("/").content.decode()

    assert "is cached" in first
    assert "came from the cache" in second
    time = re.search(r'class="section-time">([^<]+)<', first)
    assert time
    assert time.group(1) in second


def test_a_visitor_with_a_session_is_served_without_the_cache(client: Client) -> None:
    queued = client.post("/celery/", {"x": "1", "y": "2"})
    task_id = queued["Location"].split("/")[-2]
    assert "sessionid" in queued.cookies

    with _unreachable_cache():
        page = client.get("/celery/")
        again = client.post("/celery/", {"x": "3", "y": "4"})

    assert page.status_code == 200
    assert task_id in page.content.decode()
    assert again.status_code == 303


def test_a_new_visitor_gets_a_session_without_the_cache(client: Client) -> None:
    with _unreachable_cache():
        queued = client.post("/celery/", {"x": "1", "y": "2"})
        page = client.get("/celery/")

    assert queued.status_code == 303
    assert queued["Location"].split("/")[-2] in page.content.decode()


def test_home_page_answers_without_its_cache(client: Client, unreachable_cache: None) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "the cache is unavailable" in response.content.decode()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_except_health_checks(client: Client) -> None:
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"
    assert home["X-Served-By"] == HOSTNAME

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_request_forwarded_as_https_by_the_proxy_is_not_redirected(client: Client) -> None:
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_forbid_framing(client: Client) -> None:
    assert client.get("/")["X-Frame-Options"] == "DENY"


def test_admin_login_page_renders(client: Client) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content


def test_admin_index_redirects_anonymous_users_to_login(client: Client) -> None:
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_lists_app1_model_for_a_superuser(client: Client) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))

    response = client.get("/admin/app1/app1model/")

    assert response.status_code == 200


def test_sentry_test_error_view_is_closed_to_anonymous_and_staff(client: Client) -> None:
    assert client.get("/sentry-test-error/").status_code == 302
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get("/sentry-test-error/").status_code == 302


def test_sentry_test_error_view_raises_for_a_superuser() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))

    response = client.get("/sentry-test-error/")

    assert response.status_code == 500
    assert response["X-Served-By"] == HOSTNAME
