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

from vibecode.atomic import TEMPORARY_SUFFIX, atomic_write
from vibecode.errors import VibecodeError
from vibecode.paths import is_workspace_path, state_dir
from vibecode.workspace.files import (
    UnsafePath,
    read_file,
    read_in,
    refuse_linked_state,
    refuse_unsafe,
    sha256,
)

SAVED_DIR = "saved"
MANIFEST = "manifest.json"
_SET_ID = re.compile(r"^\d{8}T\d{6}\.\d{3}Z-step-(?P<step>\d{1,4})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_MANIFEST_BYTES = 16 << 20

WHY = {
    "changed": "your edits since the tool wrote it",
    "yours": "a file the tool did not write, in the way of the step",
    "replaced": "what `vibecode restore` replaced",
    "merged": "your version, before the tool merged the step's changes into it",
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
    """The folder holding a workspace's saved sets (refused when it is a link)."""
    refuse_linked_state(workspace)
    root = state_dir(workspace) / SAVED_DIR
    if root.is_symlink():
        raise UnsafePath(
            f"{root} is a link: the tool keeps saved files only in a real folder",
            hint=f"remove the link with `rm {root}` and run the command again",
        )
    return root


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
    sets = []
    for folder in root.iterdir():
        if _SET_ID.match(folder.name) and not folder.is_symlink() and folder.is_dir():
            sets.append(_read_set(folder))
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
    course's own content and is replaced without a copy. Holds the workspace lock.
    """
    from vibecode.workspace.lock import workspace_lock

    with workspace_lock(workspace):
        return _restore(workspace, ident, paths, owned=owned, write=write, step=step)


def saved_copy(workspace: Path, ident: str, path: str) -> tuple[SavedSet, bytes]:
    """The saved set `ident` and its copy of `path` (to compare it with the workspace)."""
    saved_set = find_saved(workspace, ident)
    if path not in {f.path for f in saved_set.files}:
        names = ", ".join(sorted(f.path for f in saved_set.files)) or "nothing"
        raise VibecodeError(
            f"the saved set {saved_set.id} has no {path}", hint=f"it holds: {names}"
        )
    return saved_set, _saved_bytes(saved_set, path)


def _saved_bytes(saved_set: SavedSet, path: str) -> bytes:
    data = read_file(saved_set.source(path))
    if data is None:
        raise VibecodeError(f"the saved copy {saved_set.source(path)} has disappeared")
    return data


def _restore(
    workspace: Path,
    ident: str,
    paths: Collection[str],
    *,
    owned: Callable[[str], Collection[str]],
    write: Callable[[Path, bytes], None],
    step: int,
) -> RestoreResult:
    saved_set = find_saved(workspace, ident)
    by_path = {f.path: f for f in saved_set.files}
    unknown = sorted(set(paths) - set(by_path))
    if unknown:
        raise VibecodeError(
            f"the saved set {saved_set.id} has no {unknown[0]}",
            hint=f"it holds: {', '.join(sorted(by_path)) or 'nothing'}",
        )
    chosen = [by_path[p] for p in sorted(paths or by_path)]
    refuse_unsafe(workspace, [f.path for f in chosen])
    incoming = {f.path: _saved_bytes(saved_set, f.path) for f in chosen}
    to_save: dict[str, tuple[bytes, str]] = {}
    for path, data in incoming.items():
        current = read_in(workspace, path)
        if current is not None and current != data and sha256(current) not in owned(path):
            to_save[path] = (current, "replaced")
    new_set = (
        save_files(workspace, to_save, step=step, reason=f"restore {saved_set.id}", write=write)
        if to_save
        else None
    )
    restored, unchanged = [], []
    for path, data in incoming.items():
        if (workspace / path).is_dir():
            raise VibecodeError(f"{workspace / path} is a folder; move it away and try again")
        if read_in(workspace, path) == data:
            unchanged.append(path)
            continue
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
    """A saved set from its manifest; one whose manifest is missing or invalid (cut short before
    it was written, or damaged) is read from its files instead. Never raises for its content."""
    match = _SET_ID.match(folder.name)
    step = int(match["step"]) if match else 0
    try:
        manifest = _manifest(folder)
    except (OSError, ValueError, RecursionError, UnsafePath):
        manifest = None
    if manifest is not None:
        created, reason, entries = manifest
        files = tuple(
            SavedFile(folder.name, path, digest, size, why)
            for path, (digest, size, why) in entries.items()
            if _is_regular(folder / "files" / path)
        )
        return SavedSet(folder.name, folder, created, step, reason, files)
    return SavedSet(
        folder.name, folder, "", step, "(no valid manifest: read from its files)", _files(folder)
    )


def _manifest(folder: Path) -> tuple[str, str, dict[str, tuple[str, int, str]]] | None:
    """(created, reason, {path: (sha256, bytes, why)}) from a valid manifest, else None."""
    raw = read_file(folder / MANIFEST)
    if raw is None or len(raw) > MAX_MANIFEST_BYTES:
        return None
    data: Any = json.loads(raw)
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    created, reason = data.get("created"), data.get("reason")
    if not isinstance(created, str) or not isinstance(reason, str):
        return None
    entries: dict[str, tuple[str, int, str]] = {}
    for path, info in data["files"].items():
        if not is_workspace_path(path) or not isinstance(info, dict):
            return None
        digest, size, why = info.get("sha256"), info.get("bytes"), info.get("why")
        if not (isinstance(digest, str) and _SHA256.match(digest)):
            return None
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 1 << 62:
            return None
        if not isinstance(why, str):
            return None
        entries[path] = (digest, size, why)
    return created[:40], reason[:200], entries


def _is_regular(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _files(folder: Path) -> tuple[SavedFile, ...]:
    """The regular files under a set's `files/` folder (links and special files skipped)."""
    import os

    root = folder / "files"
    found: list[SavedFile] = []
    if root.is_symlink() or not root.is_dir():
        return ()
    for base, _, names in os.walk(root):
        for name in sorted(names):
            path = Path(base, name)
            relative = path.relative_to(root).as_posix()
            if name.endswith(TEMPORARY_SUFFIX) or not is_workspace_path(relative):
                continue
            try:
                data = read_file(path)
            except (OSError, UnsafePath):
                continue
            if data is not None:
                found.append(SavedFile(folder.name, relative, sha256(data), len(data), "changed"))
    return tuple(sorted(found, key=lambda f: f.path))
