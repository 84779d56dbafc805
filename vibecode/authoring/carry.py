"""Carry a change made at one step through every later step: a three-way merge per file.

Checkpoints `old[0..last]` are the course before the change; `new[start]` is step `start` as
the author wants it. Step k > start keeps what it did to step k-1 (`old[k-1] -> old[k]`), now on
top of the new step k-1: `merge3(base=old[k-1], this=new[k-1], other=old[k])`, as `git rebase`
replays commits (and as Tortilla's `step edit` does through git). The merge is line-based
(`merge3`, Bazaar's), so two changes to the same or to adjacent lines are a conflict: the
carry stops there, naming the step, the file and both sides, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vibecode.course.source.weave import is_binary, split_lines
from vibecode.errors import VibecodeError

Files = Mapping[str, bytes]


@dataclass(frozen=True)
class FileConflict:
    """One file the merge could not settle at one step."""

    path: str
    ours: str
    """The lines as the carried change left them (the edited step's side)."""
    theirs: str
    """The lines as the later step wrote them."""
    merged: bytes
    """The file with conflict markers around each unsettled region."""


class CarryConflict(VibecodeError):
    """Carrying a change forward met a later step that changes the same lines."""

    def __init__(self, step: int, title: str, edited: int, files: Sequence[FileConflict]):
        self.step = step
        self.edited = edited
        self.files = tuple(files)
        names = ", ".join(conflict.path for conflict in files)
        super().__init__(
            f"step {step} ({title}) changes the same lines as your change to step {edited}: {names}"
        )


def carry(
    old: Sequence[Files],
    start: int,
    new_start: Files,
    *,
    titles: Sequence[str],
    resolved: Mapping[int, Files] | None = None,
) -> list[dict[str, bytes]]:
    """The checkpoints after replacing step `start` by `new_start`, later steps merged on top.

    `resolved[k]`, when given, is step k as the author settled a conflict there: it is taken as
    is and the carry goes on from it. Raises `CarryConflict` at the first step that conflicts.
    """
    resolved = resolved or {}
    result = [dict(version) for version in old[:start]]
    result.append(dict(new_start))
    for k in range(start + 1, len(old)):
        if k in resolved:
            result.append(dict(resolved[k]))
            continue
        merged, conflicts = merge_checkpoints(old[k - 1], result[k - 1], old[k])
        if conflicts:
            raise CarryConflict(k, titles[k - 1], start, conflicts)
        result.append(merged)
    return result


def merge_checkpoints(
    base: Files, this: Files, other: Files
) -> tuple[dict[str, bytes], list[FileConflict]]:
    """`other`'s change from `base` applied to `this`, file by file; the conflicts found."""
    merged: dict[str, bytes] = {}
    conflicts: list[FileConflict] = []
    for path in sorted(set(base) | set(this) | set(other)):
        b, t, o = base.get(path), this.get(path), other.get(path)
        if t == o:
            result = t
        elif b == o:
            result = t  # the later step left this file alone: keep the carried version
        elif b == t:
            result = o  # the carried change left it alone: the later step's version
        elif b is None or t is None or o is None:
            conflicts.append(_whole_file(path, t, o))
            continue
        else:
            text, conflict = merge_file(path, b, t, o)
            if conflict is not None:
                conflicts.append(conflict)
                continue
            result = text
        if result is not None:
            merged[path] = result
    return merged, conflicts


def merge_file(
    path: str, base: bytes, this: bytes, other: bytes
) -> tuple[bytes, FileConflict | None]:
    """A three-way merge of one text file through `merge3`; a conflict when edits overlap.

    merge3, like git, calls two edits to adjacent lines a conflict. Inside such a region the
    two sides' edits are compared once more against the base: when they touch different base
    lines (one changes line 3, the other adds a line after it), both are kept. Edits to the
    same lines, or two insertions at the same place, stay a conflict.
    """
    if any(is_binary(data) for data in (base, this, other)):
        return b"", _whole_file(path, this, other)
    import merge3

    merger = merge3.Merge3(split_lines(base), split_lines(this), split_lines(other))
    out: list[bytes] = []
    ours: list[bytes] = []
    theirs: list[bytes] = []
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            out += merger.base[region[1] : region[2]]
        elif kind in ("a", "same"):
            out += merger.a[region[1] : region[2]]
        elif kind == "b":
            out += merger.b[region[1] : region[2]]
        else:
            z1, z2, a1, a2, b1, b2 = region[1:7]  # type: ignore[misc]  # conflict: 7 fields
            side_a, side_b = list(merger.a[a1:a2]), list(merger.b[b1:b2])
            combined = combine_edits(list(merger.base[z1:z2]), side_a, side_b)
            if combined is not None:
                out += combined
                continue
            ours += [*side_a, b"...\n"]
            theirs += [*side_b, b"...\n"]
            out += [b"<<<<<<< your change\n", *side_a, b"=======\n", *side_b]
            out.append(b">>>>>>> the later step\n")
    text = b"".join(out)
    if not ours:
        return text, None
    return text, FileConflict(
        path=path,
        ours=_show(b"".join(ours[:-1])),
        theirs=_show(b"".join(theirs[:-1])),
        merged=text,
    )


Edit = tuple[int, int, list[bytes]]
"""Base lines [start, end) replaced by these lines (start == end: an insertion)."""


def _edits(base: list[bytes], side: list[bytes]) -> list[Edit]:
    import difflib

    matcher = difflib.SequenceMatcher(None, base, side, autojunk=False)
    return [
        (i1, i2, side[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _clash(one: Edit, two: Edit) -> bool:
    (s1, e1, _), (s2, e2, _) = one, two
    if s1 == e1 and s2 == e2:
        return s1 == s2  # two insertions at the same place: which goes first is a choice
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return max(s1, s2) < min(e1, e2)


def combine_edits(base: list[bytes], this: list[bytes], other: list[bytes]) -> list[bytes] | None:
    """Both sides' edits of `base` at once when they touch different lines, else None."""
    mine, later = _edits(base, this), _edits(base, other)
    if any(_clash(a, b) for a in mine for b in later):
        return None
    # At one position an insertion comes before a replacement that starts there.
    ordered = sorted([*mine, *later], key=lambda edit: (edit[0], edit[0] != edit[1]))
    out: list[bytes] = []
    cursor = 0
    for start, end, lines in ordered:
        out += base[cursor:start]
        out += lines
        cursor = max(cursor, end)
    out += base[cursor:]
    return out


def _whole_file(path: str, this: bytes | None, other: bytes | None) -> FileConflict:
    """Both sides changed a file and one deleted it, or it is binary: no line merge."""
    return FileConflict(
        path=path,
        ours=_show(this) if this is not None else "(deleted)",
        theirs=_show(other) if other is not None else "(deleted)",
        merged=this if this is not None else (other or b""),
    )


def _show(data: bytes) -> str:
    return "(binary)" if is_binary(data) else data.decode("utf-8")


def has_markers(data: bytes) -> bool:
    """The file still holds conflict markers (`<<<<<<<` at a line start)."""
    return any(line.startswith((b"<<<<<<<", b">>>>>>>")) for line in split_lines(data))
