"""Bad input stops a playbook before any host changes, with a message naming the variable.

A table of wrong inventories and variables written by hand, for what an argument spec and its
rules cannot express (a missing or empty secret, a published example secret, an empty group, a
rollout batch that would drain every web host or is over 1 with one, a firewall admin range
that would lock the controller out or is no address, a service address that is not on the host,
a rollback to a release that does not exist, a missing certificate file, a plain or unchecked
Redis URL while Redis requires TLS, Redis's TLS required without a certificate, a CA
certificate with another key than its own, a trusted CA that is no certificate, nginx over TLS
without a certificate, a malformed ACME e-mail or directory, a wildcard name for HTTP-01, an
ACME issuer that is not an ACME load balancer, two certificate sources, a bucket name S3
refuses, a full disk), and the cases from_specs.py generates from every argument spec and its
rules (wrong types, choices, numbers out of range, empty and missing values of every option).
Each case runs ansible-playbook (site.yml, deploy.yml, rollback.yml or maintenance.yml) with
wrong values given with -e, or on a copy of the inventory with one group emptied or trimmed,
and checks that:
  - the run fails;
  - a failure message names the variable and what it expects;
  - no Python traceback and no Jinja error is printed;
  - no play after the checks started, and the PLAY RECAP shows changed=0 for every host.
A case marked accepted must instead pass (a right value in a form users give).

    BAD_INPUT_INVENTORY=inventories/sandbox .venv/bin/python tests/bad_input/bad_input.py
    ... -k port           only the cases whose name contains "port"
    ... -j 2              two cases at a time

The inventory's hosts must be reachable (sandbox/up.yml starts them); they need not be
provisioned. BAD_INPUT_ANSIBLE_ARGS adds arguments to every run (e.g.
"--vault-password-file ~/.vault-pass"). Facts go to a cache of the test's own, so the
project's .cache/facts is left alone. It prints one line per case, then
"bad input: N cases tried, M stopped before any change", and exits 1 unless M == N.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The script's own directory is first on sys.path when it runs as a script.
import from_specs
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Projects that cannot be deployed (app_source_path).
PROJECTS = Path(__file__).resolve().parent / "projects"
PLAYBOOKS = ROOT / "playbooks"
# The plays that may run before a bad input is found: facts.yml's (read-only), the deploy
# lock's (taken, and let go when the run ends), the preflight's, maintenance.yml's (its
# one play checks the request first), and the first play of their own of rollback.yml
# (its read-only search for the release) and restore.yml (its checks).
CHECK_PLAYS = {
    play["name"]
    for name in ("facts.yml", "lock.yml", "preflight.yml", "maintenance.yml")
    for play in yaml.safe_load((PLAYBOOKS / name).read_text())
}
CHECK_PLAYS.update(
    next(
        play["name"]
        for play in yaml.safe_load((PLAYBOOKS / name).read_text())
        if "ansible.builtin.import_playbook" not in play
    )
    for name in ("rollback.yml", "restore.yml")
)
# The example production vault, whose password the docs publish.
EXAMPLE_VAULT = ROOT / "inventories" / "production" / "group_vars" / "all" / "vault.yml"
EXAMPLE_VAULT_PASSWORD = "example-vault-password"
MISSING_FILE = "/nonexistent/bad-input/site"
READ_MISSING = "{{{{ lookup('ansible.builtin.file', '" + MISSING_FILE + ".{}') }}}}"
# A certificate from an ACME CA, in place of the sandbox's self-signed one.
ACME = {
    "haproxy_tls_self_signed": False,
    "haproxy_tls_acme": True,
    "haproxy_acme_email": "ops@example.com",
}


def _own_ca() -> dict[str, str]:
    """The user's own CA as roles/pki takes it, but with another key than the certificate's:
    pki_ca_certificate a CA certificate (PEM), pki_ca_private_key a key that is not its own."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bad-input CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return {
        "pki_ca_certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "pki_ca_private_key": other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    }


