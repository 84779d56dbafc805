"""The state file: round trip, and a clear way out when it is missing or corrupt."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vibecode.errors import VibecodeError
from vibecode.workspace.files import sha256
from vibecode.workspace.state import (
    Pending,
    WorkspaceState,
    load_state,
    save_state,
    state_path,
)

DIGEST = sha256(b"x")


def test_round_trip(tmp_path: Path) -> None:
    state = WorkspaceState(3, {"app/main.py": DIGEST}, Pending(4, {"app/x.py": DIGEST}))
    save_state(tmp_path, state)
    assert load_state(tmp_path) == state
    data = json.loads(state_path(tmp_path).read_text())
    assert data == {
        "version": 2,
        "step": 3,
        "files": {"app/main.py": DIGEST},
        "pending": {"step": 4, "files": {"app/x.py": DIGEST}},
        "reached": [],
        "passed": {},
        "kept": {},
        "hints": {},
    }
    assert state.owned("app/x.py") == {DIGEST}
    assert state.owned("nowhere") == set()


def test_missing_workspace(tmp_path: Path) -> None:
    with pytest.raises(VibecodeError, match="there is no workspace") as caught:
        load_state(tmp_path / "nope")
    assert "vibecode goto 1" in str(caught.value)


def test_missing_state(tmp_path: Path) -> None:
    with pytest.raises(VibecodeError, match="has no vibecode state") as caught:
        load_state(tmp_path)
    assert re.search(r"vibecode reset --step \d+", str(caught.value))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"version": 3, "step": 1, "files": {}, "pending": null}', "unknown version 3"),
        ('{"version": 1, "step": -1, "files": {}, "pending": null}', "step: expected"),
        ('{"version": 1, "step": true, "files": {}, "pending": null}', "step: expected"),
        ('{"version": 1, "step": 1, "files": [], "pending": null}', "files: expected"),
        ('{"version": 1, "step": 1, "files": {"a": "zz"}, "pending": null}', "no valid sha256"),
        (
            f'{{"version": 1, "step": 1, "files": {{"../x": "{DIGEST}"}}, "pending": null}}',
            "not a path inside the workspace",
        ),
        ('{"version": 1, "step": 1, "files": {}, "pending": 3}', "pending: expected"),
        ('{"version": 1, "step": 1, "files": {}, "pending": null, "x": 1}', "unknown key 'x'"),
    ],
)
def test_corrupt_state(tmp_path: Path, content: str | bytes, problem: str) -> None:
    path = state_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(VibecodeError) as caught:
        load_state(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert problem in message
    assert re.search(r"vibecode reset --step \d+", message)
