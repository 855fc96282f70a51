#!/usr/bin/python
# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""Say whether a TLS server serves the certificate in a file."""

from __future__ import annotations

import socket
import ssl

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: served_certificate
short_description: Say whether a TLS server serves the certificate in a file
description:
  - Connects to C(host):C(port), reads the certificate the server presents (without checking
    it) and compares it with the PEM certificate in C(path).
  - A server loads its certificate when it starts or reloads, so a certificate renewed on disk
    is served only after that. The roles run this every run and reload (or clear a cache)
    when C(served) is false, so a renewal that a stopped run left unserved is served by the
    next run.
  - Reads only; runs in check mode too and never reports a change.
  - Used by roles/nginx and roles/rabbitmq, for the host's certificate from roles/pki.
options:
  host:
    description: The address the server listens on.
    type: str
    required: true
  port:
    description: The port it serves TLS on.
    type: int
    required: true
  path:
    description: The PEM certificate it should serve.
    type: path
    required: true
  timeout:
    description: Seconds to wait for the connection and the handshake.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Compare the certificate nginx serves with the host's
  django_skeleton.stack.served_certificate:
    host: 127.0.0.1
    port: 443
    path: /etc/ssl/django_skeleton/host.crt
  register: served
  changed_when: not served.served
  notify: Reload nginx
"""

RETURN = r"""
served:
  description: Whether the server presents the certificate in C(path).
  type: bool
  returned: success
"""


def presented(host: str, port: int, timeout: int) -> bytes:
    """The DER certificate the server presents, unchecked."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as connection,
        context.wrap_socket(connection) as tls,
    ):
        return tls.getpeercert(binary_form=True)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "host": {"type": "str", "required": True},
            "port": {"type": "int", "required": True},
            "path": {"type": "path", "required": True},
            "timeout": {"type": "int", "default": 10},
        },
        supports_check_mode=True,
    )
    params = module.params
    try:
        with open(params["path"], encoding="ascii") as file:
            on_disk = ssl.PEM_cert_to_DER_cert(file.read())
    except (OSError, ValueError) as error:
        module.fail_json(msg=f"cannot read the certificate {params['path']}: {error}")
    try:
        served = presented(params["host"], params["port"], params["timeout"])
    except (OSError, ssl.SSLError) as error:
        module.fail_json(msg=f"no TLS server answers on {params['host']}:{params['port']}: {error}")
    module.exit_json(changed=False, served=served == on_disk)


if __name__ == "__main__":
    main()
