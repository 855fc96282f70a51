"""Bad-input cases generated from the argument specs (issue: every input checked).

For every role, the options its `assert` entry point (the one playbooks/preflight.yml runs;
`main` where a role has none) declares, and those of its other checks (`assert_<what>`
entry points, tried with deploy.yml), and for every playbook, its own variables
(playbooks/vars/argument_specs.yml), are given wrong values, all the argument spec refuses
in one case: a value of the wrong type for every typed option (int, float, bool, dict,
list; numbers and booleans given a word through `-e key=value`, a string as Ansible reads
that form, dicts and lists as JSON), a value outside `choices` for every option that has
choices, and null for every required option. Argument-spec validation names every failing
option in one message, so the case expects all of its options named; one run instead of
three (each run costs the controller seconds of CPU, the table's whole time). And one case
that must pass: every number whose default is a plain number, given that value through
`-e key=value`, is accepted by playbooks/preflight.yml. A new option in a spec is covered
without touching this file.

What a spec cannot say is kept as data beside it, the rules (plugins/filter/inputs.py):
each role's `__<role>_input_rules` in its vars/main.yml and the playbooks' `input_rules` in
playbooks/vars/argument_specs.yml. From them, per role or playbook, one case each:
  - out of range: every bounded number one past its bound, as -e key=value gives it;
  - empty: every option that may not be empty given '' (or [] or {}, by its type);
  - missing: every required option given null, and every list of dicts whose entries have
    required keys given one entry without them (secrets aside: the preflight's secret checks
    name those, and hand-written cases try them). Options the argument spec refuses and
    options the rules refuse stop at different checks, so they are separate cases.
An option is tried once per kind, with the first playbook that checks it.
tests/plugins/test_inputs.py checks every number of every spec has a bound.
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
# The empty value of each type the rules may call not empty.
EMPTY = {"list": [], "dict": {}}


def role_specs(role: Path) -> dict[str, dict]:
    """The role's entry points (meta/argument_specs.yml)."""
    return yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]


def role_options(specs: dict[str, dict]) -> dict[str, dict]:
    """The options of the entry point the preflight runs: `assert`, else `main`."""
    entry = specs.get("assert") or specs.get("main") or {}
    return entry.get("options") or {}


def role_rules(role: Path, what: str = "") -> dict[str, dict]:
    """The role's `__<role>_input_rules` (vars/main.yml), or `__<role>_<what>_input_rules`
    for its assert_<what> entry point; or none."""
    path = role / "vars" / "main.yml"
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    name = f"__{role.name}_{what}_input_rules" if what else f"__{role.name}_input_rules"
    return (data or {}).get(name) or {}


def sources() -> list[tuple[str, str, dict[str, dict], dict[str, dict]]]:
    """(what, the playbook that checks it, its options, their rules): every role, every
    playbook."""
    found = []
    for role in sorted(p.parents[1] for p in ROLES.glob("*/meta/argument_specs.yml")):
        specs = role_specs(role)
        found.append((role.name, "site.yml", role_options(specs), role_rules(role)))
        # A role's other checks (`assert_<what>`, e.g. haproxy's assert_server: what a
        # deploy's drain reads on a web host), with `__<role>_<what>_input_rules`, by
        # <what>.yml where there is such a playbook (pgbackrest's assert_restore), else
        # deploy.yml.
        for entry, spec in specs.items():
            if entry.startswith("assert_"):
                what = entry.removeprefix("assert_")
                own = ROLES.parent / "playbooks" / f"{what}.yml"
                found.append(
                    (
                        f"{role.name} {what}",
                        own.name if own.exists() else "deploy.yml",
                        spec.get("options") or {},
                        role_rules(role, what),
                    )
                )
    data = yaml.safe_load(PLAYBOOK_SPECS.read_text())
    rules = data.get("input_rules") or {}
    for name, spec in data["argument_specs"].items():
        options = spec.get("options") or {}
        found.append(
            (
                f"{name}.yml",
                f"{name}.yml",
                options,
                {k: v for k, v in rules.items() if k in options},
            )
        )
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


