"""Small middleware: say which host answered."""

from __future__ import annotations

import socket
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HOSTNAME = socket.gethostname()


class ServedByMiddleware:
    """Add `X-Served-By: <hostname>` to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Served-By"] = HOSTNAME
        return response
