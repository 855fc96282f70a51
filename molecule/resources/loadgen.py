#!/usr/bin/env python3
"""Steady HTTPS traffic through HAProxy while a scenario deploys (stack, default).

    loadgen.py --base-url https://127.0.0.1:18443 --rate 10 --stop-file STOP --report REPORT

Sends --rate requests a second, spread over a fixed schedule, from a few threads, each on a
new connection (TLS without verification: the sandbox certificate is self-signed): a mix of
dynamic pages, a redirect and hashed static files found on those pages. A response counts as
failed unless it is a 2xx, or for /admin/ the redirect to the login page; errors and
timeouts fail too. Runs until the stop file exists (or --max-seconds, or no request has
succeeded for --give-up-seconds: the site is gone, as when a failed scenario removed its
hosts and left this job running), then writes a JSON report (sent, failed, duration, rate,
statuses, slowest, the first failures; when it started and ended in Unix seconds, and why it
stopped: "stop-file", "max-seconds" or "no-answer") to --report and stdout. Python
standard library only.

With --path (repeated), only those pages are asked for, each expecting a 2xx: the load on
an app other than the sample app. With --host-header, requests carry that Host (the app
HAProxy picks by name), whatever address --base-url connects to.

With --maintenance-dir, the site may be in maintenance: while DIR/maintenance.on exists the
only right answer is HAProxy's maintenance answer (503 with a Retry-After of whole seconds
and the maintenance page); while DIR/maintenance.switching exists (the test turning it on or
off), either answer is right. The report counts maintenance answers.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import re
import ssl
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

# (path, statuses that count as success, the Location a redirect must point to)
DYNAMIC = [
    ("/", range(200, 300), None),
    ("/healthz", range(200, 300), None),
    ("/celery/", range(200, 300), None),
    ("/admin/login/", range(200, 300), None),
    ("/admin/", (302,), "/admin/login/?next=/admin/"),
]
STATIC_PAGES = ["/", "/admin/login/"]
STATIC_PATTERN = re.compile(r"/static/[\w./-]+\.[0-9a-f]{12}\.(?:css|js)")
TIMEOUT = 10.0
MAX_FAILURES_KEPT = 20


class Client:
    def __init__(self, base_url: str, host_header: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 443
        self.headers = {"Connection": "close", "User-Agent": "loadgen"}
        if host_header:
            self.headers["Host"] = host_header
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def get(self, path: str) -> tuple[int, str, bytes, str]:
        """One GET on a new connection, as a browser without keep-alive.

        Returns the status, Location, body and Retry-After.
        """
        conn = http.client.HTTPSConnection(
            self.host, self.port, timeout=TIMEOUT, context=self.context
        )
        try:
            conn.request("GET", path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
            return (
                response.status,
                response.getheader("Location", ""),
                body,
                response.getheader("Retry-After", ""),
            )
        finally:
            conn.close()


def find_static_files(client: Client) -> list[str]:
    found: set[str] = set()
    for page in STATIC_PAGES:
        status, _, body, _ = client.get(page)
        if status != 200:
            raise SystemExit(f"loadgen: {page} answered {status}; is the site up?")
        found.update(STATIC_PATTERN.findall(body.decode("utf-8", "replace")))
    if not found:
        raise SystemExit(f"loadgen: no hashed static file named on {STATIC_PAGES}")
    return sorted(found)


def is_maintenance_answer(status: int, body: bytes, retry_after: str) -> bool:
    return status == 503 and retry_after.isdigit() and b"maintenance" in body.lower()


class Load:
    def __init__(
        self, client: Client, rate: float, targets: list[tuple], maintenance_dir: Path | None
    ) -> None:
        self.client = client
        self.maintenance_dir = maintenance_dir
        self.maintenance_answers = 0
        self.interval = 1.0 / rate
        self.targets = targets
        self.slots = itertools.count()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sent = 0
        self.failed = 0
        self.statuses: Counter[str] = Counter()
        self.per_path: Counter[str] = Counter()
        self.failures: list[dict] = []
        self.slowest = 0.0
        self.started = 0.0
        self.last_ok = 0.0
        self.stopped_by = "max-seconds"

    def maintenance(self) -> str:
        """What the site should answer now: "off", "on", or "either" while it switches."""
        if self.maintenance_dir is None:
            return "off"
        if (self.maintenance_dir / "maintenance.switching").exists():
            return "either"
        return "on" if (self.maintenance_dir / "maintenance.on").exists() else "off"

    def one(self, slot: int) -> None:
        path, ok_statuses, location = self.targets[slot % len(self.targets)]
        expected = self.maintenance()
        began = time.monotonic()
        maintenance = False
        try:
            status, got_location, body, retry_after = self.client.get(path)
            normal = status in ok_statuses and (location is None or got_location.endswith(location))
            maintenance = is_maintenance_answer(status, body, retry_after)
            if self.maintenance() != expected:
                expected = "either"
            ok = {"off": normal, "on": maintenance, "either": normal or maintenance}[expected]
            outcome = str(status)
            detail = f"{status} {got_location} (maintenance expected: {expected})".strip()
        except (OSError, http.client.HTTPException) as error:
            ok, outcome, detail = False, type(error).__name__, f"{type(error).__name__}: {error}"
        took = time.monotonic() - began
        with self.lock:
            self.sent += 1
            self.maintenance_answers += maintenance
            self.statuses[outcome] += 1
            self.per_path[path] += 1
            self.slowest = max(self.slowest, took)
            if ok:
                self.last_ok = time.monotonic()
            else:
                self.failed += 1
                if len(self.failures) < MAX_FAILURES_KEPT:
                    self.failures.append(
                        {
                            "at": round(began - self.started, 2),
                            "wall": time.strftime("%H:%M:%S"),
                            "path": path,
                            "got": detail,
                        }
                    )

    def worker(self) -> None:
        while not self.stopping.is_set():
            slot = next(self.slots)
            wait = self.started + slot * self.interval - time.monotonic()
            if wait > 0 and self.stopping.wait(wait):
                return
            self.one(slot)

    def run(self, threads: int, stop_file: Path, max_seconds: float, give_up: float) -> float:
        self.started = self.last_ok = time.monotonic()
        workers = [threading.Thread(target=self.worker, daemon=True) for _ in range(threads)]
        for thread in workers:
            thread.start()
        while time.monotonic() - self.started < max_seconds:
            if stop_file.exists():
                self.stopped_by = "stop-file"
                break
            if time.monotonic() - self.last_ok > give_up:
                self.stopped_by = "no-answer"
                break
            time.sleep(0.2)
        self.stopping.set()
        for thread in workers:
            thread.join(TIMEOUT + 1)
        return time.monotonic() - self.started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="https://127.0.0.1:18443")
    parser.add_argument("--rate", type=float, default=25.0, help="requests a second")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--stop-file", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument(
        "--give-up-seconds",
        type=float,
        default=300.0,
        help="stop once no request has succeeded for this long (the site is gone)",
    )
    parser.add_argument("--maintenance-dir", type=Path, default=None)
    parser.add_argument("--host-header", default=None, help="the Host header to send")
    parser.add_argument(
        "--path", action="append", default=[], help="a page to ask for (2xx); repeat"
    )
    args = parser.parse_args()

    args.stop_file.unlink(missing_ok=True)
    client = Client(args.base_url, args.host_header)
    if args.path:
        targets = [(path, range(200, 300), None) for path in args.path]
    else:
        static = [(path, range(200, 300), None) for path in find_static_files(client)]
        # Dynamic pages and static files alternate, so each is half of the traffic.
        targets = [item for pair in zip(DYNAMIC, itertools.cycle(static)) for item in pair]
    load = Load(client, args.rate, targets, args.maintenance_dir)
    started_at = time.time()
    duration = load.run(args.threads, args.stop_file, args.max_seconds, args.give_up_seconds)
    report = {
        "started_at": round(started_at, 2),
        "ended_at": round(time.time(), 2),
        "stopped_by": load.stopped_by,
        "sent": load.sent,
        "failed": load.failed,
        "duration": round(duration, 1),
        "rate": round(load.sent / duration, 1) if duration else 0.0,
        "target_rate": args.rate,
        "slowest": round(load.slowest, 3),
        "statuses": dict(load.statuses),
        "maintenance_answers": load.maintenance_answers,
        "per_path": dict(load.per_path),
        "failures": load.failures,
    }
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
