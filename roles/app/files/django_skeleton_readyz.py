"""The readiness check the app role gives a project that has none (app_readyz_builtin).

gunicorn serves this module's `application`: a request for APP_READYZ_PATH is answered
here, before the project sees it (so its URLs, host checks and HTTPS redirect do not
apply), and every other request goes to the project's own WSGI callable,
APP_WSGI_APPLICATION ("module:callable"). The answer is the one the deploy and HAProxy
read: 200 and {"status": "ok", "release": ...} when the database answers, else 503
naming the failing check.
"""

from __future__ import annotations

import importlib
import json
import os

_module, _, _name = os.environ["APP_WSGI_APPLICATION"].partition(":")
project_application = getattr(importlib.import_module(_module), _name or "application")
PATH = os.environ.get("APP_READYZ_PATH", "/readyz")


def database() -> tuple[bool, str]:
    """Whether the default database answers a query, on a connection that is not stale."""
    from django.db import close_old_connections, connection

    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return False, " ".join(f"{type(error).__name__}: {error}".split())[:300]
    finally:
        close_old_connections()
    return True, "ok"


def application(environ: dict, start_response):
    if environ.get("PATH_INFO") != PATH:
        return project_application(environ, start_response)
    ok, detail = database()
    body = json.dumps(
        {
            "status": "ok" if ok else "fail",
            "release": os.environ.get("APP_RELEASE", ""),
            "checks": {"database": {"ok": ok, "detail": detail}},
        }
    ).encode()
    start_response(
        "200 OK" if ok else "503 Service Unavailable",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
