"""Apply a step to a workspace: any step, forward or backward, in one go, never losing an edit.

The target is the step's checkpoint (`Course.checkpoint(n)`). A file is the tool's own when its
content hashes to what the state says the tool wrote (or was writing, after a run cut short);
anything else that would be overwritten or deleted is copied to a saved set first. Files the tool
never wrote and the target does not need are left alone. The order makes every interruption safe:
saved copies, then the `pending` record, then the files, then the state.

Two ways keep the attendee's own code instead of the step's: `keep` (paths left as they are,
recorded as theirs: `vibecode next` when their code passes, `--keep-mine`) and `merge` (a clean
three-way merge of their changes into the step's version: `goto N --merge`). Every entry point
holds the workspace lock (`workspace.lock`) and refuses folders that are no workspace
(`workspace.guard`) and paths through links or to special files (`workspace.files`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from vibecode.atomic import atomic_write, atomic_write_many
from vibecode.course.manifest import Course
from vibecode.errors import VibecodeError
from vibecode.paths import STATE_DIR
from vibecode.workspace.files import (
    is_ignored,
    read_in,
    refuse_unsafe,
    remove_empty_parents,
    sha256,
)
from vibecode.workspace.guard import course_versions, refuse_protected, refuse_unknown
from vibecode.workspace.lock import workspace_lock
from vibecode.workspace.saved import SavedFile, save_files
from vibecode.workspace.state import (
    CorruptState,
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
    kept: tuple[str, ...] = ()
    """The attendee's files left as they were and recorded as theirs (the step differs)."""
    merged: tuple[str, ...] = ()
    """Files whose attendee changes were merged cleanly into the step's version."""
    conflicts: tuple[str, ...] = ()
    """Files `--merge` could not merge: their version saved, the step's written."""


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
    merge: bool = False,
) -> ApplyResult:
    """Write step `number`'s checkpoint into the workspace, creating it if needed.

    `merge` carries the attendee's changes across the move with a three-way merge per file.
    `reason` is the command recorded in the manifest of the saved set, if one is made.
    """
    target = course.checkpoint(number)  # an unknown step fails before the workspace is read
    _refuse_early(workspace)
    with workspace_lock(workspace):
        state, created = _state_for_move(workspace)
        merged: dict[str, bytes] = {}
        keep: set[str] = set()
        conflicts: tuple[str, ...] = ()
        if merge and not created:
            from vibecode.workspace.merge import plan_merges

            plan = plan_merges(course, workspace, state, target)
            merged, keep, conflicts = plan.merged, plan.keep, plan.conflicts
        result = _apply(
            workspace,
            number,
            target,
            state,
            _recorded(state),
            created=created,
            reason=reason or (f"goto {number} --merge" if merge else f"goto {number}"),
            on_saved=on_saved,
            writer=writer,
            keep=keep,
            merged=merged,
        )
        return replace(result, conflicts=conflicts)


def move(
    course: Course,
    workspace: Path,
    delta: int,
    *,
    on_saved: OnSaved | None = None,
    writer: Writer | None = None,
) -> ApplyResult:
    """`next` (+1) and `prev` (-1): the step after or before the current one."""
    _refuse_early(workspace)
    with workspace_lock(workspace):
        state, _ = _state_for_move(workspace)
        number = neighbour(course, state.step, delta)
        name = "next" if delta > 0 else "prev"
        return goto(course, workspace, number, on_saved=on_saved, writer=writer, reason=name)


def neighbour(course: Course, step: int, delta: int) -> int:
    """The step shown `delta` (+1 or -1) away from `step`, or the error that says why there is
    none. In a track, the steps it skips come along with the next one shown."""
    if step > course.size:
        raise VibecodeError(
            f"the workspace is at step {step}, but the course ends at step {course.size}",
            hint=f"`vibecode goto {course.size}` saves your edits first",
        )
    if delta > 0:
        following = course.following(step)
        if following is None:
            raise VibecodeError(f"step {step} is the last step of the course")
        return following
    if step <= 0:
        raise VibecodeError("the workspace is at step 0, the empty workspace, already")
    return course.previous(step)


