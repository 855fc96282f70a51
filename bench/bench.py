#!/usr/bin/env python3
"""`make bench`: how long users wait for Ansible, and how much the deployed stack serves.

    make demo && make bench                      # everything, on the sandbox (long)
    .venv/bin/python bench/bench.py --only serving,celery --repeats 1

Runs on the provisioned sandbox (inventories/sandbox) and writes bench/results/latest.md
and latest.json (plus a dated copy of each) with the machine it ran on. Parts:

  serving   wrk on this machine: a dynamic page and a static file through HAProxy ->
            nginx -> gunicorn, and the dynamic page from gunicorn reached directly (a
            second gunicorn with the live one's configuration on a TCP port of web1), as a
            ratio, with a new connection for every request on both sides (gunicorn's sync
            workers close each one); then direct gunicorn with 1..8 workers (how the
            default was chosen).
  celery    trivial tasks queued through RabbitMQ, until all ran: tasks per second.
  ansible   site.yml and deploy.yml with nothing to change, a code-only release, --tags
            restart and a rollback: each with the repository's ansible.cfg and with
            Ansible's defaults, alternating, as medians of --repeats runs and a ratio;
            the slowest tasks of each (the profile_tasks callback). With --mitogen, also
            with Mitogen's strategy (optional: make bench BENCH_ARGS=--mitogen installs
            Mitogen into the venv).
  scaling   a code-only release to 2, 4 and 8 web hosts (web3..web8 are started, provisioned,
            and removed again at the end; HAProxy goes back to the sandbox's two).
  cold      the sandbox removed and started again, then site.yml from nothing (last: it
            leaves the sandbox provisioned and serving sample_app, as make demo does).

A part that fails stops the run; what ran is still written. Logs: .cache/bench/logs/.
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import platform
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
SANDBOX = REPO / "inventories" / "sandbox"
CACHE = REPO / ".cache" / "bench"
LOGS = CACHE / "logs"
RESULTS = REPO / "bench" / "results"
DOCS = REPO / "docs" / "performance.md"
PARTS = ("serving", "celery", "ansible", "scaling", "cold")
SITE_URL = "https://127.0.0.1:8443"
WEB1 = "10.89.50.21"
DIRECT_PORT = 8900
PIDFILE = "/tmp/bench-gunicorn.pid"  # noqa: S108 - on web1, owned by the app user
MET = {True: "yes", False: "NO"}
# key: (what, comparison, bound); seconds unless the name says otherwise.
GOALS = {
    "deploy_live_release_s": ("deploy of the live release, s", "<=", 15.0),
    "site_rerun_s": ("site.yml rerun, s", "<", 60.0),
    "site_rerun_of_cold": ("site.yml rerun / cold run", "<=", 0.25),
    "code_release_s": ("code-only release, s", "<", 60.0),
    "chain_of_direct": ("proxy chain / direct gunicorn, req/s, new connections", ">=", 0.90),
}
COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge}


class BenchError(RuntimeError):
    pass


# --- running things -------------------------------------------------------------------


def log_path(label: str) -> Path:
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS / (re.sub(r"[^\w.-]+", "_", label) + ".log")


def run(argv: list[str], label: str, env: dict[str, str] | None = None) -> tuple[str, float]:
    """Run a command from the repository; keep its output in a log; fail on non-zero."""
    began = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own command lines, no shell
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seconds = time.monotonic() - began
    log_path(label).write_text(f"$ {' '.join(argv)}\n{done.stdout}")
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-25:])
        raise BenchError(f"{label}: exit {done.returncode} after {seconds:.0f} s\n{tail}")
    return done.stdout, seconds


def defaults_config() -> Path:
    """Ansible's defaults: only what it needs to find the inventory and the collection."""
    path = CACHE / "defaults.cfg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Ansible's defaults (bench/bench.py): no pipelining, forks 5, ControlPersist 60s,\n"
        "# implicit fact gathering with no cache.\n"
        "[defaults]\n"
        f"inventory = {SANDBOX}\n"
        f"collections_path = {REPO / 'collections'}\n"
        "interpreter_python = auto_silent\n"
        "retry_files_enabled = false\n"
    )
    return path


