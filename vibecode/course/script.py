"""SCRIPT.md, the presenter's talk track, generated from the steps.

Everything the script says comes from the step manifests, so the two never disagree. Prose that
only the script needs lives in the manifests' existing fields:

- a talking point that starts with `Point at:` goes under "Point at" (what to show on screen);
- a talking point that starts with `If it breaks:` goes under "If it breaks" (a stage risk and
  its recovery move);
- every other talking point goes under "Say";
- demo and bench `note`s become the "What the audience sees" column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibecode.course.manifest import BenchScenario, BenchTarget, Course, RequestSpec, Step
from vibecode.course.templating import talk_text

POINT_AT = "Point at:"
IF_IT_BREAKS = "If it breaks:"
MIGRATIONS_DIR = "app/alembic/versions/"

HEADER = """\
# SCRIPT: the talk track

<!-- Generated from steps/*/step.toml by `vibecode script`. Do not edit by hand: change the steps,
     then run `vibecode script` (a test fails while this file is stale). -->

The course builds an async FastAPI + SQLAlchemy 2.0 app from an empty folder, one idea per step.
Every step below says what to type, what to say, what the audience should see and how to recover
when something breaks on stage. Commands run from the folder that holds your `workshop/`.

Each step is typed live: `vibecode type` (or `t` in either view) plays the step's changes into
the workspace hunk by hunk, any key typing the next characters, Enter finishing the hunk. Every
finished hunk is on disk at once, so the server reloads and the app imports after each of them
(`vibecode rehearse` checks that). Tests and generated files (migrations, `alembic init`) appear
whole, with a note. `vibecode next` lands a step at once instead.

Two views: the **audience view** (`vibecode dashboard`, on the projector) shows the step's
title, the code being typed, the live requests, the paced demo and the running benchmark; the
**presenter view** (`vibecode notes`, on the laptop) shows this script's talking points, the
next step, the talk and step timers against the schedule below, and what the room sees. The keys
of either view drive the same talk.

## How attendees follow along

Each attendee works in a workspace of their own (`vibecode goto 1` creates `./workshop`):

- **Type along.** At step N, type step N+1's code as you show it (`vibecode show N+1` prints it
  in full, `vibecode show N+1 --patch | patch -p1` applies it). `vibecode check --next` runs
  step N+1's tests on what they typed, its own new tests first; `vibecode check --watch --next`
  does it on every save. Failures name the test, the assertion, the file and the line, and
  the step's matching "If it breaks" point.
- **Move on.** `vibecode next`: when their code passes the step's tests it stays (recorded as
  theirs) and only what they did not write is written; otherwise it is saved and the step's
  code written (`vibecode next --keep-mine` keeps it anyway).
- **Stuck.** `vibecode hint` gives the step's hints one at a time; `vibecode solution PATH`
  shows the step's version of a file (`--write` puts it beside theirs, never over it).
- **Fallen behind.** `vibecode goto N --merge` jumps to step N carrying their changes along
  (a three-way merge per file; a conflict saves their version and says how to compare).
- Nothing is lost: every file the tool replaces is saved first (`vibecode restore`), and
  `vibecode steps` shows which steps they passed, reached or skipped.
- **In the room.** `vibecode join URL CODE --name NAME` (the presenter's screen shows the
  command; its QR code leads to it): from then on `check`, `next`, `prev`, `goto` and `reset`
  tell the room their step and which tests pass, with timestamps, never their code, in the
  background (a room that is gone slows nothing). `vibecode status` says "the presenter is at
  step 9, you are at 7"; `vibecode leave` stops the reports.
"""

PREFLIGHT = """\
## Pre-flight (30 minutes before)

- [ ] `vibecode doctor`: every line green (Python, dependencies, port 8000 free, PostgreSQL,
      terminal size). Fix what it names before going on.
- [ ] `vibecode rehearse`: the whole talk runs unattended in a temporary workspace (every
      step's tests, migrations, demos and a short run of every benchmark). Start only when green.
- [ ] Terminal: the dashboard's pane needs {minimum} at least (its compact layout; the full one
      from {full}) at the font size the back row can read. `vibecode doctor` run in that pane
      checks it; check it on the projector, not on your laptop screen.
- [ ] PostgreSQL is up for the last step: `pg_isready -h 127.0.0.1 -p 5432` answers "accepting
      connections" (otherwise start it now; `vibecode doctor` says how).
- [ ] Start from an empty workspace: `vibecode reset --step 0` (old edits are saved, as always).
- [ ] On the projector, two panes side by side: `vibecode serve` in the left one (it follows the
      workspace and reloads on every step), `vibecode dashboard` in the right one (the audience
      view: the code being typed, requests, latency, loop lag, the benchmark).
- [ ] On the laptop: `vibecode notes` (the presenter view), and a pane for the commands below.
- [ ] A workshop: `vibecode room --host 0.0.0.0` in a pane of its own (on the presenter's
      workspace; `--db postgres` for a big room). Project the join URL, code and QR code it
      prints while people join, then `vibecode room close`. The dashboard shows the room's
      histogram (attendees per step, how many pass it, no names); `vibecode notes` shows names,
      who is stuck (failing one step for more than `--stuck-minutes`, 5 by default) and the
      most common failing test of your step. Your `next`, `goto` and `type` move "the
      presenter's step" the attendees see in `vibecode status`. Ctrl-C stops the room.
- [ ] Start the talk timer when you start talking: `c` in either view (it survives restarts
      of both; `C` resets it). Both views say how far ahead or behind the schedule you are.
- [ ] The keys, the same in both views: `t` type the next step, `n`/`p` (or a clicker's
      PageDown/PageUp) next and previous step, `d` the demo one request at a time, `b` the
      benchmark, `!` rescue (back to the step's checkpoint, edits saved, server ready), `c` the
      timer, `q` quit (asks first). While typing: any key types, Enter ends the hunk, Tab the
      file, Ctrl-E the step, Esc pauses (`t` resumes).
- [ ] Notifications off, presentation mode on, a glass of water.
"""

RECOVERY = (
    "`vibecode reset`: back to this step's checkpoint (edits are saved first, and "
    "`vibecode restore` brings them back after the talk)."
)


@dataclass(frozen=True)
class _Points:
    say: tuple[str, ...]
    point_at: tuple[str, ...]
    if_it_breaks: tuple[str, ...]


def script_path(course: Course) -> Path:
    """Where the course's SCRIPT.md goes (`course.toml`'s `script`); a track's beside it."""
    target = course.info.script_path(course.root)
    if course.track is None:
        return target
    return target.with_name(f"{target.stem}-{course.track.name}{target.suffix}")


def _preflight() -> str:
    """The pre-flight list, with the terminal sizes the dashboard and `doctor` use."""
    from vibecode import terminal

    return PREFLIGHT.replace("{minimum}", terminal.minimum()).replace("{full}", terminal.full())


def render_script(course: Course) -> str:
    """The full SCRIPT.md for `course` (or its track), deterministic (same steps, same bytes)."""
    parts = [HEADER, *_track(course), _overview(course), _preflight()]
    parts.extend(_section(course, step) for step in course.steps)
    parts.append(_closing(course))
    return "\n".join(parts).rstrip("\n") + "\n"


def schedule(course: Course) -> dict[int, int]:
    """The minute of the talk at which each step starts (SCRIPT.md's "Starts at" column)."""
    starts: dict[int, int] = {}
    clock = 0
    for step in course.steps:
        starts[step.number] = clock
        clock += step.minutes
    return starts


def _track(course: Course) -> list[str]:
    if course.track is None:
        return []
    name = course.track.name
    return [
        f"**Track `{name}`: {course.track.title}.** Present it with `export VIBECODE_TRACK={name}` "
        f"(or `--track {name}` on each command): `vibecode next` goes to the track's next step, "
        "and a skipped step's changes arrive with the step after it.\n"
    ]


def total_minutes(course: Course) -> int:
    """The sum of every step's minutes budget."""
    return sum(step.minutes for step in course.steps)


def _overview(course: Course) -> str:
    lines = [
        "## The course at a glance",
        "",
        "| Step | Title | Minutes | Starts at |",
        "|---:|---|---:|---:|",
    ]
    starts = schedule(course)
    for step in course.steps:
        start = starts[step.number]
        lines.append(f"| {step.number} | {_cell(step.title)} | {step.minutes} | {_clock(start)} |")
    total = total_minutes(course)
    lines.append(f"| | **Total** | **{total}** | {_clock(total)} |")
    return "\n".join(lines) + "\n"


def _section(course: Course, step: Step) -> str:
    # SCRIPT.md is written before any server runs: `${url}` is serve's default address.
    points = _split_points(tuple(talk_text(point, url=None) for point in step.talking_points))
    lines = [f"## Step {step.number}: {step.title} ({step.minutes} min)", ""]
    lines += [f"**Goal:** {step.goal}", ""]
    lines += [f"**Files:** {_files(course, step)}", ""]
    lines += ["### Type and run", "", "```bash", *_commands(course, step), "```", ""]
    lines += ["### Say", ""]
    lines += [f"- {point}" for point in points.say] or ["- (no talking points)"]
    lines.append("")
    if points.point_at:
        lines += ["### Point at", ""]
        lines += [f"- {point}" for point in points.point_at]
        lines.append("")
    lines += ["### What the audience sees", ""]
    lines += _audience(step)
    lines.append("")
    lines += ["### If it breaks", ""]
    lines += [f"- {point}" for point in points.if_it_breaks]
    lines += [f"- {RECOVERY}", *_fallbacks(course, step)]
    return "\n".join(lines) + "\n"


def _commands(course: Course, step: Step) -> list[str]:
    from vibecode.live.plan import plan_step

    plan = plan_step(course, step.number)
    typed = [file for file in plan.files if file.mode == "typed"]
    whole = [file for file in plan.files if file.mode != "typed"]
    typing = f"# type step {step.number} live: {_plural(plan.hunks, 'hunk')}"
    typing += f" in {_plural(len(typed), 'file')}" if typed else ""
    if whole:
        typing += f", {_plural(len(whole), 'file')} at once"
    commands = [
        f"{'vibecode type':<44}{typing}",
        f"{'':<44}#   (or `vibecode next`: the whole step at once)",
        f"{'vibecode show':<44}# the diff to narrate, with these talking points",
    ]
    if _adds_migration(course, step):
        commands.append("# new migration: the serve pane applies it as the step changes")
    if step.tests:
        commands.append(f"{'vibecode check':<44}# {_plural(len(step.tests), 'test file')} green")
    if step.demos:
        commands.append(
            f"{'vibecode demo --step':<44}# {_plural(len(step.demos), 'request')}, one per Enter"
        )
    for scenario in step.benches:
        commands.append(f"{'vibecode bench ' + scenario.name:<44}# side by side: see below")
    return commands


def _files(course: Course, step: Step) -> str:
    """What the step changes, new files marked, so the presenter knows what to open."""
    before = course.checkpoint(course.previous(step.number))
    after = course.checkpoint(step.number)
    names = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            names.append(f"`{path}` (deleted)")
        elif path not in before:
            names.append(f"`{path}` (new)")
        elif before[path] != after[path]:
            names.append(f"`{path}`")
    return ", ".join(names) or "none"


def _adds_migration(course: Course, step: Step) -> bool:
    before = course.checkpoint(course.previous(step.number))
    return any(
        path.startswith(MIGRATIONS_DIR) and path.endswith(".py") and path not in before
        for path in course.checkpoint(step.number)
    )


def _audience(step: Step) -> list[str]:
    lines: list[str] = []
    if step.demos:
        lines += [
            "`vibecode demo` fires these in order (`d` in the dashboard shows each one, then "
            "sends it on the next `d`):",
            "",
            "| # | Request | Expect | Notice |",
            "|---:|---|---|---|",
        ]
        for index, demo in enumerate(step.demos, start=1):
            lines.append(
                f"| {index} | {_request(demo)} | {_statuses(demo.expect)} | {_cell(demo.note)} |"
            )
    for scenario in step.benches:
        if lines:
            lines.append("")
        lines += _bench(scenario)
    if not lines:
        lines.append(
            "No requests yet: the diff in `vibecode show` and a green `vibecode check` "
            "are the show."
        )
    return lines


def _bench(scenario: BenchScenario) -> list[str]:
    lines = [
        f"`vibecode bench {scenario.name}` (`b` in the dashboard, or `--live`): {scenario.title} "
        f"({scenario.concurrency} concurrent clients, {scenario.duration:g} s per side"
        + (f", `{scenario.probe}` latency sampled during the load" if scenario.probe else "")
        + ").",
        "",
        "| Side | Label | Request | Database |",
        "|---|---|---|---|",
        _target_row("A", scenario.a),
        _target_row("B", scenario.b),
    ]
    if scenario.setup:
        names = ", ".join(f"`{spec.name}`" for spec in scenario.setup)
        lines += ["", f"Before the load, each side runs its setup requests once: {names}."]
    if scenario.note:
        lines += ["", scenario.note]
    if scenario.claims:
        lines += ["", "The claims it checks (`vibecode bench` prints each one, held or not):", ""]
        lines += [
            f"- {claim.describe(scenario.labels, scenario.probe)}." for claim in scenario.claims
        ]
    return lines


def _target_row(side: str, target: BenchTarget) -> str:
    request = f"`{target.method} {target.path}`"
    if target.json is not None:
        request += f" `{_compact(target.json)}`"
    database = target.db or "the served one"
    return f"| {side} | {_cell(target.label)} | {_cell(request)} | {database} |"


def _fallbacks(course: Course, step: Step) -> list[str]:
    lines = [
        f"- `vibecode goto {step.number}`: jump straight here from anywhere (a rehearsal, "
        "an attendee's question), every earlier step applied in one go.",
    ]
    if step.demos or step.benches:
        lines.append(
            "- A request fails or hangs: read the `vibecode serve` pane (the traceback is "
            "there), then Ctrl-C it and start `vibecode serve` again."
        )
    following = course.following(step.number)
    if following is not None:
        lines.append(
            f"- Running late: skip ahead with `vibecode goto {following}` and narrate this "
            "step from `vibecode show "
            f"{step.number}`."
        )
    return lines


def _closing(course: Course) -> str:
    total = total_minutes(course)
    lines = [
        "## Closing",
        "",
        f"**Total: {total} minutes** over {_plural(len(course.steps), 'step')} "
        f"({_clock(total)}), plus questions.",
        "",
        "- Recap in one breath: settings and one engine per process; one session per request; the "
        "service commits before the response; hashing off the loop; `id` inside, `public_id` "
        "outside; eager loading instead of lazy loads; migrations, not `create_all`.",
        "- Point attendees at the finished code: `vibecode goto "
        f"{course.last}` gives them the reference app, and `vibecode restore` gives back anything "
        "they typed along the way.",
        "- After the talk: Ctrl-C `vibecode serve`; `q` then `y` in `vibecode dashboard` and "
        "`vibecode notes`.",
    ]
    return "\n".join(lines) + "\n"


def _split_points(points: Iterable[str]) -> _Points:
    say: list[str] = []
    point_at: list[str] = []
    if_it_breaks: list[str] = []
    for point in points:
        if point.startswith(POINT_AT):
            point_at.append(point.removeprefix(POINT_AT).strip())
        elif point.startswith(IF_IT_BREAKS):
            if_it_breaks.append(point.removeprefix(IF_IT_BREAKS).strip())
        else:
            say.append(point)
    return _Points(tuple(say), tuple(point_at), tuple(if_it_breaks))


def _request(spec: RequestSpec) -> str:
    text = f"`{spec.method} {spec.path}`"
    if spec.json is not None:
        text += f" `{_compact(spec.json)}`"
    if spec.form is not None:
        text += f" form `{_compact(dict(spec.form))}`"
    if spec.headers:
        text += " with " + ", ".join(f"`{name}`" for name in spec.headers)
    if spec.capture:
        text += " → keeps " + ", ".join(f"`${{{name}}}`" for name in spec.capture)
    return _cell(text)


def _compact(value: Any) -> str:
    if isinstance(value, Mapping):
        inner = ", ".join(f'"{key}": {_compact(item)}' for key, item in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(item) for item in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _statuses(expect: tuple[int, ...]) -> str:
    return " or ".join(str(status) for status in expect)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
