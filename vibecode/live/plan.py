"""What typing a step means: its files in order, each as hunks, every state in between.

Step N's plan goes from checkpoint N-1 to checkpoint N. A file is typed (hunk by hunk), written at
once with a note (tests, migrations, what `alembic init` writes, or whatever `[typing] instant`
names), or deleted (its lines shown going away). Hunks come from a line diff; changes separated
only by blank lines are one hunk, and a long insertion is cut before each top-level statement,
so the file on disk stays a whole program at every hunk's end (`vibecode rehearse` checks).

After hunk k of a file, its text is the new text up to the end of hunk k followed by the old text
after it: `new[:hunk.new_end] + old[hunk.old_end:]`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from vibecode.course.manifest import Course, Step
from vibecode.errors import StepError

Mode = Literal["typed", "instant", "deleted"]

SPLIT_LINES = 10
"""An insertion longer than this is cut before top-level statements..."""
MIN_PART_LINES = 4
"""...into parts of at least this many lines."""
DEFAULT_INSTANT: tuple[tuple[str, str], ...] = (
    ("tests/*", "a test file: written at once"),
    ("*/alembic/versions/*", "what `alembic revision --autogenerate` writes"),
    ("alembic.ini", "what `alembic init` writes"),
    ("*/alembic/env.py", "what `alembic init` writes (then adapted for async)"),
    ("*/alembic/script.py.mako", "what `alembic init` writes"),
    ("*/alembic/README", "what `alembic init` writes"),
)
"""Files written at once unless `[typing] typed` names them: pattern, the note shown."""
TRIPLE = '"' * 3
CONTINUATIONS = ("else", "elif", "except", "finally", "case")


@dataclass(frozen=True)
class Hunk:
    """One change of a file: old lines [old_start, old_end) give way to new [new_start, new_end)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int

    @property
    def removes(self) -> int:
        """How many old lines go away."""
        return self.old_end - self.old_start


@dataclass(frozen=True)
class FilePlan:
    """How one file of the step is played."""

    path: str
    mode: Mode
    old: tuple[str, ...]
    """The file's lines before the step (with their line endings); empty for a new file."""
    new: tuple[str, ...]
    """Its lines after the step; empty for a deleted file."""
    hunks: tuple[Hunk, ...]
    note: str = ""
    exists_before: bool = True
    binary: bytes | None = None
    """The content of a file that is not UTF-8 text (written at once)."""

    def text_after(self, done: int) -> str:
        """The file's text once its first `done` hunks are typed."""
        if done <= 0:
            return "".join(self.old)
        hunk = self.hunks[min(done, len(self.hunks)) - 1]
        return "".join(self.new[: hunk.new_end]) + "".join(self.old[hunk.old_end :])

    def typed_text(self, hunk: Hunk) -> str:
        """The text a hunk types."""
        return "".join(self.new[hunk.new_start : hunk.new_end])

    @property
    def chars(self) -> int:
        """Characters typed for this file (0 when written at once)."""
        if self.mode != "typed":
            return 0
        return sum(len(self.typed_text(hunk)) for hunk in self.hunks)

    def final(self) -> bytes | None:
        """The file's bytes at the end of the step (None: it is deleted)."""
        if self.mode == "deleted":
            return None
        if self.binary is not None:
            return self.binary
        return "".join(self.new).encode("utf-8")


@dataclass(frozen=True)
class StepPlan:
    """Step `step`'s files in the order they are played."""

    step: int
    title: str
    files: tuple[FilePlan, ...]

    @property
    def chars(self) -> int:
        """Every character typed in the step."""
        return sum(file.chars for file in self.files)

    @property
    def hunks(self) -> int:
        """Every hunk typed in the step."""
        return sum(len(file.hunks) for file in self.files if file.mode == "typed")


