"""Tap folders under /tmp are removed when unused, and stale ones are swept."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibecode.tap.channel import TapReader
from vibecode.tap.folders import remove_if_unused, sweep_stale


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def _folder(root: Path, name: str, *files: str, age: float = 0.0) -> Path:
    folder = root / f"vibecode-tap-{name}"
    folder.mkdir(mode=0o700)
    for file in files:
        (folder / file).write_text("")
    stamp = time.time() - age
    os.utime(folder, (stamp, stamp))
    return folder


@pytest.fixture
def short_root() -> Iterator[Path]:
    """A folder with a short path: a socket path must stay under 108 bytes."""
    with tempfile.TemporaryDirectory(prefix="vt-") as folder:
        yield Path(folder)


def test_an_unused_folder_goes_and_one_with_a_live_reader_stays(short_root: Path) -> None:
    dead = _folder(short_root, "dead", f"dashboard-{_dead_pid()}.sock")
    live = short_root / "vibecode-tap-live"
    with TapReader(live, name="watch"):
        assert remove_if_unused(live) is False
        assert live.is_dir()
    assert remove_if_unused(dead) is True
    assert not dead.exists()
    assert remove_if_unused(live) is True  # its reader closed


def test_the_sweep_takes_stale_unused_folders_only(tmp_path: Path) -> None:
    stale = _folder(tmp_path, "stale", f"bench-{_dead_pid()}.sock", age=7200)
    empty = _folder(tmp_path, "empty", age=7200)
    recent = _folder(tmp_path, "recent")
    odd = _folder(tmp_path, "odd", "notes.txt", age=7200)
    other = tmp_path / "not-a-tap"
    other.mkdir()
    os.utime(other, (time.time() - 7200,) * 2)

    assert sweep_stale(tmp_path) == 2

    assert not stale.exists() and not empty.exists()
    assert recent.exists() and odd.exists() and other.exists()
