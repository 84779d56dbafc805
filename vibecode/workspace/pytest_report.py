"""A pytest plugin that `vibecode check` loads into the workspace's test run (`-p`).

It runs inside the pytest subprocess, never in the tool's own process, and imports nothing
heavy. It does three things:

- writes one JSON line per event to `$VIBECODE_REPORT` as the run goes: each test's outcome,
  collection and conftest errors with the file and line of the user's code that caused them
  (a SyntaxError's own position; otherwise the innermost frame inside the workspace), and the
  failing assertion in a few lines;
- runs the tests named in `$VIBECODE_FIRST` (a JSON list of node ids or files: the step's own
  new tests) before the others, keeping pytest's order otherwise;
- compiles the workspace's modules from source on every import, never from a `.pyc`: two saves
  within one second that keep a file's size would otherwise run the older code (Python checks a
  cached module by its source's mtime in whole seconds and its size).
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import sys
import traceback
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(os.environ.get("VIBECODE_ROOT", os.getcwd())).resolve()
"""The folder the tests run in (the workspace, or a copy of what `next` would make of it)."""
MESSAGE_LINES = 6
FRAMES_SHOWN = 2


class _FreshSource(importlib.machinery.SourceFileLoader):
    """Loads a module from its source every time, ignoring and never writing `.pyc` files."""

    def get_code(self, fullname: str) -> Any:
        """Compile the module's current source."""
        path = self.get_filename(fullname)
        return self.source_to_code(self.get_data(path), path)


class _FreshSourceFinder:
    """Hands the workspace's own modules to `_FreshSource`; everything else is left alone."""

    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        """The spec `PathFinder` finds, with a fresh-source loader for workspace modules."""
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if (
            spec is not None
            and type(spec.loader) is importlib.machinery.SourceFileLoader
            and spec.origin
            and _inside(spec.origin)
        ):
            spec.loader = _FreshSource(spec.name, spec.origin)
        return spec


if not any(finder is _FreshSourceFinder for finder in sys.meta_path):
    # Just before the standard PathFinder: pytest's assertion rewriter, which caches the test
    # modules it rewrites in its own way, keeps its place in front.
    _index = next(
        (i for i, f in enumerate(sys.meta_path) if f is importlib.machinery.PathFinder),
        len(sys.meta_path),
    )
    sys.meta_path.insert(_index, _FreshSourceFinder)


def _inside(filename: str) -> bool:
    if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>: no file of theirs
        return False
    try:
        return Path(filename).resolve().is_relative_to(ROOT)
    except (OSError, ValueError):
        return False


