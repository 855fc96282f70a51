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


_WEB1 = {"ansible_host": "192.0.2.21", "inventory_hostname": "web1"}


@pytest.mark.parametrize(
    ("host_vars", "expected"),
    [
        ({**_WEB1, "site_service_address": "10.0.1.21"}, "10.0.1.21"),
        (_WEB1, "192.0.2.21"),
        ({**_WEB1, "site_service_address": ""}, "192.0.2.21"),
        ({"inventory_hostname": "web1"}, "web1"),
    ],
)
def test_a_hosts_service_address_is_its_own_then_its_ssh_address_then_its_name(host_vars, expected):
    assert network.service_address(host_vars) == expected


def test_a_service_address_needs_a_hosts_vars():
    with pytest.raises(AnsibleFilterError, match="hostvars"):
        network.service_address({})


_PKI = {"pki_layout": {"certificate": "/etc/ssl/django_skeleton/host.crt"}}


@pytest.mark.parametrize(
    ("host_vars", "expected"),
    [
        # On a network others share, with a certificate: TLS.
        ({**_WEB1, **_PKI}, True),
        ({**_WEB1, **_PKI, "site_service_address": ""}, True),
        # On a private service network, or without a certificate: plain HTTP.
        ({**_WEB1, **_PKI, "site_service_address": "10.0.1.21"}, False),
        (_WEB1, False),
        # The inventory's nginx_tls wins, in the forms YAML and -e give.
        ({**_WEB1, **_PKI, "site_service_address": "10.0.1.21", "nginx_tls": True}, True),
        ({**_WEB1, **_PKI, "nginx_tls": "false"}, False),
        ({**_WEB1, "nginx_tls": "yes"}, True),
    ],
)
def test_haproxy_reaches_nginx_over_tls_off_a_private_network_or_as_the_inventory_says(
    host_vars, expected
):
    assert network.web_tls(host_vars) is expected


def test_a_hosts_addresses_are_its_facts_and_the_loopback_unless_left_out():
    facts = {"all_ipv4_addresses": ["10.0.1.21"], "all_ipv6_addresses": ["fd00::21"]}
    assert network.host_addresses(facts) == ["127.0.0.1", "::1", "10.0.1.21", "fd00::21"]
    assert network.host_addresses(facts, loopback=False) == ["10.0.1.21", "fd00::21"]
    assert network.host_addresses({}) == ["127.0.0.1", "::1"]


def test_a_certificates_names_are_ip_entries_for_addresses_and_dns_entries_otherwise_each_once():
    names = ["db1", "10.0.1.51", " db1 ", "fd00::51", "db1.internal.example.com", "", "10.0.1.51"]
    assert network.subject_alt_names(names) == [
        "DNS:db1",
        "IP:10.0.1.51",
        "IP:fd00::51",
        "DNS:db1.internal.example.com",
    ]
