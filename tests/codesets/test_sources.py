"""The table in force: a registered source's, else the shipped one, else none (never another
year's); parsed once per version, and a new version is seen on the next call."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from codetable_support import table_text as as_year

from keystage import codesets
from keystage.codesets import CodesetError


class Published:
    """A stand-in for the portal's database: the table in force per year, and its version."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[str, str]] = {}
        self.reads = 0

    def publish(self, year: str, version: str, text: str) -> None:
        self.tables[year] = (version, text)

    def __call__(self, year: str) -> tuple[str, Callable[[], str]] | None:
        if year not in self.tables:
            return None
        version, text = self.tables[year]
        return version, lambda: self._read(text)

    def _read(self, text: str) -> str:
        self.reads += 1
        return text


@pytest.fixture
def published() -> Iterator[Published]:
    source = Published()
    codesets.register_source(source)
    yield source
    codesets.unregister_source(source)


def test_a_shipped_year_without_a_published_table_is_the_shipped_one(published):
    assert codesets.codeset_for("2025-26") is codesets.load("2025-26")
    assert codesets.codeset_for("2026-27") is codesets.load("2026-27")


def test_a_year_with_no_table_is_refused_not_given_another_years():
    with pytest.raises(CodesetError, match="Load and publish the 2030-31 code tables first"):
        codesets.codeset_for("2030-31")


def test_a_published_table_is_used_from_the_next_call(published):
    with pytest.raises(CodesetError):
        codesets.codeset_for("2030-31")
    published.publish("2030-31", "1:aaa", as_year("2030-31"))
    assert codesets.codeset_for("2030-31").academic_year == "2030-31"


def test_a_published_table_replaces_the_shipped_one_for_its_year(published):
    published.publish("2025-26", "7:bbb", as_year("2025-26", threshold=30))
    assert codesets.codeset_for("2025-26").phonics_threshold == 30
    assert codesets.load("2025-26").phonics_threshold == 32  # the shipped file is unchanged


def test_each_version_is_parsed_once_and_a_new_version_is_seen_at_once(published):
    """Two processes in effect: another one publishes (the version changes); this one's next
    call sees it, though it had parsed the earlier version."""
    published.publish("2031-32", "1:aaa", as_year("2031-32", threshold=32))
    first = codesets.codeset_for("2031-32")
    assert codesets.codeset_for("2031-32") is first and published.reads == 1
    published.publish("2031-32", "2:ccc", as_year("2031-32", threshold=31))
    assert codesets.codeset_for("2031-32").phonics_threshold == 31 and published.reads == 2


def test_a_published_text_for_another_year_is_refused(published):
    published.publish("2032-33", "1:ddd", as_year("2033-34"))
    with pytest.raises(CodesetError, match="are for 2033-34"):
        codesets.codeset_for("2032-33")


def test_no_year_at_all_is_the_newest_shipped_table():
    assert codesets.codeset_for("") is codesets.newest() is codesets.load("2026-27")


def test_a_source_registered_twice_is_asked_once(published):
    codesets.register_source(published)
    published.publish("2034-35", "1:eee", as_year("2034-35"))
    codesets.codeset_for("2034-35")
    codesets.unregister_source(published)
    with pytest.raises(CodesetError):
        codesets.codeset_for("2034-35")
    codesets.register_source(published)  # the fixture unregisters it
