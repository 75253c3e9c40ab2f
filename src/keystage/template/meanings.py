"""Codes in words, for the template's Codes sheet: a result's from the year's code table, the
sex codes' from meanings.toml (sex is a group of codes in the table, not a result set)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from keystage.codesets import AssessmentType, Codeset

UNKNOWN = "See the STA's assessment and reporting arrangements for this code"


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    text = resources.files("keystage.template").joinpath("meanings.toml").read_text("utf-8")
    return {name: dict(table) for name, table in tomllib.loads(text).items()}


def sex_meaning(code: str) -> str:
    return _tables()["sex"].get(code) or UNKNOWN


def result_meaning(codeset: Codeset, kind: AssessmentType, code: str) -> str:
    """What `code` means as a result of `kind` (every code of a loaded table has a meaning)."""
    return dict(codeset.meanings_of(kind)).get(code) or UNKNOWN
