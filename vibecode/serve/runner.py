"""The server's child process: `python -m vibecode.serve.runner`, run with cwd=<workspace>.

It serves the workspace's `app.main:app` wrapped by the tap through a uvicorn factory, so
uvicorn's reloader re-imports the workspace's code on every change. A watchdog thread stops the
whole process group if the `vibecode` process that started it disappears.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from pathlib import Path

from vibecode.tap.middleware import ASGIApp, wrap_app

APP_IMPORT = "app.main:app"
FACTORY = "vibecode.serve.runner:create_app"
TAP_ENV = "VIBECODE_TAP_DIR"
WATCHDOG_INTERVAL = 1.0


def create_app() -> ASGIApp:
    """The uvicorn factory: the workspace's app wrapped by the tap (when a tap folder is set)."""
    from uvicorn.importer import import_from_string

    app: ASGIApp = import_from_string(APP_IMPORT)
    return wrap_app(app, os.environ.get(TAP_ENV))


def watch_parent(parent_pid: int) -> None:
    """Stop this process group when the parent is gone (it was killed without cleaning up)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCHDOG_INTERVAL)
        os.killpg(os.getpgrp(), signal.SIGTERM)

    threading.Thread(target=watch, name="vibecode-parent-watchdog", daemon=True).start()


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The child's command line (built by `ServerProcess`)."""
    parser = argparse.ArgumentParser(prog="python -m vibecode.serve.runner")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--parent-pid", type=int, default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run uvicorn on the workspace in the current directory."""
    import uvicorn

    arguments = parse_arguments(argv)
    if arguments.parent_pid:
        watch_parent(arguments.parent_pid)
    workspace = Path.cwd()
    uvicorn.run(
        FACTORY,
        factory=True,
        host=arguments.host,
        port=arguments.port,
        reload=arguments.reload,
        reload_dirs=[str(workspace / "app")] if arguments.reload else None,
        workers=None if arguments.reload else arguments.workers,
        access_log=not arguments.no_access_log,
        timeout_graceful_shutdown=3,
    )


if __name__ == "__main__":
    main()
