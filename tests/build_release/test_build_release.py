"""roles/app/files/build_release.py: exact builds, a cache that never maps a tree to another
tree's release, projects without packaging, and plain requirements resolved into a lock."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "roles" / "app" / "files" / "build_release.py"
spec = importlib.util.spec_from_file_location("build_release", SCRIPT)
assert spec
assert spec.loader
build_release = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_release)

LOCK = "django==5.2 \\\n    --hash=sha256:" + "0" * 64 + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "project"
    (source / "pkg").mkdir(parents=True)
    (source / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\nversion = "1"\n[tool.setuptools]\npackages = ["pkg"]\n'
    )
    (source / "pkg" / "__init__.py").write_text("VALUE = 1\n")
    (source / "requirements.lock").write_text(LOCK)
    return source


def test_tree_hash_ignores_caches_and_build_output(project: Path) -> None:
    before = build_release.source_tree_hash(project)
    junk_files = ["pkg/__pycache__/x.pyc", "build/lib/x.py", "pkg.egg-info/PKG-INFO", ".venv/x"]
    # Local secrets, editor settings and a local database never ship.
    junk_files += [".env", ".idea/workspace.xml", "db.sqlite3", "pkg/.DS_Store"]
    for junk in junk_files:
        (project / junk).parent.mkdir(parents=True, exist_ok=True)
        (project / junk).write_text("junk")
    (project / ".ruff_cache").mkdir()
    assert build_release.source_tree_hash(project) == before


def test_tree_hash_changes_with_any_source_file(project: Path) -> None:
    before = build_release.source_tree_hash(project)
    (project / "pkg" / "templates").mkdir()
    (project / "pkg" / "templates" / "home.html").write_text("<p>new</p>")
    assert build_release.source_tree_hash(project) != before


def build(project: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> dict:
    argv = ["build_release.py", "--source-type", "path", "--source", str(project)]
    argv += ["--requirements", str(project / "requirements.lock"), "--cache", str(cache)]
    monkeypatch.setattr(sys, "argv", argv)
    build_release.main()
    return json.loads(capsys.readouterr().out)


def test_same_source_is_not_built_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    cache = tmp_path / "cache"
    first = build(project, cache, monkeypatch, capsys)

    def no_build(*_args: object) -> None:
        raise AssertionError("the same source was built again")

    monkeypatch.setattr(build_release, "build_app_wheel", no_build)
    assert build(project, cache, monkeypatch, capsys) == first


def test_changed_source_is_a_new_release(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    cache = tmp_path / "cache"
    first = build(project, cache, monkeypatch, capsys)
    (project / "pkg" / "__init__.py").write_text("VALUE = 2\n")
    second = build(project, cache, monkeypatch, capsys)
    assert second["release"] != first["release"]


def test_prune_keeps_the_releases_used_last_and_their_wheelhouses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    (cache / "sources").mkdir(parents=True)
    temp.mkdir()
    monkeypatch.setattr(build_release.tempfile, "gettempdir", lambda: str(temp))
    old = time.time() - 2 * 86400
    releases = {}
    for number, name in enumerate(["oldest", "older", "newer", "newest"]):
        release = cache / "releases" / name
        release.mkdir(parents=True)
        lock = release / "requirements.lock"
        lock.write_text(f"lock {name}\n")
        wheel = release / f"{name}-1.0-py3-none-any.whl"
        wheel.write_text("wheel")
        sha = build_release.sha256_file(lock)[:12]
        wheelhouse = cache / f"wheelhouse-{sha}-cp311-x86_64.tar"
        wheelhouse.write_text("wheels")
        os.utime(wheelhouse, (old, old))
        (cache / "sources" / f"{name}.json").write_text(json.dumps({"app_wheel": str(wheel)}))
        os.utime(release, (old + number, old + number))
        releases[name] = (release, wheelhouse)
    clone, fresh_clone = temp / "app-git-killed", temp / "app-git-running"
    clone.mkdir()
    fresh_clone.mkdir()
    os.utime(clone, (old, old))

    # The oldest is in use again (a rollback to it), so the older one goes.
    build_release.prune(cache, 2, releases["oldest"][0])

    gone = {name for name, (release, _) in releases.items() if not release.exists()}
    assert gone == {"older", "newer"}
    assert [name for name, (_, house) in releases.items() if house.exists()] == ["oldest", "newest"]
    assert sorted(p.stem for p in (cache / "sources").glob("*.json")) == ["newest", "oldest"]
    assert not clone.exists()
    assert fresh_clone.exists()


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_build_is_exact_and_leaves_the_project_as_it_was(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (project / "pkg" / "gone.py").write_text("DELETED = True\n")
    # What an earlier in-place build leaves: its build/ would ship deleted files again.
    (project / "build" / "lib" / "pkg").mkdir(parents=True)
    (project / "build" / "lib" / "pkg" / "stale.py").write_text("STALE = True\n")
    cache = tmp_path / "cache"
    before = snapshot(project)
    first = build(project, cache, monkeypatch, capsys)
    assert snapshot(project) == before
    (project / "pkg" / "gone.py").unlink()
    second = build(project, cache, monkeypatch, capsys)

    def members(built: dict) -> set[str]:
        with zipfile.ZipFile(built["app_wheel"]) as wheel:
            return {name for name in wheel.namelist() if name.startswith("pkg/")}

    assert members(first) == {"pkg/__init__.py", "pkg/gone.py"}
    assert members(second) == {"pkg/__init__.py"}
    assert second["release"] != first["release"]


def test_project_without_packaging_ships_as_it_is(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (project / "pyproject.toml").unlink()
    (project / "manage.py").write_text("print('manage')\n")
    (project / "templates").mkdir()
    (project / "templates" / "base.html").write_text("<p>base</p>")
    built = build(project, tmp_path / "cache", monkeypatch, capsys)
    target = tmp_path / "lib"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    # The same install app-run's release gets (release.yml): the project at lib/'s root.
    subprocess.run([*pip, f"--target={target}", built["app_wheel"]], check=True)  # noqa: S603 - fixed argv: pip on a built wheel
    for name in ["manage.py", "pkg/__init__.py", "templates/base.html", "requirements.lock"]:
        assert (target / name).read_bytes() == (project / name).read_bytes()


def test_plain_requirements_are_resolved_into_a_hashed_lock_the_release_keeps(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (project / "requirements.lock").write_text("six\n")  # unpinned, no hashes
    built = build(project, tmp_path / "cache", monkeypatch, capsys)
    lock = Path(built["lock"]).read_text()
    assert re.search(r"^six==[0-9.]+ \\$", lock, re.MULTILINE), lock
    assert "--hash=sha256:" in lock
    assert (project / "requirements.lock").read_text() == "six\n"


def test_requirements_that_do_not_resolve_stop_the_build_naming_them(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (project / "requirements.lock").write_text("django-skeleton-stack-no-such-package==1.0\n")
    with pytest.raises(SystemExit):
        build(project, tmp_path / "cache", monkeypatch, capsys)
    message = json.loads(capsys.readouterr().out)["msg"]
    assert "app_requirements: resolving" in message
    assert "django-skeleton-stack-no-such-package" in message


MARKED_LOCK = """\
# This file was autogenerated by uv
async-timeout==5.0.1 ; python_full_version < '3.11.3' \\
    --hash=sha256:aaaa
    # via redis
