"""What an argument spec cannot say about a role's inputs: the bounds of numbers, and the
values that may not be empty. Each role keeps its rules as data, `__<role>_input_rules` in
its vars/main.yml, checks them first in its `assert` entry point (playbooks/preflight.yml
runs it before any host changes), and tests/bad_input/from_specs.py tries each rule.

    __nginx_input_rules:
      nginx_listen_port: {min: 1, max: 65535}
      nginx_server_names: {not_empty: true}

    {'nginx_listen_port': '0', 'nginx_server_names': []}
      | django_skeleton.stack.input_problems(__nginx_input_rules)
    -> ["nginx_listen_port: a whole number from 1 to 65535, got '0'.",
        'nginx_server_names: a value that is not empty, got [].']

One message per problem, each naming the variable, what it expects and what it got.
Numbers given as strings (`-e key=value`) are read as numbers; a value that is no whole
number is named too (the spec's type check has usually named it already). A rule's
options: min, max (whole numbers, either or both) and not_empty (null, '', blanks, [] and
{} are empty; numbers with a bound are never empty-checked, null aside).
"""

import json

from ansible.errors import AnsibleFilterError

_RULE_KEYS = {"min", "max", "not_empty"}


def _expects(rule):
    low, high = rule.get("min"), rule.get("max")
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    if low is not None:
        return f"a whole number of at least {low}"
    if high is not None:
        return f"a whole number of at most {high}"
    return "a value that is not empty"


def _whole_number(value):
    """The value as an int, or None: ints, and strings of digits with an optional sign."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit():
            return int(text)
    return None


def _show(value):
    """The value as a message shows it: strings quoted, the rest as JSON (plain types only:
    Ansible hands filters its own subclasses of str, list and dict)."""
    if isinstance(value, str):
        return repr(str(value))
    return json.dumps(value, default=str)


def _empty(value):
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple)):
        return len(value) == 0
    return False


def _problem(name, value, rule):
    numeric = "min" in rule or "max" in rule
    if value is None and (numeric or rule.get("not_empty")):
        return f"{name}: {_expects(rule)}, got null."
    if numeric:
        number = _whole_number(value)
        low, high = rule.get("min"), rule.get("max")
        if (
            number is None
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            return f"{name}: {_expects(rule)}, got {_show(value)}."
        return None
    if rule.get("not_empty") and _empty(value):
        return f"{name}: a value that is not empty, got {_show(value)}."
    return None


def input_problems(values, rules):
    """The problems of `values` ({name: value}) by `rules` ({name: rule}), in the rules'
    order; a name missing from `values` is not checked (the role's defaults give each one)."""
    if not isinstance(rules, dict) or not isinstance(values, dict):
        raise AnsibleFilterError(
            "input_problems: a mapping of values and a mapping of rules are expected"
        )
    problems = []
    for name, rule in rules.items():
        if not isinstance(rule, dict) or not rule or set(rule) - _RULE_KEYS:
            raise AnsibleFilterError(
                f"input_problems: the rule of {name} may have {sorted(_RULE_KEYS)}, got {rule!r}"
            )
        if name in values:
            problem = _problem(name, values[name], rule)
            if problem:
                problems.append(problem)
    return problems


class FilterModule:
    def filters(self):
        return {"input_problems": input_problems}
