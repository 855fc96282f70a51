#!/usr/bin/python3
"""Watch the states of one HAProxy backend's servers through the runtime API, for side_effect.yml.

    haproxy_watch.py --socket /run/haproxy/admin.sock --backend app --stop-file STOP

Polls `show stat` every 0.1 s until the stop file exists (or --max-seconds), and prints JSON:
each server's status when the watch began and ended, every change of status with its time
(Unix seconds), the most servers that were out of rotation at one time, how
many polls were made, and why the watch stopped ("stop-file" or "max-seconds"). A status
is HAProxy's own word: UP, DRAIN, MAINT, DOWN, or a transition such as "UP 1/2". A server
is in rotation while its status begins with UP: "UP 1/2" has failed one health check and
still takes requests (HAProxy only stops sending at DOWN); "DOWN 1/2" is on its way back
and takes none yet.
Standard library only: it runs on the load balancer.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import socket
import sys
import time
from pathlib import Path

INTERVAL = 0.1


def statuses(socket_path: str, backend: str) -> dict[str, str]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(socket_path)
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().removeprefix("# ")
    return {
        row["svname"]: row["status"]
        for row in csv.DictReader(io.StringIO(text))
        if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/run/haproxy/admin.sock")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--stop-file", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args()

    began = time.monotonic()
    first = statuses(args.socket, args.backend)
    if not first:
        raise SystemExit(f"haproxy_watch: backend {args.backend} has no server")
    last, changes, polls, most_out = dict(first), [], 1, 0
    stopped_by = "max-seconds"
    while time.monotonic() - began < args.max_seconds:
        if args.stop_file.exists():
            stopped_by = "stop-file"
            break
        time.sleep(INTERVAL)
        now = statuses(args.socket, args.backend)
        polls += 1
        for server, status in sorted(now.items()):
            if status != last.get(server):
                changes.append({"at": round(time.time(), 2), "server": server, "status": status})
        most_out = max(most_out, sum(not status.startswith("UP") for status in now.values()))
        last = now
    json.dump(
        {
            "first": first,
            "last": last,
            "changes": changes,
            "most_out_at_once": most_out,
            "polls": polls,
            "stopped_by": stopped_by,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
