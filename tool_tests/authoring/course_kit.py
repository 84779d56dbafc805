"""Throwaway courses in the line-history layout, for the authoring tests."""

from __future__ import annotations

from pathlib import Path

from vibecode.course.manifest import WEAVE_FILE
from vibecode.course.source.weave import dumps, encode_versions

Files = dict[str, bytes]


def make_course(
    root: Path,
    steps: list[Files],
    *,
    reference: bool = False,
    tracks: str = "",
) -> Path:
    """A course folder whose checkpoints are `steps` (step 1 first); optionally a reference."""
    root.mkdir(parents=True)
    toml = 'title = "Kit course"\n'
    if reference:
        toml += 'reference = "../ref"\nreference_paths = ["app", "tests"]\n'
    (root / "course.toml").write_text(toml + tracks, encoding="utf-8")
    for number, _ in enumerate(steps, start=1):
        folder = root / f"{number:02d}-step{number}"
        folder.mkdir()
        (folder / "step.toml").write_text(
            f'title = "Step {number}"\ngoal = "goal {number}"\nminutes = {number}\n'
            f'talking_points = ["Say {number}."]\n',
            encoding="utf-8",
        )
    (root / WEAVE_FILE).write_bytes(dumps(encode_versions([{}, *steps])))
    if reference:
        write_files(root.parent / "ref", steps[-1])
    return root


def write_files(folder: Path, files: Files) -> None:
    """Write `files` under `folder`."""
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
