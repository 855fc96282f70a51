"""Stand-ins for the sandbox's outside services: Sentry (events and releases) and a webhook.

    python3 sentry_sink.py --listen 10.89.50.10 --port 9000 --store /var/lib/sentry-sink/ev.jsonl \
        --token-file /etc/sentry-sink/token

POST /api/<project>/envelope/ (and the older /store/) take events as a real Sentry
server would; GET /events returns the events received so far as JSON, newest last,
so tests and people can check what reached "Sentry".
Sentry's web API for releases, with its bearer token (--token-file): POST
/api/0/organizations/<org>/releases/ ({"version", "projects"}: 201, or 208 when it exists) and
/api/0/organizations/<org>/releases/<version>/deploys/ ({"environment", ...}: 201, 404 for an
unknown release); GET /releases lists both kinds of record.
A webhook receiver: POST /hooks/<name> keeps the JSON body; GET /hooks lists them.
Python's standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import hmac
import json
import re
import urllib.parse
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


RELEASES = re.compile(r"^/api/0/organizations/([^/]+)/releases/?$")
DEPLOYS = re.compile(r"^/api/0/organizations/([^/]+)/releases/([^/]+)/deploys/?$")


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def keep(path: Path, record: dict) -> None:
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")


def make_handler(store: Path, token: str) -> type[BaseHTTPRequestHandler]:
    releases, hooks = store.with_name("releases.jsonl"), store.with_name("hooks.jsonl")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _release_api(self, body: bytes) -> None:
            """Sentry's releases and deploys endpoints, which need the bearer token."""
            given = self.headers.get("Authorization", "")
            if not token or not hmac.compare_digest(given, f"Bearer {token}"):
                self._answer(401, {"detail": "Invalid token"})
                return
            data = json.loads(body or b"{}")
            deploy = DEPLOYS.match(self.path)
            if deploy:
                organization, version = deploy.group(1), urllib.parse.unquote(deploy.group(2))
                known = {(r["organization"], r["version"]) for r in records(releases)}
                if (organization, version) not in known:
                    self._answer(404, {"detail": "The requested resource does not exist"})
                    return
                record = {"kind": "deploy", "organization": organization, "version": version}
                record.update({k: data.get(k) for k in ("environment", "name", "dateStarted")})
                record["dateFinished"] = data.get("dateFinished")
                keep(releases, record)
                self._answer(201, {"id": str(len(records(releases))), **record})
                return
            organization = RELEASES.match(self.path).group(1)
            if not data.get("version") or not data.get("projects"):
                self._answer(400, {"detail": "version and projects are required"})
                return
            exists = any(
                r["kind"] == "release"
                and (r["organization"], r["version"]) == (organization, data["version"])
                for r in records(releases)
            )
            record = {"kind": "release", "organization": organization}
            record.update({"version": data["version"], "projects": data["projects"]})
            if not exists:
                keep(releases, record)
            self._answer(208 if exists else 201, record)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = decode_body(raw, self.headers.get("Content-Encoding", ""))
            if RELEASES.match(self.path) or DEPLOYS.match(self.path):
                self._release_api(body)
                return
            if self.path.startswith("/hooks/"):
                keep(hooks, {"hook": self.path[len("/hooks/") :], "body": json.loads(body)})
                self._answer(200, {"ok": True})
                return
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
            kept = {"/events": store, "/releases": releases, "/hooks": hooks}.get(
                self.path.rstrip("/")
            )
            if kept is None:
                self._answer(
                    404, {"detail": "GET /events, /releases or /hooks lists what was received"}
                )
                return
            self._answer(200, records(kept))

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", flush=True)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--store", type=Path, default=Path("events.jsonl"))
    parser.add_argument("--token-file", type=Path, help="Sentry's auth token for the release API")
    args = parser.parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    token = args.token_file.read_text().strip() if args.token_file else ""
    handler = make_handler(args.store, token)
    ThreadingHTTPServer((args.listen, args.port), handler).serve_forever()


if __name__ == "__main__":
    main()
