"""The year's code reference tables: shipped as data files, or supplied by a registered source
(the portal's published tables). Pure Python: never imports Django."""

from keystage.codesets.load import available_years, load, parse_text, shipped_text, year_for
from keystage.codesets.model import (
    COLLECTIONS,
    AssessmentType,
    Codeset,
    CodesetError,
    ResultSet,
)
from keystage.codesets.sources import (
    Source,
    codeset_for,
    newest,
    register_source,
    unregister_source,
)

__all__ = [
    "COLLECTIONS",
    "AssessmentType",
    "Codeset",
    "CodesetError",
    "ResultSet",
    "Source",
    "available_years",
    "codeset_for",
    "load",
    "newest",
    "parse_text",
    "register_source",
    "shipped_text",
    "unregister_source",
    "year_for",
]
