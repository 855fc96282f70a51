"""Template context shared by every page: which host served it, which release."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from skeleton.middleware import HOSTNAME


def site(request: HttpRequest) -> dict[str, str]:
    return {"served_by": HOSTNAME, "release": settings.RELEASE or "unknown"}
