#!/usr/bin/python
# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""Send commands to HAProxy's runtime API (the admin socket) and return its answer."""

from __future__ import annotations

import socket

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: haproxy_runtime
short_description: Send commands to HAProxy's runtime API and return the answer
description:
  - Connects to HAProxy's admin socket (a UNIX socket, C(stats socket ... level admin)), sends
    C(command) (several separated by C(;), as HAProxy reads them) and returns what HAProxy
    answers, as C(socat stdio UNIX-CONNECT:<socket>) would.
  - Reads (C(show ...)) run in check mode too and never report a change. Anything else is a
    write; it reports a change, is skipped in check mode, and fails when HAProxy answers
    anything (HAProxy answers nothing to a write that worked, and a message to one that did
    not).
  - Used by roles/haproxy (server states, maintenance mode).
options:
  socket:
    description: The admin socket.
    type: path
    required: true
  command:
    description: The runtime API command, e.g. C(show servers state app) or C(clear acl <file>).
    type: str
    required: true
  timeout:
    description: Seconds to wait for HAProxy's answer.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Read the backend's server states
  django_skeleton.stack.haproxy_runtime:
    socket: /run/haproxy/admin.sock
    command: show servers state app
  register: states
"""

RETURN = r"""
stdout:
  description: HAProxy's answer (empty for a write done in check mode).
  type: str
  returned: always
stdout_lines:
  description: The answer, one item a line, without the empty last line HAProxy ends with.
  type: list
  elements: str
  returned: always
"""


def ask(path: str, command: str, timeout: int) -> str:
    """Send one line to the runtime API and read until HAProxy closes the connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(path)
        conn.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def main():
    module = AnsibleModule(
        argument_spec={
            "socket": {"type": "path", "required": True},
            "command": {"type": "str", "required": True},
            "timeout": {"type": "int", "default": 10},
        },
        supports_check_mode=True,
    )
    command = module.params["command"].strip()
    read = all(part.strip().startswith("show ") for part in command.split(";"))
    if module.check_mode and not read:
        module.exit_json(changed=True, stdout="", stdout_lines=[])
    try:
        answer = ask(module.params["socket"], command, module.params["timeout"])
    except OSError as exc:
        module.fail_json(msg=f"HAProxy's runtime API at {module.params['socket']}: {exc}")
    lines = answer.strip("\n").splitlines()
    if not read and answer.strip():
        module.fail_json(
            msg=f"HAProxy refused '{command}': {answer.strip()}", stdout=answer, stdout_lines=lines
        )
    module.exit_json(changed=not read, stdout=answer, stdout_lines=lines)


if __name__ == "__main__":
    main()
