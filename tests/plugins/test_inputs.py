"""The input rules (plugins/filter/inputs.py) and their data beside every argument spec."""

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("inputs", ROOT / "plugins" / "filter" / "inputs.py")
inputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(inputs)
sys.path.insert(0, str(ROOT / "tests" / "bad_input"))
import from_specs  # noqa: E402 - found through the path set just above

PORT = {"min": 1, "max": 65535}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0, "port: a whole number from 1 to 65535, got 0."),
        ("0", "port: a whole number from 1 to 65535, got '0'."),
        (65536, "port: a whole number from 1 to 65535, got 65536."),
        ("abc", "port: a whole number from 1 to 65535, got 'abc'."),
        ("1.5", "port: a whole number from 1 to 65535, got '1.5'."),
        (True, "port: a whole number from 1 to 65535, got true."),
        (None, "port: a whole number from 1 to 65535, got null."),
        ("", "port: a whole number from 1 to 65535, got ''."),
    ],
)
def test_a_number_out_of_its_bounds_or_no_number_is_named_with_what_it_got(value, problem):
    assert inputs.input_problems({"port": value}, {"port": PORT}) == [problem]


@pytest.mark.parametrize("value", [1, "1", " 8080 ", 65535, "65535", 80.0])
def test_a_number_within_its_bounds_passes_also_given_as_a_string(value):
    assert inputs.input_problems({"port": value}, {"port": PORT}) == []


def test_one_bound_reads_as_at_least_or_at_most():
    rules = {"keep": {"min": 2}, "share": {"max": 10}}
    assert inputs.input_problems({"keep": "1", "share": 11}, rules) == [
        "keep: a whole number of at least 2, got '1'.",
        "share: a whole number of at most 10, got 11.",
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [("", "''"), ("  ", "'  '"), ([], "[]"), ({}, "{}"), (None, "null")]
)
def test_an_empty_value_is_refused_where_the_rules_say_not_empty(value, shown):
    problems = inputs.input_problems({"names": value}, {"names": {"not_empty": True}})
    assert problems == [f"names: a value that is not empty, got {shown}."]


@pytest.mark.parametrize("value", ["x", ["a"], {"a": 1}, 0, False])
def test_a_value_with_something_in_it_is_not_empty(value):
    assert inputs.input_problems({"names": value}, {"names": {"not_empty": True}}) == []


def test_each_problem_is_its_own_message_in_the_rules_order_and_unset_names_are_skipped():
    rules = {"a": {"not_empty": True}, "b": PORT, "c": PORT}
    assert inputs.input_problems({"b": 0, "a": ""}, rules) == [
        "a: a value that is not empty, got ''.",
        "b: a whole number from 1 to 65535, got 0.",
    ]


@pytest.mark.parametrize("rule", [{}, {"minimum": 1}, "1-65535", {"min": 1, "nonempty": True}])
def test_a_rule_with_unknown_keys_is_a_mistake_named_at_once(rule):
    with pytest.raises(AnsibleFilterError, match="the rule of port may have"):
        inputs.input_problems({"port": 80}, {"port": rule})


SOURCES = from_specs.sources()


@pytest.mark.parametrize(
    ("what", "options", "rules"), [(s[0], s[2], s[3]) for s in SOURCES], ids=[s[0] for s in SOURCES]
)
def test_every_number_of_every_spec_has_bounds_and_every_rule_names_an_option(what, options, rules):
    """A new number in a spec must get its bounds (or the generated bad-input cases would
    miss it), and a rule must not outlive its option."""
    numbers = {name for name, spec in options.items() if spec.get("type") in ("int", "float")}
    assert numbers - {n for n, r in rules.items() if "min" in r or "max" in r} == set()
    assert set(rules) - set(options) == set()


def test_the_rules_are_data_the_filter_accepts():
    for _, _, options, rules in SOURCES:
        defaults = {name: options[name].get("default") for name in rules}
        inputs.input_problems(
            {k: v for k, v in defaults.items() if isinstance(v, (int, str, list))}, rules
        )


def test_the_playbooks_rules_parse_as_yaml_beside_their_specs():
    data = yaml.safe_load((ROOT / "playbooks" / "vars" / "argument_specs.yml").read_text())
    assert set(data["input_rules"]) <= {
        name for spec in data["argument_specs"].values() for name in spec.get("options") or {}
    }
