"""Load and validate a course folder: `NN-slug/step.toml` manifests into immutable objects.

A course folder holds `course.toml` (title, reference, tracks: `course_file.py`), one
`NN-slug/step.toml` per step (the prose: title, goal, talking points, demos, benches) and
`course.weave`, the line history every checkpoint is selected from (`source/weave.py`). A step's
tests and the files it deletes are derived from that history.

The older layout, still read (and converted by `vibecode course import`): no `course.weave`, each
step's full files in `NN-slug/files/`, its `tests` and `delete` listed in its manifest.

The records are frozen dataclasses. This module is on the start-up path of `vibecode steps` and
`status`; creating the six classes costs about 2 ms there (`benchmarks/cli_startup.py` keeps
those commands within 1.3x of a bare Typer script).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibecode.course.claims import METRICS, RULES, SIDES, BenchClaim
from vibecode.course.course_file import CourseInfo, Track, read_course_file
from vibecode.errors import StepError
from vibecode.paths import RESERVED_TOP_LEVEL, workspace_path_problem

if TYPE_CHECKING:
    from vibecode.course.source.weave import Weave

STEP_DIR_PATTERN = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
DATABASES = frozenset({"sqlite", "postgres"})
WEAVE_FILE = "course.weave"
TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")
"""The files pytest collects by default: a step's tests are every one its checkpoint holds."""


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP request a step declares: a demo request or a benchmark's setup request.

    Strings in `path`, `headers`, `json` and `form` may use `${name}` placeholders, filled from
    earlier captures and the built-in variables (`run`: random per run; `seq`: per-request
    counter in benchmarks).
    """

    name: str
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    form: Mapping[str, str] | None = None
    expect: tuple[int, ...] = (200,)
    capture: Mapping[str, str] = field(default_factory=dict)
    """Variable name -> dotted path into the JSON response body (`access_token`, `author.id`)."""
    note: str = ""
    show_headers: tuple[str, ...] = ()
    """Response headers `vibecode demo` shows besides its usual few (`X-Request-ID`)."""
    show_log: bool = False
    """After the answer, `vibecode demo` shows the server's log lines carrying its request id."""


@dataclass(frozen=True)
class BenchTarget:
    """One side of a side-by-side benchmark."""

    label: str
    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    db: str | None = None
    """When set, this side runs on its own server with this database (`sqlite` or `postgres`)."""


@dataclass(frozen=True)
class BenchScenario:
    """A benchmark scenario: the same load against two targets, shown side by side."""

    name: str
    title: str
    a: BenchTarget
    b: BenchTarget
    concurrency: int = 50
    duration: float = 5.0
    timeout: float = 10.0
    """Seconds before a request (and a probe sample) gives up: a blocked server's answers come
    late, and a scenario that shows one waits for them."""
    probe: str | None = None
    """A path whose latency is sampled at a low rate during each side's load (`/health`)."""
    setup: tuple[RequestSpec, ...] = ()
    """Requests run once against each side's server before its load, for captures (a token)."""
    note: str = ""
    claims: tuple[BenchClaim, ...] = ()
    """What the measured figures must show (`[[bench.claim]]`); `vibecode rehearse` checks it."""

    @property
    def labels(self) -> dict[str, str]:
        """Side ("a", "b") -> its label."""
        return {"a": self.a.label, "b": self.b.label}