def out_of_range(rules: dict[str, dict]) -> dict[str, str]:
    """Every bounded number one below its minimum (else one above its maximum), as a
    string."""
    return {
        name: str(rule["min"] - 1 if "min" in rule else rule["max"] + 1)
        for name, rule in rules.items()
        if "min" in rule or "max" in rule
    }


def empty(options: dict[str, dict], rules: dict[str, dict]) -> dict[str, object]:
    """Every option that may not be empty, empty ('' , [] or {} by its type); not secrets."""
    return {
        name: EMPTY.get(options.get(name, {}).get("type", "str"), "")
        for name, rule in rules.items()
        if rule.get("not_empty") and not options.get(name, {}).get("no_log")
    }


def missing(options: dict[str, dict]) -> tuple[dict[str, object], dict[str, object]]:
    """Every required option null, and every list of dicts whose entries have required
    keys one entry without them (its secrets kept, so the secret checks stay quiet); not
    secrets. As (what the argument spec refuses: typed options and entries, what the rules
    refuse: null strings)."""
    by_spec, by_rules = {}, {}
    for name, spec in options.items():
        if spec.get("no_log"):
            continue
        kind = spec.get("type", "str")
        if spec.get("required"):
            (by_rules if kind in ("str", "path", "raw") else by_spec)[name] = None
            continue
        keys = spec.get("options") or {}
        entries = kind == "list" and spec.get("elements") == "dict"
        if entries and any(key.get("required") for key in keys.values()):
            by_spec[name] = [{k: "x" for k, key in keys.items() if key.get("no_log")}]
    return by_spec, by_rules


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


def _named(*kinds: tuple[str, dict]) -> str:
    """The names of the kinds that have values, as a case's name gives them."""
    return ", ".join(kind for kind, values in kinds if values)


def cases(case_class: type) -> list:
    """The generated cases, as case_class(name, playbook, expect, extra_vars, key_value=...).

    A wrong type is given as users type it: numbers and booleans through -e key=value
    (strings), dicts and lists as JSON; so are numbers out of range."""
    found = []
    accepted = {}
    tried: dict[str, set] = {}

    def once(kind: str, values: dict) -> dict:
        """The values whose option this kind has not tried yet (with an earlier playbook)."""
        seen = tried.setdefault(kind, set())
        fresh = {k: v for k, v in values.items() if k not in seen}
        seen.update(fresh)
        return fresh

    for what, playbook, options, rules in sources():
        wrong = wrong_types(options)
        strings = {name: value for name, value in wrong.items() if isinstance(value, str)}
        by_spec, by_rules = missing(options)
        by_spec = once("missing", by_spec)
        choices = not_choices(options)
        # What the rules refuse stops at one check, what the spec refuses at another: a case
        # for each, the spec's missing options with its choices where it has some.
        empties, nulls = once("empty", empty(options, rules)), once("missing", by_rules)
        ranges = once("out of range", out_of_range(rules))
        refused_by_rules = _named(("out of range", ranges), ("empty", empties), ("missing", nulls))
        # The argument spec names every option it refuses in one message: wrong types, values
        # outside the choices and missing options are one case (an option tried both with a
        # wrong type and missing, as a list of dicts is, is missing in a case of its own).
        missing_too = {k: v for k, v in by_spec.items() if k in wrong}
        by_spec = {k: v for k, v in by_spec.items() if k not in wrong}
        refused_by_spec = _named(
            ("wrong types", wrong), ("not in choices", choices), ("missing", by_spec)
        )
        kinds = {
            refused_by_spec: (
                {k: v for k, v in wrong.items() if k not in strings} | choices | by_spec,
                strings,
            ),
            "missing": (missing_too, {}),
            refused_by_rules: (empties | nulls, ranges),
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
