"""roles/app/files/build_release.py: a directory source already built is not built again."""

from __future__ import annotations

import importlib.util
import json
import sys
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
    for junk in ["pkg/__pycache__/x.pyc", "build/lib/x.py", "pkg.egg-info/PKG-INFO", ".venv/x"]:
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
    argv += ["--lock", str(project / "requirements.lock"), "--cache", str(cache)]
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