@dataclass(frozen=True)
class TypingSpec:
    """How `vibecode type` plays the step: `[typing]` in step.toml (every key optional).

    ```toml
    [typing]
    order = ["app/models/post.py", "app/main.py"]   # typed first, in this order
    instant = ["app/seed.py"]                        # written at once (tests and migrations are)
    typed = ["tests/test_posts.py"]                  # typed even though it is a test file
    notes = { "app/alembic/versions/0002_posts.py" = "what autogenerate writes" }
    join = { "app/main.py" = [3] }                   # hunk 3 is typed with hunk 2, in one write
    ```
    """

    order: tuple[str, ...] = ()
    instant: tuple[str, ...] = ()
    typed: tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    join: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One numbered step of the course."""

    number: int
    slug: str
    directory: Path
    title: str
    goal: str
    minutes: int
    talking_points: tuple[str, ...]
    tests: tuple[str, ...]
    delete: tuple[str, ...]
    demos: tuple[RequestSpec, ...]
    benches: tuple[BenchScenario, ...]
    hints: tuple[str, ...] = ()
    """Hints for an attendee stuck on this step, shown one at a time by `vibecode hint`."""
    typing: TypingSpec = field(default_factory=TypingSpec)
    """How `vibecode type` plays the step."""

    @property
    def files_dir(self) -> Path:
        """The folder holding this step's full files (the older layout only)."""
        return self.directory / "files"

    @property
    def label(self) -> str:
        """`NN-slug`, as on disk."""
        return self.directory.name

    def files(self) -> dict[str, Path]:
        """The older layout's `files/`: workspace path -> file on disk (use `Course.written`)."""
        root = self.files_dir
        found: dict[str, Path] = {}
        # os.walk, not Path.rglob: every `vibecode` command lists every step's files at start-up.
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = [name for name in subfolders if name != "__pycache__"]
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if relative == "." else f"{relative}/"
            for name in names:
                found[prefix + name] = Path(folder, name)
        return dict(sorted(found.items()))


class WeaveSource:
    """A course's `course.weave`: the file spans read at load, the lines parsed on first use."""

    def __init__(self, file: Path, data: bytes) -> None:
        from vibecode.course.source.weave import scan_spans

        self.file = file
        self.data = data
        self.steps, self.spans = scan_spans(data)
        self._checkpoints: dict[int, dict[str, bytes]] = {}
        self._weave: Weave | None = None

    def weave(self) -> Weave:
        """The parsed history (parsed on first use: `vibecode steps` never needs it)."""
        if self._weave is None:
            from vibecode.course.source.weave import loads

            self._weave = loads(self.data, origin=str(self.file))
        return self._weave

    def checkpoint(self, number: int) -> dict[str, bytes]:
        """Step `number`'s files (a fresh dict each call; the contents are shared bytes)."""
        if number not in self._checkpoints:
            self._checkpoints[number] = self.weave().checkpoint(number)
        return dict(self._checkpoints[number])

    def paths_at(self, number: int) -> set[str]:
        """The paths step `number`'s checkpoint holds, from the headers only."""
        from vibecode.course.source.weave import exists_at

        return {path for path, spans in self.spans.items() if exists_at(spans, number)}