@dataclass(frozen=True)
class Case:
    name: str
    playbook: str
    # Every string must appear in one failure message: the variable and what it expects.
    expect: tuple[str, ...]
    extra_vars: dict = field(default_factory=dict)
    # Run on a copy of the inventory where this group keeps only its first N hosts
    # (group, N): 0 empties it.
    group_hosts: tuple[str, int] | None = None
    # Give the example production vault's values (-e @vault.yml, its published password).
    example_vault: bool = False
    # More, given as one -e "key=value ..." (strings, as Ansible reads that form).
    key_value: dict = field(default_factory=dict)
    # The run must pass instead (rc 0, nothing changed): a form of input that is right.
    accepted: bool = False
    # Run on a copy of the inventory (a directory) holding these apps' files,
    # apps/<name>.yml: {name: variables} (site_app picks one).
    app_files: dict = field(default_factory=dict)
    # The value is itself a template that fails (a lookup of a missing file): Ansible's
    # error about it is part of the message. Tracebacks still count as crashes.
    template_fails: bool = False


CASES = [
    Case(
        "unknown choice: maintenance is neither on nor off",
        "maintenance.yml",
        ("maintenance", "'on' or 'off'", "maybe"),
        {"maintenance": "maybe"},
    ),
    Case(
        "bad address: haproxy_maintenance_allow names a place, not a range",
        "site.yml",
        ("haproxy_maintenance_allow", "CIDR", "office"),
        {"haproxy_maintenance_allow": ["office"]},
    ),
    Case(
        "rate limit of 0: no login POST would ever pass",
        "site.yml",
        ("haproxy_rate_limit_login_requests", "at least 1", "got 0"),
        {"haproxy_rate_limit_login_requests": 0},
    ),
    Case(
        "own CA whose key is not its own: no host's certificate would verify",
        "site.yml",
        ("pki_ca_private_key", "not the key of pki_ca_certificate"),
        _own_ca(),
    ),
    Case(
        "more trusted CAs, one of them no certificate: every host's trust file would be broken",
        "site.yml",
        ("pki_ca_trusted_certificates", "CA:TRUE", "item(s) 1 "),
        {"pki_ca_trusted_certificates": [_own_ca()["pki_ca_certificate"], "not a certificate"]},
    ),
    Case(
        "nginx over TLS without a certificate: nginx would not start",
        "site.yml",
        ("nginx_tls_certificate", "nginx_tls"),
        {"nginx_tls": True, "nginx_tls_certificate": ""},
    ),
    Case(
        "home page as a health endpoint: every client would get its status alone",
        "site.yml",
        ("haproxy_health_paths", "not '/'"),
        {"haproxy_health_paths": ["/readyz", "/"]},
    ),
    Case(
        "full disk: less free space on the app hosts than app_min_free_mb",
        "deploy.yml",
        ("app_min_free_mb", "MB free on", "web1"),
        {"app_min_free_mb": 1_000_000_000},
    ),
    Case(
        "project without packaging whose settings module is not there",
        "deploy.yml",
        ("app_settings_module", "no pyproject.toml or setup.py", "nosuch.settings"),
        {
            "app_source_path": str(PROJECTS / "no_settings"),
            "app_settings_module": "nosuch.settings",
        },
    ),
    Case(
        "requirements.txt that does not resolve",
        "site.yml",
        ("app_requirements", "resolving", "django-skeleton-stack-no-such-package"),
        {
            "app_source_path": str(PROJECTS / "unresolvable"),
            "app_settings_module": "proj.settings",
        },
    ),
    Case(
        "disagreement: nginx_app_socket is not the app role's socket",
        "site.yml",
        ("nginx_app_socket", "/run/elsewhere/", "the app role's is '/run/app/gunicorn.sock'"),
        {"nginx_app_socket": "/run/elsewhere/gunicorn.sock"},
    ),
    Case(
        "disagreement: celery_program_prefix is not the app role's name",
        "deploy.yml",
        ("celery_program_prefix", "'other'", "the app role's is 'app'"),
        {"celery_program_prefix": "other"},
    ),
    Case(
        "missing secret: a database password names a vault variable that is not there",
        "site.yml",
        ("postgresql_databases[0].password", "A non-empty value is expected"),
        {
            "postgresql_databases": [
                {"name": "app", "user": "app", "password": "{{ vault_bad_input_not_in_the_vault }}"}
            ]
        },
    ),
    Case(
        "duplicate: two apps' RabbitMQ vhosts with the same user",
        "site.yml",
        ("rabbitmq_vhosts", "user twice", "['app', 'app']"),
        {
            "rabbitmq_vhosts": [
                {"name": "app", "user": "app", "password": "one-password"},
                {"name": "shop", "user": "app", "password": "another-password"},
            ]
        },
    ),
    Case(
        "untrimmed secret: a RabbitMQ password ends with a space (rabbitmqctl would trim it)",
        "site.yml",
        ("rabbitmq_vhosts", "begin or end with a space"),
        {"rabbitmq_vhosts": [{"name": "app", "user": "app", "password": "a-password "}]},
    ),
    Case(
        "empty secret: a Redis user's password is empty",
        "site.yml",
        ("redis_users[0].password", "empty", "A non-empty value is expected"),
        {"redis_users": [{"name": "app", "password": ""}]},
    ),
    Case(
        "reserved: a Redis user named default (Redis's own, which the role turns off)",
        "site.yml",
        ("redis_users", "not default", "['default']"),
        {"redis_users": [{"name": "default", "password": "a-password"}]},
    ),
    Case(
        "renamed: rabbitmq_app_password, from before rabbitmq_vhosts",
        "site.yml",
        ("rabbitmq_app_password", "replaced by rabbitmq_vhosts"),
        {"rabbitmq_app_password": "a-password"},
    ),
    Case(
        "renamed: postgresql_db_name, from before postgresql_databases",
        "site.yml",
        ("postgresql_db_name", "replaced by postgresql_databases"),
        {"postgresql_db_name": "app"},
    ),
    Case(
        "duplicate: two apps' databases with the same name",
        "site.yml",
        ("postgresql_databases", "no name or user twice", "['app', 'app']"),
        {
            "postgresql_databases": [
                {"name": "app", "user": "app", "password": "one-password"},
                {"name": "app", "user": "shop", "password": "another-password"},
            ]
        },
    ),
    Case(
        "renamed: haproxy_server_names, from before haproxy_apps",
        "site.yml",
        ("haproxy_server_names", "replaced by haproxy_apps"),
        {"haproxy_server_names": ["www.example.com"]},
    ),
    Case(
        "duplicate: a host name in two apps of haproxy_apps",
        "site.yml",
        ("haproxy_apps", "belongs to one app only", "['localhost'] are in two"),
        {
            "haproxy_apps": [
                {"name": "app", "server_names": ["localhost", "127.0.0.1"]},
                {"name": "shop", "server_names": ["localhost"]},
            ]
        },
    ),
    Case(
        "no backend: the app deployed has no entry in haproxy_apps",
        "deploy.yml",
        ("haproxy_apps", "no entry named renamed", "add {name: renamed"),
        {"app_name": "renamed"},
    ),
    Case(
        "unknown app: site_app names no file of the inventory's apps/",
        "deploy.yml",
        ("site_app", "apps/<name>.yml", "got 'nosuch'"),
        {"site_app": "nosuch"},
    ),
    Case(
        "duplicate: an app's file naming it like another app",
        "deploy.yml",
        ("apps/shop.yml sets app_name to 'app'", "named after the app"),
        {"site_app": "shop"},
        app_files={"shop": {"app_name": "app", "app_settings_module": "shop.settings"}},
    ),
    Case(
        "duplicate: an app's file giving it another app's socket",
        "deploy.yml",
        ("app_gunicorn_socket", "in /run/shop/", "/run/app/gunicorn.sock"),
        {"site_app": "shop"},
        app_files={
            "shop": {
                "app_settings_module": "shop.settings",
                "app_gunicorn_socket": "/run/app/gunicorn.sock",
            }
        },
    ),
    Case(
        "disagreement: the app's nginx names are not the ones HAProxy routes to it",
        "deploy.yml",
        ("nginx_server_names of app", "haproxy_apps", "['elsewhere.example'] are not"),
        {"nginx_server_names": ["localhost", "elsewhere.example"]},
    ),
    Case(
        "unknown app: site_app is a path, not an app's name",
        "deploy.yml",
        ("site_app", "a lower-case letter", "got '../sandbox'"),
        {"site_app": "../sandbox"},
    ),
    Case(
        "shared variable in an app's file: haproxy_apps in apps/shop.yml",
        "deploy.yml",
        ("apps/shop.yml sets ['haproxy_apps']", "every app shares"),
        {"site_app": "shop"},
        app_files={
            "shop": {
                "app_settings_module": "shop.settings",
                "haproxy_apps": [{"name": "shop", "server_names": ["shop.example.com"]}],
            }
        },
    ),
    Case(
        "empty secret: DJANGO_SECRET_KEY in app_secret_environment",
        "deploy.yml",
        ("app_secret_environment.DJANGO_SECRET_KEY", "A non-empty value is expected"),
        {"app_secret_environment": {"DJANGO_SECRET_KEY": ""}},
    ),
    Case(
        "published secret: the sandbox's, in an inventory that is not throwaway",
        "site.yml",
        ("postgresql_databases[0].password", "a published example value", "make your own"),
        {"preflight_published_secrets": False},
    ),
    Case(
        "published secret: the example vault of inventories/production",
        "deploy.yml",
        ("app_secret_environment.DJANGO_SECRET_KEY", "a published example value"),
        {"preflight_published_secrets": False},
        example_vault=True,
    ),
    Case(
        "empty group: loadbalancers",
        "site.yml",
        ("'loadbalancers' has no hosts", "need at least one"),
        group_hosts=("loadbalancers", 0),
    ),
    Case(
        "empty group: brokers while Celery's broker is RabbitMQ",
        "deploy.yml",
        ("celery_broker is rabbitmq", "inventory group brokers (0 hosts, at least 1 needed)"),
        group_hosts=("brokers", 0),
    ),
    Case(
        "empty group: redisservers while Celery's broker is Redis",
        "deploy.yml",
        ("celery_broker is redis", "inventory group redisservers (0 hosts, at least 1 needed)"),
        {"celery_broker": "redis"},
        group_hosts=("redisservers", 0),
    ),
    Case(
        "disagreement: Celery's broker is Redis, the app's CELERY_BROKER_URL RabbitMQ's",
        "deploy.yml",
        ("celery_broker is redis", "CELERY_BROKER_URL must be a redis://", "(it is amqps://...)"),
        {"celery_broker": "redis"},
    ),
    Case(
        "plain AMQP while the broker requires TLS: the workers would lose their broker",
        "deploy.yml",
        (
            "rabbitmq_tls_required is true",
            "CELERY_BROKER_URL must be an amqps:// URL",
            "(it is amqp://...)",
        ),
        {
            "app_secret_environment": {
                "CELERY_BROKER_URL": "amqp://app:bad-input@10.89.68.41:5672/app"
            }
        },
    ),
    Case(
        "plain Redis while Redis requires TLS: the cache would find nothing",
        "deploy.yml",
        (
            "redis_tls_required is true on web1",
            "REDIS_URL in the app's environment, each must be a rediss:// URL",
            "ssl_cert_reqs=required",
        ),
        {"app_environment": {"REDIS_URL": "redis://app:bad-input@10.89.68.21:6379/0"}},
    ),
    Case(
        "Redis over TLS that checks no certificate: a rediss:// broker URL without ssl_cert_reqs",
        "deploy.yml",
        ("redis_tls_required is true on web1", "CELERY_BROKER_URL in the app's environment"),
        {
            "celery_broker": "redis",
            "app_secret_environment": {
                "CELERY_BROKER_URL": "rediss://app:bad-input@10.89.68.21:6380/1"
            },
        },
    ),
    Case(
        "Redis requires TLS without a certificate",
        "site.yml",
        ("redis_tls_certificate and redis_tls_private_key", "redis_tls_required true"),
        {"redis_tls_certificate": "", "redis_tls_private_key": ""},
    ),
    Case(
        "a Redis that evicts as Celery's broker: redis_usage cache",
        "deploy.yml",
        ("celery_broker is redis, but redis_usage is cache on web1", "Set redis_usage to broker"),
        {"celery_broker": "redis", "redis_usage": "cache"},
    ),
    Case(
        "empty group: redisservers while the app's REDIS_URL names a Redis",
        "deploy.yml",
        ("REDIS_URL in the app's environment name a Redis", "redisservers has no hosts"),
        {"app_environment": {"REDIS_URL": "redis://app:secret@10.89.68.21:6379/0"}},
        group_hosts=("redisservers", 0),
    ),
    Case(
        "service address not on the host: postgresql_listen_addresses",
        "site.yml",
        ("postgresql_listen_addresses on web1", "192.0.2.51 is not on the host"),
        {"postgresql_listen_addresses": ["localhost", "192.0.2.51"]},
    ),
    Case(
        "service address not on the host: site_service_address",
        "site.yml",
        ("site_service_address on", "192.0.2.99 is not on the host"),
        {"site_service_address": "192.0.2.99"},
    ),
    Case(
        "firewall admin range that would lock the controller out",
        "site.yml",
        ("firewall_admin_sources", "would lock this controller out", "it connects from"),
        {"firewall_admin_sources": ["192.0.2.0/24", "2001:db8::/32"]},
    ),
    Case(
        "firewall admin range that is no address",
        "site.yml",
        ("firewall_admin_sources", "CIDR ranges"),
        {"firewall_admin_sources": ["office"]},
    ),
    Case(
        "out of range: deploy_web_batch_size drains every web host at once",
        "deploy.yml",
        ("deploy_web_batch_size", "one less than the web hosts", "got 2"),
        {"deploy_web_batch_size": 2},
    ),
    Case(
        "unknown host: haproxy_loadbalancers names a host the inventory does not have",
        "deploy.yml",
        ("haproxy_loadbalancers", "not in the inventory", "lb9"),
        {"haproxy_loadbalancers": ["lb1", "lb9"]},
    ),
    Case(
        "timeout of 0: haproxy_timeout_client (HAProxy reads 0 as no timeout)",
        "site.yml",
        ("haproxy_timeout_client", "an HAProxy time above zero", "got '0s'"),
        key_value={"haproxy_timeout_client": "0s"},
    ),
    Case(
        "out of range: deploy_web_batch_size over 1 with one web host",
        "deploy.yml",
        ("deploy_web_batch_size", "from 1 to 1 (the only web host)", "got 3"),
        key_value={"deploy_web_batch_size": "3"},
        group_hosts=("webservers", 1),
    ),
    Case(
        "rollback to a release that does not exist",
        "rollback.yml",
        ("release=no-such-release", "the id of a release on every web and worker host"),
        {"release": "no-such-release"},
    ),
    Case(
        "missing certificate file: haproxy_tls_certificate reads a file that is not there",
        "site.yml",
        ("haproxy_tls_certificate", f"{MISSING_FILE}.crt", "needs that file on the controller"),
        {
            "haproxy_tls_self_signed": False,
            "haproxy_tls_certificate": READ_MISSING.format("crt"),
            "haproxy_tls_private_key": READ_MISSING.format("key"),
        },
        template_fails=True,
    ),
    Case(
        "malformed ACME e-mail: haproxy_acme_email has no domain",
        "site.yml",
        ("haproxy_acme_email", "the e-mail address of the ACME account", "got 'ops@'"),
        {**ACME, "haproxy_acme_email": "ops@"},
    ),
    Case(
        "malformed ACME directory: haproxy_acme_directory is plain HTTP",
        "site.yml",
        ("haproxy_acme_directory", "the https:// URL", "got 'http://acme.example.com/directory'"),
        {**ACME, "haproxy_acme_directory": "http://acme.example.com/directory"},
    ),
    Case(
        "ACME for a wildcard: haproxy_acme_names lists a name HTTP-01 cannot prove",
        "site.yml",
        ("haproxy_acme_names", "no '*.' name", "*.example.com"),
        {**ACME, "haproxy_acme_names": ["www.example.com", "*.example.com"]},
    ),
    Case(
        "ACME for an address: haproxy_acme_names lists an IP address",
        "site.yml",
        ("haproxy_acme_names", "no IP address", "203.0.113.7"),
        {**ACME, "haproxy_acme_names": ["www.example.com", "203.0.113.7"]},
    ),
    Case(
        "ACME directory CA that is no certificate: haproxy_acme_directory_ca",
        "site.yml",
        ("haproxy_acme_directory_ca", "the PEM certificate of the CA that signs its HTTPS"),
        {**ACME, "haproxy_acme_directory_ca": "not a certificate"},
    ),
    Case(
        "ACME issuer that is no ACME load balancer: haproxy_acme_issuer names a web host",
        "site.yml",
        ("haproxy_acme_issuer", "one of those with haproxy_tls_acme", "got 'web1'"),
        {**ACME, "haproxy_acme_names": ["www.example.com"], "haproxy_acme_issuer": "web1"},
    ),
    Case(
        "two certificate sources: haproxy_tls_acme and haproxy_tls_self_signed",
        "site.yml",
        ("haproxy_tls_acme: true", "haproxy_tls_self_signed: true", "not two of them"),
        {**ACME, "haproxy_tls_self_signed": True},
    ),
    Case(
        "bad bucket name: media_backup_buckets names a bucket S3 refuses",
        "site.yml",
        ("media_backup_buckets", "an S3 bucket name", "['app']"),
        {
            "media_backup_buckets": [
                {
                    "name": "app",
                    "bucket": "App_Media",
                    "access_key_id": "key",
                    "secret_access_key": "secret",
                }
            ]
        },
    ),
    Case(
        "backup repository host not in the inventory: pgbackrest_repository_host",
        "site.yml",
        (
            "pgbackrest_repository_host on web1",
            "a host of the inventory's backupservers group",
            "backup9",
        ),
        {"pgbackrest_repository_host": "backup9"},
    ),
    Case(
        "backup passphrase too short: pgbackrest_cipher_pass",
        "site.yml",
        ("pgbackrest_cipher_pass on lb1", "at least 20 characters"),
        {"pgbackrest_cipher_pass": "short"},
    ),
    Case(
        "backup schedule systemd cannot read: pgbackrest_full_schedule",
        "site.yml",
        ("pgbackrest_full_schedule", "a systemd calendar event", "every sunday"),
        {"pgbackrest_full_schedule": "every sunday"},
    ),
    Case(
        "duplicate: two supervisord programs with the same name",
        "site.yml",
        ("supervisor_programs", "each name must appear once", "['worker', 'worker']"),
        {
            "supervisor_programs": [
                {"name": "worker", "command": "/bin/true"},
                {"name": "worker", "command": "/bin/false"},
            ]
        },
    ),
    Case(
        "restore without confirmation: restore_confirm",
        "restore.yml",
        ("restore_confirm", "the database server to restore", "['web1']"),
    ),
    Case(
        "restore point that is not a moment: restore_time",
        "restore.yml",
        ("restore_time", "YYYY-MM-DD HH:MM:SS and its UTC offset", "yesterday"),
        {"restore_confirm": "web1", "restore_time": "yesterday"},
    ),
]

