"""Project-level views: home page, health and readiness probes, a Sentry test error."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from skeleton import health
from skeleton.middleware import HOSTNAME


def release() -> str | None:
    return settings.RELEASE or None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "skeleton/home.html")


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