def plan_step(course: Course, number: int) -> StepPlan:
    """The typing plan of step `number` (1..last), from its checkpoint before to its own."""
    step = course.step(number)
    before = course.checkpoint(number - 1)
    after = course.checkpoint(number)
    changed = [p for p in sorted(before.keys() | after.keys()) if before.get(p) != after.get(p)]
    _check_spec(step, changed)
    files = {path: _file_plan(step, path, before.get(path), after.get(path)) for path in changed}
    listed = list(step.typing.order)
    typed = [p for p in changed if p not in listed and files[p].mode == "typed"]
    rest = [p for p in changed if p not in listed and files[p].mode != "typed"]
    order = [*listed, *dependencies_first(typed, {p: "".join(files[p].new) for p in typed}), *rest]
    return StepPlan(step=number, title=step.title, files=tuple(files[p] for p in order))


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+([\w, ()]+)|import\s+([\w.]+))", re.M)


def dependencies_first(paths: list[str], texts: Mapping[str, str]) -> list[str]:
    """`paths` reordered so that a module comes after the modules of `paths` it imports.

    A stable topological order (path order breaks ties): typing `app/main.py` before the router
    it includes would leave the app unimportable. A package needs no `__init__.py` to be imported
    (a namespace package), so a new `__init__.py` that imports its modules comes after them.
    """
    modules = {_module(path): path for path in paths if path.endswith(".py")}
    needs: dict[str, set[str]] = {path: set() for path in paths}
    for path in paths:
        for match in _IMPORT.finditer(texts.get(path, "")):
            base = match[1] or match[3]
            names = [n.strip(" ()") for n in (match[2] or "").split(",")]
            for module in [base, *(f"{base}.{name}" for name in names if name)]:
                found = modules.get(module)
                if found is not None and found != path:
                    needs[path].add(found)
    ordered: list[str] = []
    waiting = list(paths)
    while waiting:
        ready = next((p for p in waiting if needs[p] <= set(ordered)), waiting[0])  # a cycle: as is
        ordered.append(ready)
        waiting.remove(ready)
    return ordered


def _module(path: str) -> str:
    dotted = path.removesuffix(".py").replace("/", ".")
    return dotted.removesuffix(".__init__")


def _check_spec(step: Step, changed: list[str]) -> None:
    spec = step.typing
    named = {
        "order": spec.order,
        "instant": spec.instant,
        "typed": spec.typed,
        "notes": tuple(spec.notes),
        "join": tuple(spec.join),
    }
    for key, paths in named.items():
        for path in paths:
            if path not in changed:
                raise StepError(
                    f"{step.directory / 'step.toml'}: typing.{key}: step {step.number} does not "
                    f"change {path!r}"
                )


def _file_plan(step: Step, path: str, old: bytes | None, new: bytes | None) -> FilePlan:
    note = step.typing.notes.get(path, "")
    if new is None:
        lines = _lines(old)
        if lines is None:
            return FilePlan(path, "deleted", (), (), (), note or "binary file: removed")
        hunk = Hunk(0, len(lines), 0, 0)
        return FilePlan(path, "deleted", lines, (), (hunk,), note)
    old_lines = _lines(old) if old is not None else ()
    new_lines = _lines(new)
    if new_lines is None or old_lines is None:
        return FilePlan(
            path,
            "instant",
            (),
            (),
            (),
            note or "binary file: written at once",
            exists_before=old is not None,
            binary=new,
        )
    default_note = _default_instant(path)
    hunks = _join(hunks_between(old_lines, new_lines), step.typing.join.get(path, ()), step, path)
    if not hunks:  # nothing to type: an empty new file (an `__init__.py`) appears at once
        default_note = default_note or "an empty file: written at once"
    instant = path in step.typing.instant or (
        default_note is not None and (path not in step.typing.typed or not hunks)
    )
    return FilePlan(
        path,
        "instant" if instant else "typed",
        old_lines,
        new_lines,
        hunks,
        note or (default_note or "written at once" if instant else ""),
        exists_before=old is not None,
    )


def _default_instant(path: str) -> str | None:
    for pattern, note in DEFAULT_INSTANT:
        if fnmatchcase(path, pattern):
            return note
    return None


def _lines(data: bytes | None) -> tuple[str, ...] | None:
    if data is None:
        return ()
    try:
        return tuple(data.decode("utf-8").splitlines(keepends=True))
    except UnicodeDecodeError:
        return None