def reset(
    course: Course,
    workspace: Path,
    *,
    step: int | None = None,
    force: bool = False,
    on_saved: OnSaved | None = None,
    writer: Writer | None = None,
) -> ApplyResult:
    """Back to a checkpoint (the current step's by default), saving edits first.

    With `step`, this is also the way out of a missing or corrupt state: files whose content
    matches some step of the course count as the tool's, the rest are saved before replacement.
    A folder without any state is adopted only if it holds nothing but course files, or `force`.
    """
    if step is None:
        _refuse_early(workspace)
        load_state(workspace)  # missing or corrupt: say so before touching the folder
        with workspace_lock(workspace):
            state = load_state(workspace)
            return goto(
                course, workspace, state.step, on_saved=on_saved, writer=writer, reason="reset"
            )
    target = course.checkpoint(step)
    reason = f"reset --step {step}"
    refuse_protected(workspace)
    if workspace.exists() and not has_state(workspace) and not _is_empty(workspace) and not force:
        refuse_unknown(course, workspace, step)  # before the lock creates .vibecode/ in it
    with workspace_lock(workspace):
        if not has_state(workspace) and _is_empty(workspace):
            return goto(course, workspace, step, on_saved=on_saved, writer=writer, reason=reason)
        if has_state(workspace) and _state_is_valid(workspace):
            return goto(course, workspace, step, on_saved=on_saved, writer=writer, reason=reason)
        if not has_state(workspace) and not force:
            refuse_unknown(course, workspace, step)
        broken = state_path(workspace)
        if broken.exists() or broken.is_symlink():  # keep the unreadable file for a look
            broken.replace(broken.with_name(broken.name + ".corrupt"))
        return _apply(
            workspace,
            step,
            target,
            WorkspaceState(step=step),
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
    refuse_protected(workspace)
    with workspace_lock(workspace):
        state = load_state(workspace)  # another command may have finished it meanwhile
        if state.pending is None:
            return None
        return goto(course, workspace, state.pending.step, on_saved=on_saved, reason="repair")


def keep_theirs(
    course: Course,
    workspace: Path,
    number: int,
    keep: Collection[str],
    *,
    on_saved: OnSaved | None = None,
    reason: str,
) -> ApplyResult:
    """Move to step `number`, leaving the attendee's files at `keep` as they are (theirs now)."""
    target = course.checkpoint(number)
    _refuse_early(workspace)
    with workspace_lock(workspace):
        state, created = _state_for_move(workspace)
        return _apply(
            workspace,
            number,
            target,
            state,
            _recorded(state),
            created=created,
            reason=reason,
            on_saved=on_saved,
            writer=None,
            keep=set(keep),
        )


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
    keep: Collection[str] = (),
    merged: Mapping[str, bytes] | None = None,
) -> ApplyResult:
    writer = writer or Writer()
    merged = merged or {}
    keep = set(keep) - set(merged)
    refuse_unsafe(workspace, ownership.tracked | set(target))
    target_hashes = {path: sha256(data) for path, data in target.items()}
    on_disk = {path: _hash(workspace, path) for path in ownership.tracked | set(target)}

    saves: dict[str, tuple[bytes, str]] = {}
    deletes: list[str] = []
    for path in sorted(ownership.tracked - set(target) - keep):
        if on_disk[path] is None:
            continue
        if not ownership.owns(path, on_disk[path]):
            saves[path] = (_read(workspace, path), "changed")
        deletes.append(path)
    for blocker in _files_in_the_way(workspace, target, set(deletes)):
        if not ownership.owns(blocker, _hash(workspace, blocker)):
            saves[blocker] = (_read(workspace, blocker), "yours")
        deletes.append(blocker)
    writes: dict[str, bytes] = {}
    unchanged: list[str] = []
    kept: list[str] = []
    for path, data in target.items():
        digest = on_disk[path]
        if path in keep and digest is not None:
            kept.append(path)
            continue
        if path in merged:
            saves[path] = (_read(workspace, path), "merged")
            writes[path] = merged[path]
            continue
        if digest == target_hashes[path]:
            unchanged.append(path)
            continue
        if digest is not None and not ownership.owns(path, digest):
            why = "changed" if path in ownership.tracked else "yours"
            saves[path] = (_read(workspace, path), why)
        writes[path] = data
    kept += [path for path in keep - set(target) if on_disk.get(path) is not None]
    _refuse_folders_in_the_way(workspace, writes, set(deletes), number)

    saved: tuple[SavedFile, ...] = ()
    if saves:
        saved_set = save_files(workspace, saves, step=state.step, reason=reason, write=writer.write)
        saved = saved_set.files
        for item in saved:
            if on_saved is not None:
                on_saved(item)

    writing = {path: sha256(data) for path, data in writes.items()}
    if writes or deletes:
        # From here on the disk holds a mix of the old step and this one: say so first. Every
        # file this run replaces is the tool's or has a saved copy now, so a run cut short
        # leaves nothing that the next one must copy again.
        replaced = {path: _hash(workspace, path) for path in (*deletes, *writes)}
        known = {path: digest for path, digest in replaced.items() if digest is not None}
        save_state(
            workspace,
            replace(state, files=known, pending=Pending(number, {**target_hashes, **writing})),
            write=writer.write,
        )
        for path in deletes:
            writer.remove(workspace / path)
        remove_empty_parents(workspace, deletes)
        writer.write_many([(workspace / path, data) for path, data in writes.items()])
    theirs = set(kept) | set(merged)
    still_kept = {
        path: since
        for path, since in state.kept.items()
        if path not in writes and path not in deletes and path not in theirs
    }
    final = WorkspaceState(
        step=number,
        # A kept or merged file is recorded with the step's hash: it differs from it, so it is
        # the attendee's, and the next move saves it before it replaces it.
        files={path: digest for path, digest in target_hashes.items()},
        reached=state.reached | {number},
        passed=state.passed,
        kept={**still_kept, **dict.fromkeys(sorted(theirs), number)},
        hints=state.hints,
    )
    save_state(workspace, final, write=writer.write)
    return ApplyResult(
        from_step=state.step,
        step=number,
        written=tuple(path for path in writes if path not in merged),
        deleted=tuple(deletes),
        unchanged=tuple(unchanged),
        saved=saved,
        created=created,
        interrupted=state.pending.step if state.pending is not None else None,
        kept=tuple(sorted(kept)),
        merged=tuple(sorted(merged)),
    )


