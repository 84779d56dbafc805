"""Atomic writes, hashes, ignore rules and empty-folder removal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vibecode.atomic import atomic_write, atomic_write_many
from vibecode.paths import is_workspace_path
from vibecode.workspace.files import (
    file_hash,
    is_ignored,
    remove_empty_parents,
    scan,
    sha256,
)


@pytest.mark.parametrize(
    "path",
    [
        ".vibecode/state.json",
        "app/__pycache__/main.cpython-311.pyc",
        "app/main.pyc",
        ".pytest_cache/v/cache/nodeids",
        "vibecode.db",
        "vibecode.db-wal",
        "app/data.db-shm",
        ".env",
        "app/.main.py.abc123.vibecode-tmp",
    ],
)
def test_ignored(path: str) -> None:
    assert is_ignored(path)


@pytest.mark.parametrize(
    "path",
    [".env.example", "app/main.py", "app/core/database.py", "alembic.ini", "tests/conftest.py"],
)
def test_not_ignored(path: str) -> None:
    assert not is_ignored(path)


def test_atomic_write_creates_folders_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["c.txt"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_write_cleans_up_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.txt"
    target.write_bytes(b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.txt"]


def test_hashes(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"abc")
    assert file_hash(tmp_path / "f") == sha256(b"abc")
    assert file_hash(tmp_path / "missing") is None
    assert file_hash(tmp_path) is None
    assert file_hash(tmp_path / "f" / "under-a-file") is None


def test_scan_skips_ignored_files_and_folders(tmp_path: Path) -> None:
    for path in ("app/main.py", "app/__pycache__/x.pyc", ".vibecode/state.json", ".env", "x.db"):
        atomic_write(tmp_path / path, b"x")
    atomic_write(tmp_path / ".env.example", b"x")
    assert list(scan(tmp_path)) == [".env.example", "app/main.py"]
    assert scan(tmp_path / "nowhere") == {}


def test_remove_empty_parents_stops_at_content_and_at_the_workspace(tmp_path: Path) -> None:
    for path in ("a/b/c/gone.py", "a/keep.py", "x/y/gone.py"):
        atomic_write(tmp_path / path, b"")
    (tmp_path / "x/y/__pycache__").mkdir()
    (tmp_path / "x/y/__pycache__/gone.cpython-311.pyc").write_bytes(b"")
    for path in ("a/b/c/gone.py", "x/y/gone.py"):
        (tmp_path / path).unlink()
    remove_empty_parents(tmp_path, ["a/b/c/gone.py", "x/y/gone.py"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "a",
        "a/keep.py",
    ]


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("app/main.py", True),
        (".env.example", True),
        ("../outside.py", False),
        ("/etc/passwd", False),
        ("app/../../x", False),
        (".vibecode/state.json", False),
        ("", False),
        ("a\\b", False),
        (3, False),
    ],
)
def test_workspace_paths(raw: object, ok: bool) -> None:
    assert is_workspace_path(raw) is ok


def test_atomic_write_many(tmp_path: Path) -> None:
    items = [(tmp_path / f"d{i % 3}" / f"f{i}.py", b"x" * i) for i in range(20)]
    atomic_write_many(items)
    for path, data in items:
        assert path.read_bytes() == data
    assert not list(tmp_path.rglob("*.vibecode-tmp"))
    atomic_write_many([])


@pytest.mark.parametrize("stage", ["flush", "rename"])
def test_atomic_write_many_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    paths = [tmp_path / f"f{i}" for i in range(5)]
    for path in paths:
        path.write_bytes(b"old")
    calls = 0
    real = os.replace if stage == "rename" else os.fsync

    def interrupted(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(f"os.{'replace' if stage == 'rename' else 'fsync'}", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_many([(path, b"new") for path in paths])
    contents = [path.read_bytes() for path in paths]
    assert contents == ([b"new"] * 2 + [b"old"] * 3 if stage == "rename" else [b"old"] * 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths]
