"""Read a running server's log for the one thing the presenter must see: the app is broken.

With `--reload`, uvicorn keeps running when a saved file no longer imports: the process is
alive, the app is not. The log shows it: a traceback through the import machinery, with no
"Application startup complete" after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vibecode.serve.preflight import short_traceback

RECOVERED = ("Application startup complete", "Started server process")
IMPORT_FRAMES = ("importlib", "Error loading ASGI app", "import_from_string")


def import_problem(lines: Sequence[str], workspace: Path) -> str | None:
    """The workspace app's import error if the log's latest news is one, else None."""
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    if not starts:
        return None
    block = lines[starts[-1] :]
    if any(marker in line for line in block[1:] for marker in RECOVERED):
        return None
    if not any(marker in line for line in block for marker in IMPORT_FRAMES):
        return None  # an exception inside a request: the app itself still runs
    return "the workspace app fails to import: " + short_traceback("\n".join(block), workspace)
