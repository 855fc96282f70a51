"""Bad-input cases generated from the roles' argument specs (issue: every input checked).

For every role, the options its `assert` entry point (the one playbooks/preflight.yml runs;
`main` where a role has none) declares are given wrong values, one case per kind of wrong:
a value of the wrong type for every typed option at once (int, float, bool, dict, list),
and a value outside `choices` for every option that has choices. Argument-spec validation
names every failing option in one message, so each case expects all of its options named.
A new option in a spec is covered without touching this file.
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


def role_options(role: Path) -> dict[str, dict]:
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    entry = specs.get("assert") or specs.get("main") or {}
    return entry.get("options") or {}


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


def cases(case_class: type) -> list:
    """The generated cases, as case_class(name, playbook, expect, extra_vars)."""
    found = []
    roles = sorted(role.parents[1] for role in ROLES.glob("*/meta/argument_specs.yml"))
    for role in roles:
        options = role_options(role)
        kinds = {"wrong types": wrong_types(options), "not in choices": not_choices(options)}
        for kind, extra_vars in kinds.items():
            if extra_vars:
                found.append(
                    case_class(
                        f"spec {role.name}: {kind} ({len(extra_vars)} options)",
                        "site.yml",
                        tuple(sorted(extra_vars)),
                        extra_vars,
                    )
                )
    return found