# With --mitogen, "mitogen" too: the tuned ansible.cfg with Mitogen's strategy (optional).
CONFIGS = {"tuned": REPO / "ansible.cfg", "mitogen": REPO / "ansible.cfg"}
MITOGEN_VERSION = "0.3.54"


def mitogen_env() -> dict[str, str]:
    """Mitogen's settings, after installing it into this venv if it is not there."""
    try:
        import ansible_mitogen  # optional: only with --mitogen
    except ImportError:
        print(f"installing mitogen {MITOGEN_VERSION} into the venv", flush=True)
        subprocess.run(  # noqa: S603 - fixed argv, a pinned version
            [sys.executable, "-m", "pip", "install", "-q", f"mitogen=={MITOGEN_VERSION}"],
            check=True,
        )
        import ansible_mitogen
    return {
        "ANSIBLE_STRATEGY_PLUGINS": str(Path(ansible_mitogen.__file__).parent / "plugins/strategy"),
        # Plays that name no strategy; site.yml's provisioning play keeps its "free".
        "ANSIBLE_STRATEGY": "mitogen_linear",
        # Mitogen's own SSH client ignores ansible_ssh_common_args; the sandbox's host
        # keys are new with every container.
        "ANSIBLE_HOST_KEY_CHECKING": "False",
    }


