"""Build one release of a Django app on the controller, once per deploy.

Prints JSON: the release id (a hash of the app's code and its lock file, so the same
code always gets the same id), the app wheel, and per target Python version a
wheelhouse tarball of the locked dependencies. Targets install from these files
and never need a package index. Fails, naming the cause, when a wheelhouse
cannot be built for a target's Python version or platform.

A project needs no packaging of its own: one without pyproject.toml or setup.py ships
as it is (its files at the root of a wheel, so the release's lib/ is the project
directory), and a requirements file without hashes is resolved with uv into a hashed
lock for every target Python, which the release keeps.

The cache keeps the builds of the --keep releases used last (their wheels, and the
wheelhouses of their lock files); the rest, and temporary clones that a killed build left
behind, are removed after each build.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

# Temporary clones of a git source, removed after the build (a killed build's, a day later).
CLONE_PREFIX = "app-git-"
PLATFORMS = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
}


def fail(message: str) -> None:
    print(json.dumps({"failed": True, "msg": message}))
    sys.exit(1)


def run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    if result.returncode != 0:
        fail(f"{what} failed:\n{(result.stderr or result.stdout)[-3000:]}")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheel_content_hash(wheel: Path) -> str:
    """Hash of the wheel's members, not of the zip (whose timestamps vary per build)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            if name.endswith(".dist-info/RECORD"):
                continue
            digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    return digest.hexdigest()


# Not part of a project's source: caches, build output, virtualenvs, version control, and
# what lives beside the code in a checkout without being code: hidden files and directories
# (.env with local secrets, .git, .venv, editor settings) and local SQLite databases.
SKIP_DIRS = {"__pycache__", "build", "dist", "node_modules"}
SKIP_SUFFIXES = (".pyc", ".egg-info", "_cache", ".sqlite3")


def source_files(source: Path) -> list[Path]:
    """The project's files under a source directory, sorted: what a release is built from."""
    found = []
    for directory, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name not in SKIP_DIRS
            and not name.endswith(SKIP_SUFFIXES)
            and not name.startswith(".")
        )
        for name in sorted(filenames):
            path = Path(directory, name)
            if not name.endswith(SKIP_SUFFIXES) and not name.startswith(".") and path.is_file():
                found.append(path.relative_to(source))
    return found


def source_tree_hash(source: Path) -> str:
    """Hash of every project file's path and content under a source directory."""
    digest = hashlib.sha256()
    for path in source_files(source):
        digest.update(str(path).encode() + b"\0" + (source / path).read_bytes() + b"\0")
    return digest.hexdigest()


def build_app_wheel(args: argparse.Namespace, out: Path) -> Path:
    if args.source_type == "wheel":
        wheel = Path(args.source).expanduser().resolve()
        if not wheel.is_file() or wheel.suffix != ".whl":
            fail(f"app_source_wheel: {wheel} is not a wheel file")
        shutil.copy2(wheel, out / wheel.name)
        return out / wheel.name
    source = Path(args.source).expanduser().resolve()
    if args.source_type == "git":
        checkout = Path(tempfile.mkdtemp(prefix=CLONE_PREFIX))
        try:
            run(["git", "clone", "--quiet", args.source, str(checkout)], f"git clone {args.source}")
            run(
                ["git", "-C", str(checkout), "checkout", "--quiet", args.git_ref],
                f"git checkout {args.git_ref}",
            )
            return wheel_from_directory(checkout, out, args.name)
        finally:
            shutil.rmtree(checkout, ignore_errors=True)
    return wheel_from_directory(source, out, args.name)


