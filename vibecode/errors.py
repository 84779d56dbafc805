"""The tool's error family: domain code raises these, the CLI edge turns them into exit codes."""

from __future__ import annotations


class VibecodeError(Exception):
    """A problem the user can fix; shown as one line on stderr, exit code 2 by default."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        # A hint with its own parentheses would nest them: "(stop it first (Ctrl-C ...))".
        if "(" in self.hint or ")" in self.hint:
            return f"{self.message}; {self.hint}"
        return f"{self.message} ({self.hint})"


class CheckFailed(VibecodeError):
    """A check ran and found a problem (failing tests, unexpected status): exit code 1."""

    exit_code = 1


class Interrupted(VibecodeError):
    """Ctrl-C stopped a command: exit code 130; the message says what it left behind."""

    exit_code = 130

    def __init__(self, message: str = "interrupted", *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)


class StepError(VibecodeError):
    """A step on disk is broken: the message names the file and the problem."""