def ansible_env(config: str) -> dict[str, str]:
    env = dict(os.environ)
    if config == "mitogen":
        env.update(mitogen_env())
    env.update(
        ANSIBLE_CONFIG=str(CONFIGS[config]),
        ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks",
        PROFILE_TASKS_TASK_OUTPUT_LIMIT="10",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    return env


RECAP = re.compile(
    r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M
)
PROFILE = re.compile(r"^(.+?) -{2,} (\d+\.\d+)s$", re.M)


@dataclass
class PlayRun:
    seconds: float
    changed: int
    tasks: list[tuple[str, float]]


def play(args: list[str], config: str, label: str) -> PlayRun:
    output, seconds = run([str(BIN / "ansible-playbook"), *args], label, ansible_env(config))
    recap = RECAP.findall(output)
    changed = sum(int(host[2]) for host in recap)
    summary = output.rsplit("=" * 20, 1)[-1]
    tasks = [(name.strip(), float(took)) for name, took in PROFILE.findall(summary)]
    print(f"  {label}: {seconds:.1f} s, changed={changed}", flush=True)
    return PlayRun(round(seconds, 1), changed, tasks[:8])


@dataclass
class Measure:
    name: str
    what: str
    runs: dict[str, list[PlayRun]] = field(default_factory=dict)

    def median(self, config: str) -> float | None:
        runs = self.runs.get(config)
        return round(statistics.median(run.seconds for run in runs), 1) if runs else None

    def as_dict(self) -> dict:
        result: dict = {"name": self.name, "what": self.what}
        for config, runs in self.runs.items():
            middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
            result[config] = {
                "median_s": self.median(config),
                "runs_s": [run.seconds for run in runs],
                "changed": [run.changed for run in runs],
                "slowest_tasks": middle.tasks,
            }
        tuned, default = self.median("tuned"), self.median("defaults")
        if tuned and default:
            result["defaults_over_tuned"] = round(default / tuned, 2)
        if tuned and (mitogen := self.median("mitogen")):
            result["tuned_over_mitogen"] = round(tuned / mitogen, 2)
        return result


# --- sources ----------------------------------------------------------------------------

_release_count = 0


def code_only_release() -> Path:
    """A copy of sample_app with one template line changed: a new release, same lock."""
    global _release_count
    _release_count += 1
    source = CACHE / "releases" / f"release-{_release_count}"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(REPO / "sample_app", source, symlinks=True)
    home = source / "skeleton" / "templates" / "skeleton" / "home.html"
    home.write_text(
        home.read_text() + f"<!-- bench release {_release_count} at {time.time():.0f} -->\n"
    )
    return source


# --- parts ------------------------------------------------------------------------------


def part_ansible(results: dict, repeats: int, configs: tuple[str, ...]) -> None:
    inventory = ["-i", str(SANDBOX)]
    site = ["playbooks/site.yml", *inventory]
    deploy = ["playbooks/deploy.yml", *inventory]
    measures = [
        ("site_rerun", "site.yml, nothing to change", lambda: site, repeats),
        ("deploy_live_release", "deploy.yml of the release already live", lambda: deploy, repeats),
        ("restart", "deploy.yml --tags restart", lambda: [*deploy, "--tags", "restart"], repeats),
        (
            "code_release",
            "deploy.yml of a new release, code only (same lock)",
            lambda: [*deploy, "-e", f"app_source_path={code_only_release()}"],
            repeats,
        ),
        (
            "rollback",
            "rollback.yml to the release live before",
            lambda: ["playbooks/rollback.yml", *inventory],
            max(1, repeats - 1),
        ),
    ]
    results["ansible"] = []
    for name, what, argv, count in measures:
        measure = Measure(name, what)
        print(f"ansible: {what}", flush=True)
        for number in range(count):
            for config in configs:
                runs = measure.runs.setdefault(config, [])
                runs.append(play(argv(), config, f"{name}-{config}-{number + 1}"))
        results["ansible"].append(measure.as_dict())
        write(results)
    # Back to the sample app as make demo deployed it.
    play(deploy, "tuned", "restore-sample-app")


def scaling_inventory(web_hosts: int) -> Path:
    """inventories/sandbox with web1..webN; at depth 2 so its group_vars' paths still resolve."""
    directory = REPO / ".cache" / f"bench-web{web_hosts}"
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("group_vars", "host_vars"):
        link = directory / name
        if not link.exists():
            link.symlink_to(Path("../../inventories/sandbox") / name)
    webs = {f"web{n}": {"ansible_host": f"10.89.50.{20 + n}"} for n in range(1, web_hosts + 1)}
    hosts = {
        "all": {
            "children": {
                "loadbalancers": {"hosts": {"lb1": {"ansible_host": "10.89.50.10"}}},
                "webservers": {"hosts": webs},
                "workers": {"hosts": {"worker1": {"ansible_host": "10.89.50.31"}}},
                "brokers": {"hosts": {"broker1": {"ansible_host": "10.89.50.41"}}},
                "dbservers": {"hosts": {"db1": {"ansible_host": "10.89.50.51"}}},
                "redisservers": {},
            }
        }
    }
    (directory / "hosts.yml").write_text(json.dumps(hosts, indent=2) + "\n")
    return directory


def part_scaling(results: dict) -> None:
    big = scaling_inventory(8)
    extra = ",".join(f"web{n}" for n in range(3, 9))
    print("scaling: start and provision web3..web8", flush=True)
    run(
        [str(BIN / "ansible-playbook"), "sandbox/up.yml", "-i", str(big), "--limit", extra],
        "scaling-up",
    )
    provision = play(["playbooks/site.yml", "-i", str(big)], "tuned", "scaling-site-web8")
    rows = []
    try:
        for web_hosts in (2, 4, 8):
            inventory = scaling_inventory(web_hosts)
            release = code_only_release()
            deploy = [
                "playbooks/deploy.yml",
                "-i",
                str(inventory),
                "-e",
                f"app_source_path={release}",
            ]
            # The new release, then the same again (now live).
            runs = [
                play(deploy, "tuned", f"scaling-deploy-web{web_hosts}"),
                play(deploy, "tuned", f"scaling-live-web{web_hosts}"),
            ]
            rows.append(
                {
                    "web_hosts": web_hosts,
                    "code_release_s": runs[0].seconds,
                    "deploy_live_release_s": runs[1].seconds,
                    "slowest_tasks": runs[0].tasks,
                }
            )
            results["scaling"] = {"provision_6_more_web_hosts_s": provision.seconds, "rows": rows}
            write(results)
    finally:
        print("scaling: remove web3..web8, HAProxy back to the sandbox's web hosts", flush=True)
        # Only the containers: sandbox/down.yml would also remove the network the others use.
        containers = [f"djs-sandbox-web{n}" for n in range(3, 9)]
        run(["podman", "rm", "--force", "--time", "5", *containers], "scaling-down")
        play(["playbooks/site.yml", "-i", str(SANDBOX)], "tuned", "scaling-restore-site")


def part_cold(results: dict) -> None:
    print("cold: remove the sandbox, start it again, provision and deploy from nothing", flush=True)
    run(["make", "sandbox-down"], "cold-sandbox-down")
    _, up = run(["make", "sandbox-up"], "cold-sandbox-up")
    run(
        [str(BIN / "ansible-playbook"), "-i", str(SANDBOX), "sandbox/sentry_sink.yml"],
        "cold-sentry-sink",
    )
    shutil.rmtree(REPO / ".cache" / "facts", ignore_errors=True)
    cold = play(["playbooks/site.yml", "-i", str(SANDBOX)], "tuned", "cold-site")
    rerun = play(["playbooks/site.yml", "-i", str(SANDBOX)], "tuned", "cold-site-rerun")
    results["cold"] = {
        "start_six_hosts_s": round(up, 1),
        "site_cold_s": cold.seconds,
        "site_rerun_s": rerun.seconds,
        "rerun_of_cold": round(rerun.seconds / cold.seconds, 3),
        "slowest_tasks": cold.tasks,
    }
    write(results)


# --- serving ----------------------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# The client's connections in the chain/direct comparison: a new one for every request.
# gunicorn's sync workers close each connection whatever the client asks, so this is the
# only behaviour both sides can share; through the chain it makes HAProxy close the
# client's connection (and wrk do a TLS handshake) for every request too.
ONE_REQUEST_PER_CONNECTION = {"Connection": "close"}
# What nginx tells gunicorn about the client's request, for gunicorn reached directly.
DIRECT_HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}


