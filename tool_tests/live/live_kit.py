"""Helpers for the typing engine's tests: small courses written to disk."""

from __future__ import annotations

from pathlib import Path


def write_step(root: Path, number: int, files: dict[str, str], extra: str = "") -> None:
    """One step folder of a small course, with `extra` appended to its step.toml."""
    folder = root / f"{number:02d}-step{number}"
    for path, text in files.items():
        target = folder / "files" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (folder / "step.toml").write_text(
        f'title = "Step {number}"\ngoal = "it works"\nminutes = 5\ntalking_points = ["say"]\n'
        + extra,
        encoding="utf-8",
    )