@dataclass(frozen=True)
class Course:
    """The ordered steps; step 0 is the empty workspace before the first step.

    `steps` are the steps shown: all of them, or a track's (`load_course(track=...)`), each with
    the track's budget. Numbers are always the course's, so checkpoints never depend on a track.
    """

    root: Path
    steps: tuple[Step, ...]
    all_steps: tuple[Step, ...] = ()
    source: WeaveSource | None = None
    info: CourseInfo = field(default_factory=CourseInfo)
    track: Track | None = None

    @property
    def last(self) -> int:
        """The number of the last step shown (0 for a course without steps)."""
        return self.steps[-1].number if self.steps else 0

    @property
    def size(self) -> int:
        """How many steps the course has (a track may show fewer)."""
        return len(self.all_steps or self.steps)

    @property
    def title(self) -> str:
        """The course's title (`course.toml`), else its folder's name."""
        return self.info.title or self.root.name

    def step(self, number: int) -> Step:
        """The step numbered `number` (1-based), if it is shown."""
        for step in self.steps:
            if step.number == number:
                return step
        if self.track is not None and 1 <= number <= self.size:
            shown = ", ".join(str(s.number) for s in self.steps)
            raise StepError(
                f"step {number} is not in the track {self.track.name!r} (its steps: {shown})"
            )
        raise StepError(f"there is no step {number}: the course has steps 1 to {self.last}")

    def previous(self, number: int) -> int:
        """The shown step before `number` (0, the empty workspace, before the first)."""
        earlier = [step.number for step in self.steps if step.number < number]
        return earlier[-1] if earlier else 0

    def following(self, number: int) -> int | None:
        """The shown step after `number`, None after the last."""
        later = [step.number for step in self.steps if step.number > number]
        return later[0] if later else None

    def checkpoint(self, number: int) -> dict[str, bytes]:
        """The full workspace content at step `number`: every step up to it applied in order."""
        if not 0 <= number <= self.size:
            raise StepError(f"there is no step {number}: the course has steps 0 to {self.size}")
        if self.source is not None:
            return self.source.checkpoint(number)
        content: dict[str, bytes] = {}
        for step in (self.all_steps or self.steps)[:number]:
            for path in step.delete:
                content.pop(path, None)
            for path, source in step.files().items():
                content[path] = source.read_bytes()
        return dict(sorted(content.items()))

    def written(self, number: int) -> dict[str, bytes]:
        """The files step `number` writes (new or changed against the step before)."""
        before, after = self.checkpoint(number - 1), self.checkpoint(number)
        return {path: data for path, data in after.items() if before.get(path) != data}

    def find_bench(self, name: str) -> tuple[Step, BenchScenario]:
        """The benchmark scenario called `name`, from whichever step declares it."""
        for step in self.steps:
            for scenario in step.benches:
                if scenario.name == name:
                    return step, scenario
        known = sorted({s.name for step in self.steps for s in step.benches})
        raise StepError(f"no benchmark scenario named {name!r}; known: {', '.join(known) or '-'}")


ManifestReader = Callable[[Path], dict[str, Any]]
"""Reads one `step.toml` into its TOML data (a seam: the CLI passes a cached reader)."""


