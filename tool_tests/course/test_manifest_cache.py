"""The parsed-manifest cache: reused while a step.toml is unchanged, never trusted beyond that."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tool_tests.workspace.workspace_kit import SMALL_COURSE, StepSpec, write_course
from vibecode.course.manifest import load_course
from vibecode.course.manifest_cache import ManifestCache, cache_file_for
from vibecode.errors import StepError

AN_HOUR_AGO = time.time() - 3600


def _age(root: Path, seconds_ago: float = 3600) -> None:
    """Backdate every step.toml, as files of a course checked out a while ago are."""
    when = time.time() - seconds_ago
    for manifest in root.glob("*/step.toml"):
        os.utime(manifest, (when, when))


def _load(root: Path, cache_file: Path) -> list[str]:
    """Load the course through a fresh cache object (as one CLI run does); the titles."""
    cache = ManifestCache(cache_file)
    course = load_course(root, read=cache.read)
    cache.save()
    return [step.title for step in course.steps]


def _entries(cache_file: Path) -> dict[str, dict[str, object]]:
    entries: dict[str, dict[str, object]] = json.loads(cache_file.read_text())["entries"]
    return entries


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_course(tmp_path / "steps", SMALL_COURSE)
    _age(root)
    return root


def test_an_unchanged_manifest_comes_from_the_cache(root: Path, tmp_path: Path) -> None:
    cache_file = cache_file_for(root, tmp_path / "cache")
    first = _load(root, cache_file)
    assert first == [step.title for step in load_course(root).steps]
    assert len(_entries(cache_file)) == len(SMALL_COURSE)
    # Prove the second run reads the cache, not the TOML: alter the cached copy only.
    content = json.loads(cache_file.read_text())
    key = str(root / "01-skeleton" / "step.toml")
    content["entries"][key]["data"]["title"] = "From the cache"
    cache_file.write_text(json.dumps(content))
    assert _load(root, cache_file)[0] == "From the cache"


def test_a_changed_manifest_is_parsed_again(root: Path, tmp_path: Path) -> None:
    cache_file = cache_file_for(root, tmp_path / "cache")
    _load(root, cache_file)
    manifest = root / "01-skeleton" / "step.toml"
    text = manifest.read_text()
    # Same size, same inode: only the modification time tells.
    manifest.write_text(text.replace('title = "Skeleton"', 'title = "Skeletoo"'))
    when = AN_HOUR_AGO + 60
    os.utime(manifest, (when, when))
    assert _load(root, cache_file)[0] == "Skeletoo"


def test_a_manifest_written_just_now_is_not_cached(root: Path, tmp_path: Path) -> None:
    cache_file = cache_file_for(root, tmp_path / "cache")
    fresh = root / "02-calc-and-config" / "step.toml"
    fresh.write_text(fresh.read_text())  # modified now: its time stamp may not yet tell edits apart
    _load(root, cache_file)
    assert str(fresh) not in _entries(cache_file)
    assert str(root / "01-skeleton" / "step.toml") in _entries(cache_file)


def test_a_removed_step_drops_out_of_the_cache(root: Path, tmp_path: Path) -> None:
    cache_file = cache_file_for(root, tmp_path / "cache")
    _load(root, cache_file)
    last = sorted(root.iterdir())[-1]
    (last / "step.toml").unlink()
    for path in sorted(last.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    last.rmdir()
    assert len(_load(root, cache_file)) == len(SMALL_COURSE) - 1
    assert str(last / "step.toml") not in _entries(cache_file)
    assert len(_entries(cache_file)) == len(SMALL_COURSE) - 1


@pytest.mark.parametrize("garbage", ["{not json", '{"format": 999, "entries": {}}', "[]", ""])
def test_a_corrupt_cache_is_ignored_and_rewritten(root: Path, tmp_path: Path, garbage: str) -> None:
    cache_file = cache_file_for(root, tmp_path / "cache")
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text(garbage)
    assert _load(root, cache_file) == [step.title for step in load_course(root).steps]
    assert len(_entries(cache_file)) == len(SMALL_COURSE)


def test_an_unwritable_cache_place_only_means_no_cache(root: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache_file = cache_file_for(root, blocker / "cache")  # a folder inside a file: mkdir fails
    assert _load(root, cache_file) == [step.title for step in load_course(root).steps]
    assert not (blocker / "cache").exists()
    assert not list(tmp_path.glob("**/*.tmp"))


def test_a_manifest_json_cannot_hold_is_parsed_each_time(tmp_path: Path) -> None:
    manifest = (
        'title = "Dates"\ngoal = "g"\nminutes = 1\ntalking_points = ["t"]\n'
        '[[demo]]\nname = "when"\nmethod = "POST"\npath = "/x"\n'
        "json = { at = 1979-05-27T07:32:00Z }\n"
    )
    root = write_course(tmp_path / "steps", [StepSpec("dates", manifest=manifest)])
    _age(root)
    cache_file = cache_file_for(root, tmp_path / "cache")
    for _ in range(2):
        assert _load(root, cache_file) == ["Dates"]
    assert not cache_file.exists() or _entries(cache_file) == {}
    at = load_course(root, read=ManifestCache(cache_file).read).steps[0].demos[0].json["at"]
    assert at.year == 1979


def test_a_broken_manifest_gives_the_same_error_through_the_cache(tmp_path: Path) -> None:
    root = write_course(tmp_path / "steps", [StepSpec("bad", manifest='title = "x"\ngoal = \n')])
    _age(root)
    with pytest.raises(StepError) as plain:
        load_course(root)
    with pytest.raises(StepError) as cached:
        load_course(root, read=ManifestCache(cache_file_for(root, tmp_path / "cache")).read)
    assert str(cached.value) == str(plain.value)
    assert "not valid TOML" in str(cached.value)


def test_each_steps_folder_has_its_own_cache_file(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "steps", tmp_path / "b" / "steps"
    assert cache_file_for(one, tmp_path) != cache_file_for(two, tmp_path)
    assert cache_file_for(one, tmp_path) == cache_file_for(one, tmp_path)
