"""plugins/filter/ssh.py: the ssh command line of an inventory host."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "ssh", Path(__file__).resolve().parents[2] / "plugins" / "filter" / "ssh.py"
)
ssh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ssh)


def test_everything_ansible_connects_with_is_on_the_line_and_the_host_last():
    host = {
        "inventory_hostname": "lb1",
        "ansible_host": "10.89.50.10",
        "ansible_user": "deploy",
        "ansible_ssh_private_key_file": "/keys/id",
        "ansible_port": 2222,
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o 'ProxyJump=bastion one'",
        "ansible_ssh_extra_args": "-v",
    }
    assert ssh.ssh_argv(host, "sudo true") == [
        "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
        "-l", "deploy", "-i", "/keys/id", "-p", "2222",
        "-o", "StrictHostKeyChecking=no", "-o", "ProxyJump=bastion one", "-v",
        "10.89.50.10", "sudo true",
    ]  # fmt: skip


def test_a_bare_host_is_reached_by_its_inventory_name_as_the_current_user():
    assert ssh.ssh_argv({"inventory_hostname": "db1"}) == [
        "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "db1",
    ]  # fmt: skip
