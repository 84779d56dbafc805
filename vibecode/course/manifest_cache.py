"""Parsed `step.toml` files kept between runs, so `vibecode steps` and `status` skip the parser.

Parsing the course's TOML is most of what those commands do besides printing, and they must
feel instant. An entry is reused while its file keeps the same size, modification time and
inode (what Python checks for its own `.pyc` files); anything else is parsed again. The cache
is optional: a missing, corrupt or unwritable cache file only means parsing as before.

A file changed twice within the file system's clock tick, keeping its size, would look unchanged
(the "racy" case git also guards against), so a manifest modified in the last two seconds is
parsed but not cached: by the time it is cached, any later edit gives it a new modification time.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

from vibecode.atomic import atomic_write
from vibecode.course.manifest import read_manifest

FORMAT = 1
RACY_NS = 2_000_000_000


def default_cache_dir() -> Path:
    """`VIBECODE_CACHE_DIR`, else `$XDG_CACHE_HOME/vibecode`, else `~/.cache/vibecode`."""
    override = os.environ.get("VIBECODE_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "vibecode")


def cache_file_for(steps_root: Path, cache_dir: Path | None = None) -> Path:
    """One cache file per steps folder (a course checkout), named after its path."""
    digest = zlib.crc32(str(steps_root).encode("utf-8", "surrogateescape"))
    return (cache_dir or default_cache_dir()) / f"course-{steps_root.name}-{digest:08x}.json"


class ManifestCache:
    """A `ManifestReader` that remembers parsed manifests in one JSON file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._stored = self._read_file()
        self._used: dict[str, Any] = {}

    def read(self, manifest: Path) -> dict[str, Any]:
        """The TOML data of `manifest`, from the cache when the file has not changed."""
        key = str(manifest)
        try:
            info = manifest.stat()
        except FileNotFoundError:
            return read_manifest(manifest)  # the loader's own "missing" message
        stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
        entry = self._stored.get(key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp and "data" in entry:
            self._used[key] = entry
            data: dict[str, Any] = entry["data"]
            return data
        data = read_manifest(manifest)
        if time.time_ns() - info.st_mtime_ns < RACY_NS:
            return data  # too fresh to trust its time stamp: parsed again next time
        try:
            # A detached copy: JSON holds every TOML value except dates and times.
            copy = json.loads(json.dumps(data))
        except (TypeError, ValueError):
            return data  # not cacheable; parsed again next time
        self._used[key] = {"stamp": stamp, "data": copy}
        return data

    def save(self) -> None:
        """Write the entries this run used (so removed steps drop out), if any changed."""
        # A hit reuses the stored entry itself; anything else is new or gone.
        if self._used.keys() == self._stored.keys() and all(
            entry is self._stored[key] for key, entry in self._used.items()
        ):
            return
        text = json.dumps({"format": FORMAT, "entries": self._used})
        with contextlib.suppress(OSError):  # a read-only home, say: work on without a cache
            atomic_write(self.file, text.encode("utf-8"))

    def _read_file(self) -> dict[str, Any]:
        try:
            content = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            return {}
        entries = content.get("entries")
        return entries if isinstance(entries, dict) else {}
