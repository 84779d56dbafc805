"""The server's log lines about one request: found by the request id the answer carried."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vibecode.demo.runner import DemoResult

REQUEST_ID_HEADER = "x-request-id"
LOG_WAIT = 1.5
"""Seconds to wait for the line: the server writes its log after it answered."""
TAIL_BYTES = 256 * 1024


@dataclass(frozen=True)
class LogMatch:
    """The log lines holding a request id, and how many traceback lines follow them."""

    request_id: str
    lines: tuple[str, ...]
    traceback_lines: int = 0


def request_id(headers: Mapping[str, str]) -> str | None:
    """The X-Request-ID of an answer's headers (any case), None without one."""
    for name, value in headers.items():
        if name.lower() == REQUEST_ID_HEADER and value:
            return value
    return None


def find_lines(
    log: Path,
    needle: str,
    *,
    wait: float = LOG_WAIT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> LogMatch:
    """The lines of `log` (its last 256 KB) holding `needle`, waiting up to `wait` for one."""
    deadline = clock() + wait
    while True:
        match = _match(_tail(log), needle)
        if match.lines or clock() >= deadline:
            return match
        sleep(0.05)


def _tail(log: Path) -> list[str]:
    try:
        with log.open("rb") as file:
            file.seek(0, 2)
            size = file.tell()
            file.seek(max(0, size - TAIL_BYTES))
            data = file.read()
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()


def _match(lines: list[str], needle: str) -> LogMatch:
    found: list[str] = []
    following = 0
    for index, line in enumerate(lines):
        if needle not in line:
            continue
        found.append(line)
        if index + 1 < len(lines) and lines[index + 1].startswith("Traceback"):
            following = sum(1 for _ in _traceback(lines[index + 1 :]))
    return LogMatch(needle, tuple(found), following)


def _traceback(lines: list[str]) -> list[str]:
    """The traceback at the start of `lines`, to its exception line (chained ones included)."""
    part_of = ("Traceback", "During handling", "The above", " ")
    end = 0
    for index, line in enumerate(lines):
        if not line.strip() or line.startswith(part_of):
            continue
        end = index + 1  # the exception line; a chained traceback may follow it
        following = lines[index + 1 : index + 3]
        if not any(next_line.startswith(part_of[1:3]) for next_line in following):
            break
    return lines[:end]


def log_about(result: DemoResult, log: Path | None) -> LogMatch | None:
    """The server's log lines about a `show_log` request, found by its answer's request id."""
    if not result.spec.show_log or log is None or result.status is None:
        return None
    needle = request_id(result.response_headers)
    return None if needle is None else find_lines(log, needle)
