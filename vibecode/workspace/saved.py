"""Saved sets: copies of the user's files, made before the tool replaces or deletes them.

`.vibecode/saved/<UTC timestamp>-step-NN/` holds `files/<workspace path>` and `manifest.json`
(written last). NN is the step the workspace was at when the files were saved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vibecode.errors import VibecodeError
from vibecode.paths import state_dir
from vibecode.workspace.files import (
    TEMPORARY_SUFFIX,
    atomic_write,
    file_hash,
    is_workspace_path,
    sha256,
)

SAVED_DIR = "saved"
MANIFEST = "manifest.json"
_SET_ID = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-step-(?P<step>\d+)$")

WHY = {
    "changed": "your edits since the tool wrote it",
    "yours": "a file the tool did not write, in the way of the step",
    "replaced": "what `vibecode restore` replaced",
}
"""Why a file was saved -> how the CLI says it."""


@dataclass(frozen=True)
class SavedFile:
    """One file in a saved set."""

    set_id: str
    path: str
    sha256: str
    size: int
    why: str
    """A key of `WHY`."""


@dataclass(frozen=True)
class SavedSet:
    """Copies of files taken in one go, before one command replaced them."""

    id: str
    folder: Path
    created: str
    step: int
    reason: str
    files: tuple[SavedFile, ...]

    def source(self, path: str) -> Path:
        """The saved copy of a workspace path."""
        return self.folder / "files" / path


@dataclass(frozen=True)
class RestoreResult:
    """What `restore` wrote back, what was already there, and what it saved before writing."""

    saved_set: SavedSet
    restored: tuple[str, ...]
    unchanged: tuple[str, ...]
    saved: tuple[SavedFile, ...]


def saved_root(workspace: Path) -> Path:
    """The folder holding a workspace's saved sets."""
    return state_dir(workspace) / SAVED_DIR


def save_files(
    workspace: Path,
    contents: Mapping[str, tuple[bytes, str]],
    *,
    step: int,
    reason: str,
    write: Callable[[Path, bytes], None] = atomic_write,
) -> SavedSet:
    """Copy these files (path -> (bytes, why)) into a new saved set; the manifest comes last."""
    folder = _new_set_folder(saved_root(workspace), step)
    files = tuple(
        SavedFile(folder.name, path, sha256(data), len(data), why)
        for path, (data, why) in sorted(contents.items())
    )
    for path, (data, _) in sorted(contents.items()):
        write(folder / "files" / path, data)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = {
        "id": folder.name,
        "created": created,
        "step": step,
        "reason": reason,
        "files": {f.path: {"sha256": f.sha256, "bytes": f.size, "why": f.why} for f in files},
    }
    write(folder / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return SavedSet(folder.name, folder, created, step, reason, files)


def list_saved(workspace: Path) -> list[SavedSet]:
    """Every saved set of the workspace, newest first."""
    root = saved_root(workspace)
    if not root.is_dir():
        return []
    sets = [_read_set(folder) for folder in root.iterdir() if _SET_ID.match(folder.name)]
    return sorted(sets, key=lambda s: s.id, reverse=True)


def find_saved(workspace: Path, ident: str) -> SavedSet:
    """The saved set named `ident`, a unique prefix of its name, or `latest`."""
    sets = list_saved(workspace)
    if not sets:
        raise VibecodeError(f"{workspace} has no saved files")
    if ident == "latest":
        return sets[0]
    matches = [s for s in sets if s.id == ident] or [s for s in sets if s.id.startswith(ident)]
    if len(matches) == 1:
        return matches[0]
    problem = "matches several saved sets" if matches else "is not a saved set"
    raise VibecodeError(f"{ident!r} {problem}", hint="`vibecode restore` lists them")


def restore(
    workspace: Path,
    ident: str,
    paths: Collection[str] = (),
    *,
    owned: Callable[[str], Collection[str]] = lambda path: (),
    write: Callable[[Path, bytes], None] = atomic_write,
    step: int = 0,
) -> RestoreResult:
    """Write a saved set's files (or some of them) back, saving what they replace in turn.

    `owned(path)` gives the hashes the tool wrote at `path`: a file with one of them is the
    course's own content and is replaced without a copy.
    """
    saved_set = find_saved(workspace, ident)
    by_path = {f.path: f for f in saved_set.files}
    unknown = sorted(set(paths) - set(by_path))
    if unknown:
        raise VibecodeError(
            f"the saved set {saved_set.id} has no {unknown[0]}",
            hint=f"it holds: {', '.join(sorted(by_path)) or 'nothing'}",
        )
    chosen = [by_path[p] for p in sorted(paths or by_path)]
    incoming = {f.path: saved_set.source(f.path).read_bytes() for f in chosen}
    to_save: dict[str, tuple[bytes, str]] = {}
    for path, data in incoming.items():
        target = workspace / path
        current = file_hash(target)
        if current is not None and current != sha256(data) and current not in owned(path):
            to_save[path] = (target.read_bytes(), "replaced")
    new_set = (
        save_files(workspace, to_save, step=step, reason=f"restore {saved_set.id}", write=write)
        if to_save
        else None
    )
    restored, unchanged = [], []
    for path, data in incoming.items():
        if file_hash(workspace / path) == sha256(data):
            unchanged.append(path)
            continue
        if (workspace / path).is_dir():
            raise VibecodeError(f"{workspace / path} is a folder; move it away and try again")
        write(workspace / path, data)
        restored.append(path)
    return RestoreResult(
        saved_set, tuple(restored), tuple(unchanged), new_set.files if new_set else ()
    )


def _new_set_folder(root: Path, step: int) -> Path:
    """Claim a fresh, uniquely named folder (the timestamp moves on a millisecond on a clash)."""
    root.mkdir(parents=True, exist_ok=True)
    moment = datetime.now(UTC)
    while True:
        name = f"{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z-step-{step:02d}"
        try:
            (root / name).mkdir()
        except FileExistsError:
            moment += timedelta(milliseconds=1)
            continue
        return root / name


def _read_set(folder: Path) -> SavedSet:
    """A saved set from its manifest; one cut short before its manifest is read from its files."""
    match = _SET_ID.match(folder.name)
    step = int(match["step"]) if match else 0
    try:
        data: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = tuple(
            SavedFile(folder.name, path, str(info["sha256"]), int(info["bytes"]), str(info["why"]))
            for path, info in data["files"].items()
            if is_workspace_path(path) and (folder / "files" / path).is_file()
        )
        return SavedSet(folder.name, folder, str(data["created"]), step, str(data["reason"]), files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    root = folder / "files"
    found = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    files = tuple(
        SavedFile(folder.name, p.relative_to(root).as_posix(), sha256(b), len(b), "changed")
        for p in found
        if not p.name.endswith(TEMPORARY_SUFFIX)
        for b in [p.read_bytes()]
    )
    return SavedSet(folder.name, folder, "", step, "(cut short before its manifest)", files)
