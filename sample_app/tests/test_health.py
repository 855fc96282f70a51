"""The readiness checks themselves: real database, real broker connections, timeouts."""

import socket
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from skeleton import health


@pytest.fixture
def silent_broker() -> Iterator[str]:
    """A TCP port on localhost that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield f"amqp://guest:guest@127.0.0.1:{server.getsockname()[1]}//"
    finally:
        server.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_database_check_passes_on_a_working_database() -> None:
    assert health.check_database() == (True, "ok")


def test_database_check_reports_an_error_instead_of_raising(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_cursor() -> None:
        raise ConnectionRefusedError("db1:5432 refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    ok, detail = health.check_database()

    assert ok is False
    assert "db1:5432 refused" in detail


@pytest.mark.django_db
def test_migration_check_passes_when_all_are_applied_and_is_then_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert health.check_migrations() == (True, "ok")

    def must_not_run(*args: object) -> None:
        raise AssertionError("migration check ran again")

    monkeypatch.setattr(health, "MigrationExecutor", must_not_run)
    assert health.check_migrations() == (True, "ok")


@pytest.mark.django_db
def test_migration_check_fails_listing_unapplied_migrations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Migration:
        app_label = "app1"
        name = "0003_future"

    class PendingExecutor:
        def __init__(self, conn: object) -> None:
            graph = type("Graph", (), {"leaf_nodes": list, "node_map": {}})()
            self.loader = type("Loader", (), {"graph": graph})

        def migration_plan(self, targets: object) -> list[tuple[Migration, bool]]:
            return [(Migration(), False)]

    monkeypatch.setattr(health, "MigrationExecutor", PendingExecutor)

    assert health.check_migrations() == (False, "unapplied migrations: app1.0003_future")
    # A failed check is not cached.
    monkeypatch.undo()
    assert health.check_migrations() == (True, "ok")


def test_broker_check_asks_the_configured_broker_and_reuses_only_a_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    closed = f"amqp://guest:guest@127.0.0.1:{closed_port()}//"
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    assert health.check_broker()[0] is False
    assert health.check_broker()[0] is False
    # A failure is not reused: the in-memory broker (the tests' own) is asked next time.
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://localhost/")
    assert health.check_broker() == (True, "ok")
    # A pass is reused for BROKER_OK_CACHE_SECONDS, without asking the broker again...
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    assert health.check_broker() == (True, "ok")
    # ...and no longer once that time has passed.
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + health.BROKER_OK_CACHE_SECONDS + 0.1)
    assert health.check_broker()[0] is False


def test_broker_check_fails_at_once_when_the_port_is_closed() -> None:
    started = time.monotonic()

    ok, detail = health.check_broker(f"amqp://guest:guest@127.0.0.1:{closed_port()}//")

    assert ok is False
    assert "refused" in detail.lower()
    assert time.monotonic() - started < 1.5


def test_broker_check_gives_up_after_the_short_timeout_on_a_silent_broker(
    silent_broker: str,
) -> None:
    started = time.monotonic()

    ok, _detail = health.check_broker(silent_broker)

    assert ok is False
    assert time.monotonic() - started < health.BROKER_CONNECT_TIMEOUT + 1.5
