"""What every onward export shares: who made it and when (`Producer`), and the ZIP it goes in,
streamed as its members are made.

The return to the DfE itself is `keystage.exports.collect` (the COLLECT XML files, one a school
or setting) with its settings in `collect_spec` (which collections go: `DFE_COLLECTIONS`) and
its checks in `collect_checks`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Buffer, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Producer:
    """Who makes the files and when, and the file number (NNN) this export takes."""

    la_name: str
    made_at: dt.datetime
    number: int = 1


def zip_of(members: Iterable[tuple[str, bytes]], made_at: dt.datetime) -> bytes:
    """A ZIP of the named files, each dated when the export was made."""
    return b"".join(zip_stream(members, made_at))


def zip_stream(members: Iterable[tuple[str, bytes]], made_at: dt.datetime) -> Iterator[bytes]:
    """The same ZIP, given out as it is made: each member's bytes as soon as it is added, so
    300 schools' files never sit in memory together (and `members` may make them lazily)."""
    stamp = made_at.timetuple()[:6]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
            yield sink.take()
    yield sink.take()  # the central directory, written on closing


class _Sink(io.RawIOBase):
    """A write-only stream zipfile writes to (it cannot seek, so zipfile streams)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        return len(chunk)

    def take(self) -> bytes:
        taken, self._parts = b"".join(self._parts), []
        return taken
