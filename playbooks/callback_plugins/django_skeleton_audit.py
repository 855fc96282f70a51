# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""Leave a locked run's result for its deploy lock keeper, which writes the run's audit entry."""

from __future__ import annotations

import json
from pathlib import Path

from ansible.playbook.block import Block
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: django_skeleton_audit
type: notification
short_description: Leave a locked run's result for the deploy lock's keeper (the audit log)
description:
  - Loaded by every run of a playbook in this directory (a playbook-adjacent plugin that needs no
    enabling), also when a playbook of another directory imports one of them.
  - Follows the deploy lock through the deploy_lock module's results (C(run_id), C(run)). When the
    run releases the lock, or the process ends while it still holds it (a failed run), it writes
    C(<run id>.result) in C(~/.ansible/django_skeleton/runs), if the run's keeper asked for it
    (C(<run id>.run)), with the hosts, each failed or unreachable host's failed task and its
    message, and the run's lock as the module last returned it (its release).
  - The keeper (roles/deploy_lock, files/keeper.py) then appends the audit entry on the lock host;
    a run whose process ended without a result was killed.
  - A failure that a block's C(rescue) handles is not the host's failure (the rescue's own is);
    nor is one with C(ignore_errors). Messages of tasks with C(no_log) are censored by Ansible
    before they reach a callback.
"""

# Shared with roles/deploy_lock/files/keeper.py.
RUNS = Path.home() / ".ansible" / "django_skeleton" / "runs"
MESSAGE_LENGTH = 300


def rescued(task) -> bool:
    """Whether a block's rescue takes the task's failure: it is in a block (not in its rescue or
    always) that has one, here or further up through includes."""
    child, parent = task, task._parent
    while parent is not None:
        if isinstance(parent, Block) and parent.rescue:
            handlers = {t._uuid for t in parent.rescue + parent.always}
            if child._uuid not in handlers:
                return True
        child, parent = parent, getattr(parent, "_parent", None)
    return False


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "django_skeleton_audit"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self) -> None:
        super().__init__()
        self._run_id: str | None = None
        self._run: dict | None = None
        self._hosts: set[str] = set()
        self._why: dict[str, str] = {}

    def _seen(self, result) -> str:
        host = result._host.get_name()
        self._hosts.add(host)
        return host

    def _failure(self, result, kind: str) -> None:
        host = self._seen(result)
        answer = result._result
        message = str(answer.get("msg") or "")
        # A command's own reason is its last line of errors (a Python exception's message).
        errors = [line for line in str(answer.get("stderr") or "").splitlines() if line.strip()]
        if errors and message in ("", "non-zero return code"):
            message = f"{message}: {errors[-1]}".lstrip(": ")
        # One line: the log has a JSON line per run, shown a line per run.
        message = " ".join(message.split())[:MESSAGE_LENGTH]
        # The last failure: a rescue's own message says best why the host stopped.
        self._why[host] = f"{kind}{result._task.get_name()}: {message}".rstrip(": ")

    def _write(self) -> None:
        marker = RUNS / f"{self._run_id}.run"
        if marker.exists():
            outcome = {"hosts": sorted(self._hosts), "failed": self._why, "run": self._run}
            partial = marker.with_suffix(".partial")
            partial.write_text(json.dumps(outcome))
            partial.replace(marker.with_suffix(".result"))
        self._run_id = None

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        if ignore_errors or rescued(result._task):
            self._seen(result)
        else:
            self._failure(result, "")

    def v2_runner_on_unreachable(self, result) -> None:
        self._failure(result, "unreachable at ")

    def v2_runner_on_skipped(self, result) -> None:
        self._seen(result)

    def v2_runner_on_ok(self, result) -> None:
        self._seen(result)
        answer = result._result
        if not result._task.action.endswith("deploy_lock") or "run_id" not in answer:
            return
        if answer.get("taken"):
            # A new run (a playbook may import deploy.yml, then rollback.yml): its own hosts.
            self._hosts, self._why = {result._host.get_name()}, {}
        self._run_id, self._run = answer["run_id"], answer["run"]
        if answer.get("released"):
            self._write()

    def v2_playbook_on_stats(self, stats) -> None:
        if self._run_id:
            self._write()
