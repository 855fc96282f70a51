#!/usr/bin/python3
"""A stand-in web host for the haproxy scenario, on Debian's python3 alone.

Like the Django app it answers only requests for the site's names (SITES, comma
separated; others get 400, as ALLOWED_HOSTS does): /readyz with 200 (503 for a host
name listed in UNREADY, a file of names, one per line: that app is not ready here) and
the details of its checks, as the app's /readyz has; /hsts with the app's own
Strict-Transport-Security header (HSTS); and any other path, GET or POST, with JSON
naming this host and echoing the Host and forwarding headers it received.
"""

import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SITES = os.environ["SITES"].split(",")
UNREADY = "/etc/molecule-backend/unready"
HOSTNAME = socket.gethostname()
# The HSTS header an app sends of its own, which HAProxy keeps.
APP_HSTS = "max-age=600; includeSubDomains"


def unready() -> list[str]:
    try:
        with open(UNREADY, encoding="utf-8") as names:
            return names.read().split()
    except FileNotFoundError:
        return []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host not in SITES:
            self.reply(400, {"error": f"host {host!r} is not one of {SITES}"})
        elif self.path == "/readyz":
            ready = host not in unready()
            detail = "ok" if ready else f"{host} is listed in {UNREADY}"
            self.reply(200 if ready else 503, {"ready": ready, "checks": {"stand-in": detail}})
        elif self.path == "/hsts":
            self.reply(200, {"served_by": HOSTNAME}, {"Strict-Transport-Security": APP_HSTS})
        else:
            self.reply(
                200,
                {
                    "served_by": HOSTNAME,
                    "peer": self.client_address[0],
                    "host": host,
                    "path": self.path,
                    "x_forwarded_for": self.headers.get_all("X-Forwarded-For") or [],
                    "x_forwarded_proto": self.headers.get_all("X-Forwarded-Proto") or [],
                },
            )

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def reply(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """No access log: the health checks alone would fill the journal."""


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", 80), Handler).serve_forever()  # noqa: S104 - the LB must reach it
