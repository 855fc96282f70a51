"""Evaluate a role's input checks in one task: each a condition and the message naming the
variable, run in order in one worker per host (a task per check costs the controller a fork
per host, ~30 ms, and the preflight runs ~120 of them on every host of every run).
Documented in plugins/modules/checks.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase


def _as_list(value):
    return value if isinstance(value, list) else [value]


class ActionModule(ActionBase):
    _requires_connection = False

    @classmethod
    def finalize_task_arg(cls, name, value, templar, context):
        if name == "checks":
            # Templated one check at a time by run(), as assert does with `that`.
            return value
        return super().finalize_task_arg(name, value, templar, context)

    def _holds(self, conditions):
        return all(self._templar.evaluate_conditional(c) for c in _as_list(conditions))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        checks = self._task.args["checks"]
        problems = []
        for check in checks:
            try:
                if not self._holds(check.get("when", [])) or self._holds(check["that"]):
                    continue
            except AnsibleError:
                if problems:
                    # It may rest on what failed (an assert task each stopped at the first).
                    break
                raise
            problems.append(" ".join(str(self._templar.template(check["fail_msg"])).split()))
            if check.get("stop"):
                break
        result["changed"] = False
        if problems:
            result["failed"] = True
            result["msg"] = " ".join(problems)
        else:
            result["msg"] = f"{len(checks)} checks passed"
        return result
