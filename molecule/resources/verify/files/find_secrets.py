#!/usr/bin/python3
"""Find files that contain secrets, and say which ones other users can read. Standard library only.

    SECRETS_JSON='[{"name": "vault_x", "value": "..."}]' find_secrets.py DIR...

Prints JSON: how many files were read, and for every file holding a secret its path,
mode, owner, group, the secret names (never the values), whether its mode has o+r,
and whether others can actually reach it (o+x on every parent directory).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import sys

MAX_BYTES = 20 * 1024 * 1024


def reachable_by_others(path: str) -> bool:
    parent = os.path.dirname(path)
    while parent not in ("", "/"):
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(parent)
    return True


def name_of(lookup, ident: int) -> str:
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def main() -> None:
    secrets = [
        (item["name"], item["value"].encode()) for item in json.loads(os.environ["SECRETS_JSON"])
    ]
    # secrets.yml refuses values it cannot look for; an empty one would match every file.
    if not secrets or not all(value for _name, value in secrets):
        sys.exit("find_secrets.py: no secrets, or an empty one, to look for")
    scanned = 0
    found = []
    for root in sys.argv[1:]:
        for directory, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(directory, name)
                try:
                    info = os.lstat(path)
                    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                        continue
                    with open(path, "rb") as handle:
                        content = handle.read()
                except OSError:
                    continue
                scanned += 1
                names = sorted({label for label, value in secrets if value in content})
                if names:
                    other_readable = bool(info.st_mode & stat.S_IROTH)
                    found.append(
                        {
                            "path": path,
                            "mode": oct(stat.S_IMODE(info.st_mode)),
                            "owner": name_of(pwd.getpwuid, info.st_uid),
                            "group": name_of(grp.getgrgid, info.st_gid),
                            "secrets": names,
                            "other_readable": other_readable,
                            "reachable_by_others": other_readable and reachable_by_others(path),
                        }
                    )
    print(json.dumps({"scanned": scanned, "files": found}))


if __name__ == "__main__":
    main()
