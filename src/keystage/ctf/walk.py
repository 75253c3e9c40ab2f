"""One pass over lxml's events: the header once, then each pupil, the tree freed as it goes.

Depth is counted by hand: 1 is <CTfile>, 2 its children (Header, CTFpupilData), 3 the
pupils. Finished elements at depth 2 and 3 are cleared and unlinked, so the tree never holds
more than one pupil. The loop runs for every element of the file: only the rare elements (the
root, the sections, one a pupil) leave it for a method.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from keystage.ctf.errors import CTFError
from keystage.ctf.hardening import CappedStream, refuse_declared_doctype
from keystage.ctf.limits import MAX_HELD_ELEMENTS, MAX_RECORDS
from keystage.ctf.model import Header, Pupil
from keystage.ctf.records import Builder
from keystage.ctf.refusals import not_ctf_root, too_deep, too_many, too_many_records


class Walk:
    """The state of one pass: what has been read so far, and what is still to come."""

    def __init__(self, stream: CappedStream, max_depth: int) -> None:
        self._stream = stream
        self._max_depth = max_depth
        self._build = Builder()
        self._header = Header()
        self._header_sent = False
        self._in_data = False  # inside <CTFpupilData>
        self._records = 0
        self.seen_root = False

    def items(self, events: Iterable[tuple[str, Any]]) -> Iterator[Header | Pupil]:
        """The header (once, before the first pupil), then each pupil."""
        max_depth = self._max_depth
        depth = held = 0
        for event, element in events:
            if event == "start":
                depth += 1
                held += 1
                if depth > max_depth or held > MAX_HELD_ELEMENTS:
                    raise _over_limit(depth, max_depth, element.sourceline)
                if depth <= 2 and self._started(element, depth):
                    yield self._header  # the pupils begin: the header is complete
                continue
            depth -= 1  # now the depth of the finished element's parent
            if depth > 2:
                continue
            if depth == 2 and self._in_data and element.tag == "Pupil":
                yield self._build.pupil(element)
            elif not self._ended(element, depth):
                continue
            self._release(element)
            held = 0
        if not self._header_sent:
            yield self._header

    def _started(self, element: Any, depth: int) -> bool:
        """Notes the root or a section starting; True when the header is to be sent now."""
        if depth == 1:
            self._check_root(element)
            return False
        if element.tag != "CTFpupilData":
            return False
        self._in_data = True
        if self._header_sent:
            return False
        self._header_sent = True
        return True

    def _ended(self, element: Any, depth: int) -> bool:
        """Notes an element (not a pupil) ending below `depth`, its parent's; False when it is
        to be kept."""
        if depth == 0:
            return False  # the root ended; read on so the parser objects to anything after it
        if depth == 2:
            return bool(element.getparent().tag != "Header")  # the header is read as a whole
        tag = element.tag
        if tag == "Header" and not self._header_sent:
            self._header = self._build.header(element)
        elif tag == "CTFpupilData":
            self._in_data = False
        return True

    def _check_root(self, element: Any) -> None:
        self.seen_root = True
        if element.tag != "CTfile":
            raise not_ctf_root(element.tag, element.sourceline)
        refuse_declared_doctype(element)

    def _release(self, element: Any) -> None:
        """Frees a finished element and the siblings before it (the iterparse memory idiom)."""
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
        self._stream.released_at = self._stream.passed
        self._records += 1
        if self._records > MAX_RECORDS:
            raise too_many_records()


def _over_limit(depth: int, max_depth: int, line: int | None) -> CTFError:
    if depth > max_depth:
        return too_deep(max_depth, line)
    return too_many(line)
