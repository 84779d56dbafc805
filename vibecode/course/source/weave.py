"""The line history of a course: every line ever written, once, tagged with the steps that have it.

This is the interleaved-delta ("weave") layout of SCCS and Bazaar, kept as text. For each file
of the course, its lines in order, each with the range of steps whose checkpoint holds it:

    === 1.. text app/main.py
    1..     from fastapi import FastAPI
    1..5    app = FastAPI()
    6..     app = FastAPI(lifespan=lifespan)

A checkpoint is a selection, not a patch: step n's version of a file is the lines whose range
holds n, in order. Nothing is matched against context, so building a checkpoint cannot fail on
an attendee's machine; `vibecode course check` proves in CI that every checkpoint is a working
program. `encode(versions)` is canonical: each line's range comes from diffing one checkpoint
against the next (as `git blame` does between commits), so `encode(decode(text)) == text` for
any text the tool wrote.

Format, line by line: `# ...` comments; `course-source 1 steps=N` first; `=== SPANS KIND PATH`
starts a file (SPANS: the steps it exists at, `1..4,7..`; KIND `text` or `binary`); then one
line per entry, `TAG<TAB>CONTENT` where TAG is `A..` (steps A to the last) or `A..B`, with a
trailing `!` when the line has no newline at its end. Binary files hold one base64 entry per
version.
"""

from __future__ import annotations

import base64
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vibecode.errors import StepError

FORMAT = 1
HEADER = re.compile(rb"^course-source (?P<format>\d+) steps=(?P<steps>\d+)$")
FILE = re.compile(rb"^=== (?P<spans>\S+) (?P<kind>text|binary) (?P<path>.+)$")
TAG = re.compile(rb"^(?P<first>\d+)\.\.(?P<last>\d*)(?P<open>!?)$")
PREAMBLE = (
    "# vibecode course source: every line of the course once, after the steps that have it.\n"
    "# `A..` is steps A to the last, `A..B` steps A to B. Written by `vibecode course`: edit the\n"
    "# steps with `vibecode course edit N` / `save` / `absorb`, not here (docs/ARCHITECTURE.md).\n"
)

Span = tuple[int, int | None]
"""Steps `first` to `last` inclusive; `last` None means to the end of the course."""


@dataclass(eq=False)
class Entry:
    """One line (or, in a binary file, one version) and the steps that have it."""

    first: int
    last: int | None
    data: bytes
    """The line with its newline (text), or the whole content (binary)."""

    def at(self, step: int) -> bool:
        """The line is in step `step`'s checkpoint."""
        return self.first <= step and (self.last is None or step <= self.last)


@dataclass
class FileHistory:
    """Every version of one workspace path, interleaved."""

    path: str
    binary: bool
    spans: list[Span] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def exists(self, step: int) -> bool:
        """The file is in step `step`'s checkpoint."""
        return any(_in(span, step) for span in self.spans)

    def content(self, step: int) -> bytes | None:
        """The file's bytes at step `step`, None when it does not exist there."""
        if not self.exists(step):
            return None
        return b"".join(entry.data for entry in self.entries if entry.at(step))


@dataclass
class Weave:
    """The line history of a whole course with `steps` steps."""

    steps: int
    files: dict[str, FileHistory] = field(default_factory=dict)

    def checkpoint(self, step: int) -> dict[str, bytes]:
        """Every file at step `step` (0: the empty workspace), sorted by path."""
        found: dict[str, bytes] = {}
        for path in sorted(self.files):
            content = self.files[path].content(step)
            if content is not None:
                found[path] = content
        return found

    def checkpoints(self) -> list[dict[str, bytes]]:
        """Checkpoints 0 to `steps`."""
        return [self.checkpoint(step) for step in range(self.steps + 1)]


def _in(span: Span, step: int) -> bool:
    first, last = span
    return first <= step and (last is None or step <= last)


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their `\\n` (only `\\n` ends a line, so `\\r\\n` and a lone `\\r` survive)."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def is_binary(data: bytes) -> bool:
    """Content the text layout cannot hold: NUL bytes or anything that is not UTF-8."""
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# Encoding: versions -> weave -------------------------------------------------------------------


def encode_versions(versions: Sequence[Mapping[str, bytes]]) -> Weave:
    """The weave of checkpoints `versions[0]` (the empty workspace) to `versions[-1]`."""
    if not versions or versions[0]:
        raise ValueError("versions[0] is the empty workspace before the first step")
    last = len(versions) - 1
    weave = Weave(steps=last)
    paths = sorted({path for version in versions for path in version})
    for path in paths:
        contents = [version.get(path) for version in versions]
        binary = any(c is not None and is_binary(c) for c in contents)
        history = FileHistory(path=path, binary=binary)
        alive: list[Entry] = []
        for step in range(1, last + 1):
            before, after = contents[step - 1], contents[step]
            if after is None:
                if before is not None:
                    _close(history, alive, step - 1)
                    alive = []
                continue
            if before is None:
                history.spans.append((step, None))
            if binary:
                alive = _binary_step(history, alive, after, step)
            else:
                alive = _text_step(history, alive, split_lines(after), step)
        weave.files[path] = history
    return weave


def _close(history: FileHistory, alive: list[Entry], last: int) -> None:
    first, _ = history.spans[-1]
    history.spans[-1] = (first, last)
    for entry in alive:
        entry.last = last


def _binary_step(history: FileHistory, alive: list[Entry], data: bytes, step: int) -> list[Entry]:
    if alive and alive[0].data == data:
        return alive
    for entry in alive:
        entry.last = step - 1
    entry = Entry(first=step, last=None, data=data)
    history.entries.append(entry)
    return [entry]


