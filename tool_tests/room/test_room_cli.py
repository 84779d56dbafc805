"""Bad input to the room's commands: one line that says what to do, exit 2, no traceback."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tool_tests.room.room_kit import cli, free_port
from vibecode.errors import VibecodeError
from vibecode.room.attend import split_join_url


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2
    stderr = done.stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("error: ")
    for word in words:
        assert word in stderr, stderr


def test_the_qr_codes_url_carries_the_code() -> None:
    assert split_join_url("http://10.0.0.5:8800/join?code=k7qx2m", None) == (
        "http://10.0.0.5:8800",
        "K7QX2M",
    )
    assert split_join_url("http://10.0.0.5:8800", "abc234") == ("http://10.0.0.5:8800", "ABC234")
    with pytest.raises(VibecodeError, match="not a room URL"):
        split_join_url("10.0.0.5:8800", "ABC234")
    with pytest.raises(VibecodeError, match="join code is missing"):
        split_join_url("http://10.0.0.5:8800", None)


@pytest.mark.e2e
def test_joining_a_room_that_is_not_there(make_workspace: Callable[[str, int], Path]) -> None:
    ada = make_workspace("ada", 2)
    done = cli("join", f"http://127.0.0.1:{free_port()}", "ABC234", "--name", "Ada", workspace=ada)
    one_line_error(done, "does not answer")
    assert not (ada / ".vibecode" / "joined.json").exists()


@pytest.mark.e2e
def test_joining_from_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    done = cli("join", "http://127.0.0.1:9", "ABC234", "--name", "Ada", workspace=tmp_path / "no")
    one_line_error(done, "no workspace")
    assert not (tmp_path / "no").exists()


@pytest.mark.e2e
def test_a_room_needs_a_workspace_and_a_free_port(
    make_workspace: Callable[[str, int], Path], tmp_path: Path
) -> None:
    one_line_error(cli("room", "--port", str(free_port()), workspace=tmp_path / "none"))
    presenter = make_workspace("presenter", 1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_line_error(cli("room", "--port", str(port), workspace=presenter), "is taken")
    one_line_error(
        cli("room", "--port", str(free_port()), "--workers", "2", workspace=presenter),
        "--db postgres",
    )
    one_line_error(cli("room", "status", workspace=presenter), "hosts no room")
    one_line_error(cli("room", "close", workspace=presenter), "hosts no room")
    left = cli("leave", workspace=presenter)
    assert left.returncode == 0 and "in no room" in left.stdout


def test_the_join_url_names_an_address_attendees_reach() -> None:
    from vibecode.room.host import join_address

    assert join_address("127.0.0.1") == "127.0.0.1"
    assert join_address("0.0.0.0") not in ("0.0.0.0", "")  # this machine's own address
