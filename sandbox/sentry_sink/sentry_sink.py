"""A Sentry-protocol sink for the sandbox: accepts what sentry-sdk sends, keeps the events.

    python3 sentry_sink.py --listen 10.89.50.10 --port 9000 --store /var/lib/sentry-sink/ev.jsonl

POST /api/<project>/envelope/ (and the older /store/) take events as a real Sentry
server would; GET /events returns the events received so far as JSON, newest last,
so tests and people can check what reached "Sentry". Python's standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def decode_body(raw: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    return raw


def events_from_envelope(body: bytes) -> list[dict]:
    """The event items of an envelope: a header line, then (item header, payload) pairs."""

    def line_at(pos: int) -> tuple[bytes, int]:
        end = body.find(b"\n", pos)
        end = len(body) if end < 0 else end
        return body[pos:end], end + 1

    events: list[dict] = []
    _, pos = line_at(0)
    while pos < len(body):
        header, pos = line_at(pos)
        if not header.strip():
            continue
        item = json.loads(header)
        if item.get("length") is None:
            payload, pos = line_at(pos)
        else:
            payload, pos = body[pos : pos + item["length"]], pos + item["length"] + 1
        if item.get("type") in ("event", "transaction"):
            events.append(json.loads(payload))
    return events


def summary(event: dict) -> dict:
    values = (event.get("exception") or {}).get("values") or [{}]
    return {
        "event_id": event.get("event_id"),
        "release": event.get("release"),
        "environment": event.get("environment"),
        "server_name": event.get("server_name"),
        "level": event.get("level"),
        "exception": f"{values[-1].get('type', '')}: {values[-1].get('value', '')}".strip(": "),
        "message": (event.get("logentry") or {}).get("message") or event.get("message"),
        "transaction": event.get("transaction"),
    }


def make_handler(store: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = decode_body(raw, self.headers.get("Content-Encoding", ""))
            if self.path.rstrip("/").endswith("/envelope"):
                events = events_from_envelope(body)
            elif self.path.rstrip("/").endswith("/store"):
                events = [json.loads(body)]
            else:
                self._answer(404, {"detail": "unknown endpoint"})
                return
            with store.open("a") as handle:
                for event in events:
                    handle.write(json.dumps(summary(event)) + "\n")
            self._answer(200, {"id": events[0].get("event_id") if events else None})

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/events":
                self._answer(404, {"detail": "GET /events lists what was received"})
                return
            lines = store.read_text().splitlines() if store.exists() else []
            self._answer(200, [json.loads(line) for line in lines])

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", flush=True)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--store", type=Path, default=Path("events.jsonl"))
    args = parser.parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    ThreadingHTTPServer((args.listen, args.port), make_handler(args.store)).serve_forever()


if __name__ == "__main__":
    main()
