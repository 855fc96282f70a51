#!/usr/bin/env python3
"""Kill an ansible-playbook run at a chosen point, as a dying controller does, for side_effect.yml.

    interrupt.py --probe '["ssh", ..., "sudo supervisorctl status"]' --until 'REGEX' \
        --timeout 600 -- ansible-playbook playbooks/deploy.yml ...

Starts the command in a process group of its own, runs the probe (a command whose output shows
the hosts' state: HAProxy's runtime API, supervisorctl) every 0.3 s, and once the probe's
output matches --until (a Python regular expression, multiline), kills the whole group with
SIGKILL: the controller and every SSH connection it holds, at once, with no chance to clean
up; with --kill-also, the processes matching it too (the deploy lock's keeper, detached from
the run: as when the controller machine itself dies).
Prints JSON: whether it was killed, after how many seconds, what the probe matched, and the
run's last lines. Exits 1 when the run ended (or --timeout passed) before the point was
reached: then the test proved nothing. Python standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

INTERVAL = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--probe", required=True, help="JSON list: the probe's argv")
    parser.add_argument("--until", required=True, help="regex the probe's output must match")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--kill-also",
        default="",
        help="regex: also SIGKILL the processes whose command line matches (a dying controller)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    probe = json.loads(args.probe)
    until = re.compile(args.until, re.MULTILINE)

    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.monotonic()
        # The argv comes from the test (side_effect.yml), in a group of its own to kill at once.
        run = subprocess.Popen(  # noqa: S603 - argv from the test
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        matched = None
        while run.poll() is None and time.monotonic() - started < args.timeout:
            seen = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603 - argv from the test
            found = until.search(seen.stdout)
            if found:
                matched = found.group(0)
                os.killpg(run.pid, signal.SIGKILL)
                if args.kill_also:
                    subprocess.run(["pkill", "-KILL", "-f", args.kill_also], check=False)  # noqa: S603,S607 - from the test
                break
            time.sleep(INTERVAL)
        seconds = round(time.monotonic() - started, 1)
        if run.poll() is None and matched is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        log.seek(0)
        tail = log.read().splitlines()[-40:]
    report = {
        "killed": matched is not None,
        "after": seconds,
        "matched": matched,
        "rc": run.returncode,
        "tail": tail,
    }
    print(json.dumps(report))
    return 0 if matched is not None else 1


if __name__ == "__main__":
    sys.exit(main())