def read_manifest(manifest: Path) -> dict[str, Any]:
    """Parse one `step.toml`; a missing or unparsable file is a `StepError` naming it."""
    import tomllib  # only on a cache miss: the CLI's start-up path usually skips the parser

    try:
        return tomllib.loads(manifest.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise StepError(f"{manifest}: missing (every step needs a step.toml)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StepError(f"{manifest}: not valid TOML: {exc}") from None


def load_course(
    root: Path, *, read: ManifestReader = read_manifest, track: str | None = None
) -> Course:
    """Load every `NN-slug` step under `root`, numbered 1, 2, 3... without gaps.

    With `track`, the course shows that track's steps and budgets (`course.toml`).
    """
    if not root.is_dir():
        raise StepError(f"{root}: the steps folder does not exist (no course there)")
    info = read_course_file(root)
    weave_file = root / WEAVE_FILE
    try:
        source: WeaveSource | None = WeaveSource(weave_file, weave_file.read_bytes())
    except FileNotFoundError:
        source = None
    steps: list[Step] = []
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        if directory.name.startswith((".", "_")):
            continue
        match = STEP_DIR_PATTERN.match(directory.name)
        if match is None:
            raise StepError(f"{directory}: a step folder is named NN-slug, like 01-skeleton")
        number = int(match["number"])
        if number != len(steps) + 1:
            expected = len(steps) + 1
            raise StepError(f"{directory}: expected step {expected:02d} here, found {number:02d}")
        steps.append(
            load_step(directory, number=number, slug=match["slug"], read=read, source=source)
        )
    if source is not None:
        for path in source.spans:
            _workspace_path(weave_file, path, "file")
    if source is not None and source.steps != len(steps):
        raise StepError(
            f"{weave_file}: holds {source.steps} steps, the course has {len(steps)} step folders",
            hint="an interrupted `vibecode course` command? `git status` shows what changed",
        )
    _unique(root / "course.toml", "step slug", [step.slug for step in steps])
    every = tuple(steps)
    shown = every if track is None else _track_steps(root, info, every, track)
    return Course(
        root=root,
        steps=shown,
        all_steps=every,
        source=source,
        info=info,
        track=None if track is None else info.tracks[track],
    )


def _track_steps(
    root: Path, info: CourseInfo, steps: tuple[Step, ...], name: str
) -> tuple[Step, ...]:
    """The steps a track shows, in course order, with the track's budgets."""
    if name not in info.tracks:
        known = ", ".join(sorted(info.tracks)) or "none"
        raise StepError(
            f"the course in {root} has no track {name!r} (its tracks: {known})",
            hint="tracks are declared in course.toml as [tracks.NAME]",
        )
    track = info.tracks[name]
    slugs = {step.slug for step in steps}
    missing = sorted(set(track.minutes) - slugs)
    if missing:
        raise StepError(f"{root / 'course.toml'}: tracks.{name}: no step named {missing[0]!r}")
    return tuple(
        replace(step, minutes=track.minutes[step.slug])
        for step in steps
        if step.slug in track.minutes
    )


def load_step(
    directory: Path,
    *,
    number: int,
    slug: str,
    read: ManifestReader = read_manifest,
    source: WeaveSource | None = None,
) -> Step:
    """Parse and validate one step folder (its tests and deletions derived from `source`)."""
    manifest = directory / "step.toml"
    fields = _Fields(manifest, read(manifest), "")
    if source is not None:
        for key in ("tests", "delete"):
            if key in fields.data:
                fields.problem(key, "derived from course.weave: remove it from the manifest")
        if (directory / "files").exists():
            fields.problem(
                "files", f"{directory / 'files'}: the course's files are in course.weave"
            )
        present = source.paths_at(number)
        tests = tuple(sorted(path for path in present if TEST_FILE.search(path)))
        delete = tuple(sorted(source.paths_at(number - 1) - present))
    else:
        tests = fields.strings("tests", default=())
        delete = tuple(
            _workspace_path(manifest, p, "delete") for p in fields.strings("delete", default=())
        )
    step = Step(
        number=number,
        slug=slug,
        directory=directory,
        title=fields.string("title"),
        goal=fields.string("goal"),
        minutes=fields.integer("minutes", minimum=1),
        talking_points=fields.strings("talking_points"),
        tests=tests,
        delete=delete,
        demos=tuple(
            _request(_Fields(manifest, item, f"demo[{i}]"))
            for i, item in enumerate(fields.tables("demo"))
        ),
        benches=tuple(
            _scenario(_Fields(manifest, item, f"bench[{i}]"))
            for i, item in enumerate(fields.tables("bench"))
        ),
        hints=fields.strings("hints", default=()),
        typing=_typing(fields.optional_table("typing")),
    )
    fields.done()
    if source is None:
        _check_file_names(step)
    _unique(manifest, "demo", [d.name for d in step.demos])
    _unique(manifest, "bench", [b.name for b in step.benches])
    return step


def _check_file_names(step: Step) -> None:
    """Refuse checkpoint files the workspace cannot hold (`.vibecode/...`, `.git/...`).

    Names that come from the disk cannot be absolute nor hold `..`; only the first part and
    backslashes need a look, which is cheaper than parsing every path (start-up path).
    """
    for folder, subfolders, names in os.walk(step.files_dir):
        top_level = folder == str(step.files_dir)
        for name in [*names, *subfolders]:
            if "\\" in name or (top_level and name in RESERVED_TOP_LEVEL):
                relative = os.path.relpath(os.path.join(folder, name), step.files_dir)
                _workspace_path(step.files_dir, relative, "files")  # raises, naming the file


def _request(fields: _Fields) -> RequestSpec:
    expect = fields.raw("expect", default=200)
    statuses = expect if isinstance(expect, list) else [expect]
    if not statuses or not all(isinstance(s, int) and 100 <= s <= 599 for s in statuses):
        fields.problem("expect", "must be an HTTP status or a list of them")
    spec = RequestSpec(
        name=fields.string("name"),
        method=fields.method(),
        path=fields.url_path("path"),
        headers=fields.string_table("headers"),
        json=fields.raw("json", default=None),
        form=fields.string_table("form") or None,
        expect=tuple(statuses),
        capture=fields.string_table("capture"),
        note=fields.string("note", default=""),
        show_headers=fields.strings("show_headers", default=()),
        show_log=fields.boolean("show_log", default=False),
    )
    if spec.json is not None and spec.form is not None:
        fields.problem("form", "a request has either json or form, not both")
    fields.done()
    return spec


def _target(fields: _Fields) -> BenchTarget:
    db = fields.string("db", default="") or None
    if db is not None and db not in DATABASES:
        fields.problem("db", f"must be one of {', '.join(sorted(DATABASES))}")
    target = BenchTarget(
        label=fields.string("label"),
        method=fields.method(),
        path=fields.url_path("path"),
        headers=fields.string_table("headers"),
        json=fields.raw("json", default=None),
        db=db,
    )
    fields.done()
    return target


def _scenario(fields: _Fields) -> BenchScenario:
    probe = fields.string("probe", default="") or None
    scenario = BenchScenario(
        name=fields.string("name"),
        title=fields.string("title"),
        a=_target(fields.table("a")),
        b=_target(fields.table("b")),
        concurrency=fields.integer("concurrency", default=50, minimum=1),
        duration=fields.number("duration", default=5.0),
        timeout=fields.number("timeout", default=10.0),
        probe=probe,
        setup=tuple(
            _request(_Fields(fields.file, item, f"{fields.where}setup[{i}]"))
            for i, item in enumerate(fields.tables("setup"))
        ),
        note=fields.string("note", default=""),
        claims=tuple(
            _claim(_Fields(fields.file, item, f"{fields.where}claim[{i}]"), probe=probe)
            for i, item in enumerate(fields.tables("claim"))
        ),
    )
    fields.done()
    return scenario


def _typing(fields: _Fields | None) -> TypingSpec:
    if fields is None:
        return TypingSpec()
    where = fields.where.rstrip(".")

    def paths(key: str) -> tuple[str, ...]:
        return tuple(
            _workspace_path(fields.file, p, f"{where}.{key}")
            for p in fields.strings(key, default=())
        )

    notes = fields.string_table("notes")
    for path in notes:
        _workspace_path(fields.file, path, f"{where}.notes")
    raw_join = fields.raw("join", default={})
    if not isinstance(raw_join, dict):
        fields.problem("join", "must be a table of path -> list of hunk numbers")
    join: dict[str, tuple[int, ...]] = {}
    for path, numbers in raw_join.items():
        _workspace_path(fields.file, path, f"{where}.join")
        if not isinstance(numbers, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 2 for n in numbers
        ):
            fields.problem("join", f"{path!r}: a list of hunk numbers from 2 on")
        join[path] = tuple(numbers)
    spec = TypingSpec(
        order=paths("order"),
        instant=paths("instant"),
        typed=paths("typed"),
        notes=notes,
        join=join,
    )
    both = sorted(set(spec.instant) & set(spec.typed))
    if both:
        fields.problem("typed", f"{both[0]!r} is also listed under instant")
    fields.done()
    return spec


def _claim(fields: _Fields, *, probe: str | None) -> BenchClaim:
    """One `[[bench.claim]]`: a metric and exactly one rule (see `vibecode.course.claims`)."""
    metric = fields.string("metric")
    if metric not in METRICS:
        fields.problem("metric", f"{metric!r} is not one of {', '.join(METRICS)}")
    if METRICS[metric].probe and probe is None:
        fields.problem("metric", f'{metric!r} needs the scenario\'s probe (probe = "/health")')
    rules = [rule for rule, keys in RULES.items() if any(key in fields.data for key in keys)]
    if len(rules) != 1:
        fields.problem(
            "metric",
            "give exactly one rule: better + by_at_least, within, or side + above or below",
        )
    if metric == "errors" and rules != ["bound"]:
        fields.problem("metric", "'errors' is a count: bound it with side + above or below")
    claim = BenchClaim(
        metric=metric,
        better=_side(fields, "better") if rules == ["ratio"] else None,
        by_at_least=fields.number("by_at_least", at_least=1.0) if rules == ["ratio"] else None,
        within=fields.number("within", at_least=1.0) if rules == ["similar"] else None,
        side=_side(fields, "side") if rules == ["bound"] else None,
        above=fields.number("above", default=None, at_least=0.0),
        below=fields.number("below", default=None, at_least=0.0),
    )
    if rules == ["bound"] and (claim.above is None) == (claim.below is None):
        fields.problem("side", "a bound needs exactly one of above or below")
    fields.done()
    return claim


def _side(fields: _Fields, key: str) -> str:
    value = fields.string(key)
    if value not in SIDES:
        fields.problem(key, 'must be "a" or "b"')
    return value


def _workspace_path(origin: Path, raw: str, key: str) -> str:
    if workspace_path_problem(raw) is not None:
        raise StepError(f"{origin}: {key}: {raw!r} is not a path inside the workspace")
    return raw


def _unique(manifest: Path, key: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise StepError(f"{manifest}: {key}: the name {name!r} is used twice")
        seen.add(name)


_MISSING: Any = object()


class _Fields:
    """Typed access to one TOML table that remembers which keys were read, to reject the rest."""

    def __init__(self, file: Path, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise StepError(f"{file}: {where or 'manifest'}: must be a table")
        self.file = file
        self.data: dict[str, Any] = data
        self.where = f"{where}." if where else ""
        self.seen: set[str] = set()

    def problem(self, key: str, message: str) -> None:
        raise StepError(f"{self.file}: {self.where}{key}: {message}")

    def raw(self, key: str, *, default: Any = _MISSING) -> Any:
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.problem(key, "missing (required)")
        return default

    def string(self, key: str, *, default: Any = _MISSING) -> str:
        value = self.raw(key, default=default)
        if not isinstance(value, str) or (default is _MISSING and not value.strip()):
            self.problem(key, "must be a non-empty string")
        return str(value)

    def integer(self, key: str, *, default: Any = _MISSING, minimum: int = 0) -> int:
        value = self.raw(key, default=default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(key, f"must be an integer of at least {minimum}")
        return int(value)

    def number(self, key: str, *, default: Any = _MISSING, at_least: float | None = None) -> Any:
        """A number: positive, or at least `at_least`; `default` when absent (may be None)."""
        value = self.raw(key, default=default)
        if value is default and default is not _MISSING:
            return default
        low = at_least if at_least is not None else 0.0
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value < low
            or (at_least is None and value <= 0)
        ):
            wanted = f"a number of at least {at_least:g}" if at_least is not None else None
            self.problem(key, f"must be {wanted or 'a positive number'}")
        return float(value)

    def boolean(self, key: str, *, default: Any = _MISSING) -> bool:
        value = self.raw(key, default=default)
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
        return bool(value)

    def strings(self, key: str, *, default: Any = _MISSING) -> tuple[str, ...]:
        value = self.raw(key, default=default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of strings")
        return tuple(value)

    def string_table(self, key: str) -> dict[str, str]:
        value = self.raw(key, default={})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.problem(key, "must be a table of strings")
        return dict(value)

    def table(self, key: str) -> _Fields:
        return _Fields(self.file, self.raw(key), f"{self.where}{key}")

    def optional_table(self, key: str) -> _Fields | None:
        value = self.raw(key, default=None)
        return None if value is None else _Fields(self.file, value, f"{self.where}{key}")

    def tables(self, key: str) -> list[Any]:
        value = self.raw(key, default=[])
        if not isinstance(value, list):
            self.problem(key, "must be an array of tables ([[...]])")
        return list(value)

    def method(self) -> str:
        method = self.string("method", default="GET").upper()
        if method not in HTTP_METHODS:
            self.problem("method", f"{method!r} is not an HTTP method")
        return method

    def url_path(self, key: str) -> str:
        value = self.string(key)
        if not value.startswith("/"):
            self.problem(key, "must start with /")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            self.problem(unknown[0], "unknown key")
