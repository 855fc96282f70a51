"""A stand-in for gunicorn: answers on a unix socket with what it was sent.

Each answer is JSON: the app's name (the second argument, default "upstream"), the
request's Host, X-Forwarded-* headers, the body size read, and how many requests this
connection has carried (more than one: nginx kept it alive).
It also sets X-Frame-Options, which nginx must replace with its own.
"""

import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's workers speak

    def setup(self):
        super().setup()
        self.connection_requests = 0

    def do_GET(self):
        self.answer(received=0)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.answer(received=len(self.rfile.read(length)))

    def answer(self, received):
        self.connection_requests += 1
        body = json.dumps(
            {
                "app": self.server.app_name,
                "path": self.path,
                "host": self.headers.get("Host"),
                "x_forwarded_for": self.headers.get("X-Forwarded-For"),
                "x_forwarded_proto": self.headers.get("X-Forwarded-Proto"),
                "x_forwarded_host": self.headers.get("X-Forwarded-Host"),
                "received": received,
                "connection_requests": self.connection_requests,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "nginx"  # a unix socket peer has no address


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main(path, app_name="upstream"):
    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        server.app_name = app_name
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:3])
