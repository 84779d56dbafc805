"""Spotting a broken app in a running server's log."""

from __future__ import annotations

from pathlib import Path

from vibecode.serve.log import import_problem

WS = Path("/tmp/ws")
IMPORT_FAILURE = [
    "INFO:     Will watch for changes in these directories: ['/tmp/ws']",
    "WARNING:  WatchFiles detected changes in 'app/main.py'. Reloading...",
    "Process SpawnProcess-2:",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module',
    '  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import',
    '  File "/tmp/ws/app/main.py", line 1, in <module>',
    "    from app.nowhere import thing",
    "ModuleNotFoundError: No module named 'app.nowhere'",
]


def test_an_import_traceback_is_the_apps_error() -> None:
    assert import_problem(IMPORT_FAILURE, WS) == (
        "the workspace app fails to import: "
        "ModuleNotFoundError: No module named 'app.nowhere' (app/main.py:1)"
    )


def test_a_reload_that_worked_clears_it() -> None:
    fixed = [
        *IMPORT_FAILURE,
        "INFO:     Started server process [4243]",
        "INFO:     Application startup complete.",
    ]
    assert import_problem(fixed, WS) is None


def test_an_exception_in_a_request_is_not_a_broken_app() -> None:
    request_error = [
        "INFO:     Application startup complete.",
        "ERROR:    Exception in ASGI application",
        "Traceback (most recent call last):",
        '  File "/tmp/ws/app/api/posts.py", line 12, in read_post',
        "ZeroDivisionError: division by zero",
    ]
    assert import_problem(request_error, WS) is None
    assert import_problem(["INFO:     Application startup complete."], WS) is None