def _relative(filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(ROOT).as_posix()
    except (OSError, ValueError):
        return filename


class _Report:
    """The JSON-lines file the tool reads back."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def write(self, event: str, **fields: Any) -> None:
        # Opened for each event and closed at once: a handle left open until the interpreter
        # ends is a ResourceWarning, an error under a workspace's `filterwarnings = error`.
        if self.path is None:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"event": event, **fields}, default=str) + "\n")


_report = _Report(os.environ.get("VIBECODE_REPORT"))
try:
    _first: set[str] = set(json.loads(os.environ.get("VIBECODE_FIRST", "[]")))
except ValueError:
    _first = set()


def _where(error: BaseException) -> list[dict[str, Any]]:
    """The user's lines that led to `error`: a SyntaxError's position, or the innermost frames
    inside the workspace (the test's line and the app's, not the libraries' in between)."""
    if isinstance(error, SyntaxError) and error.filename:
        code = (error.text or "").rstrip("\n")
        return [{"path": _relative(error.filename), "line": error.lineno, "code": code.strip()}]
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if _inside(frame.filename) and "/_pytest/" not in frame.filename
    ]
    chosen = frames[-1:] if len(frames) < 2 else [frames[0], frames[-1]][-FRAMES_SHOWN:]
    if len(frames) >= 2 and frames[0].filename == frames[-1].filename:
        chosen = frames[-1:]
    return [
        {"path": _relative(f.filename), "line": f.lineno, "code": (f.line or "").strip()}
        for f in chosen
    ]


def _message(error: BaseException, text: str | None = None) -> str:
    """The exception in a few lines: pytest's assertion explanation, never library frames."""
    raw = text if text is not None else "".join(traceback.format_exception_only(error))
    raw = raw.replace(str(ROOT) + os.sep, "")
    lines = [line.rstrip() for line in raw.strip().splitlines() if line.strip()]
    if len(lines) > MESSAGE_LINES:
        lines = [*lines[: MESSAGE_LINES - 1], f"... ({len(lines) - MESSAGE_LINES + 1} more lines)"]
    return "\n".join(lines)


def _unwrap(error: BaseException) -> BaseException:
    """The user's error inside pytest's wrappers (a conftest that failed to import)."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        return cause
    return error


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    """A conftest that fails to import (the app it imports has a typo) is reported by file."""
    try:
        return (yield)
    except Exception as error:
        cause = _unwrap(error)
        conftest = getattr(error, "path", None)
        _report.write(
            "error",
            nodeid=_relative(str(conftest)) if conftest else "conftest",
            kind=type(cause).__name__,
            message=_message(cause),
            where=_where(cause),
        )
        raise


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """The step's own new tests first; the rest in pytest's order."""
    if _first:
        items.sort(key=lambda item: 0 if _is_first(item.nodeid) else 1)
    _report.write("collected", count=len(items), first=sum(_is_first(i.nodeid) for i in items))


def _is_first(nodeid: str) -> bool:
    base = nodeid.split("[", 1)[0]
    return base in _first or nodeid.split("::", 1)[0] in _first


def _detail(call: pytest.CallInfo[Any]) -> dict[str, Any] | None:
    """The exception behind a failure: its type, message and the user's lines."""
    if call.excinfo is None:
        return None
    error = call.excinfo.value
    text = call.excinfo.exconly() if isinstance(error, AssertionError) else None
    return {"kind": type(error).__name__, "message": _message(error, text), "where": _where(error)}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test's report carries its exception's detail (logged before any other hook sees it)."""
    report = yield
    if report.failed:
        report.vibecode_detail = _detail(call)  # type: ignore[attr-defined]
    return report


def pytest_exception_interact(
    node: pytest.Item | pytest.Collector, call: pytest.CallInfo[Any], report: Any
) -> None:
    """A collection error's exception, for its message and the user's lines."""
    if isinstance(node, pytest.Collector):
        report.vibecode_detail = _detail(call)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A test module that cannot be imported or collected."""
    if report.failed:
        detail = getattr(report, "vibecode_detail", None) or {
            "kind": "error",
            "message": _message(Exception(), str(report.longrepr)),
            "where": [],
        }
        _report.write("error", nodeid=report.nodeid or "collection", **detail)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each test's outcome, once: its call, or the setup/teardown that failed."""
    if (
        report.when != "call"
        and not report.failed
        and not (report.skipped and report.when == "setup")
    ):
        return
    outcome = report.outcome if report.when == "call" else ("error" if report.failed else "skipped")
    fields: dict[str, Any] = {"nodeid": report.nodeid, "outcome": outcome, "when": report.when}
    fields["seconds"] = round(report.duration, 4)
    if report.failed:
        detail = getattr(report, "vibecode_detail", None)
        if detail is None:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr)
            detail = {"kind": "failed", "message": _message(Exception(), message), "where": []}
        fields.update(detail)
    _report.write("test", **fields)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run's end: its exit status and whether it stopped at the first failure."""
    _report.write(
        "finish",
        exitstatus=int(exitstatus),
        stopped=bool(session.shouldstop or session.shouldfail),
        collected=session.testscollected,
    )


def names(items: Iterable[str]) -> str:
    """The value of `$VIBECODE_FIRST` for these node ids or files."""
    return json.dumps(sorted(set(items)))
