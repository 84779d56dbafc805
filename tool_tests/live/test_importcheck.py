"""The import checker behind `vibecode type`: a verdict per save, and nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibecode.live.importcheck import ImportChecker


def test_each_check_sees_the_latest_code_and_leaves_no_scratch_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_root))
    workspace = tmp_path / "ws"
    (workspace / "app").mkdir(parents=True)
    (workspace / "app" / "__init__.py").write_text("")
    main = workspace / "app" / "main.py"

    with ImportChecker(workspace) as checker:
        main.write_text("app = 1\n")
        assert checker.check() is None
        main.write_text("app = (\n")  # same second, a broken save
        broken = checker.check()
        assert broken is not None and "SyntaxError" in broken
        main.write_text("app = 2\n")
        assert checker.check() is None

    assert list(scratch_root.glob("vibecode-check-*")) == []
