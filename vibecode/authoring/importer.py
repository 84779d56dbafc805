"""`course import`: convert a course of full files per step into its line history.

The older layout keeps each step's full files in `NN-slug/files/` and lists its `tests` and
`delete` in the manifest. Import builds every checkpoint the old way, writes `course.weave` and
the manifests without the derived keys, loads the result and compares every checkpoint byte for
byte before anything in the course is replaced; then the `files/` folders go. Re-running it on a
converted course is refused (there is nothing left to convert).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vibecode.atomic import atomic_write
from vibecode.course.course_file import COURSE_FILE
from vibecode.course.manifest import WEAVE_FILE, Course, load_course, read_manifest
from vibecode.course.source.weave import dumps, encode_versions
from vibecode.errors import VibecodeError

DERIVED_KEYS = ("tests", "delete")


@dataclass(frozen=True)
class Imported:
    """The converted course and the proof that nothing changed."""

    steps: int
    digests: tuple[str, ...]
    """sha256 of every checkpoint (1..last), the same before and after."""
    lines_before: int
    lines_after: int
    files_before: int


def checkpoint_digest(files: dict[str, bytes]) -> str:
    """One fingerprint for a whole checkpoint: every path and its bytes, in order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


def import_course(root: Path) -> Imported:
    """Convert the course in `root` in place, proving every checkpoint unchanged."""
    legacy = load_course(root)
    if legacy.source is not None:
        raise VibecodeError(f"the course in {root} is already a line history ({WEAVE_FILE})")
    versions = [legacy.checkpoint(n) for n in range(legacy.size + 1)]
    manifests = {
        step.directory.name: _without_derived(step.directory / "step.toml")
        for step in legacy.all_steps
    }
    files_before = sum(len(step.files()) for step in legacy.all_steps)
    lines_before = sum(
        data.count(b"\n")
        for step in legacy.all_steps
        for data in (p.read_bytes() for p in step.files().values())
    )
    text = dumps(encode_versions(versions))
    with tempfile.TemporaryDirectory(prefix="vibecode-import-") as scratch:
        staged = Path(scratch) / root.name
        staged.mkdir()
        if (root / COURSE_FILE).is_file():
            shutil.copy2(root / COURSE_FILE, staged / COURSE_FILE)
        for name, manifest in manifests.items():
            (staged / name).mkdir()
            (staged / name / "step.toml").write_text(manifest, encoding="utf-8")
        (staged / WEAVE_FILE).write_bytes(text)
        converted = load_course(staged)
        _prove_same(legacy, converted, versions)
    atomic_write(root / WEAVE_FILE, text)
    for step in legacy.all_steps:
        atomic_write(step.directory / "step.toml", manifests[step.directory.name].encode("utf-8"))
        shutil.rmtree(step.files_dir, ignore_errors=True)
    return Imported(
        steps=legacy.size,
        digests=tuple(checkpoint_digest(v) for v in versions[1:]),
        lines_before=lines_before,
        lines_after=text.count(b"\n"),
        files_before=files_before,
    )


def _prove_same(legacy: Course, converted: Course, versions: list[dict[str, bytes]]) -> None:
    for number in range(legacy.size + 1):
        if converted.checkpoint(number) != versions[number]:
            raise VibecodeError(f"internal error: step {number} would change; nothing was written")
    for old, new in zip(legacy.all_steps, converted.all_steps, strict=True):
        declared = {path for path in old.tests if not path.endswith("/")}
        if declared and declared != set(new.tests):
            raise VibecodeError(
                f"{old.label}: its tests list {sorted(declared)}, the files it holds are "
                f"{list(new.tests)}; a step's tests are now every test file it holds",
                hint="fix the list (or the files) and import again; nothing was written",
            )


def _without_derived(manifest: Path) -> str:
    """The manifest's text without its top-level `tests` and `delete` keys, prose untouched."""
    text = manifest.read_text(encoding="utf-8")
    data = read_manifest(manifest)
    top, split, tables = text.partition("\n[")
    for key in DERIVED_KEYS:
        top = re.sub(rf"^{key}\s*=\s*\[.*?\][ \t]*\n", "", top + "\n", count=1, flags=re.S | re.M)[
            :-1
        ]
    result = top + split + tables
    import tomllib

    expected = {key: value for key, value in data.items() if key not in DERIVED_KEYS}
    if tomllib.loads(result) != expected:
        raise VibecodeError(f"{manifest}: could not take out {' and '.join(DERIVED_KEYS)} cleanly")
    return result