def wait_for_local_ports(most: int = 500, timeout: float = 180) -> None:
    """Wait until few of this machine's connections linger in TIME_WAIT.

    gunicorn closes every connection (and the chain/direct comparison asks HAProxy to do the
    same), so wrk opens one per request: ~1,000 a second, each holding a local port for 60 s
    after it closes. Once the 28,000 local ports run short, finding one costs wrk more CPU
    than gunicorn gets (bench/results/20261128T110540Z.md, before this wait: one direct run
    at 270 req/s between runs at 844 and 916), so each run starts with the ports free again.
    """
    deadline = time.monotonic() + timeout
    while True:
        # The 4th column of /proc/net/tcp is the state; 06 is TIME_WAIT.
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        lingering = sum(1 for line in lines if line.split()[3] == "06")
        if lingering <= most or time.monotonic() > deadline:
            return
        time.sleep(2)


def wrk(url: str, label: str, seconds: int, connections: int, headers: dict | None = None) -> dict:
    wait_for_local_ports()
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    # A few seconds first, not counted: workers still starting, caches and TLS sessions cold.
    run([*argv[:3], "-d3s", *argv[4:], url], f"wrk-{label}-warmup")
    output, _ = run([*argv, url], f"wrk-{label}")
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not (requests and rate):
        raise BenchError(f"wrk {label}: no result in\n{output}")
    latency = {
        pct: round(float(value) * UNIT[unit], 2) for pct, value, unit in WRK_LATENCY.findall(output)
    }
    result = {
        "what": label,
        "url": url,
        "connections": connections,
        "requests": int(requests.group(1)),
        "rps": round(float(rate.group(1)), 1),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }
    print(
        f"  {label}: {result['rps']} req/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms",
        flush=True,
    )
    if result["non_2xx"] or result["socket_errors"]:
        bad = f"{result['non_2xx']} bad responses, {result['socket_errors']} socket errors"
        raise BenchError(f"wrk {label}: {bad}")
    return result


