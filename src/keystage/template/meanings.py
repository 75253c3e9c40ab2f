"""Result codes in words, for the template's Codes sheet (meanings.toml)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

UNKNOWN = "See the STA's assessment and reporting arrangements for this code"


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    text = resources.files("keystage.template").joinpath("meanings.toml").read_text("utf-8")
    return {name: dict(table) for name, table in tomllib.loads(text).items()}


def meaning(result_set: str, code: str) -> str:
    """What `code` means among the results of `result_set` ("elg", "ks1_core", "sex", ...)."""
    tables = _tables()
    return tables.get(result_set, {}).get(code) or tables["default"].get(code) or UNKNOWN
