"""Apply a step to a workspace: any step, forward or backward, in one go, never losing an edit.

The target is the step's checkpoint (`Course.checkpoint(n)`). A file is the tool's own when its
content hashes to what the state says the tool wrote (or was writing, after a run cut short);
anything else that would be overwritten or deleted is copied to a saved set first. Files the tool
never wrote and the target does not need are left alone. The order makes every interruption safe:
saved copies, then the `pending` record, then the files, then the state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.workspace.files import (
    atomic_write,
    atomic_write_many,
    file_hash,
    is_ignored,
    remove_empty_parents,
    sha256,
)
from vibecode.workspace.saved import SavedFile, save_files
from vibecode.workspace.state import (
    Pending,
    WorkspaceState,
    has_state,
    load_state,
    save_state,
    state_path,
)


class Writer:
    """The seam through which the tool changes a workspace (tests pass one that fails midway)."""

    def write(self, path: Path, data: bytes) -> None:
        """Replace or create a file atomically."""
        atomic_write(path, data)

    def write_many(self, items: Sequence[tuple[Path, bytes]]) -> None:
        """Replace or create several files, each atomically, flushed to disk together."""
        atomic_write_many(items)

    def remove(self, path: Path) -> None:
        """Delete a file."""
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class ApplyResult:
    """What one apply did."""

    from_step: int
    step: int
    written: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    saved: tuple[SavedFile, ...] = ()
    created: bool = False
    """The workspace did not exist (or was an empty folder) and was created."""
    interrupted: int | None = None
    """The step an earlier run was applying when it was cut short; this run cleaned up after it."""


@dataclass
class _Ownership:
    """Which paths the tool wrote, and the contents it may replace without saving a copy."""

    tracked: set[str]
    hashes: Mapping[str, Collection[str]] = field(default_factory=dict)

    def owns(self, path: str, digest: str | None) -> bool:
        return digest is not None and digest in self.hashes.get(path, ())


OnSaved = Callable[[SavedFile], None]


def goto(
    course: Course,
    workspace: Path,
    number: int,
    *,
    on_saved: OnSaved | None = None,
    writer: Writer | None = None,
    reason: str = "",
) -> ApplyResult:
    """Write step `number`'s checkpoint into the workspace, creating it if needed.

    `reason` is the command recorded in the manifest of the saved set, if one is made.
    """
    target = course.checkpoint(number)  # an unknown step fails before the workspace is read
    state, created = _state_for_move(workspace)
    return _apply(
        workspace,
        number,
        target,
        state,
        _recorded(state),
        created=created,
        reason=reason or f"goto {number}",
        on_saved=on_saved,
        writer=writer,
    )


def move(
    course: Course,
    workspace: Path,
    delta: int,
    *,
    on_saved: OnSaved | None = None,
    writer: Writer | None = None,
) -> ApplyResult:
    """`next` (+1) and `prev` (-1): the step after or before the current one."""
    state, _ = _state_for_move(workspace)
    # The step shown after or before this one: in a track, skipped steps come along in one go.
    following = course.following(state.step) if delta > 0 else None
    if delta > 0 and following is None:
        raise VibecodeError(f"step {state.step} is the last step of the course")
    if delta < 0 and state.step <= 0:
        raise VibecodeError("the workspace is at step 0, the empty workspace, already")
    number = following if following is not None else course.previous(state.step)
    name = "next" if delta > 0 else "prev"
    return goto(course, workspace, number, on_saved=on_saved, writer=writer, reason=name)


def reset(
    course: Course,
    workspace: Path,
    *,
    step: int | None = None,
    on_saved: OnSaved | None = None,
    writer: Writer | None = None,
) -> ApplyResult:
    """Back to a checkpoint (the current step's by default), saving edits first.

    With `step`, this is also the way out of a missing or corrupt state: files whose content
    matches some step of the course count as the tool's, the rest are saved before replacement.
    """
    if step is None:
        state = load_state(workspace)
        return goto(course, workspace, state.step, on_saved=on_saved, writer=writer, reason="reset")
    target = course.checkpoint(step)
    reason = f"reset --step {step}"
    if not workspace.exists() or (has_state(workspace) and _state_is_valid(workspace)):
        return goto(course, workspace, step, on_saved=on_saved, writer=writer, reason=reason)
    broken = state_path(workspace)
    if broken.exists():  # keep the unreadable file for whoever wants to look at it
        broken.replace(broken.with_name(broken.name + ".corrupt"))
    state = WorkspaceState(step=step)
    return _apply(
        workspace,
        step,
        target,
        state,
        _adopted(course, workspace),
        created=False,
        reason=reason,
        on_saved=on_saved,
        writer=writer,
    )


def repair(
    course: Course, workspace: Path, *, on_saved: OnSaved | None = None
) -> ApplyResult | None:
    """Finish a run that was cut short (Ctrl-C, a crash); None when there is nothing to repair."""
    state = load_state(workspace)
    if state.pending is None:
        return None
    return goto(course, workspace, state.pending.step, on_saved=on_saved, reason="repair")


def _apply(
    workspace: Path,
    number: int,
    target: Mapping[str, bytes],
    state: WorkspaceState,
    ownership: _Ownership,
    *,
    created: bool,
    reason: str,
    on_saved: OnSaved | None,
    writer: Writer | None,
) -> ApplyResult:
    writer = writer or Writer()
    target_hashes = {path: sha256(data) for path, data in target.items()}
    on_disk = {path: file_hash(workspace / path) for path in ownership.tracked | set(target)}

    saves: dict[str, tuple[bytes, str]] = {}
    deletes: list[str] = []
    for path in sorted(ownership.tracked - set(target)):
        if on_disk[path] is None:
            continue
        if not ownership.owns(path, on_disk[path]):
            saves[path] = ((workspace / path).read_bytes(), "changed")
        deletes.append(path)
    for blocker in _files_in_the_way(workspace, target, set(deletes)):
        if not ownership.owns(blocker, file_hash(workspace / blocker)):
            saves[blocker] = ((workspace / blocker).read_bytes(), "yours")
        deletes.append(blocker)
    writes: dict[str, bytes] = {}
    unchanged: list[str] = []
    for path, data in target.items():
        digest = on_disk[path]
        if digest == target_hashes[path]:
            unchanged.append(path)
            continue
        if digest is not None and not ownership.owns(path, digest):
            why = "changed" if path in ownership.tracked else "yours"
            saves[path] = ((workspace / path).read_bytes(), why)
        writes[path] = data
    _refuse_folders_in_the_way(workspace, writes, set(deletes), number)

    saved: tuple[SavedFile, ...] = ()
    if saves:
        saved_set = save_files(workspace, saves, step=state.step, reason=reason, write=writer.write)
        saved = saved_set.files
        for item in saved:
            if on_saved is not None:
                on_saved(item)

    if writes or deletes:
        # From here on the disk holds a mix of the old step and this one: say so first. Every
        # file this run replaces is the tool's or has a saved copy now, so a run cut short
        # leaves nothing that the next one must copy again.
        replaced = {path: file_hash(workspace / path) for path in (*deletes, *writes)}
        known = {path: digest for path, digest in replaced.items() if digest is not None}
        save_state(
            workspace,
            WorkspaceState(state.step, known, Pending(number, target_hashes)),
            write=writer.write,
        )
        for path in deletes:
            writer.remove(workspace / path)
        remove_empty_parents(workspace, deletes)
        writer.write_many([(workspace / path, data) for path, data in writes.items()])
    save_state(workspace, WorkspaceState(number, target_hashes), write=writer.write)
    return ApplyResult(
        from_step=state.step,
        step=number,
        written=tuple(writes),
        deleted=tuple(deletes),
        unchanged=tuple(unchanged),
        saved=saved,
        created=created,
        interrupted=state.pending.step if state.pending is not None else None,
    )


def _state_for_move(workspace: Path) -> tuple[WorkspaceState, bool]:
    """The state to move from; a missing or empty folder is a new workspace at step 0."""
    if not workspace.exists():
        return WorkspaceState(step=0), True
    if not workspace.is_dir():
        raise VibecodeError(f"{workspace} is a file, not a workspace folder")
    if not has_state(workspace) and not any(workspace.iterdir()):
        return WorkspaceState(step=0), True
    return load_state(workspace), False


def _state_is_valid(workspace: Path) -> bool:
    try:
        load_state(workspace)
    except VibecodeError:
        return False
    return True


def _recorded(state: WorkspaceState) -> _Ownership:
    """Ownership from the state: what the tool wrote, and what it was writing when cut short."""
    tracked = set(state.files) | (set(state.pending.files) if state.pending else set())
    return _Ownership(tracked, {path: state.owned(path) for path in tracked})


def _adopted(course: Course, workspace: Path) -> _Ownership:
    """Ownership without a state: a file is the tool's if it matches that path in some step."""
    versions: dict[str, set[str]] = {}
    for number in range(1, course.size + 1):
        for path, data in course.written(number).items():
            versions.setdefault(path, set()).add(sha256(data))
    tracked = {path for path, known in versions.items() if file_hash(workspace / path) in known}
    return _Ownership(tracked, versions)


def _files_in_the_way(workspace: Path, target: Mapping[str, bytes], deletes: set[str]) -> list[str]:
    """Files sitting where the target needs a folder (`app` a file, `app/main.py` wanted)."""
    folders = {parent for path in target for parent in _parents(path)}
    return sorted(
        folder for folder in folders if folder not in deletes and (workspace / folder).is_file()
    )


def _refuse_folders_in_the_way(
    workspace: Path, writes: Mapping[str, bytes], deletes: set[str], number: int
) -> None:
    """A folder where the step needs a file is never removed: the user moves it."""
    for path in writes:
        folder = workspace / path
        if folder.is_dir() and not folder.is_symlink():
            inside = {p.relative_to(workspace).as_posix() for p in folder.rglob("*") if p.is_file()}
            if {p for p in inside if not is_ignored(p)} - deletes:
                raise VibecodeError(
                    f"{folder} is a folder, but step {number} needs a file there",
                    hint="move the folder away and run the command again",
                )


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