def _hash(workspace: Path, path: str) -> str | None:
    data = read_in(workspace, path)
    return None if data is None else sha256(data)


def _read(workspace: Path, path: str) -> bytes:
    data = read_in(workspace, path)
    if data is None:  # it was there a moment ago: someone else is changing the folder
        raise VibecodeError(f"{workspace / path} disappeared while the tool was saving it")
    return data


def _refuse_early(workspace: Path) -> None:
    """Refuse a folder that is no workspace before the lock creates `.vibecode/` in it."""
    refuse_protected(workspace)
    _state_for_move(workspace)


def _state_for_move(workspace: Path) -> tuple[WorkspaceState, bool]:
    """The state to move from; a missing or empty folder is a new workspace at step 0."""
    if not workspace.exists():
        return WorkspaceState(step=0), True
    if not workspace.is_dir():
        raise VibecodeError(f"{workspace} is a file, not a workspace folder")
    if not has_state(workspace) and _is_empty(workspace):
        return WorkspaceState(step=0), True
    return load_state(workspace), False


def _is_empty(workspace: Path) -> bool:
    """No entry at all besides the tool's own folder (which the lock may have just created)."""
    if not workspace.exists():
        return True
    return all(entry.name == STATE_DIR for entry in workspace.iterdir())


def _state_is_valid(workspace: Path) -> bool:
    try:
        load_state(workspace)
    except CorruptState:
        return False
    return True


def _recorded(state: WorkspaceState) -> _Ownership:
    """Ownership from the state: what the tool wrote, and what it was writing when cut short."""
    tracked = set(state.files) | (set(state.pending.files) if state.pending else set())
    return _Ownership(tracked, {path: state.owned(path) for path in tracked})


def _adopted(course: Course, workspace: Path) -> _Ownership:
    """Ownership without a state: a file is the tool's if it matches that path in some step."""
    versions = course_versions(course)
    tracked = {path for path, known in versions.items() if _hash(workspace, path) in known}
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