def hunks_between(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[Hunk, ...]:
    """The hunks that turn `old` into `new`, top to bottom."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    raw = [Hunk(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    merged: list[Hunk] = []
    for hunk in raw:
        if merged and all(not line.strip() for line in old[merged[-1].old_end : hunk.old_start]):
            last = merged.pop()
            hunk = Hunk(last.old_start, hunk.old_end, last.new_start, hunk.new_end)
        merged.append(hunk)
    split: list[Hunk] = []
    for hunk in merged:
        split.extend(_split(hunk, new))
    return tuple(split)


def _split(hunk: Hunk, new: tuple[str, ...]) -> list[Hunk]:
    """Cut a long insertion before top-level statements that follow a blank line.

    Only pure insertions: lines a hunk removes may be what the module needs until the whole
    replacement is typed. A part holds more than imports: a file of imports alone is often not
    yet a module the app can use (`app.main` without `app`).
    """
    if hunk.removes or hunk.new_end - hunk.new_start <= SPLIT_LINES:
        return [hunk]
    cuts = []
    last = hunk.new_start
    for index in range(hunk.new_start + MIN_PART_LINES, hunk.new_end - MIN_PART_LINES + 1):
        if (
            index - last >= MIN_PART_LINES
            and _starts_statement(new, index)
            and not _only_imports(new[last:index])
        ):
            cuts.append(index)
            last = index
    if not cuts:
        return [hunk]
    parts = []
    start = hunk.new_start
    for position, cut in enumerate([*cuts, hunk.new_end]):
        # The old lines go with the first part: the later parts only add.
        old_start = hunk.old_start if position == 0 else hunk.old_end
        parts.append(Hunk(old_start, hunk.old_end, start, cut))
        start = cut
    return parts


def _only_imports(lines: tuple[str, ...]) -> bool:
    """Nothing at the top level but imports, a docstring, comments and blank lines."""
    in_docstring = False
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        quotes = stripped.count(TRIPLE)
        if in_docstring or (quotes and stripped.startswith(TRIPLE)):
            in_docstring = in_docstring != (quotes % 2 == 1)
            continue
        if not stripped.startswith(("import ", "from ")) and not line[0].isspace():
            return False
    return True


def _starts_statement(lines: tuple[str, ...], index: int) -> bool:
    line = lines[index]
    if not line.strip() or line[0].isspace() or lines[index - 1].strip():
        return False
    word = line.split(maxsplit=1)[0].rstrip(":")
    return word not in CONTINUATIONS and line[0] not in ")]}#"


def _join(
    hunks: tuple[Hunk, ...], numbers: tuple[int, ...], step: Step, path: str
) -> tuple[Hunk, ...]:
    """Merge each hunk numbered in `numbers` (1-based) into the one before it."""
    if not numbers:
        return hunks
    if max(numbers) > len(hunks):
        raise StepError(
            f"{step.directory / 'step.toml'}: typing.join: {path!r} has {len(hunks)} hunks in "
            f"step {step.number}, not {max(numbers)}"
        )
    merged: list[Hunk] = []
    for number, hunk in enumerate(hunks, start=1):
        if number in numbers and merged:
            last = merged.pop()
            hunk = Hunk(last.old_start, hunk.old_end, last.new_start, hunk.new_end)
        merged.append(hunk)
    return tuple(merged)


def final_files(plan: StepPlan) -> Mapping[str, bytes | None]:
    """Every file the plan touches and its bytes at the end (None: deleted)."""
    return {file.path: file.final() for file in plan.files}


def plan_from_texts(
    number: int, title: str, files: list[tuple[str, str | None, str | None]]
) -> StepPlan:
    """A plan from (path, text before or None, text after or None): for tests and screenshots."""
    plans = []
    for path, old, new in files:
        old_lines = tuple(old.splitlines(keepends=True)) if old is not None else ()
        if new is None:
            hunk = Hunk(0, len(old_lines), 0, 0)
            plans.append(FilePlan(path, "deleted", old_lines, (), (hunk,)))
            continue
        new_lines = tuple(new.splitlines(keepends=True))
        plans.append(
            FilePlan(
                path,
                "typed",
                old_lines,
                new_lines,
                hunks_between(old_lines, new_lines),
                exists_before=old is not None,
            )
        )
    return StepPlan(number, title, tuple(plans))
