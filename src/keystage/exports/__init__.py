"""Onward exports of locked, confirmed data: the LA's EYFSP and phonics returns to the DfE's
COLLECT (one XML file a school or setting, `collect`, its settings in `collect_spec`, the
DfE's checks run first in `collect_checks`, read back by `collect_reader`) with a CSV of the
whole LA, and a pupil-level CSV for benchmarking with other LAs; and the one writer of every
CSV Keystage writes, which keeps each cell from running as a formula (safe_csv); who made an
export and the ZIP it streams in (`packaging`).

    spec = collect_spec.spec_for("EYFSP")
    children = collect.children_of(pupils, spec, codeset)
    findings = collect_checks.run(Draft(spec, codeset, header, la, [(establishment, children)]))
    made = collect.return_file(header, establishment, children, spec, number)
    table = tables.la_return(rows, "EYFSP", codeset)

Pure Python: never imports Django. The portal (keystage.web.exports.files) chooses the schools,
gives the pupils and records every download.
"""

from keystage.exports.collect_spec import DFE_COLLECTIONS
from keystage.exports.packaging import Producer, zip_of, zip_stream
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
    "FULL",
    "MINIMISED",
    "PROFILES",
    "Column",
    "Producer",
    "SchoolPupil",
    "benchmark",
    "benchmark_columns",
    "csv_bytes",
    "csv_text",
    "inert",
    "la_return",
    "la_return_columns",
    "write_csv",
    "zip_of",
    "zip_stream",
]
