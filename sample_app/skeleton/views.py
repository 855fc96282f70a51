"""Project-level views: home page, health and readiness probes, a Sentry test error."""

from __future__ import annotations

import logging

from app1.models import App1Model
from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from skeleton import health
from skeleton.middleware import HOSTNAME

logger = logging.getLogger(__name__)

# The home page's cached section: rendered by one web host, then served from the cache
# (shared by every web host when it is Redis) for this long.
SECTION_KEY = "skeleton:home-section"
SECTION_SECONDS = 30
# The home page lists a few of app1's rows, every column its release knows: a migration
# that drops or renames one while this release serves breaks the page (the stack's test
# deploys such migrations under load, through the migration gate).
HOME_APP1_ROWS = 5


def release() -> str | None:
    return settings.RELEASE or None


def cached_section() -> dict[str, object]:
    """Who rendered the home page's cached section and when; rendered afresh, not
    failed, when the cache cannot be reached."""
    fresh = {"rendered_by": HOSTNAME, "rendered_at": timezone.now().isoformat(timespec="seconds")}
    try:
        section = cache.get(SECTION_KEY)
        if section is None:
            cache.set(SECTION_KEY, fresh, SECTION_SECONDS)
            return {**fresh, "cached": False, "cache_ok": True}
    except Exception as error:
        logger.warning("home: the cache is unavailable: %s", error)
        return {**fresh, "cached": False, "cache_ok": False}
    return {**section, "cached": True, "cache_ok": True}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "section": cached_section(),
        "section_seconds": SECTION_SECONDS,
        "app1_models": list(App1Model.objects.all()[:HOME_APP1_ROWS]),
    }
    return render(request, "skeleton/home.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok", "host": HOSTNAME, "release": release()})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database reachable, no unapplied migrations; the broker is reported.

    A broker that cannot be reached makes the status "degraded", not a failure
    (health.DEGRADING): every web host shares it.
    """
    results = health.run_checks()
    ready = all(ok for name, (ok, _) in results.items() if name not in health.DEGRADING)
    degraded = not all(ok for ok, _ in results.values())
    return JsonResponse(
        {
            "status": "fail" if not ready else "degraded" if degraded else "ok",
            "host": HOSTNAME,
            "release": release(),
            "checks": {
                name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()
            },
        },
        status=200 if ready else 503,
    )


class SentryTestError(Exception):
    """Raised on purpose to prove that errors reach Sentry."""


@user_passes_test(lambda user: user.is_active and user.is_superuser)
def sentry_test_error(request: HttpRequest) -> HttpResponse:
    """Superuser-only: fail with an unhandled exception (a 500 that Sentry reports)."""
    raise SentryTestError(f"Deliberate test error from the web process on {HOSTNAME}")
