"""`course absorb`: edits made in the reference app go to the steps that introduced those lines.

The author edits `app/` (the reference, the last step) like any project and runs one command.
Each changed region of a file is traced through the line history to the earliest step where the
lines it touches stand exactly as they do around it in the reference: the lines it replaces or
removes all exist there, with nothing else between them at any later step (for an insertion:
its two neighbouring lines are adjacent from that step on). The change is made at that step and
holds in every later one, as `hg absorb` folds working-copy edits into the commits that wrote
those lines. No later step touched those lines, so nothing is merged and nothing can conflict.
New files arrive at the last step; a file removed from the reference leaves at the last step.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from vibecode.authoring.writer import (
    SaveReport,
    checkpoints,
    course_digest,
    reference_files,
    reference_view,
    save_course,
)
from vibecode.course.manifest import Course
from vibecode.course.source.weave import Entry, FileHistory, Weave, is_binary, loads, split_lines
from vibecode.errors import VibecodeError


@dataclass(frozen=True)
class Move:
    """One region of the reference taken into a step."""

    path: str
    line: int
    """Where the region starts in the reference file (1-based; 0 for a whole file)."""
    kind: str
    """`changed`, `added`, `removed`, `new file` or `deleted file`."""
    step: int


@dataclass(frozen=True)
class Absorbed:
    """What `absorb` did."""

    moves: tuple[Move, ...]
    report: SaveReport | None


def absorb(course: Course, *, dry_run: bool = False) -> Absorbed:
    """Take every difference between the reference and the last step into the course."""
    course_digest(course)  # the older layout is refused with its hint
    assert course.source is not None
    if course.info.reference is None:
        raise VibecodeError(
            f"the course in {course.root} declares no reference to absorb from",
            hint="set `reference` and `reference_paths` in its course.toml",
        )
    last = course.size
    reference = reference_files(course)
    current = reference_view(course, checkpoints(course)[last])
    weave = loads(course.source.data, origin=str(course.source.file))
    moves: list[Move] = []
    for path in sorted(set(reference) | set(current)):
        before, after = current.get(path), reference.get(path)
        if before == after:
            continue
        if before is None:
            assert after is not None
            _add_file(weave, path, after, last)
            moves.append(Move(path, 0, "new file", last))
        elif after is None:
            _remove_file(weave.files[path], last)
            moves.append(Move(path, 0, "deleted file", last))
        else:
            moves += _absorb_file(weave.files[path], after, last)
    if not moves:
        return Absorbed(moves=(), report=None)
    versions = weave.checkpoints()
    if reference_view(course, versions[last]) != reference:
        raise VibecodeError("internal error: the absorbed course does not end at the reference")
    if dry_run:
        return Absorbed(moves=tuple(moves), report=None)
    return Absorbed(moves=tuple(moves), report=save_course(course, versions, write_reference=False))


def _add_file(weave: Weave, path: str, data: bytes, last: int) -> None:
    history = weave.files.get(path)
    if history is None:
        history = weave.files[path] = FileHistory(path=path, binary=is_binary(data))
    history.spans.append((last, None))
    pieces = [data] if history.binary else split_lines(data)
    history.entries += [Entry(first=last, last=None, data=piece) for piece in pieces]


def _remove_file(history: FileHistory, last: int) -> None:
    first, _ = history.spans[-1]
    if first == last:
        history.spans.pop()
        history.entries = [e for e in history.entries if e.first != last]
        return
    history.spans[-1] = (first, last - 1)
    for entry in history.entries:
        if entry.last is None:
            entry.last = last - 1


def _absorb_file(history: FileHistory, data: bytes, last: int) -> list[Move]:
    alive = [entry for entry in history.entries if entry.at(last)]
    if history.binary or is_binary(data):
        for entry in alive:
            entry.last = last - 1
        history.binary = True
        history.entries.append(Entry(first=last, last=None, data=data))
        return [Move(history.path, 0, "changed", last)]
    lines = split_lines(data)
    start = history.spans[-1][0]
    matcher = difflib.SequenceMatcher(None, [e.data for e in alive], lines, autojunk=False)
    moves: list[Move] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = alive[i1:i2]
        before = alive[i1 - 1] if i1 > 0 else None
        after = alive[i2] if i2 < len(alive) else None
        step = _target(history, old, before, after, start)
        new = [Entry(first=step, last=None, data=line) for line in lines[j1:j2]]
        if old:
            at = history.entries.index(old[-1]) + 1
        else:
            at = history.entries.index(after) if after is not None else len(history.entries)
        history.entries[at:at] = new
        for entry in old:
            if entry.first >= step:
                history.entries.remove(entry)
            else:
                entry.last = step - 1
        kind = "changed" if old and new else ("removed" if old else "added")
        moves.append(Move(history.path, j1 + 1, kind, step))
    return moves


def _target(
    history: FileHistory,
    old: list[Entry],
    before: Entry | None,
    after: Entry | None,
    start: int,
) -> int:
    """The earliest step from which the region stands as it does in the reference."""
    entries = history.entries
    if old:
        earliest = max(entry.first for entry in old)
        low, high = entries.index(old[0]), entries.index(old[-1])
    else:
        firsts = [entry.first for entry in (before, after) if entry is not None]
        earliest = max(firsts, default=start)
        low = entries.index(before) if before is not None else -1
        high = entries.index(after) if after is not None else len(entries)
    earliest = max(earliest, start)
    inside = {id(entry) for entry in old}
    for entry in entries[low + 1 : high]:
        if id(entry) in inside or entry.last is None:
            continue
        if entry.last >= earliest:
            earliest = entry.last + 1  # a line between them until then: from the step after
    return earliest
