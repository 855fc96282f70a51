#!/usr/bin/python3
"""Try TCP connections from this host and say how each ended, as JSON. Standard library
only (it runs on the hosts through `script`).

    probe_ports.py ADDRESS:PORT ...

Each target is tried at once, with a 3 s timeout:
  "open"      the connection was accepted;
  "refused"   the host answered with a reset: nothing listens, but nothing filters either;
  "filtered"  no answer within the timeout: a firewall dropped the packets;
  "error"     anything else (no route, an unknown name), with its text.
Always exits 0: the playbook asserts on the states.
"""

from __future__ import annotations

import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 3.0


def probe(target: str) -> dict[str, object]:
    address, _, port = target.rpartition(":")
    address = address.strip("[]")
    try:
        with socket.create_connection((address, int(port)), timeout=TIMEOUT):
            state, detail = "open", ""
    except ConnectionRefusedError:
        state, detail = "refused", ""
    except TimeoutError:
        state, detail = "filtered", ""
    except OSError as error:
        state, detail = "error", str(error)
    return {"target": target, "state": state, "detail": detail}


def main() -> int:
    with ThreadPoolExecutor(max_workers=max(1, len(sys.argv) - 1)) as pool:
        print(json.dumps(list(pool.map(probe, sys.argv[1:]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
