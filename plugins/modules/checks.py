#!/usr/bin/python
# Copyright: django_skeleton.stack contributors
# MIT License (see COPYING or https://opensource.org/license/mit)
"""Documentation of the checks action (plugins/action/checks.py), which runs on the controller."""

from __future__ import annotations

DOCUMENTATION = r"""
module: checks
short_description: Check a role's inputs in one task, each with a message naming its variable
description:
  - Evaluates each check's C(when), then its C(that) conditions, as M(ansible.builtin.assert)
    does, in one task, so one worker per host instead of one per check (each task costs the
    controller a fork per host, and the preflight checks over a hundred inputs on every run).
  - Fails with the message of every check that fails, in order. A check marked C(stop) that
    fails ends the list (the checks after it rely on it), and so does a check that cannot be
    evaluated after another has failed (it may rest on what failed). One that cannot be
    evaluated when none has failed is an error, as in M(ansible.builtin.assert).
  - Messages are templated only for the checks that fail. It never changes anything and runs
    on the controller, in check mode too.
options:
  checks:
    description: The checks, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What the check is about (for the reader; not printed).
        type: str
      that:
        description: A condition, or a list of them that must all hold.
        type: raw
        required: true
      fail_msg:
        description: The message when a condition fails, naming the variable and what it expects.
        type: str
        required: true
      when:
        description: A condition, or a list, for the check to apply; it is skipped otherwise.
        type: raw
      stop:
        description: When this check fails, skip the checks after it.
        type: bool
        default: false
author: django_skeleton.stack contributors
"""

EXAMPLES = r"""
- name: Check the role's variables
  django_skeleton.stack.checks:
    checks:
      - name: the server names
        that: nginx_server_names | length > 0
        fail_msg: "nginx_server_names: at least one host name, got {{ nginx_server_names }}."
        stop: true
      - name: a certificate for TLS
        when: nginx_tls | bool
        that: nginx_tls_certificate | length > 0
        fail_msg: "nginx_tls_certificate: the certificate nginx serves with nginx_tls."
"""

RETURN = r"""
msg:
  description: The failing checks' messages, joined; or how many checks passed.
  returned: always
  type: str
"""