def wheel_from_directory(source: Path, out: Path, name: str) -> Path:
    """Build the app's wheel from a copy of the project's files (source_files), never in place:
    a build writes build/ and *.egg-info/ where it runs, and a build/ left in the project
    would put files deleted since into the wheel."""
    if not (source / "pyproject.toml").is_file() and not (source / "setup.py").is_file():
        return wheel_of_plain_project(source, out, name)
    with tempfile.TemporaryDirectory() as tmp:
        copy, wheels = Path(tmp, "source"), Path(tmp, "wheels")
        for path in source_files(source):
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / path, copy / path)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--wheel-dir",
                str(wheels),
                str(copy),
            ],
            f"building the app wheel from {source}",
        )
        built = sorted(wheels.glob("*.whl"))
        if len(built) != 1:
            fail(f"building the app wheel from {source} gave {len(built)} wheels, expected 1")
        target = out / built[0].name
        shutil.move(str(built[0]), target)
    return target


def wheel_of_plain_project(source: Path, out: Path, name: str) -> Path:
    """A wheel whose root is the project directory (manage.py, its packages, templates):
    installed with --target it gives the release a lib/ laid out like the checkout, so
    settings that find files from BASE_DIR work unchanged. Written by hand (the format is
    a zip with three metadata files) because there is nothing to build: no packaging."""
    dist = re.sub(r"[^A-Za-z0-9.]+", "_", name)
    info = f"{dist}-0.dist-info"
    wheel = out / f"{dist}-0-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(arcname: str, data: bytes) -> None:
            archive.writestr(arcname, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            records.append(f"{arcname},sha256={digest.decode()},{len(data)}")

        for path in source_files(source):
            add(path.as_posix(), (source / path).read_bytes())
        add(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0\n".encode())
        add(
            f"{info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: django_skeleton.stack\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr(f"{info}/RECORD", "\n".join([*records, f"{info}/RECORD,,", ""]))
    return wheel


def resolved_lock(requirements: Path, pythons: list[str], out: Path) -> Path:
    """The hashed lock of a requirements file: the file itself when it has hashes, else
    uv's universal resolution of it (one lock valid on every target Python)."""
    if "--hash=" in requirements.read_text():
        return requirements
    lowest = min(pythons, key=lambda v: tuple(int(p) for p in v.split("."))) if pythons else ""
    lock = out / "requirements.lock"
    cmd = [sys.executable, "-m", "uv", "pip", "compile", "--quiet", "--universal"]
    cmd += ["--generate-hashes", "--no-header", "--no-annotate", "--output-file", str(lock)]
    cmd += ["--python-version", lowest] if lowest else []
    if importlib.util.find_spec("uv") is None:
        fail(
            f"app_requirements: {requirements} has no hashes, and resolving it needs uv on the "
            f"controller (pip install uv, in the Python that runs Ansible: {sys.executable})"
        )
    run([*cmd, str(requirements)], f"app_requirements: resolving {requirements} with uv")
    return lock


def prune(cache: Path, keep: int, current: Path) -> None:
    """Keep the builds of the `keep` releases used last, and the wheelhouses of their locks."""
    os.utime(current)  # used now
    releases = sorted(
        (entry for entry in (cache / "releases").iterdir() if entry.is_dir()),
        key=lambda entry: entry.stat().st_mtime,
        reverse=True,
    )
    kept = {current, *releases[:keep]}
    for release in releases:
        if release not in kept:
            shutil.rmtree(release, ignore_errors=True)
    locks = {
        sha256_file(release / "requirements.lock")[:12]
        for release in kept
        if (release / "requirements.lock").is_file()
    }
    # A build running beside this one may have made a wheelhouse or a partial file just now.
    settled = time.time() - 3600
    for path in [*cache.glob("wheelhouse-*.tar"), *cache.glob("wheelhouse-*.tmp")]:
        if path.name.split("-")[1] not in locks and path.stat().st_mtime < settled:
            path.unlink(missing_ok=True)
    for known in (cache / "sources").glob("*.json"):
        try:
            wheel = Path(json.loads(known.read_text())["app_wheel"])
        except (OSError, ValueError, KeyError):
            wheel = None
        if wheel is None or not wheel.is_file():
            known.unlink(missing_ok=True)
    for clone in Path(tempfile.gettempdir()).glob(CLONE_PREFIX + "*"):
        if clone.stat().st_mtime < time.time() - 86400:
            shutil.rmtree(clone, ignore_errors=True)


def _marker(requirement: str) -> str:
    """The environment marker of a lock's requirement line ("" when it has none)."""
    return requirement.partition(";")[2].strip().rstrip("\\").strip()


def locks_for_target(text: str, python: str, machine: str) -> list[str]:
    """The lock's requirements a target of this Python (major.minor) and machine may need,
    without their environment markers, for `pip download`: one requirements text per
    distinct set (usually one).

    pip download evaluates markers on the controller's Python, not the target's: a wheel
    locked for `python_full_version < '3.11.3'` (async-timeout, for redis) was left out
    for Debian 12's 3.11.2 when the controller ran 3.11.7, and the install on the host
    failed. The target's patch release is not known here, so the markers are evaluated
    for each patch release of its minor version on Linux/CPython; the sets of requirements
    they choose (a set another one contains is left out) are downloaded into one
    wheelhouse, and the host's pip installs what its own markers ask for. A lock that pins
    one package twice, by patch release, gives two sets, never one with both pins.
    """
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - pip vendors it
        from pip._vendor.packaging.markers import Marker

    base = {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": machine,
        "python_version": python,
    }
    entries: list[list[str]] = []
    for line in text.splitlines():
        if line[:1].isspace() and entries:
            entries[-1].append(line)
        else:
            entries.append([line])
    markers = [
        _marker(entry[0]) if entry[0] and not entry[0].startswith(("#", "-")) else ""
        for entry in entries
    ]
    chosen: list[frozenset[int]] = []
    for patch in range(40):
        env = {**base, "python_full_version": f"{python}.{patch}"}
        picked = frozenset(
            i for i, marker in enumerate(markers) if not marker or Marker(marker).evaluate(env)
        )
        if picked not in chosen:
            chosen.append(picked)
    chosen = [one for one in chosen if not any(one < other for other in chosen)]
    texts = []
    for picked in chosen:
        lines = []
        for i in sorted(picked):
            first, rest = entries[i][0], entries[i][1:]
            if markers[i]:
                continued = " \\" if first.rstrip().endswith("\\") else ""
                first = first.partition(";")[0].rstrip() + continued
            lines += [first, *rest]
        texts.append("\n".join(lines) + "\n")
    return texts


def build_wheelhouse(lock: Path, python: str, machine: str, cache: Path) -> Path:
    tag = "cp" + python.replace(".", "")
    targeted_texts = locks_for_target(lock.read_text(), python, machine)
    # Named after the lock and after what is downloaded for this target, so a wheelhouse
    # made before locks_for_target (which missed marker-dependent wheels) is not reused.
    targeted_sha = hashlib.sha256("\0".join(targeted_texts).encode()).hexdigest()[:8]
    tarball = cache / f"wheelhouse-{sha256_file(lock)[:12]}-{tag}-{machine}-{targeted_sha}.tar"
    if tarball.exists():
        return tarball
    if machine not in PLATFORMS:
        fail(f"no wheelhouse for {machine} targets: supported machines are {sorted(PLATFORMS)}")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--require-hashes",
            "--only-binary=:all:",
            # The lock is the resolution (every dependency pinned, its marker evaluated for
            # the target above): pip 26 evaluates the dependencies' markers for the
            # controller's python_full_version whatever --python-version says, and pulled
            # async-timeout (redis's, below 3.11.3) into a Python 3.13 build unhashed.
            "--no-deps",
        ]
        cmd += ["--python-version", python, "--implementation", "cp", "--abi", tag, "--abi", "abi3"]
        cmd += ["--abi", "none"]
        for platform in [*PLATFORMS[machine], "any"]:
            cmd += ["--platform", platform]
        wheels = Path(tmp) / "wheels"
        for number, targeted_text in enumerate(targeted_texts):
            targeted = Path(tmp) / f"requirements-target-{number}.txt"
            targeted.write_text(targeted_text)
            run(
                [*cmd, "--dest", str(wheels), "--requirement", str(targeted)],
                f"the wheelhouse for Python {python} on {machine} (a target cannot run this build)",
            )
        partial = tarball.with_suffix(".tmp")
        with tarfile.open(partial, "w") as archive:
            for wheel in sorted(wheels.iterdir()):
                info = archive.gettarinfo(str(wheel), arcname=wheel.name)
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with wheel.open("rb") as handle:
                    archive.addfile(info, handle)
        partial.rename(tarball)
    return tarball


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-type", choices=["path", "git", "wheel"], required=True)
    parser.add_argument("--source", required=True, help="directory, git URL or wheel file")
    parser.add_argument("--git-ref", default="HEAD")
    parser.add_argument(
        "--requirements", required=True, help="hashed lock, or requirements file to resolve"
    )
    parser.add_argument("--name", default="app", help="wheel name of a project without packaging")
    parser.add_argument(
        "--target", action="append", default=[], help="PYTHON_VERSION/MACHINE, e.g. 3.11/x86_64"
    )
    parser.add_argument("--cache", required=True, help="build cache directory")
    parser.add_argument("--release", default="", help="release id (default: content hash)")
    parser.add_argument(
        "--keep", type=int, default=10, help="releases whose builds the cache keeps (by last use)"
    )
    args = parser.parse_args()

    requirements = Path(args.requirements).expanduser().resolve()
    if not requirements.is_file():
        fail(f"app_requirements: {requirements} does not exist")
    cache = Path(args.cache).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    # Removed when the build ends, or at exit when it fails.
    resolved = tempfile.TemporaryDirectory()
    pythons = sorted({target.partition("/")[0] for target in args.target})
    lock = resolved_lock(requirements, pythons, Path(resolved.name))

    # A directory source that is the same, file for file, as an earlier build's is not
    # built again: deploying the live release again stays cheap.
    known = None
    if args.source_type == "path":
        tree = source_tree_hash(Path(args.source).expanduser().resolve())
        key = f"{tree}-{sha256_file(lock)[:12]}-{args.release or 'auto'}-{args.name}"
        known = cache / "sources" / f"{key}.json"
    if known and known.is_file() and Path(json.loads(known.read_text())["app_wheel"]).is_file():
        built = json.loads(known.read_text())
        release, app_wheel = built["release"], Path(built["app_wheel"])
        release_dir = app_wheel.parent
    else:
        with tempfile.TemporaryDirectory() as tmp:
            wheel = build_app_wheel(args, Path(tmp))
            content = hashlib.sha256(
                (wheel_content_hash(wheel) + sha256_file(lock)).encode()
            ).hexdigest()
            release = args.release or content[:12]
            release_dir = cache / "releases" / release
            release_dir.mkdir(parents=True, exist_ok=True)
            app_wheel = release_dir / wheel.name
            if not app_wheel.exists() or wheel_content_hash(app_wheel) != wheel_content_hash(wheel):
                shutil.copy2(wheel, app_wheel)
        if known:
            known.parent.mkdir(parents=True, exist_ok=True)
            partial = known.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({"release": release, "app_wheel": str(app_wheel)}))
            partial.rename(known)
    shutil.copy2(lock, release_dir / "requirements.lock")
    lock = release_dir / "requirements.lock"
    resolved.cleanup()

    wheelhouses = {}
    for target in sorted(set(args.target)):
        python, _, machine = target.partition("/")
        wheelhouses[target] = str(build_wheelhouse(lock, python, machine, cache))
    prune(cache, max(args.keep, 1), release_dir)

    print(
        json.dumps(
            {
                "release": release,
                "lock_sha": sha256_file(lock)[:12],
                "app_wheel": str(app_wheel),
                "lock": str(release_dir / "requirements.lock"),
                "wheelhouses": wheelhouses,
            }
        )
    )


if __name__ == "__main__":
    main()
