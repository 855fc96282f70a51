#!/usr/bin/python
# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""The deploy lock: a lease in a file on one host (see roles/deploy_lock)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take, release, read or break the deploy lock, a lease in a file on the lock host
description:
  - One run at a time changes the hosts. The lock is a JSON file naming its holder (user,
    controller, playbook, release, since when) and its token; it is live while its modification
    time is younger than its C(ttl) seconds. The holder's keeper (roles/deploy_lock,
    files/keeper.py, on the controller) touches it while the run lives, and lets it lapse when
    the run ends, however it ends.
  - Every change is serialised with flock(2) on C(path).guard and appended as one JSON line to
    C(log).
  - A live lock is never taken over; a lapsed one is, and the log records whose it was.
  - With C(audit), a run that stops at a live lock, a broken lock, and a lock that lapsed without
    its keeper (the controller of its run stopped) each get an entry in that audit log too; every
    other run's entry is written by the run's keeper when the run ends (roles/deploy_lock,
    files/keeper.py).
options:
  path:
    description: The lock file.
    type: path
    required: true
  log:
    description: The log of lock events (JSON lines), appended to.
    type: path
    required: true
  state:
    description:
      - C(held) takes the lock (or renews it, for the same token), waiting up to C(wait) seconds.
      - C(released) gives it up if C(token) holds it. C(broken) removes it whoever holds it,
        recording
        C(holder) as who broke it. C(query) only reads it.
    type: str
    choices: [held, released, broken, query]
    default: held
  token:
    description: The run's token (required to take or release).
    type: str
  holder:
    description: Who takes (or breaks) the lock; stored as given, plus C(since).
    type: dict
    default: {}
  ttl:
    description: Seconds the lock stays live without being touched.
    type: int
    default: 60
  wait:
    description: Seconds to wait for a live lock of another run to go; 0 refuses at once.
    type: int
    default: 0
  owner:
    description:
      - User to own the lock file and the audit log, so the keeper renews the one and appends to the
        other over SSH without privileges.
    type: str
  audit:
    description: The audit log (JSON lines, mode 0600), one entry per run; none if unset.
    type: path
author: django_skeleton.stack contributors
"""

EXAMPLES = r"""
- name: Take the deploy lock
  django_skeleton.stack.deploy_lock:
    path: /var/lib/django-skeleton/deploy.lock
    log: /var/log/django-skeleton/deploy-lock.log
    token: "{{ token }}"
    holder: {user: alice, controller: laptop, playbook: deploy.yml}
    owner: deploy
"""

RETURN = r"""
acquired:
  description: Whether this run holds the lock now.
  type: bool
  returned: always
lock:
  description: >-
    The lock as found (before any change), with C(age) in seconds and C(live); null if none.
  type: dict
  returned: always
released:
  description: Whether this call released the run's lock (false if the run no longer held it).
  type: bool
  returned: when state is released
run:
  description: >-
    This run's lock after the call, without its token (state held, when acquired, and released):
    what its audit entry is made of.
  type: dict
  returned: when this run held the lock
run_id:
  description: >-
    A hash of the token that names the run to its keeper and the audit callback (with C(run)).
  type: str
  returned: when this run held the lock
taken:
  description: Whether this call took the lock (it was free or lapsed), not renewed its own.
  type: bool
  returned: when state is held
waited:
  description: Seconds spent waiting.
  type: float
  returned: always
"""


def read(path):
    """The lock file's content with its age and liveness, or None."""
    try:
        with open(path, encoding="utf-8") as handle:
            lock = json.load(handle)
            age = time.time() - os.fstat(handle.fileno()).st_mtime
    except FileNotFoundError:
        return None
    except ValueError:
        lock, age = {"unreadable": True, "ttl": 0}, 0.0
    # The keeper sets the time to 1970 when its run ends without releasing (killed, failed).
    ended = age > time.time() - 1
    lock["age"] = None if ended else round(age, 1)
    lock["live"] = not ended and age < int(lock.get("ttl", 0))
    if ended:
        lock["run_ended"] = True
    return lock


