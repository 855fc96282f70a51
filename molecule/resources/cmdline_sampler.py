#!/usr/bin/env python3
"""Watch every process's command line on this host for secrets (run as root).

    cmdline_sampler.py --secrets FILE --stop-file STOP --report REPORT \
        [--interval 0.02] [--max-seconds 900] [--expect REGEX]...

Reads the secrets from FILE (one a line; the file is removed once read, so no secret
stays on disk), then reads /proc/<pid>/cmdline of every process every --interval seconds
until STOP exists (or --max-seconds pass). Writes a JSON report to REPORT: samples taken,
processes seen, for each secret (by its line number, never its value) how many command
lines held it and the first program that did, and for each --expect how many distinct
command lines matched it (what shows the sampler was watching when the secrets were in use,
e.g. "rabbitmqctl.* change_password app"). Python standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path


def command_lines() -> dict[int, str]:
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "cmdline").read_bytes()
        except OSError:  # gone between the listing and the read
            continue
        if raw:
            found[int(entry.name)] = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", required=True, type=Path)
    parser.add_argument("--stop-file", required=True, type=Path)
    parser.add_argument("--report", required=True, type=Path)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--expect", action="append", default=[])
    args = parser.parse_args()

    secrets = [line for line in args.secrets.read_text().splitlines() if line]
    args.secrets.unlink()
    expect = {pattern: re.compile(pattern) for pattern in args.expect}
    hits = [
        {"secret": n, "command_lines": 0, "first_program": None} for n in range(1, len(secrets) + 1)
    ]
    seen_hits: set[tuple[int, int, str]] = set()
    expected: dict[str, set[str]] = {pattern: set() for pattern in expect}
    pids: set[int] = set()
    samples = 0
    start = time.monotonic()
    stopped_by = "max-seconds"
    while time.monotonic() - start < args.max_seconds:
        if args.stop_file.exists():
            stopped_by = "stop-file"
            break
        lines = command_lines()
        samples += 1
        pids.update(lines)
        for pid, line in lines.items():
            for pattern, regex in expect.items():
                if regex.search(line):
                    expected[pattern].add(line)
            for index, secret in enumerate(secrets):
                if secret in line and (index, pid, line) not in seen_hits:
                    seen_hits.add((index, pid, line))
                    hits[index]["command_lines"] += 1
                    first = hits[index]["first_program"] or line.split(" ", 1)[0]
                    hits[index]["first_program"] = first
        time.sleep(args.interval)
    report = {
        "samples": samples,
        "seconds": round(time.monotonic() - start, 1),
        "processes": len(pids),
        "secrets": len(secrets),
        "hits": hits,
        "expected": {pattern: len(lines) for pattern, lines in expected.items()},
        "stopped_by": stopped_by,
    }
    args.report.write_text(json.dumps(report) + "\n")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
