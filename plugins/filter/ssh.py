"""The ssh command line that reaches an inventory host the way Ansible's ssh connection does.

    hostvars['lb1'] | django_skeleton.stack.ssh_argv                -> ['ssh', ..., '10.89.50.10']
    hostvars['web1'] | django_skeleton.stack.ssh_argv('sudo true')  -> [..., 'sudo true']

Its user (ansible_user), key (ansible_ssh_private_key_file), port (ansible_port), extra
options (ansible_ssh_common_args, ansible_ssh_extra_args) and address (ansible_host, else
the inventory name); BatchMode, so it fails instead of asking for a password, and a
connect timeout. For programs Ansible starts that reach a host on their own (the deploy
lock's keeper.py, the tests' probes): one place builds the line.
"""

import shlex


def ssh_argv(host, *command):
    argv = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]
    if host.get("ansible_user"):
        argv += ["-l", str(host["ansible_user"])]
    key = host.get("ansible_ssh_private_key_file") or host.get("ansible_private_key_file")
    if key:
        argv += ["-i", str(key)]
    if host.get("ansible_port"):
        argv += ["-p", str(host["ansible_port"])]
    for name in ("ansible_ssh_common_args", "ansible_ssh_extra_args"):
        argv += shlex.split(str(host.get(name) or ""))
    argv.append(str(host.get("ansible_host") or host["inventory_hostname"]))
    return argv + [str(part) for part in command]


class FilterModule:
    def filters(self):
        return {"ssh_argv": ssh_argv}
