"""Where Debian's PostgreSQL keeps its main cluster, by Debian release: one source for the
postgresql role (which installs it) and the pgbackrest role (which backs it up on the
database server, names it from the backup host, and restores it).

    'bookworm' | django_skeleton.stack.postgresql_cluster
        -> {'version': '15', 'data_dir': '/var/lib/postgresql/15/main',
            'conf_dir': '/etc/postgresql/15/main', 'bin_dir': '/usr/lib/postgresql/15/bin',
            'service': 'postgresql@15-main'}
    'sid' | django_skeleton.stack.postgresql_cluster        -> {} (not supported)
    ansible_facts | django_skeleton.stack.postgresql_releases -> ['bookworm', 'trixie']

Installing the versioned package (not the `postgresql` metapackage) keeps a dist-upgrade
from pulling in a second, empty cluster, and gives the roles these paths before the
package is there (check mode).
"""

VERSIONS = {"bookworm": "15", "trixie": "17"}


def postgresql_cluster(release):
    version = VERSIONS.get(str(release))
    if version is None:
        return {}
    return {
        "version": version,
        "data_dir": f"/var/lib/postgresql/{version}/main",
        "conf_dir": f"/etc/postgresql/{version}/main",
        "bin_dir": f"/usr/lib/postgresql/{version}/bin",
        "service": f"postgresql@{version}-main",
    }


def postgresql_releases(_anything=None):
    return list(VERSIONS)


class FilterModule:
    def filters(self):
        return {
            "postgresql_cluster": postgresql_cluster,
            "postgresql_releases": postgresql_releases,
        }
