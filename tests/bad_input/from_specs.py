"""Bad-input cases generated from the argument specs (issue: every input checked).

For every role, the options its `assert` entry point (the one playbooks/preflight.yml runs;
`main` where a role has none) declares, and for every playbook, its own variables
(playbooks/vars/argument_specs.yml), are given wrong values, one case per kind of wrong:
a value of the wrong type for every typed option at once (int, float, bool, dict, list;
numbers and booleans given a word through `-e key=value`, a string as Ansible reads that
form, dicts and lists as JSON), and a value outside `choices` for every option that has
choices.
Argument-spec validation names every failing option in one message, so each case expects
all of its options named. And one case that must pass: every number whose default is a
plain number, given that value through `-e key=value`, is accepted by
playbooks/preflight.yml. A new option in a spec is covered without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROLES = Path(__file__).resolve().parents[2] / "roles"

# A value that none of these types accepts (str, path and raw accept anything).
WRONG_TYPE = {
    "int": "not-a-number",
    "float": "not-a-number",
    "bool": "maybe",
    "dict": "not-a-dict",
    "list": {"not": "a list"},
}
NOT_A_CHOICE = "not-one-of-the-choices"


PLAYBOOK_SPECS = ROLES.parent / "playbooks" / "vars" / "argument_specs.yml"


def role_options(role: Path) -> dict[str, dict]:
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    entry = specs.get("assert") or specs.get("main") or {}
    return entry.get("options") or {}


def sources() -> list[tuple[str, str, dict[str, dict]]]:
    """(what, the playbook that checks it, its options): every role, every playbook."""
    found = [
        (role.name, "site.yml", role_options(role))
        for role in sorted(p.parents[1] for p in ROLES.glob("*/meta/argument_specs.yml"))
    ]
    specs = yaml.safe_load(PLAYBOOK_SPECS.read_text())["argument_specs"]
    found += [
        (f"{name}.yml", f"{name}.yml", spec.get("options") or {}) for name, spec in specs.items()
    ]
    return found


def wrong_types(options: dict[str, dict]) -> dict[str, object]:
    return {
        name: WRONG_TYPE[spec.get("type", "str")]
        for name, spec in options.items()
        if spec.get("type", "str") in WRONG_TYPE and not spec.get("choices")
    }


def not_choices(options: dict[str, dict]) -> dict[str, object]:
    wrong = {}
    for name, spec in options.items():
        if spec.get("choices"):
            wrong[name] = [NOT_A_CHOICE] if spec.get("type") == "list" else NOT_A_CHOICE
    return wrong


def defaults_as_strings(options: dict[str, dict]) -> dict[str, str]:
    """Numbers whose default is a plain number, as -e key=value gives them. (Not booleans:
    a default may differ from the inventory's value in a way that changes what else is
    required, as haproxy_tls_self_signed does.)"""
    found = {}
    for name, spec in options.items():
        default = spec.get("default")
        plain = isinstance(default, (int, float)) and not isinstance(default, bool)
        if spec.get("type") in ("int", "float") and plain:
            found[name] = str(default)
    return found


def cases(case_class: type) -> list:
    """The generated cases, as case_class(name, playbook, expect, extra_vars, key_value=...).

    A wrong type is given as users type it: numbers and booleans through -e key=value
    (strings), dicts and lists as JSON."""
    found = []
    accepted = {}
    for what, playbook, options in sources():
        wrong = wrong_types(options)
        strings = {name: value for name, value in wrong.items() if isinstance(value, str)}
        kinds = {
            "wrong types": ({k: v for k, v in wrong.items() if k not in strings}, strings),
            "not in choices": (not_choices(options), {}),
        }
        for kind, (extra_vars, key_value) in kinds.items():
            if extra_vars or key_value:
                found.append(
                    case_class(
                        f"spec {what}: {kind} ({len(extra_vars) + len(key_value)} options)",
                        playbook,
                        tuple(sorted([*extra_vars, *key_value])),
                        extra_vars,
                        key_value=key_value,
                    )
                )
        if playbook == "site.yml":
            accepted |= defaults_as_strings(options)
    found.append(
        case_class(
            f"spec accepted: defaults as -e key=value pass the preflight ({len(accepted)} options)",
            "preflight.yml",
            (),
            key_value=accepted,
            accepted=True,
        )
    )
    return found