def ansible_adhoc(pattern: str, module: str, args: str, label: str, become_user: str = "") -> str:
    argv = [str(BIN / "ansible"), pattern, "-i", str(SANDBOX), "-b", "-m", module, "-a", args]
    if become_user:
        argv += ["--become-user", become_user]
    output, _ = run(argv, label, ansible_env("tuned"))
    return output


def set_server(host: str, state: str) -> None:
    play(
        ["bench/haproxy_server.yml", "-i", str(SANDBOX), "-l", host, "-e", f"bench_state={state}"],
        "tuned",
        f"haproxy-{host}-{state}",
    )


NFT_COMMENT = "make bench: direct gunicorn"


class DirectGunicorn:
    """A second gunicorn on web1 with the live one's configuration, on a TCP port."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def __enter__(self) -> str:
        extra = f" --workers {self.workers}" if self.workers else ""
        ansible_adhoc(
            "web1",
            "ansible.builtin.command",
            "/srv/app/bin/app-run gunicorn -c python:skeleton.gunicorn_conf"
            f" --bind 0.0.0.0:{DIRECT_PORT} --daemon --pid {PIDFILE}{extra}",
            "direct-gunicorn-start",
            become_user="app",
        )
        # The firewall role lets only SSH in from this machine: open the port for the
        # bench alone, in the role's own table (removed again on exit; a reload of the
        # firewall's file drops it too).
        ansible_adhoc(
            "web1",
            "ansible.builtin.shell",
            f"nft 'insert rule inet django_skeleton input tcp dport {DIRECT_PORT} accept"
            f' comment "{NFT_COMMENT}"\'',
            "direct-gunicorn-open",
            become_user="root",
        )
        url = f"http://{WEB1}:{DIRECT_PORT}/"
        for _ in range(60):
            try:
                fetch(url, DIRECT_HEADERS)
                return url
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise BenchError(f"the direct gunicorn on {url} did not answer")

    def __exit__(self, *_: object) -> None:
        ansible_adhoc(
            "web1",
            "ansible.builtin.shell",
            f'kill "$(cat {PIDFILE})"; while [ -e {PIDFILE} ]; do sleep 0.2; done',
            "direct-gunicorn-stop",
            become_user="app",
        )
        ansible_adhoc(
            "web1",
            "ansible.builtin.shell",
            "for handle in $(nft -a list chain inet django_skeleton input"
            f" | sed -n 's/.*\"{NFT_COMMENT}\" # handle \\([0-9]*\\)$/\\1/p'); do"
            " nft delete rule inet django_skeleton input handle $handle; done",
            "direct-gunicorn-close",
            become_user="root",
        )


def fetch(url: str, headers: dict | None = None) -> str:
    """GET url (the sandbox's certificate is self-signed: not verified); the body."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http(s) only
    opened = urllib.request.urlopen(request, timeout=10, context=context)  # noqa: S310 - the http(s) request above
    with opened as response:
        return response.read().decode("utf-8", "replace")


def static_file() -> str:
    found = re.search(r"/static/[\w./-]+\.[0-9a-f]{12}\.css", fetch(f"{SITE_URL}/"))
    if not found:
        raise BenchError("no hashed stylesheet on the home page")
    return found.group(0)


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests per second, named without its number, with all rates."""
    middle = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    return {
        **middle,
        "what": middle["what"].rsplit(" #", 1)[0],
        "rps_runs": [r["rps"] for r in runs],
    }


def part_serving(results: dict, seconds: int, rounds: int = 3) -> None:
    print("serving: wrk through HAProxy, and gunicorn directly", flush=True)
    rows = []
    connections = 16
    # Like with like: the chain to web1 alone (web2 in maintenance) against web1's gunicorn,
    # the client opening a new connection for every request on both sides.
    set_server("web2", "disabled")
    direct_runs, chain_runs = [], []
    try:
        # Alternating, so that whatever else the machine does weighs on both alike.
        with DirectGunicorn() as direct:
            for number in range(1, rounds + 1):
                direct_runs.append(
                    wrk(
                        direct,
                        f"dynamic page, gunicorn direct (web1), new connections #{number}",
                        seconds,
                        connections,
                        {**DIRECT_HEADERS, **ONE_REQUEST_PER_CONNECTION},
                    )
                )
                chain_runs.append(
                    wrk(
                        f"{SITE_URL}/",
                        f"dynamic page, HAProxy -> nginx -> gunicorn (web1), new connections"
                        f" #{number}",
                        seconds,
                        connections,
                        ONE_REQUEST_PER_CONNECTION,
                    )
                )
    finally:
        set_server("web2", "enabled")
    rows += [median_run(direct_runs), median_run(chain_runs)]
    rows.append(
        wrk(
            f"{SITE_URL}/",
            "dynamic page, HAProxy -> nginx -> gunicorn (web1, web2), kept-alive",
            seconds,
            connections,
        )
    )
    rows.append(
        wrk(
            f"{SITE_URL}{static_file()}",
            "static file, HAProxy -> nginx, kept-alive",
            seconds,
            connections,
        )
    )
    sweep = []
    for workers in (1, 2, 3, 5, 8):
        with DirectGunicorn(workers) as direct:
            row = wrk(
                direct,
                f"gunicorn direct, {workers} workers",
                max(5, seconds // 2),
                connections,
                DIRECT_HEADERS,
            )
            sweep.append({"workers": workers, **row})
    results["serving"] = {
        "rows": rows,
        "chain_of_direct": round(rows[1]["rps"] / rows[0]["rps"], 3),
        "workers_sweep": sweep,
    }
    write(results)


def part_celery(results: dict, count: int) -> None:
    print(f"celery: {count} trivial tasks through RabbitMQ", flush=True)
    batch = f"bench-{int(time.time())}"
    began = time.monotonic()
    ansible_adhoc(
        "web1",
        "ansible.builtin.command",
        f"/srv/app/bin/app-run django-admin queue_tokens --batch {batch} --count {count}",
        "celery-queue",
        become_user="app",
    )
    queued = time.monotonic() - began
    while True:
        output = ansible_adhoc(
            "web1",
            "ansible.builtin.command",
            f"/srv/app/bin/app-run django-admin count_tokens --batch {batch}",
            "celery-count",
            become_user="app",
        )
        done = int(re.search(r'"done": (\d+)', output).group(1))
        if done >= count:
            break
        if time.monotonic() - began > 600:
            raise BenchError(f"celery: {done} of {count} tasks done after 600 s")
        time.sleep(1)
    total = time.monotonic() - began
    results["celery"] = {
        "tasks": count,
        "queue_s": round(queued, 1),
        "all_done_s": round(total, 1),
        "tasks_per_s": round(count / total, 1),
        "what": "record_token with no sleep (one INSERT), queued from web1, one worker",
    }
    print(f"  {results['celery']['tasks_per_s']} tasks/s", flush=True)
    write(results)


# --- results ----------------------------------------------------------------------------


def machine() -> dict:
    def first(argv: list[str]) -> str:
        try:
            return run(argv, f"machine-{Path(argv[0]).name}")[0].strip().splitlines()[0]
        except (OSError, IndexError, BenchError):
            return "?"

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "os": first(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "ansible_core": first([str(BIN / "ansible"), "--version"]),
        "podman": first(["podman", "--version"]),
        # wrk -v prints its version and exits 1.
        "wrk": first(["sh", "-c", "wrk -v 2>&1 | head -1"]),
        "commit": first(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
    }


def goals(results: dict) -> list[dict]:
    """Each goal of GOALS that this run measured: its value and whether it was met."""
    medians = {m["name"]: m.get("tuned", {}).get("median_s") for m in results.get("ansible", [])}
    measured = {
        "deploy_live_release_s": medians.get("deploy_live_release"),
        "site_rerun_s": medians.get("site_rerun"),
        "code_release_s": medians.get("code_release"),
        "site_rerun_of_cold": results.get("cold", {}).get("rerun_of_cold"),
        "chain_of_direct": results.get("serving", {}).get("chain_of_direct"),
    }
    return [
        {
            "goal": what,
            "value": measured[key],
            "bound": f"{compare} {bound}",
            "met": COMPARE[compare](measured[key], bound),
        }
        for key, (what, compare, bound) in GOALS.items()
        if measured[key] is not None
    ]


WRK_COLUMNS = {"req/s": "rps", "p50 ms": "p50_ms", "p99 ms": "p99_ms"}


def table(columns: dict[str, str], rows: list[dict]) -> list[str]:
    """A markdown table: heading -> key of each row; numbers right-aligned."""
    lines = ["| " + " | ".join(columns) + " |"]
    lines.append(
        "|" + "|".join("---" if key == "what" else "---:" for key in columns.values()) + "|"
    )
    lines += ["| " + " | ".join(str(row[key]) for key in columns.values()) + " |" for row in rows]
    return lines


def markdown(results: dict) -> str:
    out = [f"# Benchmark: {results['started']}", "", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {key} | {value} |" for key, value in results["machine"].items()]
    if results.get("goals"):
        out += ["", "## Goals", "", "| Goal | Measured | Bound | Met |", "|---|---:|---|---|"]
        out += [
            f"| {g['goal']} | {g['value']} | {g['bound']} | {MET[g['met']]} |"
            for g in results["goals"]
        ]
    if results.get("ansible"):
        out += [
            "",
            "## Ansible (six hosts; medians, seconds)",
            "",
            "| Play | tuned ansible.cfg | defaults | defaults / tuned | runs: tuned; defaults |",
            "|---|---:|---:|---:|---|",
        ]
        for m in results["ansible"]:
            t, d = m.get("tuned", {}), m.get("defaults", {})
            out.append(
                f"| {m['what']} | {t.get('median_s')} | {d.get('median_s', '')} | "
                f"{m.get('defaults_over_tuned', '')} | {t.get('runs_s')}; {d.get('runs_s', '')} |"
            )
        if any("mitogen" in m for m in results["ansible"]):
            out += [
                "",
                f"With Mitogen {MITOGEN_VERSION} (optional; the tuned ansible.cfg and its"
                " mitogen_linear strategy):",
                "",
                "| Play | Mitogen | tuned / Mitogen | runs |",
                "|---|---:|---:|---|",
            ]
            out += [
                f"| {m['what']} | {m['mitogen']['median_s']} | {m.get('tuned_over_mitogen', '')}"
                f" | {m['mitogen']['runs_s']} |"
                for m in results["ansible"]
                if "mitogen" in m
            ]
        out += ["", "Slowest tasks, tuned (the median run, profile_tasks):", ""]
        for m in results["ansible"]:
            tasks = ", ".join(
                f"{name} {took:.1f} s"
                for name, took in m.get("tuned", {}).get("slowest_tasks", [])[:5]
            )
            out.append(f"- **{m['name']}**: {tasks}")
    if results.get("cold"):
        c = results["cold"]
        out += [
            "",
            "## Cold provision and deploy (six hosts)",
            "",
            f"- start the six containers: {c['start_six_hosts_s']} s",
            f"- site.yml from nothing (provision and deploy): {c['site_cold_s']} s",
            f"- site.yml again, nothing to change: {c['site_rerun_s']} s"
            f" ({c['rerun_of_cold']:.0%} of cold)",
            "- slowest: " + ", ".join(f"{n} {t:.1f} s" for n, t in c["slowest_tasks"][:5]),
        ]
    if results.get("scaling"):
        s = results["scaling"]
        out += [
            "",
            "## Deploy time by number of web hosts",
            "",
            "Provisioning web3..web8 (site.yml on 12 hosts):"
            f" {s['provision_6_more_web_hosts_s']} s",
            "",
        ]
        labels = {
            "Web hosts": "web_hosts",
            "code-only release, s": "code_release_s",
            "release already live, s": "deploy_live_release_s",
        }
        out += table({k: v for k, v in labels.items() if v in s["rows"][0]}, s["rows"])
        out += ["", s["note"]] if s.get("note") else []
    if results.get("serving"):
        s = results["serving"]
        out += ["", "## Serving (wrk on this machine, 16 connections)", ""]
        rows = [{**row, "runs": row.get("rps_runs", "")} for row in s["rows"]]
        out += table(
            {"What": "what", **WRK_COLUMNS, "requests": "requests", "req/s of each run": "runs"},
            rows,
        )
        out += [
            "",
            "Proxy chain / direct gunicorn, same web host, a new connection for every request"
            f" on both: **{s['chain_of_direct']:.0%}**",
            "",
        ]
        out += table(
            {"gunicorn workers (direct, web1)": "workers", **WRK_COLUMNS}, s["workers_sweep"]
        )
    if results.get("celery"):
        c = results["celery"]
        out += [
            "",
            "## Celery",
            "",
            f"{c['tasks']} tasks ({c['what']}): queued in {c['queue_s']} s,"
            f" all done in {c['all_done_s']} s: "
            f"**{c['tasks_per_s']} tasks/s**",
        ]
    if results.get("error"):
        out += ["", "## Stopped", "", "```", results["error"], "```"]
    out += ["", "Reproduce: `make demo && make bench` (see docs/performance.md).", ""]
    return "\n".join(out)


def write(results: dict) -> None:
    results["goals"] = goals(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    for name in ("latest", stamp):
        (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / f"{name}.md").write_text(markdown(results))


def publish(results: dict) -> None:
    """Put the tables of a complete run into docs/performance.md, between its markers."""
    page = DOCS.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in page or end not in page:
        raise BenchError(f"{DOCS} has no {start} ... {end} block")
    body = markdown(results).split("\n", 1)[1].replace("\n## ", "\n### ")
    head, rest = page.split(start, 1)
    DOCS.write_text(
        f"{head}{start}\nLast run: {results['started']}.\n{body}{end}{rest.split(end, 1)[1]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each Ansible play, per config"
    )
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument(
        "--mitogen", action="store_true", help="also time the Ansible plays with Mitogen"
    )
    args = parser.parse_args()
    parts = [part for part in args.only.split(",") if part]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    CONFIGS["defaults"] = defaults_config()
    if args.mitogen:
        mitogen_env()  # installs it before any part runs
    # podman needs the project's runtime and ulimits (make exports this too).
    os.environ.setdefault("CONTAINERS_CONF", str(REPO / ".sandbox" / "containers.conf"))
    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "parts": parts,
    }
    steps: dict[str, Callable[[], None]] = {
        "serving": lambda: part_serving(results, args.wrk_seconds),
        "celery": lambda: part_celery(results, args.tasks),
        "ansible": lambda: part_ansible(
            results,
            args.repeats,
            ("tuned", "defaults", "mitogen") if args.mitogen else ("tuned", "defaults"),
        ),
        "scaling": lambda: part_scaling(results),
        "cold": lambda: part_cold(results),
    }
    try:
        for part in PARTS:
            if part in parts:
                steps[part]()
    except BenchError as error:
        results["error"] = str(error)
        write(results)
        print(f"bench: stopped: {error}", file=sys.stderr)
        return 1
    write(results)
    if set(parts) == set(PARTS):
        publish(results)
    print(f"bench: wrote {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