# And the cases generated from the argument specs (from_specs.py): the wrong types and
# choices of every option of every role and playbook.
CASES += from_specs.cases(Case)

RESULT = re.compile(
    r"^(?:fatal|failed): \[[^\]]+\](?: \(item=.*?\))?(?: => |: FAILED! => )(\{.*\})$"
)
# What Ansible prints when a value breaks it instead of a check naming the value.
CRASH = re.compile(r"Traceback \(most recent call last\)|Unexpected Exception")
TEMPLATE_ERROR = re.compile(
    r"Error rendering|Error while resolving value|not supported between instances|Template error"
)
PLAY = re.compile(r"^PLAY \[(.*)\] \*+$")
RECAP = re.compile(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")


def _trim_group(data: object, group: str, keep: int) -> bool:
    """Keep the first `keep` hosts of `group` in a YAML inventory; the others stay in the
    inventory, ungrouped."""
    children = data.get("all", {}).get("children") if isinstance(data, dict) else None
    if not isinstance(children, dict) or group not in children:
        return False
    hosts = list(((children[group] or {}).get("hosts") or {}).items())
    children[group] = {"hosts": dict(hosts[:keep])} if keep else {}
    data["all"].setdefault("hosts", {})
    data["all"]["hosts"] = {**dict(hosts[keep:]), **(data["all"]["hosts"] or {})}
    return True


def inventory_copy(inventory: Path, group_hosts: tuple[str, int] | None, app_files: dict) -> Path:
    """A copy of the inventory beside it (so relative paths still resolve), a group trimmed
    to its first hosts (group_hosts: group, how many) and `app_files` written to its apps/
    directory."""
    prefix = f".bad-input-{group_hosts[0] if group_hosts else 'apps'}-"
    if inventory.is_dir():
        copy = Path(tempfile.mkdtemp(prefix=prefix, dir=inventory.parent))
        shutil.copytree(inventory, copy, symlinks=True, dirs_exist_ok=True)
        sources = [p for p in copy.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()]
    elif app_files:
        raise SystemExit(f"apps' files need an inventory directory, not {inventory}")
    else:
        handle, name = tempfile.mkstemp(
            prefix=prefix, suffix=inventory.suffix, dir=inventory.parent
        )
        os.close(handle)
        copy = Path(name)
        shutil.copyfile(inventory, copy)
        sources = [copy]
    for app, variables in app_files.items():
        (copy / "apps").mkdir(exist_ok=True)
        (copy / "apps" / f"{app}.yml").write_text(yaml.safe_dump(variables, sort_keys=False))
    if group_hosts is None:
        return copy
    for source in sources:
        data = yaml.safe_load(source.read_text())
        if _trim_group(data, *group_hosts):
            source.write_text(yaml.safe_dump(data, sort_keys=False))
            return copy
    remove(copy)
    raise SystemExit(f"no YAML inventory file in {inventory} defines all.children.{group_hosts[0]}")


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


@dataclass
class Outcome:
    case: Case
    problems: list[str]
    message: str
    seconds: float
    log: Path


def run_case(case: Case, inventory: Path, env: dict[str, str], logs: Path, number: int) -> Outcome:
    copied = bool(case.group_hosts or case.app_files)
    inv = inventory_copy(inventory, case.group_hosts, case.app_files) if copied else inventory
    command = [
        env["BAD_INPUT_ANSIBLE_PLAYBOOK"],
        "-i",
        str(inv),
        str(PLAYBOOKS / case.playbook),
        *shlex.split(env.get("BAD_INPUT_ANSIBLE_ARGS", "")),
    ]
    if case.example_vault:
        command += ["-e", f"@{EXAMPLE_VAULT}"]
        command += ["--vault-password-file", env["BAD_INPUT_EXAMPLE_PASS"]]
    if case.extra_vars:
        command += ["-e", json.dumps(case.extra_vars)]
    if case.key_value:
        command += ["-e", " ".join(f"{key}={value}" for key, value in case.key_value.items())]
    # The cases run at once: each takes a deploy lock of its own (unless it tries a wrong one).
    if "deploy_lock_path" not in {**case.extra_vars, **case.key_value}:
        command += ["-e", f"deploy_lock_path=/var/lib/django-skeleton/bad-input-{number:02d}.lock"]
    start = time.monotonic()
    try:
        run = subprocess.run(  # noqa: S603 - our own command line, no shell
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
        )
    finally:
        if copied:
            remove(inv)
    seconds = time.monotonic() - start
    output = run.stdout + run.stderr
    log = logs / f"{number:02d}.log"
    log.write_text(f"$ {shlex.join(command)}\n(exit {run.returncode})\n\n{output}")

    lines = output.splitlines()
    messages = [json.loads(m.group(1)).get("msg", "") for m in map(RESULT.match, lines) if m]
    plays = [m.group(1) for m in map(PLAY.match, lines) if m]
    recap = [m.groups() for m in map(RECAP.match, lines) if m]

    problems = []
    named = [msg for msg in messages if all(e in msg for e in case.expect)]
    if case.accepted and run.returncode != 0:
        problems.append(f"the run failed: {messages[:1]}")
    if not case.accepted and run.returncode == 0:
        problems.append("the run succeeded")
    if not case.accepted and not named:
        problems.append(f"no failure message contains all of {list(case.expect)}")
    crashes = [line.strip() for line in lines if CRASH.search(line)]
    if not case.template_fails:
        crashes += [line.strip() for line in lines if TEMPLATE_ERROR.search(line)]
    if crashes:
        problems.append(f"a crash, not a message: {crashes[:2]}")
    if later := [p for p in plays if p not in CHECK_PLAYS]:
        problems.append(f"plays after the checks started: {later}")
    if not recap:
        problems.append("no PLAY RECAP")
    if changed := [host for host, n, _, _ in recap if n != "0"]:
        problems.append(f"hosts changed: {changed}")
    if unreachable := [host for host, _, n, _ in recap if n != "0"]:
        problems.append(f"hosts unreachable: {unreachable}")
    message = (named or messages or [""])[0]
    return Outcome(case, problems, " ".join(message.split()), seconds, log)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--inventory",
        default=os.environ.get("BAD_INPUT_INVENTORY"),
        help="inventory whose hosts the playbooks run on (default: $BAD_INPUT_INVENTORY)",
    )
    parser.add_argument("-k", default="", help="only the cases whose name contains this")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="cases run at a time")
    args = parser.parse_args()
    if not args.inventory:
        parser.error("give --inventory or set BAD_INPUT_INVENTORY")
    inventory = Path(args.inventory).resolve()
    cases = [case for case in CASES if args.k in case.name]

    venv_playbook = Path(sys.executable).parent / "ansible-playbook"
    logs = Path(tempfile.mkdtemp(prefix="bad-input-"))
    example_pass = logs / "example-vault-password"
    example_pass.write_text(EXAMPLE_VAULT_PASSWORD + "\n")
    env = {
        **os.environ,
        "BAD_INPUT_ANSIBLE_PLAYBOOK": str(venv_playbook)
        if venv_playbook.exists()
        else shutil.which("ansible-playbook") or "ansible-playbook",
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_CACHE_PLUGIN_CONNECTION": str(logs / "facts"),
        # Test speed only: forked workers do not copy the controller's heap (about a
        # tenth of this table's CPU), and compile each template once for every case (a
        # sixth): molecule/resources/callback_plugins/.
        "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "molecule" / "resources" / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "fork_friendly,template_cache",
        "BAD_INPUT_EXAMPLE_PASS": str(example_pass),
    }

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(run_case, case, inventory, env, logs, number)
            for number, case in enumerate(cases, 1)
        ]
        outcomes = []
        for future in futures:
            outcome = future.result()
            outcomes.append(outcome)
            status = "ok  " if not outcome.problems else "FAIL"
            case = outcome.case
            print(f"{status} {case.name} ({case.playbook}, {outcome.seconds:.0f} s)")
            print(f"       {outcome.message[:300]}")
            for problem in outcome.problems:
                print(f"       {problem}; see {outcome.log}")

    generated: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.case.name.startswith("spec "):
            role = outcome.case.name.split()[1].rstrip(":")
            generated[role] = generated.get(role, 0) + 1
    print(
        f"generated from the argument specs: {sum(generated.values())} cases "
        f"({', '.join(f'{role} {count}' for role, count in sorted(generated.items()))}); "
        f"written by hand: {len(outcomes) - sum(generated.values())}"
    )
    stopped = sum(not outcome.problems for outcome in outcomes)
    print(f"(logs in {logs}, {time.monotonic() - started:.0f} s in all)")
    print(f"bad input: {len(outcomes)} cases tried, {stopped} stopped before any change")
    return 0 if outcomes and stopped == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
