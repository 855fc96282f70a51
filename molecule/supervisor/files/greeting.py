#!/usr/bin/python3
"""Answer every GET on 127.0.0.1:PORT with $GREETING, so a test can see a program's
environment through the program itself. Standard library only.

    greeting.py PORT
"""

from __future__ import annotations

import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Greeting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = os.environ.get("GREETING", "").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    HTTPServer(("127.0.0.1", int(sys.argv[1])), Greeting).serve_forever()


if __name__ == "__main__":
    main()
