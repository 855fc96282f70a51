"""Write each role's README variable section from its meta/argument_specs.yml, with the
bounds and non-empty rules of its vars/main.yml (`__<role>_input_rules`).

    python tools/role_readme.py           rewrite the sections
    python tools/role_readme.py --check   exit 1 when a README is stale (make lint)

The section sits between the two marker lines below; the rest of a README is prose.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml by `make docs`) -->"
END = "<!-- END VARIABLES -->"
ROOT = Path(__file__).resolve().parent.parent


def _text(value: object) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = " ".join(str(value).split()).replace("|", "\\|")
    text = re.sub(r"[CVO]\(([^)]*)\)", r"`\1`", text)  # ansible-doc markup: code
    return re.sub(r"[IB]\(([^)]*)\)", r"*\1*", text)  # ansible-doc markup: emphasis


def _default(spec: dict) -> str:
    if "default" not in spec:
        return "**required**" if spec.get("required") else ""
    return (
        f"`{yaml.safe_dump(spec['default'], default_flow_style=True, width=1000).strip()}`".replace(
            "\n...", ""
        ).replace("|", "\\|")
    )


def _type(spec: dict, rule: dict) -> str:
    kind = spec.get("type", "str")
    if kind == "list" and "elements" in spec:
        kind = f"list of {spec['elements']}"
    if "choices" in spec:
        kind += " (" + ", ".join(f"`{c}`" for c in spec["choices"]) + ")"
    low, high = rule.get("min"), rule.get("max")
    if low is not None and high is not None:
        kind += f", {low} to {high}"
    elif low is not None:
        kind += f", at least {low}"
    elif high is not None:
        kind += f", at most {high}"
    if rule.get("not_empty"):
        kind += ", not empty"
    return kind


def _rows(options: dict, prefix: str = "", rules: dict | None = None) -> list[str]:
    rows = []
    for name, spec in options.items():
        description = _text(spec.get("description", ""))
        kind = _type(spec, (rules or {}).get(name, {}))
        rows.append(f"| `{prefix}{name}` | {kind} | {_default(spec)} | {description} |")
        if spec.get("options"):
            rows.extend(
                _rows(
                    spec["options"],
                    f"{prefix}{name}[]." if spec.get("type") == "list" else f"{prefix}{name}.",
                )
            )
    return rows


def render(specs: dict, rules: dict | None = None) -> str:
    parts = [BEGIN]
    seen: dict[str, str] = {}
    for entry, spec in specs["argument_specs"].items():
        parts.append(f"\n### Entry point `{entry}`\n\n{_text(spec.get('short_description', ''))}\n")
        rows = "\n".join(_rows(spec.get("options", {}), rules=rules))
        if not rows:
            parts.append("Takes no variables.")
            continue
        if rows in seen:
            parts.append(f"Takes the same variables as `{seen[rows]}`.")
            continue
        seen[rows] = entry
        parts.append("| Variable | Type | Default | Description |\n|---|---|---|---|")
        parts.append(rows)
    parts.append(END)
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a README is stale")
    args = parser.parse_args()
    stale = []
    for spec_file in sorted(ROOT.glob("roles/*/meta/argument_specs.yml")):
        role = spec_file.parent.parent
        readme = role / "README.md"
        rules_file = role / "vars" / "main.yml"
        role_vars = yaml.safe_load(rules_file.read_text()) if rules_file.exists() else None
        # The role's rules and those of its other checks (`__<role>_<what>_input_rules`).
        rules = {
            option: rule
            for name, value in (role_vars or {}).items()
            if name.startswith(f"__{role.name}_") and name.endswith("_input_rules")
            for option, rule in (value or {}).items()
        }
        section = render(yaml.safe_load(spec_file.read_text()), rules)
        text = (
            readme.read_text()
            if readme.exists()
            else f"# {role.name}\n\n## Variables\n\n{BEGIN}\n{END}\n"
        )
        if BEGIN not in text or END not in text:
            text = text.rstrip() + f"\n\n## Variables\n\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        new = head + section + tail
        if new != text:
            stale.append(str(readme.relative_to(ROOT)))
            if not args.check:
                readme.write_text(new)
    if args.check and stale:
        print("stale role READMEs (run `make docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