pywin32==311 ; sys_platform == 'win32' \\
    --hash=sha256:bbbb
tomli==2.2.1 ; python_full_version < '3.11' \\
    --hash=sha256:cccc
redis==8.2.0 \\
    --hash=sha256:dddd
"""


def test_a_target_gets_every_wheel_its_python_may_need_whatever_the_controllers() -> None:
    """Markers are the target's: async-timeout is needed on 3.11.0-3.11.2 (Debian 12's
    3.11.2), whatever Python the controller runs; never on 3.13, nor pywin32 on Linux."""
    [for_311] = build_release.locks_for_target(MARKED_LOCK, "3.11", "x86_64")
    [for_313] = build_release.locks_for_target(MARKED_LOCK, "3.13", "x86_64")

    assert "async-timeout==5.0.1 \\\n    --hash=sha256:aaaa\n    # via redis\n" in for_311
    assert ";" not in for_311
    assert "pywin32" not in for_311
    assert "tomli" not in for_311
    assert "redis==8.2.0 \\\n    --hash=sha256:dddd\n" in for_311
    assert "async-timeout" not in for_313
    assert "redis==8.2.0" in for_313


def test_a_package_pinned_twice_by_patch_release_is_downloaded_once_per_pin() -> None:
    lock = (
        "foo==1.0 ; python_full_version < '3.11.3' \\\n    --hash=sha256:aaaa\n"
        "foo==2.0 ; python_full_version >= '3.11.3' \\\n    --hash=sha256:bbbb\n"
        "bar==1.0 \\\n    --hash=sha256:cccc\n"
    )

    texts = build_release.locks_for_target(lock, "3.11", "x86_64")

    assert len(texts) == 2
    assert ["foo==1.0" in text for text in texts] == [True, False]
    assert ["foo==2.0" in text for text in texts] == [False, True]
    assert all("bar==1.0" in text for text in texts)
