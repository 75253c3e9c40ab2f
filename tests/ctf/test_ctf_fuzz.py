"""Fuzzing: a valid CTF with bytes flipped, inserted, deleted or cut off either reads or is
refused with a CTFError; nothing else ever escapes the reader.
"""

from __future__ import annotations

import io

from ctf_samples import full
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keystage.ctf import CTFError, Pupil, read_ctf

VALID = full()
# Bytes that matter to XML are worth more than random ones.
INTERESTING = st.sampled_from(list(b"<>/&;!?='\"-[]\x00\xff\xfe\xef\xbb\xbf \n"))
any_byte = st.integers(0, 255) | INTERESTING

flip = st.tuples(st.just("flip"), st.integers(0, len(VALID) - 1), any_byte)
insert = st.tuples(st.just("insert"), st.integers(0, len(VALID)), any_byte)
delete = st.tuples(st.just("delete"), st.integers(0, len(VALID) - 1), st.integers(1, 40))
cut = st.tuples(st.just("cut"), st.integers(0, len(VALID)), st.just(0))


def mutate(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for kind, at, value in edits:
        at = min(at, len(buffer))
        if kind == "flip" and at < len(buffer):
            buffer[at] = value
        elif kind == "insert":
            buffer.insert(at, value)
        elif kind == "delete":
            del buffer[at : at + value]
        elif kind == "cut":
            del buffer[at:]
    return bytes(buffer)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(flip | insert | delete | cut, min_size=1, max_size=6))
def test_mutated_files_read_or_are_refused(edits: list[tuple[str, int, int]]) -> None:
    data = mutate(VALID, edits)
    pupils: list[Pupil] = []
    try:
        with read_ctf(io.BytesIO(data)) as reader:
            _ = reader.header
            pupils.extend(reader)
    except CTFError as refused:
        assert refused.code in {"FILE-NOT-XML", "FILE-HOSTILE", "FILE-NOT-CTF"}
        assert refused.message and "Traceback" not in refused.message
    else:
        assert all(isinstance(p, Pupil) for p in pupils)