def write(path, lock, owner):
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".deploy-lock.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(lock, out, sort_keys=True)
            out.write("\n")
        os.chmod(temporary, 0o644)
        if owner:
            entry = pwd.getpwnam(owner)
            os.chown(temporary, entry.pw_uid, entry.pw_gid)
        os.rename(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def record(log, event, **fields):
    os.makedirs(os.path.dirname(log), mode=0o755, exist_ok=True)
    line = {"at": now(), "event": event, **fields}
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")


def trail_ready(path, owner):
    """Make the audit log if missing: mode 0600, owned by the user whose keeper appends to it."""
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def audit(path, owner, result, **fields):
    """Append one entry to the audit log (the keeper appends the others, in the same shape)."""
    if not path:
        return
    trail_ready(path, owner)
    with open(path, "a", encoding="utf-8") as out:
        out.write(
            json.dumps({"finished": now(), "result": result, **fields}, sort_keys=True) + "\n"
        )


def who(holder):
    return {k: holder.get(k, "") for k in ("user", "controller", "playbook")}


def public(lock):
    """The lock without its token (which renews it), for output and the log."""
    return None if lock is None else {k: v for k, v in lock.items() if k != "token"}


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "log": {"type": "path", "required": True},
            "state": {
                "type": "str",
                "default": "held",
                "choices": ["held", "released", "broken", "query"],
            },
            "token": {"type": "str", "no_log": True},
            "holder": {"type": "dict", "default": {}},
            "ttl": {"type": "int", "default": 60},
            "wait": {"type": "int", "default": 0},
            "owner": {"type": "str"},
            "audit": {"type": "path"},
        },
        required_if=[("state", "held", ["token"]), ("state", "released", ["token"])],
        supports_check_mode=True,
    )
    params = module.params
    path, log, state, token = params["path"], params["log"], params["state"], params["token"]
    trail, owner = params["audit"], params["owner"]
    run_id = hashlib.sha256(token.encode()).hexdigest()[:16] if token else None

    def held(lock):
        """What a call that leaves this run holding LOCK returns, besides changed and taken."""
        return {"acquired": True, "run": public(lock), "run_id": run_id, **result}

    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    started = time.monotonic()

    while True:
        with open(path + ".guard", "a", encoding="utf-8") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            found = read(path)
            ours = found is not None and found.get("token") == token
            result = {"lock": public(found), "waited": round(time.monotonic() - started, 1)}
            if state == "query":
                module.exit_json(changed=False, acquired=ours, **result)
            if state == "released":
                changed = ours
                if changed and not module.check_mode:
                    os.unlink(path)
                    record(log, "released", lock=public(found))
                if changed:
                    result.update(run=public(found), run_id=run_id)
                module.exit_json(changed=changed, acquired=False, released=changed, **result)
            if state == "broken":
                changed = found is not None
                if changed and not module.check_mode:
                    os.unlink(path)
                    record(log, "broken", lock=public(found), by=params["holder"])
                    audit(
                        trail,
                        owner,
                        "broke the lock",
                        **who(params["holder"]),
                        broken=public(found),
                    )
                module.exit_json(changed=changed, acquired=False, **result)
            # state == held. Ours already: renew it, noting what the holder adds (the release).
            if ours:
                holder = {k: v for k, v in found.items() if k not in ("age", "live", "run_ended")}
                noted = {
                    **holder,
                    **{k: v for k, v in params["holder"].items() if v not in ("", None, [])},
                }
                changed = noted != holder
                if not module.check_mode:
                    if changed:
                        write(path, noted, owner)
                    else:
                        os.utime(path)
                module.exit_json(changed=changed, taken=False, **held(noted))
            if found is None or not found["live"]:
                lock = {**params["holder"], "since": now(), "token": token, "ttl": params["ttl"]}
                if not module.check_mode:
                    write(path, lock, owner)
                    record(log, "taken", lock=public(lock), lapsed=public(found))
                    if trail:
                        trail_ready(trail, owner)
                    # A lock that lapsed by its TTL, not let go by its keeper: the keeper (and the
                    # entry it writes at its run's end) died with the run's controller.
                    if found is not None and not found.get("run_ended") and found.get("user"):
                        audit(
                            trail,
                            owner,
                            "lost",
                            **who(found),
                            started=found.get("since", ""),
                            release=found.get("release", ""),
                            why="its controller stopped renewing the lock; it lapsed after its TTL",
                        )
                module.exit_json(changed=True, taken=True, **held(lock))
        if time.monotonic() - started >= params["wait"]:
            if not module.check_mode:
                audit(trail, owner, "refused", **who(params["holder"]), holder=public(found))
            module.exit_json(changed=False, acquired=False, taken=False, **result)
        time.sleep(2)


if __name__ == "__main__":
    main()
