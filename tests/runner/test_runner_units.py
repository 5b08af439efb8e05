"""Small pure pieces of the runner: output cleaning, frames, limits, seccomp program."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.runner import Limits
from quizapp.runner.clean import clean_output, clean_text
from quizapp.runner.limits import format_bytes
from quizapp.runner.protocol import FrameReader, ProtocolError, encode
from quizapp.runner.sandbox import Capabilities, _seccomp_program, describe


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[2J\x1b[Hhome", "home"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;title\x07text", "text"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("crlf\r\nline", "crlf\nline"),
        ("over\rwrite", "overwrite"),
        ("bell\a back\bspace", "bell backspace"),
        ("\u202eevil\u202c", "evil"),
        ("\x9b31mC1", "31mC1"),
        ("plain ✓ ünïcode", "plain ✓ ünïcode"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@given(st.text())
def test_cleaned_text_has_no_control_characters(text):
    cleaned = clean_text(text)
    assert "\x1b" not in cleaned
    assert all(ch in "\n\t" or ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F for ch in cleaned)


def test_clean_output_replaces_invalid_utf8():
    assert clean_output(b"ok \xff") == "ok \ufffd"


def test_frames_survive_any_chunking():
    data = encode({"op": "run", "id": 1, "code": "é" * 100}) + encode({"op": "shutdown"})
    for size in (1, 3, 7, len(data)):
        reader = FrameReader()
        messages = []
        for start in range(0, len(data), size):
            messages.extend(reader.feed(data[start : start + size]))
        assert [m["op"] for m in messages] == ["run", "shutdown"]


def test_bad_frames_are_protocol_errors():
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"\x00\x00\x00\x02[]")
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"\xff\xff\xff\xff")


def test_limits_validate_and_round_trip():
    limits = Limits(timeout_s=2, memory_bytes=2**20)
    assert Limits.from_dict(limits.to_dict() | {"unknown": 1}) == limits
    assert limits.effective_cpu_s == 3
    assert Limits(cpu_s=1).effective_cpu_s == 1
    for bad in ({"timeout_s": 0}, {"cpu_s": -1}, {"memory_bytes": 0}):
        with pytest.raises(ValueError):
            Limits(**bad)
    assert format_bytes(2**30) == "1 GiB"
    assert format_bytes(64 * 1024) == "64 KiB"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(10) == "10 bytes"


def test_seccomp_program_jumps_are_in_range():
    for processes in (False, True):
        for network in (False, True):
            program = _seccomp_program(processes=processes, network=network)
            for index, (code, jt, jf, _) in enumerate(program):
                if code & 0x07 == 0x05:  # a jump: both targets inside the program
                    assert index + 1 + jt < len(program)
                    assert index + 1 + jf < len(program)
            assert program[-1][0] == 0x06  # ends with a return


def test_describe_says_what_is_off_and_why():
    caps = Capabilities(
        pid_namespace=False,
        user_namespace=False,
        net_namespace=False,
        landlock_abi=0,
        seccomp=False,
        why_not={"pid_namespace": "Operation not permitted", "landlock": "not in this kernel"},
    )
    info = {p.protection: p for p in describe(caps)}
    assert not info["process isolation"].active
    assert "Operation not permitted" in info["process isolation"].detail
    assert not info["no network"].active
    assert not info["write only to scratch"].active
    assert "not in this kernel" in info["write only to scratch"].detail
    assert info["time limit"].active
