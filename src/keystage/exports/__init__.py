"""Onward exports of locked, confirmed data: the LA's return to the DfE (one CTF per school and
a CSV of the whole LA) and a pupil-level CSV for benchmarking with other LAs; and the one
writer of every CSV Keystage writes, which keeps each cell from running as a formula
(safe_csv).

    files = [dfe.return_file(school, pupils, "EYFSP", codeset, producer) for ...]
    table = tables.la_return(rows, "EYFSP", codeset)

Pure Python: never imports Django. The portal (keystage.web.exports.files) chooses the schools,
gives the pupils and records every download.
"""

from keystage.exports.dfe import (
    DFE_COLLECTIONS,
    DFE_LA,
    DFE_NAME,
    Producer,
    ReturnFile,
    header_for,
    read_back_errors,
    return_file,
    return_name,
    zip_of,
    zip_stream,
)
from keystage.exports.safe_csv import csv_bytes, csv_text, inert, write_csv
from keystage.exports.tables import (
    FULL,
    MINIMISED,
    PROFILES,
    Column,
    SchoolPupil,
    benchmark,
    benchmark_columns,
    la_return,
    la_return_columns,
)

__all__ = [
    "DFE_COLLECTIONS",
    "DFE_LA",
    "DFE_NAME",
    "FULL",
    "MINIMISED",
    "PROFILES",
    "Column",
    "Producer",
    "ReturnFile",
    "SchoolPupil",
    "benchmark",
    "benchmark_columns",
    "csv_bytes",
    "csv_text",
    "header_for",
    "inert",
    "la_return",
    "la_return_columns",
    "read_back_errors",
    "return_file",
    "return_name",
    "write_csv",
    "zip_of",
    "zip_stream",
]
