"""The player: magic typing, finishing hunks, files and the step, unattended typing."""

from __future__ import annotations

from vibecode.dashboard.sample import SAMPLE_MAIN_AFTER, SAMPLE_USERS, sample_plan
from vibecode.live.player import REMOVE_COST, Finished, Player


def test_each_key_types_a_few_characters_and_indentation_comes_at_once() -> None:
    player = Player(sample_plan(4))
    assert player.file is not None and player.file.path == "app/api/users.py"
    player.press()
    assert player.typed == 3
    # Type to the first indented line: its indentation appears with the newline before it.
    while player.hunk_index == 0 and "\n    " not in SAMPLE_USERS[: player.typed][-6:]:
        if player.press():
            break
    text = player.file.typed_text(player.hunk)[: player.typed] if player.hunk else ""
    assert not text.endswith("\n")  # never stops between a newline and its indentation


def test_a_hunk_is_finished_when_its_last_character_is_typed() -> None:
    player = Player(sample_plan(4))
    written: list[Finished] = []
    while not written:
        written = player.press()
    [finished] = written
    assert finished.path == "app/api/users.py" and finished.hunk == 1
    assert finished.data is not None and SAMPLE_USERS.startswith(finished.data.decode())


def test_removed_lines_show_then_go_on_the_next_key() -> None:
    player = Player(sample_plan(4), done={"app/api/users.py": 2})
    assert player.phase == "removing"
    assert [line.text for line in player.lines() if line.kind == "removed"] == [
        'app = FastAPI(title="Vibecoding")'
    ]
    player.press()
    # mypy keeps the property narrowed to "removing" across press(), which changes it.
    assert player.phase == "typing"  # type: ignore[comparison-overlap]
    assert not [line for line in player.lines() if line.kind == "removed"]


def test_enter_tab_and_the_step_key_finish_what_is_left() -> None:
    player = Player(sample_plan(4))
    [hunk] = player.finish_hunk()
    assert hunk.hunk == 1 and not hunk.last_of_file
    [rest] = player.finish_file()
    assert rest.last_of_file and rest.data == SAMPLE_USERS.encode()
    [main] = player.finish_step()
    assert main.data == SAMPLE_MAIN_AFTER.encode() and player.at_end


def test_unattended_typing_spends_characters_and_pauses_on_removals() -> None:
    player = Player(sample_plan(4))
    total = player.plan.chars
    finished = player.advance(total + REMOVE_COST + 10)
    assert player.at_end
    assert [f.path for f in finished if f.last_of_file] == ["app/api/users.py", "app/main.py"]
    slow = Player(sample_plan(4))
    slow.advance(10)
    assert slow.typed == 10 and not slow.at_end


def test_resuming_starts_after_what_is_on_disk() -> None:
    player = Player(sample_plan(4), done={"app/api/users.py": 2, "app/main.py": 0})
    assert player.file is not None and player.file.path == "app/main.py"
    assert player.chars_done == player.plan.files[0].chars
    done = Player(sample_plan(4), done={"app/api/users.py": 2, "app/main.py": 1})
    assert done.at_end


def test_a_deleted_file_shows_its_lines_going_then_goes() -> None:
    from vibecode.live.plan import plan_from_texts

    plan = plan_from_texts(2, "Cleanup", [("app/old.py", "OLD = 1\nGONE = 2\n", None)])
    player = Player(plan)
    assert player.phase == "removing"
    assert [(line.text, line.kind) for line in player.lines()] == [
        ("OLD = 1", "removed"),
        ("GONE = 2", "removed"),
    ]
    assert "deleted" in player.where()
    [finished] = player.press()
    assert finished.path == "app/old.py" and finished.data is None and finished.last_of_file
    assert player.at_end
