"""Cheap readiness checks for /readyz: each returns (ok, detail) and never raises."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from skeleton.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT = 2.0
# A successful broker check is reused this long, so polling every second does not open
# a broker connection every second; a failure is never reused.
BROKER_OK_CACHE_SECONDS = 5.0

CACHE_PROBE_KEY = "skeleton:readyz"
CACHE_PROBE_SECONDS = 10

CheckResult = tuple[bool, str]


class _Cache:
    """Per-process memory of checks that passed."""

    migrations_applied = False
    broker_ok_until = 0.0


_cache = _Cache()


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("readiness: database check failed: %s", error)
        return False, f"{type(error).__name__}: {error}"
    return True, "ok"


def check_migrations() -> CheckResult:
    """No unapplied migrations but those that wait for every host to serve this release.

    A migration marked ``deploy_after_switch = True`` (and any that needs it) runs once the
    deploy has switched every host (the app role's migration gate), so a host serves before
    it is applied. Once they were all applied, this process stops asking.
    """
    if _cache.migrations_applied:
        return True, "ok"
    try:
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        plan = executor.migration_plan(graph.leaf_nodes())
    except Exception as error:
        logger.warning("readiness: migration check failed: %s", error)
        return False, f"{type(error).__name__}: {error}"
    later: set[tuple[str, str]] = set()
    for migration, _ in plan:  # dependencies come first
        key = (migration.app_label, migration.name)
        node = graph.node_map.get(key)
        parents = node.parents if node is not None else ()
        if getattr(migration, "deploy_after_switch", False) or any(p.key in later for p in parents):
            later.add(key)
    missing = [m for m, _ in plan if (m.app_label, m.name) not in later]
    if missing:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration in missing)
        return False, f"unapplied migrations: {names}"
    if not plan:
        _cache.migrations_applied = True
    return True, "ok"


def check_broker(url: str | None = None) -> CheckResult:
    """Open (and close) one broker connection with a short connect timeout."""
    if url is None and time.monotonic() < _cache.broker_ok_until:
        return True, "ok"
    try:
        with celery_app.connection_for_write(url, connect_timeout=BROKER_CONNECT_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_CONNECT_TIMEOUT)
    except Exception as error:
        logger.warning("readiness: broker check failed: %s", error)
        return False, f"{type(error).__name__}: {error}"
    if url is None:
        _cache.broker_ok_until = time.monotonic() + BROKER_OK_CACHE_SECONDS
    return True, "ok"


def check_cache() -> CheckResult:
    """Write and read back one short-lived key (the cache's own socket timeouts apply)."""
    try:
        cache.set(CACHE_PROBE_KEY, "ok", timeout=CACHE_PROBE_SECONDS)
        if cache.get(CACHE_PROBE_KEY) != "ok":
            return False, "the cache did not keep a key"
    except Exception as error:
        logger.warning("readiness: cache check failed: %s", error)
        return False, f"{type(error).__name__}: {error}"
    return True, "ok"


def reset_caches() -> None:
    """Forget cached check results (used by tests)."""
    _cache.migrations_applied = False
    _cache.broker_ok_until = 0.0


# Checks whose failure degrades the site without making this process unready. The broker
# and the cache are shared by every web host: failing /readyz on them would take them all
# out of HAProxy at once, and pages work without them (the Celery form answers 503 by
# itself, cached sections are rendered afresh, sessions are read from the database).
# /readyz reports them as "degraded", with status 200.
DEGRADING = frozenset({"broker", "cache"})


def run_checks() -> dict[str, CheckResult]:
    return {
        "database": check_database(),
        "migrations": check_migrations(),
        "broker": check_broker(),
        "cache": check_cache(),
    }
