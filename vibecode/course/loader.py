"""The course every command reads: the steps folder, parsed through the manifest cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibecode.paths import steps_root

if TYPE_CHECKING:
    from vibecode.course.manifest import Course


def load() -> Course:
    """The course from the steps folder (`VIBECODE_STEPS` or `steps/`), through the cache."""
    from vibecode.course.manifest import load_course
    from vibecode.course.manifest_cache import ManifestCache, cache_file_for

    root = steps_root()
    cache = ManifestCache(cache_file_for(root))
    course = load_course(root, read=cache.read)
    cache.save()
    return course
