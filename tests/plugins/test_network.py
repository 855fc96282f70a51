"""The collection's IP filters (plugins/filter/network.py), as templates use them."""

import importlib.util
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

_spec = importlib.util.spec_from_file_location(
    "network", Path(__file__).resolve().parents[2] / "plugins" / "filter" / "network.py"
)
network = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(network)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.0.0.5", "10.0.0.5/32"),
        ("fd00::5", "fd00::5/128"),
        ("2001:DB8::1", "2001:db8::1/128"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("10.1.2.3/8", "10.0.0.0/8"),
    ],
)
def test_a_lone_address_becomes_a_host_network_of_its_family(value, expected):
    assert network.ip_network(value) == expected


def test_a_name_is_no_network():
    with pytest.raises(AnsibleFilterError, match=r"db\.example\.com"):
        network.ip_network("db.example.com")


def test_invalid_lists_only_what_is_no_address_or_range():
    assert network.ip_invalid(["10.0.0.5", "::/0", "office", "10.0.0.1/33", ""]) == [
        "office",
        "10.0.0.1/33",
        "",
    ]


def test_collapse_merges_duplicates_and_covered_ranges_ipv4_first():
    assert network.ip_collapse(["fd00::5", "10.0.0.5", "10.0.0.0/8", "10.0.0.5", "192.0.2.1"]) == [
        "10.0.0.0/8",
        "192.0.2.1/32",
        "fd00::5/128",
    ]


@pytest.mark.parametrize(
    ("address", "networks", "inside"),
    [
        ("10.89.50.1", ["10.89.50.1"], True),
        ("10.89.50.1", ["10.89.0.0/16"], True),
        ("10.89.51.1", ["10.89.50.0/24", "::/0"], False),
        ("fd00::1", ["0.0.0.0/0", "::/0"], True),
        ("fd00::1", ["0.0.0.0/0"], False),
    ],
)
def test_in_networks_compares_within_one_family(address, networks, inside):
    assert network.ip_in_networks(address, networks) is inside
