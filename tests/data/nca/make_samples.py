"""Writes the NCA Portal samples beside this file (run once; the files are committed).

.venv/bin/python tests/data/nca/make_samples.py
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from keystage.codesets import codeset_for
from keystage.ctf.model import Assessment, Header, Pupil, SchoolHistoryEntry, SchoolRef
from keystage.ctf.upn import make
from keystage.ctf.writer import to_bytes
from keystage.nca.columns import CSV_COLUMNS

HERE = Path(__file__).parent
CODES = codeset_for("2025-26")
SCHOOLS = {"3309999": "Meadow Lane Primary", "3309998": "Brook Street Primary"}
# (surname, forename, dob, sex, reading, gps, maths, writing TA, science TA)
PUPILS = {
    "3309999": [
        ("ASHWORTH", "Amelia", "2014-10-03", "F", "104", "108", "99", "EXS", "EXS"),
        ("BRIGHT", "Callum", "2015-02-17", "M", "98", "95", "101", "WTS", "EXS"),
        ("CHOWDHURY", "Ruma", "2014-12-09", "F", "A", "112", "115", "GDS", "EXS"),
    ],
    "3309998": [
        ("DUNN", "Oliver", "2015-05-30", "M", "110", "106", "108", "EXS", "EXS"),
        ("EVANS", "Seren", "2014-09-12", "F", "B", "B", "B", "PK4", "HNM"),
    ],
}
ROLES = ("ks2_reading_test", "ks2_gps_test", "ks2_maths_test", "ks2_writing_ta", "ks2_science_ta")


def result(role: str, value: str) -> Assessment:
    key = CODES.role(role).key
    return Assessment(stage=key.stage, subject=key.subject, method=key.method,
                      component=key.component, qualifier=key.qualifier, result=value,
                      locale="ENG", year=CODES.assessment_year, result_status="R")  # fmt: skip


def pupils(laestab: str) -> list[Pupil]:
    found = []
    for n, (surname, forename, dob, sex, *results) in enumerate(PUPILS[laestab], start=1):
        history = SchoolHistoryEntry(la=laestab[:3], estab=laestab[3:], name=SCHOOLS[laestab],
                                     entry_date="2019-09-04")  # fmt: skip
        found.append(Pupil(
            upn=make(laestab[:3], laestab[3:], 2019, n), surname=surname, forename=forename,
            dob=dob, sex=sex, nc_year="6", school_history=(history,),
            assessments=tuple(result(r, v) for r, v in zip(ROLES, results, strict=True)),
        ))  # fmt: skip
    return found


def header(source: SchoolRef) -> Header:
    return Header(document_name="Common Transfer File", ctf_version=CODES.ctf_versions[0],
                  date_time="2026-07-16T07:00:00", document_qualifier="partial",
                  supplier_id="STA NCA Portal (sample)", source=source,
                  dest=SchoolRef(la="330", estab="LLLL"))  # fmt: skip


def csv_text(later: bool) -> str:
    """All results with TA; `later` is a download after a review: one score re-marked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(c.name for c in CSV_COLUMNS)
    for laestab in SCHOOLS:
        for pupil in pupils(laestab):
            writer.writerow(row(laestab, pupil, later))
    return out.getvalue()


def row(laestab: str, pupil: Pupil, later: bool) -> list[str]:
    by_role = {CODES.lookup(a).role: a.result or "" for a in pupil.assessments}  # type: ignore[union-attr]
    if later and pupil.surname == "BRIGHT":
        by_role["ks2_reading_test"] = "100"  # a review of marking: 98 became 100
    dob = pupil.dob or ""
    cells = {"LAESTAB": laestab, "UPN": pupil.upn, "SURNAME": pupil.surname,
             "FORENAME": pupil.forename, "DOB": f"{dob[8:10]}/{dob[5:7]}/{dob[:4]}",
             "GENDER": pupil.sex}  # fmt: skip
    for c in CSV_COLUMNS:
        if c.kind == "score":
            value = by_role.get(c.fills, "")
            cells[c.name] = value if value.isdigit() else ""
        elif c.kind == "outcome":
            value = by_role.get(c.fills, "")
            cells[c.name] = ("AS" if int(value) >= 100 else "NS") if value.isdigit() else value
        elif c.kind == "ta":
            cells[c.name] = by_role.get(c.fills, "")
    return [str(cells.get(c.name) or "") for c in CSV_COLUMNS]


def main() -> None:
    combined = header(SchoolRef(la="330", estab="0000", name="Local authority 330 (all schools)",
                                academic_year="2025"))  # fmt: skip
    everyone = [p for laestab in SCHOOLS for p in pupils(laestab)]
    (HERE / "ks2_la_combined.xml").write_bytes(to_bytes(combined, everyone))
    one = header(SchoolRef(la="330", estab="9999", name=SCHOOLS["3309999"], academic_year="2025"))
    only = [replace(p, school_history=()) for p in pupils("3309999")]
    (HERE / "ks2_school_3309999.xml").write_bytes(to_bytes(one, only))
    (HERE / "ks2_results_with_ta.csv").write_text(csv_text(later=False), newline="")
    (HERE / "ks2_results_with_ta_later.csv").write_text(csv_text(later=True), newline="")


if __name__ == "__main__":
    main()
