#!/usr/bin/python
# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""The deploy lock: a lease in a file on one host (see roles/deploy_lock)."""

from __future__ import annotations

import fcntl
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
    description: User to own the lock file, so the keeper renews it over SSH without privileges.
    type: str
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


def record(log, event, **fields):
    os.makedirs(os.path.dirname(log), mode=0o755, exist_ok=True)
    line = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event, **fields}
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, sort_keys=True) + "\n")


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
        },
        required_if=[("state", "held", ["token"]), ("state", "released", ["token"])],
        supports_check_mode=True,
    )
    params = module.params
    path, log, state, token = params["path"], params["log"], params["state"], params["token"]
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
                module.exit_json(changed=changed, acquired=False, released=changed, **result)
            if state == "broken":
                changed = found is not None
                if changed and not module.check_mode:
                    os.unlink(path)
                    record(log, "broken", lock=public(found), by=params["holder"])
                module.exit_json(changed=changed, acquired=False, **result)
            # state == held. Ours already: renew it, noting what the holder adds (the release).
            if ours:
                holder = {k: v for k, v in found.items() if k not in ("age", "live", "run_ended")}
                noted = {
                    **holder,
                    **{k: v for k, v in params["holder"].items() if v not in ("", None)},
                }
                changed = noted != holder
                if not module.check_mode:
                    if changed:
                        write(path, noted, params["owner"])
                    else:
                        os.utime(path)
                module.exit_json(changed=changed, acquired=True, taken=False, **result)
            if found is None or not found["live"]:
                if not module.check_mode:
                    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    lock = {
                        **params["holder"],
                        "since": since,
                        "token": token,
                        "ttl": params["ttl"],
                    }
                    write(path, lock, params["owner"])
                    record(log, "taken", lock=public(lock), lapsed=public(found))
                module.exit_json(changed=True, acquired=True, taken=True, **result)
        if time.monotonic() - started >= params["wait"]:
            module.exit_json(changed=False, acquired=False, taken=False, **result)
        time.sleep(2)


if __name__ == "__main__":
    main()
