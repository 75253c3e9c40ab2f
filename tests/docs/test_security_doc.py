"""docs/security.md names the test that proves each promise: every test it names exists, so
the page cannot point at a test that was renamed or removed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "security.md"
NAMED = re.compile(r"`((?:tests/[\w/]+\.py|[\w]+\.py)?)(?:::(\w+))?`")


def named_tests() -> list[tuple[str, str | None]]:
    """(file, test) for each `tests/...py::test` and `::test` (the last file named before it on
    the same line); `file.py::test` is found under tests/ by its name."""
    found: list[tuple[str, str | None]] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        last = ""
        for file, test in NAMED.findall(line):
            if not file and not test:
                continue
            last = file or last
            found.append((last, test or None))
    return found


def where(file: str) -> Path:
    if file.startswith("tests/"):
        return ROOT / file
    matches = list((ROOT / "tests").rglob(file))
    assert len(matches) == 1, f"{file}: name its folder in docs/security.md"
    return matches[0]


def test_every_test_the_security_page_names_exists() -> None:
    named = named_tests()
    assert len(named) > 40
    for file, test in named:
        assert file, f"::{test} has no file before it on its line"
        path = where(file)
        assert path.exists(), f"docs/security.md names {file}, which does not exist"
        if test:
            assert re.search(rf"^def {test}\(", path.read_text(), re.M), f"{file}::{test}"
