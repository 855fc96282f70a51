"""Filters on IP addresses and ranges, from Python's ipaddress (no netaddr needed).

    '10.0.0.5' | django_skeleton.stack.ip_network            -> '10.0.0.5/32'
    'fd00::5' | django_skeleton.stack.ip_network             -> 'fd00::5/128'
    ['10.0.0.5', 'nope'] | django_skeleton.stack.ip_invalid  -> ['nope']
    ['10.0.0.5', '10.0.0.0/8', 'fd00::5'] | django_skeleton.stack.ip_collapse
                                                     -> ['10.0.0.0/8', 'fd00::5/128']
    '10.0.0.5' | django_skeleton.stack.ip_in_networks(['10.0.0.0/24'])  -> true
    ansible_facts | django_skeleton.stack.host_addresses       -> the host's IPs, loopback included
    hostvars['web1'] | django_skeleton.stack.service_address  -> web1's service address
    groups['webservers'] | map('extract', hostvars) | map('django_skeleton.stack.service_address')
    ['db1', '10.0.0.5'] | django_skeleton.stack.subject_alt_names  -> ['DNS:db1', 'IP:10.0.0.5']
    hostvars['web1'] | django_skeleton.stack.web_tls  -> whether HAProxy reaches web1 over TLS

Used where a rule needs a network (pg_hba, nftables) and by the preflight's checks.

A host's service address is where its services listen and where its peers reach it:
its `site_service_address` (an inventory variable, on hosts with a private network
apart from the one SSH uses), else its `ansible_host`, else its inventory name. Every
role that listens for peers or names a peer derives its default from this one rule.

Whether a web host's nginx serves the load balancers over TLS is decided by one rule too,
which roles/nginx (nginx_tls) and roles/haproxy (each server's line) both read: the host's
`nginx_tls` where the inventory sets it, else true when the host has no private service
network (no `site_service_address`: its peers reach it on a network others share) and has a
certificate from the private CA (`pki_layout`, published by playbooks/facts.yml).
"""

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean


def _network(value):
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError as error:
        raise AnsibleFilterError(f"not an IP address or range: {value!r} ({error})") from None


def ip_network(value):
    """An address or range as a network: a lone address gets /32 (IPv4) or /128 (IPv6)."""
    return str(_network(value))


def ip_invalid(values):
    """The entries of a list that are not IP addresses or ranges (CIDR)."""
    invalid = []
    for value in values:
        try:
            _network(value)
        except AnsibleFilterError:
            invalid.append(value)
    return invalid


def ip_collapse(values):
    """Addresses and ranges as the fewest networks covering them: IPv4 first, then IPv6, sorted."""
    networks = [_network(value) for value in values]
    return [
        str(network)
        for version in (4, 6)
        for network in ipaddress.collapse_addresses(n for n in networks if n.version == version)
    ]


def ip_in_networks(address, networks):
    """Whether an address (or range) lies inside one of the networks."""
    inner = _network(address)
    return any(
        inner.version == outer.version and inner.subnet_of(outer)
        for outer in map(_network, networks)
    )


def host_addresses(facts, loopback=True):
    """The IP addresses a host has, from its gathered facts (ansible_facts): every IPv4 and
    IPv6 address, and the loopback ones unless loopback=false. Empty without facts."""
    found = list(facts.get("all_ipv4_addresses", [])) + list(facts.get("all_ipv6_addresses", []))
    return (["127.0.0.1", "::1"] if loopback else []) + found


def service_address(host_vars):
    """A host's service address, from its hostvars (see the module's docstring)."""
    for name in ("site_service_address", "ansible_host", "inventory_hostname"):
        value = host_vars.get(name)
        if value not in (None, ""):
            return str(value)
    raise AnsibleFilterError("service_address: expects a host's hostvars (hostvars[name])")


def web_tls(host_vars):
    """Whether a web host's nginx serves the load balancers over TLS, from its hostvars (see
    the module's docstring)."""
    if "nginx_tls" in host_vars:
        return boolean(host_vars["nginx_tls"], strict=False)
    private = host_vars.get("site_service_address") not in (None, "")
    return not private and "pki_layout" in host_vars


def subject_alt_names(names):
    """Names a certificate is for, as subjectAltName entries: IP:<address> for an IP
    address, DNS:<name> for anything else; each once, in order."""
    out = []
    for name in names:
        name = str(name).strip()
        try:
            entry = f"IP:{ipaddress.ip_address(name)}"
        except ValueError:
            entry = f"DNS:{name}"
        if name and entry not in out:
            out.append(entry)
    return out


class FilterModule:
    def filters(self):
        return {
            "ip_network": ip_network,
            "ip_invalid": ip_invalid,
            "ip_collapse": ip_collapse,
            "ip_in_networks": ip_in_networks,
            "subject_alt_names": subject_alt_names,
            "host_addresses": host_addresses,
            "service_address": service_address,
            "web_tls": web_tls,
        }
