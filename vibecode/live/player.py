"""The typing itself, without a screen or a disk: where the play is, what the next key does.

The player walks a `StepPlan` file by file, hunk by hunk. A hunk that removes lines first shows
them (phase "removing"); the next key (or, typing unattended, a short pause) takes them away; then
the new text is typed, a few characters per key (doitlive's "magic typing": any key types what
comes next), indentation at once, as an editor would. When a hunk's last character is typed it is
finished, and the player says so: the caller writes the file. Files written at once appear whole
with their note; deleted files show their lines going away, then go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vibecode.live.plan import FilePlan, Hunk, StepPlan

Phase = Literal["removing", "typing", "shown", "end"]
"""removing: old lines on screen, about to go; typing: new text coming in; shown: a file written
at once is on screen; end: the step is complete."""

CHUNK = 3
"""Characters one key types."""
REMOVE_COST = 24
"""Typing unattended, the removed lines stay on screen as long as this many characters take."""
SHOWN_COST = 48
"""...and a file written at once, this long."""


@dataclass(frozen=True)
class Finished:
    """A unit of the step reached the disk's turn: the caller writes `text` (None: delete)."""

    path: str
    hunk: int
    """Hunks of the file done after this one (0 for a file written at once)."""
    data: bytes | None
    last_of_file: bool


@dataclass(frozen=True)
class Line:
    """One line on the screen: its text (no line ending) and what it is."""

    text: str
    kind: Literal["code", "removed", "typing", "cursor"]
    number: int | None
    """The line number in the file as it stands (None for a line going away)."""


