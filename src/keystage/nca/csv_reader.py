"""Reading the NCA Portal's CSV ("all results with TA") into Pupils, by school.

Every row is read before anything is returned: a file with any row that cannot be read is
refused whole (DownloadError lists the rows), so an import is never half made. Values are
kept as the file gives them (the checks judge them, as for a school's CTF); only the shape is
judged here: the columns, the LAESTAB, a UPN once, a whole-number score.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping

from keystage.codesets.model import Codeset
from keystage.ctf.model import Assessment, Pupil
from keystage.nca.columns import CSV_COLUMNS, MET_OR_NOT, Column
from keystage.nca.model import Download, DownloadError, RowError

_LAESTAB = re.compile(r"\d{7}")
_SCORE = re.compile(r"\d{1,3}")
# Rows with errors listed before the reader stops: enough to see a pattern, not a flood.
MAX_ERRORS = 50


def read_nca_csv(data: bytes, codeset: Codeset) -> Download:
    """The download's pupils by LAESTAB; raises DownloadError for a file that cannot be used."""
    year = codeset.assessment_year
    text = _text(data)
    rows = csv.reader(io.StringIO(text, newline=""))
    headings = next(rows, None)
    if not headings or not any(h.strip() for h in headings):
        raise DownloadError([RowError(None, "The file is empty: it has no heading row.")])
    where = _columns(headings)
    download = Download(kind="CSV")
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for values in rows:
        line = rows.line_num
        if not any(v.strip() for v in values):
            continue  # a blank line, often the last
        if len(values) != len(headings):
            errors.append(
                RowError(
                    line,
                    f"has {len(values)} values where the heading row has "
                    f"{len(headings)}: check the file was not cut or edited",
                )
            )
        else:
            _row(values, where, line, codeset, year, download, errors, seen)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise DownloadError(errors)
    if not download.schools:
        raise DownloadError([RowError(None, "The file has a heading row but no pupils.")])
    return download


def _text(data: bytes) -> str:
    head = data[:8].lstrip()
    if head.startswith(b"<"):
        raise DownloadError([RowError(None, "This is an XML file, not a CSV: import it as a CTF.")])
    if head.startswith(b"PK"):
        raise DownloadError(
            [
                RowError(
                    None,
                    "This is a spreadsheet or a zip file, not a CSV. "
                    "Download the CSV from the NCA Portal.",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise DownloadError(
            [
                RowError(
                    None,
                    f"The file is not UTF-8 text (byte {problem.start}). "
                    "Download the CSV from the NCA Portal again.",
                )
            ]
        ) from None


def _columns(headings: list[str]) -> dict[str, int]:
    """Each known column's position; the file is refused when a required one is missing."""
    found = {h.strip().upper(): i for i, h in enumerate(headings)}
    missing = [c.name for c in CSV_COLUMNS if c.required and c.name not in found]
    if missing:
        raise DownloadError(
            [
                RowError(
                    1,
                    "the heading row lacks the column"
                    f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
                    "Is this the “all results with TA” CSV?",
                )
            ]
        )
    return {c.name: found[c.name] for c in CSV_COLUMNS if c.name in found}


def _row(
    values: list[str],
    where: Mapping[str, int],
    line: int,
    codeset: Codeset,
    year: str | None,
    download: Download,
    errors: list[RowError],
    seen: dict[str, int],
) -> None:
    cell = {name: values[i].strip() for name, i in where.items()}
    laestab, upn = cell["LAESTAB"], cell["UPN"]
    said = f"{cell['SURNAME'].upper()}, {cell['FORENAME']} ({upn or 'no UPN'})"
    problems: list[str] = []
    if not _LAESTAB.fullmatch(laestab):
        problems.append(f"the LAESTAB “{laestab}” is not 7 digits")
    if not upn:
        problems.append("there is no UPN")
    elif upn in seen:
        problems.append(f"the UPN is also on line {seen[upn]}")
    assessments = _results(cell, codeset, year, problems)
    if problems:
        errors.append(RowError(line, f"{said}: {'; '.join(problems)}"))
        return
    seen[upn] = line
    pupil = Pupil(
        upn=upn,
        surname=cell["SURNAME"] or None,
        forename=cell["FORENAME"] or None,
        dob=_date(cell["DOB"]),
        sex=cell["GENDER"] or None,
        nc_year="6",
        assessments=tuple(assessments),
        line=line,
    )
    download.add(laestab, pupil)


def _results(
    cell: Mapping[str, str], codeset: Codeset, year: str | None, problems: list[str]
) -> list[Assessment]:
    """One assessment a role: the score when there is one, else the outcome or TA code."""
    by_role: dict[str, dict[str, Column]] = {}
    for c in CSV_COLUMNS:
        if c.kind in ("score", "outcome", "ta") and c.name in cell:
            by_role.setdefault(c.fills, {})[c.kind] = c
    found: list[Assessment] = []
    for role, columns in by_role.items():
        result = _result(cell, columns, problems)
        if result:
            found.append(_assessment(codeset, role, result, year))
    return found


def _result(cell: Mapping[str, str], columns: Mapping[str, Column], problems: list[str]) -> str:
    score = cell[columns["score"].name] if "score" in columns else ""
    code = next((cell[c.name] for k, c in columns.items() if k != "score"), "").upper()
    if score:
        if not _SCORE.fullmatch(score):
            problems.append(f"{columns['score'].name} “{score}” is not a whole-number score")
        return score
    if code in MET_OR_NOT:
        name = columns["outcome"].name if "outcome" in columns else "the outcome"
        problems.append(f"{name} is {code} but there is no score")
    return code


def _assessment(codeset: Codeset, role: str, result: str, year: str | None) -> Assessment:
    key = codeset.role(role).key
    return Assessment(
        stage=key.stage,
        subject=key.subject,
        method=key.method,
        component=key.component,
        qualifier=key.qualifier,
        result=result,
        locale="ENG",
        year=year,
        result_status="R",
    )


def _date(text: str) -> str | None:
    """ISO, as a CTF gives it; a date the file writes DD/MM/YYYY is turned round. Anything
    else is kept as written, for the checks to name."""
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
    except ValueError:
        return text
