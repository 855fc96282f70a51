#!/usr/bin/env python3
"""Keep a run's deploy lock alive while the run lives, then let it lapse (roles/deploy_lock).

    keeper.py --lock /var/lib/django-skeleton/deploy.lock --ttl 60 \
        --ssh '["ssh", "-o", "BatchMode=yes", "-l", "deploy", "lb1"]' <<< TOKEN

Runs on the controller, started by the task that took the lock. It finds the ansible-playbook
process it was started from (see ancestor_running), detaches, and
then, while that process lives, touches the lock over SSH every third of the TTL, as long as
the file still holds the run's token (a run whose lock lapsed, a laptop asleep past the TTL,
gets no second life: it stops renewing). When the process is gone, however it ended, it sets
the lock's time to 1970 so that it has lapsed at once, and exits. If the controller itself dies,
the lock lapses after its TTL. The token (which only tells runs apart) comes on standard
input; --ssh-args are the inventory's extra SSH options, split like a shell line, put before the
host. Python standard library only; `ps` works on Linux and macOS controllers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def process(pid: int) -> tuple[int, str]:
    """The parent and the command line of a process (ppid 0 and "" once it is gone)."""
    out = subprocess.run(  # noqa: S603 - fixed argv
        ["ps", "-o", "ppid=", "-o", "command=", "-p", str(pid)],  # noqa: S607 - ps from PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    parent, _, command = out.partition(" ")
    return (int(parent), command.strip()) if parent.isdigit() else (0, "")


def ancestor_running(name: str) -> int:
    """PID of the run that started us: the nearest ancestor running NAME (the program itself or
    an interpreter's first argument), then up through parents with the same command line, which
    are the run's main process above the worker it forked for this task (gone when the task
    ends). A command that merely names NAME in its arguments (a test harness) is not it."""
    pid = os.getppid()
    while pid > 1:
        parent, command = process(pid)
        if any(os.path.basename(word) == name for word in command.split()[:2]):
            while parent > 1 and process(parent)[1] == command:
                pid, parent = parent, process(parent)[0]
            return pid
        pid = parent
    sys.exit(f"keeper.py: no {name} process among my ancestors")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def detach() -> None:
    """Leave the task's process and session: the task returns, and a kill of its group misses us."""
    if os.fork():
        os._exit(0)
    os.setsid()
    if os.fork():
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)


def on_lock_host(ssh: list[str], script: str) -> bool:
    try:
        return subprocess.run([*ssh, script], timeout=30, check=False).returncode == 0  # noqa: S603 - argv from the role
    except subprocess.TimeoutExpired:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock", required=True)
    parser.add_argument("--ttl", type=int, required=True)
    parser.add_argument(
        "--ssh", required=True, help="JSON list: ssh and its options, ending with the host"
    )
    parser.add_argument("--watch", default="ansible-playbook")
    args = parser.parse_args()
    ssh = json.loads(args.ssh)
    token = sys.stdin.readline().strip()
    watched = ancestor_running(args.watch)
    detach()

    lock, guard = shlex.quote(args.lock), shlex.quote(args.lock + ".guard")
    mine = f"grep -qF {shlex.quote(token)} {lock}"
    renew = f"flock {guard} sh -c {shlex.quote(f'{mine} && touch -c {lock}')}"
    lapse = f"flock {guard} sh -c {shlex.quote(f'{mine} && touch -c -d @0 {lock}')}"
    interval = max(args.ttl / 3, 1)
    attempted = renewed = time.monotonic()
    while alive(watched):
        if time.monotonic() - attempted >= interval:
            attempted = time.monotonic()
            if on_lock_host(ssh, renew):
                renewed = attempted
            elif attempted - renewed > args.ttl:
                # Not ours any more (released, broken, or lapsed while the host was unreachable):
                # stop; the run's release reports a lock it lost.
                return 1
        time.sleep(1)
    on_lock_host(ssh, lapse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
