"""The line history: every checkpoint comes back byte for byte, each line is stored once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibecode.course.source.weave import dumps, encode_versions, loads, scan_spans, split_lines
from vibecode.errors import StepError


def roundtrip(versions: list[dict[str, bytes]]) -> bytes:
    text = dumps(encode_versions(versions))
    assert loads(text).checkpoints() == versions
    assert dumps(encode_versions(loads(text).checkpoints())) == text, "not canonical"
    return text


def test_each_line_is_written_once_with_the_steps_that_hold_it() -> None:
    text = roundtrip(
        [
            {},
            {"app.py": b"a\nb\n"},
            {"app.py": b"a\nB\nc\n"},
            {"app.py": b"a\nB\nc\n", "new.py": b"x\n"},
        ]
    )
    body = text.decode()
    assert "1..\ta\n" in body
    assert "1..1\tb\n" in body  # replaced at step 2
    assert "2..\tB\n" in body
    assert "=== 3.. text new.py" in body
    assert body.count("\ta\n") == 1


def test_bytes_survive_exactly() -> None:
    """No newline at the end, CRLF, a lone CR, empty files, non-UTF-8 and NUL (binary)."""
    roundtrip(
        [
            {},
            {"a.txt": b"no newline", "crlf.txt": b"x\r\ny\r\n", "empty.py": b"", "cr": b"a\rb\n"},
            {"a.txt": b"no newline\n", "bin.png": b"\x89PNG\0\x01", "latin": b"caf\xe9\n"},
            {"a.txt": b"no newline\nmore", "bin.png": b"\x89PNG\0\x02"},
        ]
    )


def test_a_file_deleted_and_created_again_has_two_spans() -> None:
    text = roundtrip([{}, {"f": b"one\n"}, {}, {"f": b"two\n"}])
    steps, spans = scan_spans(text)
    assert steps == 3
    assert spans == {"f": [(1, 1), (3, None)]}


def test_split_lines_keeps_every_byte() -> None:
    for data in (b"", b"a", b"a\n", b"a\n\nb", b"\n\n"):
        assert b"".join(split_lines(data)) == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "empty"),
        (b"course-source 2 steps=1\n", "format 2"),
        (b"course-source 1 steps=1\n1..\tx\n", "before the first"),
        (b"course-source 1 steps=1\n=== 1.. text a\nnot a tag\n", "FIRST..LAST"),
        (b"course-source 1 steps=1\n=== 1.. text a\n2..\tx\n", "outside steps"),
        (b"course-source 1 steps=2\n=== 2.. text a\n1..\tx\n", "does not exist"),
        (b"course-source 1 steps=1\n=== 1.. text a\n=== 1.. text a\n", "twice"),
    ],
)
def test_a_damaged_history_names_the_line(text: bytes, message: str) -> None:
    with pytest.raises(StepError, match=message):
        loads(text)


lines = st.lists(st.sampled_from([b"a\n", b"b\n", b"c\n", b"\n", b"d"]), max_size=6)
files = st.dictionaries(st.sampled_from(["x.py", "y/z.py", "w.bin"]), lines.map(b"".join))


@settings(max_examples=200, deadline=None)
@given(st.lists(files, min_size=1, max_size=6))
def test_any_sequence_of_checkpoints_comes_back(steps: list[dict[str, bytes]]) -> None:
    roundtrip([{}, *steps])
