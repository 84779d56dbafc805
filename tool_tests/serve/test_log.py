"""Spotting a broken app in a running server's log."""

from __future__ import annotations

from pathlib import Path

from vibecode.serve.log import Shown, TracebackFolder, import_problem

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


UVICORN_RELOAD_TYPO = [
    "WARNING:  WatchFiles detected changes in 'app/main.py'. Reloading...",
    "INFO:     Finished server process [19839]",
    "Process SpawnProcess-2:",
    "Traceback (most recent call last):",
    '  File "/usr/lib/python3.11/multiprocessing/process.py", line 314, in _bootstrap',
    "    self.run()",
    '  File "/venv/site-packages/uvicorn/server.py", line 86, in run',
    "    return asyncio_run(self.serve(sockets=sockets))",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    '  File "uvloop/loop.pyx", line 1515, in uvloop.loop.Loop.run_until_complete',
    '  File "/venv/site-packages/uvicorn/importer.py", line 19, in import_from_string',
    "    module = importlib.import_module(module_str)",
    '  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import',
    '  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed',
    '  File "/tmp/ws/app/main.py", line 7, in <module>',
    "    x = undefined_name",
    "        ^^^^^^^^^^^^^^",
    "NameError: name 'undefined_name' is not defined",
    'INFO:     127.0.0.1:5 - "GET /health HTTP/1.1" 200 OK',
]


def test_a_traceback_in_the_serve_pane_is_its_summary_then_the_apps_frames() -> None:
    folder = TracebackFolder(WS)
    shown = [item for line in UVICORN_RELOAD_TYPO for item in folder.feed(line)]
    shown += folder.flush()
    texts = [item.text for item in shown]

    start = texts.index("Traceback (most recent call last):")
    assert shown[start - 1] == Shown(
        "NameError: name 'undefined_name' is not defined (app/main.py:7)", "summary"
    )  # the one line to read out, before the frames
    assert texts[start + 1 :] == [
        "  … 6 framework frames",
        '  File "/tmp/ws/app/main.py", line 7, in <module>',
        "    x = undefined_name",
        "        ^^^^^^^^^^^^^^",
        "NameError: name 'undefined_name' is not defined",
        'INFO:     127.0.0.1:5 - "GET /health HTTP/1.1" 200 OK',
    ]
    assert "Process SpawnProcess-2:" not in texts
    assert len(shown) == 10  # of 19 lines


def test_a_traceback_is_held_until_it_ends_then_shown_when_the_log_is_quiet() -> None:
    folder = TracebackFolder(WS)
    for line in UVICORN_RELOAD_TYPO[3:-2]:
        assert folder.feed(line) == []
    assert folder.flush(force=False) == []  # the exception line has not come yet
    assert folder.feed(UVICORN_RELOAD_TYPO[-2]) == []
    shown = folder.flush(force=False)
    assert shown[0].kind == "summary" and not folder.holding
