"""Debian's PostgreSQL by release (plugins/filter/postgresql.py), which the postgresql and
pgbackrest roles both read."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "postgresql", Path(__file__).resolve().parents[2] / "plugins" / "filter" / "postgresql.py"
)
postgresql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(postgresql)


def test_each_supported_release_names_its_cluster() -> None:
    assert postgresql.postgresql_cluster("bookworm") == {
        "version": "15",
        "data_dir": "/var/lib/postgresql/15/main",
        "conf_dir": "/etc/postgresql/15/main",
        "bin_dir": "/usr/lib/postgresql/15/bin",
        "service": "postgresql@15-main",
    }
    assert postgresql.postgresql_cluster("trixie")["service"] == "postgresql@17-main"


def test_an_unsupported_release_has_no_cluster_and_the_supported_ones_are_listed() -> None:
    assert postgresql.postgresql_cluster("sid") == {}
    assert postgresql.postgresql_releases({}) == ["bookworm", "trixie"]
