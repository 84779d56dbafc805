"""Long output on a terminal goes through a pager, as git does.

`VIBECODE_PAGER`, else `PAGER`, else `less`; an empty value or `cat` means no pager. `less`
gets `LESS=FRX` unless LESS is set: it quits when the text fits one screen (-F), keeps colours
(-R) and leaves the text on the screen (-X).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys


def pager_command(environ: dict[str, str] | None = None) -> str | None:
    """The pager to run, or None for none."""
    env = os.environ if environ is None else environ
    for name in ("VIBECODE_PAGER", "PAGER"):
        if name in env:
            value = env[name].strip()
            return None if value in ("", "cat") else value
    return "less" if shutil.which("less") else None


def page(text: str, *, lines: int, height: int) -> None:
    """Print `text` (ANSI colours kept); through the pager when it is longer than the screen."""
    command = pager_command()
    if command is None or lines <= height - 1:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    assert process.stdin is not None
    try:
        with contextlib.suppress(BrokenPipeError):  # the reader quit early (q in less)
            process.stdin.write(text.encode("utf-8", "replace"))
            process.stdin.close()
        process.wait()
    except KeyboardInterrupt:
        process.wait()