class Player:
    """Where the typing is and what each key does."""

    def __init__(self, plan: StepPlan, *, done: Mapping[str, int] | None = None) -> None:
        self.plan = plan
        self.file_index = 0
        self.hunk_index = 0
        self.typed = 0
        """Characters of the current hunk typed so far."""
        self.phase: Phase = "typing"
        self.budget = 0.0
        """Unattended typing: characters owed to the current pause or hunk."""
        self.version = 0
        """Bumped on every change of what the screen shows."""
        self._resume(done or {})

    # Where we are ---------------------------------------------------------------------

    @property
    def file(self) -> FilePlan | None:
        """The file being played, None at the end."""
        if self.file_index >= len(self.plan.files):
            return None
        return self.plan.files[self.file_index]

    @property
    def hunk(self) -> Hunk | None:
        """The hunk being typed (or removed), None outside typed files."""
        file = self.file
        if file is None or file.mode == "instant" or self.hunk_index >= len(file.hunks):
            return None
        return file.hunks[self.hunk_index]

    @property
    def at_end(self) -> bool:
        """The whole step is played."""
        return self.phase == "end"

    @property
    def chars_done(self) -> int:
        """Characters typed in the whole step so far."""
        total = sum(f.chars for f in self.plan.files[: self.file_index])
        file = self.file
        if file is not None and file.mode == "typed":
            total += sum(len(file.typed_text(h)) for h in file.hunks[: self.hunk_index])
            total += self.typed
        return total

    def _resume(self, done: Mapping[str, int]) -> None:
        """Start after what is already on disk: `done` maps a path to its finished hunks."""
        for index, file in enumerate(self.plan.files):
            finished = done.get(file.path, 0)
            complete = len(file.hunks) if file.mode != "instant" else 1
            if finished < complete:
                self.file_index = index
                self.hunk_index = finished if file.mode != "instant" else 0
                self._enter()
                return
        self.file_index = len(self.plan.files)
        self.phase = "end"

    def _enter(self) -> None:
        """Begin the current hunk (or file written at once)."""
        self.typed = 0
        self.version += 1
        file = self.file
        if file is None:
            self.phase = "end"
        elif file.mode == "instant":
            self.phase = "shown"
        else:
            hunk = file.hunks[self.hunk_index]
            self.phase = "removing" if hunk.removes else "typing"

    # Keys ---------------------------------------------------------------------------------

    def press(self, chunk: int = CHUNK) -> list[Finished]:
        """One key of magic typing: take the removed lines away, or type the next characters."""
        if self.phase == "end":
            return []
        if self.phase == "shown":
            return self._finish_shown()
        if self.phase == "removing":
            self.phase = "typing"
            self.version += 1
            return self._maybe_done()
        return self._type(self._extent(chunk))

    def finish_hunk(self) -> list[Finished]:
        """Enter: the rest of the current hunk at once."""
        if self.phase == "end":
            return []
        if self.phase == "shown":
            return self._finish_shown()
        hunk = self.hunk
        assert hunk is not None and self.file is not None
        self.phase = "typing"
        return self._type(len(self.file.typed_text(hunk)) - self.typed)

    def finish_file(self) -> list[Finished]:
        """The rest of the current file at once (one write)."""
        file = self.file
        if file is None:
            return []
        if self.phase == "shown":
            return self._finish_shown()
        self.hunk_index = len(file.hunks) - 1
        self.typed = 0
        self.phase = "typing"
        return self.finish_hunk()

    def finish_step(self) -> list[Finished]:
        """Everything left of the step (one write per file)."""
        finished: list[Finished] = []
        while not self.at_end:
            finished += self.finish_file()
        return finished

    def advance(self, chars: float) -> list[Finished]:
        """Unattended typing: spend `chars` characters' worth of time (pauses included)."""
        self.budget += chars
        finished: list[Finished] = []
        while not self.at_end and self.budget >= 1:
            if self.phase in ("removing", "shown"):
                cost = REMOVE_COST if self.phase == "removing" else SHOWN_COST
                if self.budget < cost:
                    break
                self.budget -= cost
                finished += self.press()
                continue
            hunk, file = self.hunk, self.file
            assert hunk is not None and file is not None
            left = len(file.typed_text(hunk)) - self.typed
            step = min(left, int(self.budget))
            self.budget -= step
            finished += self._type(step)
        if self.at_end:
            self.budget = 0.0
        return finished

    # Internals ----------------------------------------------------------------------------

    def _extent(self, chunk: int) -> int:
        """`chunk` characters, plus the whitespace after them up to the next visible character."""
        hunk, file = self.hunk, self.file
        assert hunk is not None and file is not None
        text = file.typed_text(hunk)
        end = min(len(text), self.typed + chunk)
        while end < len(text) and text[end] in " \t" and (text[end - 1] in " \t\n"):
            end += 1  # indentation comes at once, as an editor's auto-indent
        if end < len(text) and text[end - 1] == "\n":
            while end < len(text) and text[end] in " \t":
                end += 1
        return end - self.typed

    def _type(self, count: int) -> list[Finished]:
        if count > 0:
            self.typed += count
            self.version += 1
        return self._maybe_done()

    def _maybe_done(self) -> list[Finished]:
        hunk, file = self.hunk, self.file
        assert hunk is not None and file is not None
        if self.typed < len(file.typed_text(hunk)):
            return []
        self.hunk_index += 1
        last = self.hunk_index >= len(file.hunks)
        data = None if file.mode == "deleted" and last else file.text_after(self.hunk_index)
        finished = Finished(
            file.path,
            self.hunk_index,
            data.encode("utf-8") if isinstance(data, str) else None,
            last_of_file=last,
        )
        if last:
            self.file_index += 1
            self.hunk_index = 0
        self._enter()
        return [finished]

    def _finish_shown(self) -> list[Finished]:
        file = self.file
        assert file is not None
        self.file_index += 1
        self.hunk_index = 0
        self._enter()
        return [Finished(file.path, 0, file.final(), last_of_file=True)]

    # The screen ---------------------------------------------------------------------------

    def lines(self) -> list[Line]:
        """What the editor view shows of the current file, top to bottom."""
        file = self.file
        if file is None:
            return []
        if self.phase == "shown":
            text = "".join(file.new) if file.binary is None else "(binary file)\n"
            return [Line(t, "code", i) for i, t in enumerate(text.splitlines(), start=1)]
        hunk = self.hunk
        assert hunk is not None
        lines: list[Line] = []
        number = 0

        def code(texts: tuple[str, ...] | list[str], kind: Literal["code", "typing"]) -> None:
            nonlocal number
            for text in texts:
                number += 1
                lines.append(Line(text.rstrip("\r\n"), kind, number))

        code(file.new[: hunk.new_start], "code")
        if self.phase == "removing":
            lines += [
                Line(t.rstrip("\r\n"), "removed", None)
                for t in file.old[hunk.old_start : hunk.old_end]
            ]
        typed = file.typed_text(hunk)[: self.typed]
        if self.phase == "typing":
            parts = typed.split("\n")
            code(parts[:-1], "typing")
            number += 1
            lines.append(Line(parts[-1], "cursor", number))
        code(file.old[hunk.old_end :], "code")
        return lines

    @property
    def focus_line(self) -> int:
        """The index in `lines()` where the current hunk is (to scroll it into view)."""
        hunk = self.hunk
        if hunk is None:
            return 0
        return hunk.new_start + self.typed_text_lines()

    def typed_text_lines(self) -> int:
        """Full lines typed so far in the current hunk."""
        hunk, file = self.hunk, self.file
        if hunk is None or file is None or self.phase != "typing":
            return 0
        return file.typed_text(hunk)[: self.typed].count("\n")

    def where(self) -> str:
        """`app/main.py · hunk 2 of 5`, for the screen and the presenter."""
        file = self.file
        if file is None:
            return f"step {self.plan.step} typed"
        position = f"file {self.file_index + 1} of {len(self.plan.files)}"
        if file.mode == "instant":
            return f"{file.path} · written at once · {position}"
        if file.mode == "deleted":
            return f"{file.path} · deleted · {position}"
        return f"{file.path} · hunk {self.hunk_index + 1} of {len(file.hunks)} · {position}"
