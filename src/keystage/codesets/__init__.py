"""The year's code reference tables, loaded from data files. Pure Python: never imports Django."""

from keystage.codesets.load import available_years, codeset_for, load, year_for
from keystage.codesets.model import (
    COLLECTIONS,
    AssessmentType,
    Codeset,
    CodesetError,
    ResultSet,
)

__all__ = [
    "COLLECTIONS",
    "AssessmentType",
    "Codeset",
    "CodesetError",
    "ResultSet",
    "available_years",
    "codeset_for",
    "load",
    "year_for",
]