def _text_step(
    history: FileHistory, alive: list[Entry], lines: list[bytes], step: int
) -> list[Entry]:
    """Diff the lines alive before `step` against its lines; end, keep and insert entries."""
    matcher = difflib.SequenceMatcher(None, [e.data for e in alive], lines, autojunk=False)
    result: list[Entry] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += alive[i1:i2]
            continue
        for entry in alive[i1:i2]:
            entry.last = step - 1
        if j1 == j2:
            continue
        new = [Entry(first=step, last=None, data=line) for line in lines[j1:j2]]
        # New lines go before the next line still alive (after the lines they replace and any
        # older dead ones), or at the end: reading down, a file's history runs old to new.
        at = history.entries.index(alive[i2]) if i2 < len(alive) else len(history.entries)
        history.entries[at:at] = new
        result += new
    return result


# Text: weave <-> bytes -------------------------------------------------------------------------


def dumps(weave: Weave) -> bytes:
    """The weave as the text of `course.weave`."""
    out = [PREAMBLE.encode(), f"course-source {FORMAT} steps={weave.steps}\n".encode()]
    for path in sorted(weave.files):
        history = weave.files[path]
        kind = "binary" if history.binary else "text"
        out.append(f"\n=== {_spans(history.spans)} {kind} {path}\n".encode())
        for entry in history.entries:
            tag = _tag(entry.first, entry.last)
            if history.binary:
                out.append(tag + b"\t" + base64.b64encode(entry.data) + b"\n")
            elif entry.data.endswith(b"\n"):
                out.append(tag + b"\t" + entry.data)
            else:
                out.append(tag + b"!\t" + entry.data + b"\n")
    return b"".join(out)


def _tag(first: int, last: int | None) -> bytes:
    return f"{first}..{'' if last is None else last}".encode()


def _spans(spans: Iterable[Span]) -> str:
    return ",".join(_tag(first, last).decode() for first, last in spans)


def loads(data: bytes, *, origin: str = "course.weave") -> Weave:
    """Parse `course.weave`; a malformed line is a `StepError` naming its line number."""
    lines = data.split(b"\n")
    weave: Weave | None = None
    history: FileHistory | None = None
    for number, line in enumerate(lines, start=1):

        def problem(message: str, number: int = number) -> StepError:
            return StepError(f"{origin}:{number}: {message}")

        if not line or line.startswith(b"#"):
            continue
        if weave is None:
            header = HEADER.match(line)
            if header is None:
                raise problem("expected `course-source 1 steps=N` first")
            if int(header["format"]) != FORMAT:
                raise problem(f"format {int(header['format'])} (this vibecode reads {FORMAT})")
            weave = Weave(steps=int(header["steps"]))
            continue
        if line.startswith(b"=== "):
            found = FILE.match(line)
            if found is None:
                raise problem("a file starts with `=== SPANS text|binary PATH`")
            path = found["path"].decode("utf-8", "surrogateescape")
            if path in weave.files:
                raise problem(f"{path} appears twice")
            spans = [_parse_tag(part, problem) for part in found["spans"].split(b",")]
            history = FileHistory(path=path, binary=found["kind"] == b"binary", spans=spans)
            weave.files[path] = history
            continue
        if history is None:
            raise problem("a line before the first `=== ` file header")
        tag, separator, content = line.partition(b"\t")
        match = TAG.match(tag)
        if not separator or match is None:
            raise problem("a line is `FIRST..LAST<TAB>content`")
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else None
        if history.binary:
            try:
                payload = base64.b64decode(content, validate=True)
            except ValueError:
                raise problem("not base64") from None
        else:
            payload = content if match["open"] else content + b"\n"
        history.entries.append(Entry(first=first, last=last, data=payload))
    if weave is None:
        raise StepError(f"{origin}: empty (expected `course-source 1 steps=N`)")
    _validate(weave, origin)
    return weave


def _parse_tag(raw: bytes, problem: Callable[[str], StepError]) -> Span:
    match = TAG.match(raw)
    if match is None or match["open"]:
        raise problem(f"{raw.decode(errors='replace')!r} is not a step range")
    return int(match["first"]), int(match["last"]) if match["last"] else None


def _validate(weave: Weave, origin: str) -> None:
    """Ranges inside 1..steps; lines only where their file exists."""
    for history in weave.files.values():
        for first, last in [*history.spans, *((e.first, e.last) for e in history.entries)]:
            if not 1 <= first <= weave.steps or (last is not None and not first <= last):
                raise StepError(
                    f"{origin}: {history.path}: the range {first}..{last or ''} is outside "
                    f"steps 1..{weave.steps}"
                )
        for entry in history.entries:
            if not any(_in(span, entry.first) for span in history.spans):
                raise StepError(
                    f"{origin}: {history.path}: a line of step {entry.first} where the file "
                    "does not exist"
                )


def scan_spans(data: bytes) -> tuple[int, dict[str, list[Span]]]:
    """The step count and every file's spans, read from the headers only (the start-up path)."""
    header = re.search(rb"^course-source \d+ steps=(\d+)$", data, re.M)
    steps = int(header[1]) if header else 0
    spans: dict[str, list[Span]] = {}
    for found in re.finditer(rb"^=== (\S+) (?:text|binary) (.+)$", data, re.M):
        parsed = []
        for part in found[1].split(b","):
            first, _, last = part.partition(b"..")
            parsed.append((int(first), int(last) if last else None))
        spans[found[2].decode("utf-8", "surrogateescape")] = parsed
    return steps, spans


def exists_at(spans: Sequence[Span], step: int) -> bool:
    """A file with these spans is in step `step`'s checkpoint."""
    return any(_in(span, step) for span in spans)
