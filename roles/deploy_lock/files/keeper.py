#!/usr/bin/env python3
"""Keep a run's deploy lock alive while the run lives, then audit the run (roles/deploy_lock).

    keeper.py --lock /var/lib/django-skeleton/deploy.lock --ttl 60 \
        --ssh '["ssh", "-o", "BatchMode=yes", "-l", "deploy", "lb1"]' \
        --audit /var/log/django-skeleton/deploy-audit.log \
        --holder '{"user": "alice", "controller": "laptop", "playbook": "deploy.yml"}' \
        <<< '{"token": "...", "webhook_url": "", "sentry": {}}'

Runs on the controller, started by the task that took the lock. It finds the ansible-playbook
process it was started from (see ancestor_running), detaches, and
then, while that process lives, touches the lock over SSH every third of the TTL, as long as
the file still holds the run's token (a run whose lock lapsed, a laptop asleep past the TTL,
gets no second life: it stops renewing). When the process is gone, however it ended, it sets
the lock's time to 1970 so that it has lapsed at once, and exits. If the controller itself dies,
the lock lapses after its TTL (and the next run to take it records this one as lost).

When the run ends (it released the lock, or its process ended) the keeper appends the run's entry
to the audit log on the lock host: who, from where, which playbook, when and how long, the release
before and after, its hosts and its result: ok or failed (with each failed host's task and
message), as the run's audit callback left it (playbooks/callback_plugins/django_skeleton_audit.py,
RUNS/<run id>.result, where the keeper's RUNS/<run id>.run asks for it), or killed when the
process ended and left none. The run id is a hash of the token (the deploy_lock module's run_id),
so a playbook that imports deploy.yml and then rollback.yml has two runs, two keepers, two entries.
It posts the optional webhook (a JSON POST, Slack-compatible: "text" plus the entry) when the run
starts and when it ends, and, when a run put a new release live, creates that release in Sentry
with a deploy record (Sentry's web API, an auth token). What each notification answered is in the
entry. The token (which only tells runs apart), the webhook's URL and the Sentry settings come as
one JSON line on standard input, never on a command line. Python standard library only; `ps`
works on Linux and macOS controllers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Where the audit callback leaves <pid>.result for a run whose keeper left <pid>.run.
RUNS = Path.home() / ".ansible" / "django_skeleton" / "runs"


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


def on_lock_host(ssh: list[str], script: str, stdin: str = "") -> tuple[bool, str]:
    """Run a shell line on the lock host: whether it succeeded, and what it printed."""
    try:
        done = subprocess.run(  # noqa: S603 - argv from the role
            [*ssh, script], input=stdin, capture_output=True, text=True, timeout=30, check=False
        )
    except subprocess.TimeoutExpired:
        return False, ""
    return done.returncode == 0, done.stdout


def iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def post(url: str, body: dict, headers: dict | None = None) -> str:
    """POST JSON; the answer's status, or the error (never the URL, which may hold a secret)."""
    request = urllib.request.Request(  # noqa: S310 - the operator's http(s) URL, checked by the preflight
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - preflight-checked http(s) URL
            return str(answer.status)
    except urllib.error.HTTPError as error:
        return f"error: HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"error: {getattr(error, 'reason', error)}"


def entry_of(holder: dict, lock: dict, outcome: dict | None, started: float) -> dict:
    """The run's audit entry, from the lock it held and the result its callback left."""
    finished = time.time()
    before, release = lock.get("release_before", ""), lock.get("release", "")
    failed = (outcome or {}).get("failed", {})
    result = "killed" if outcome is None else "failed" if failed else "ok"
    entry = {
        **{k: lock.get(k) or holder.get(k, "") for k in ("user", "controller", "playbook")},
        "started": iso(started),
        "finished": iso(finished),
        "duration": round(finished - started),
        "release_before": before,
        "release": release,
        "release_after": (release or before) if result == "ok" else "unknown",
        "hosts": (outcome or {}).get("hosts", []),
        "result": result,
    }
    if failed:
        entry["failed"] = failed
    if lock.get("overrides"):
        entry["overrides"] = lock["overrides"]
    if outcome is None:
        entry["why"] = "the run ended without a result: killed, or ansible-playbook crashed"
    return entry


def webhook(url: str, event: str, entry: dict) -> str:
    who = f"{entry['user']}@{entry['controller']}"
    if event == "start":
        text = f"{who} started {entry['playbook']}"
    else:
        change = (
            f" (release {entry['release_before'] or '?'} -> {entry['release_after']})"
            if entry["release"]
            else ""
        )
        text = f"{who}: {entry['playbook']} {entry['result']} in {entry['duration']} s{change}"
    return post(url, {"text": text, "event": event, "run": entry})


def sentry_release(sentry: dict, entry: dict) -> str:
    """Create the release in Sentry and record its deploy, as sentry-cli does."""
    organization = urllib.parse.quote(sentry["organization"], safe="")
    base = f"{sentry['url'].rstrip('/')}/api/0/organizations/{organization}"
    auth = {"Authorization": f"Bearer {sentry['auth_token']}"}
    version = urllib.parse.quote(entry["release"], safe="")
    made = post(
        f"{base}/releases/", {"version": entry["release"], "projects": [sentry["project"]]}, auth
    )
    if made.startswith("error"):
        return f"release: {made}"
    deploy = {
        "environment": sentry.get("environment") or "production",
        "name": entry["playbook"],
        "dateStarted": entry["started"],
        "dateFinished": entry["finished"],
    }
    return f"release: {made}, deploy: {post(f'{base}/releases/{version}/deploys/', deploy, auth)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock", required=True)
    parser.add_argument("--ttl", type=int, required=True)
    parser.add_argument(
        "--ssh", required=True, help="JSON list: ssh and its options, ending with the host"
    )
    parser.add_argument("--watch", default="ansible-playbook")
    parser.add_argument("--audit", default="", help="the audit log on the lock host; none if empty")
    parser.add_argument("--holder", default="{}", help="JSON: the run's user, controller, playbook")
    args = parser.parse_args()
    ssh = json.loads(args.ssh)
    holder = json.loads(args.holder)
    given = json.loads(sys.stdin.readline())
    token, hook, sentry = given["token"], given.get("webhook_url", ""), given.get("sentry") or {}
    watched = ancestor_running(args.watch)
    started = time.time()
    RUNS.mkdir(mode=0o700, parents=True, exist_ok=True)
    run_id = hashlib.sha256(token.encode()).hexdigest()[:16]
    marker, outcome_file = RUNS / f"{run_id}.run", RUNS / f"{run_id}.result"
    marker.write_text(iso(started))
    detach()
    if hook:
        webhook(hook, "start", {**holder, "playbook": holder.get("playbook", "")})

    lock, guard = shlex.quote(args.lock), shlex.quote(args.lock + ".guard")
    mine = f"grep -qF {shlex.quote(token)} {lock}"
    renew = f"flock {guard} sh -c {shlex.quote(f'{mine} && touch -c {lock}')}"
    # Prints the lock (what the run noted in it) if the run still held it.
    lapse = f"flock {guard} sh -c {shlex.quote(f'{mine} && cat {lock} && touch -c -d @0 {lock}')}"
    interval = max(args.ttl / 3, 1)
    attempted = renewed = time.monotonic()
    lost = False
    while alive(watched) and not outcome_file.exists():
        if not lost and time.monotonic() - attempted >= interval:
            attempted = time.monotonic()
            if on_lock_host(ssh, renew)[0]:
                renewed = attempted
            # Not ours any more (released, broken, or lapsed while the host was unreachable):
            # renew no more; the run's release reports a lock it lost, and its end is audited.
            lost = attempted - renewed > args.ttl
        time.sleep(1)
    held, printed = on_lock_host(ssh, lapse)
    outcome = json.loads(outcome_file.read_text()) if outcome_file.exists() else None
    marker.unlink(missing_ok=True)
    outcome_file.unlink(missing_ok=True)
    try:
        lock = json.loads(printed) if held else (outcome or {}).get("run") or {}
    except ValueError:
        lock = (outcome or {}).get("run") or {}
    entry = entry_of(holder, lock, outcome, started)
    notified = {}
    if hook:
        notified["webhook"] = webhook(hook, "end", entry)
    if sentry and entry["result"] == "ok" and entry["release"] not in ("", entry["release_before"]):
        notified["sentry"] = sentry_release(sentry, entry)
    if notified:
        entry["notified"] = notified
    if args.audit:
        append = f"cat >> {shlex.quote(args.audit)}"
        on_lock_host(
            ssh,
            f"flock {guard} sh -c {shlex.quote(append)}",
            json.dumps(entry, sort_keys=True) + "\n",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
