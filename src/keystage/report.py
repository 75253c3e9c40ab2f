"""Plain-text validation reports, written for a school office: per file, by pupil, errors first."""

from __future__ import annotations

from collections.abc import Iterable

from keystage.checks import Finding
from keystage.validate import FileResult

COLLECTION_NAMES = {
    "EYFSP": "Early Years Foundation Stage Profile",
    "PHON": "Phonics screening check",
    "KS1": "Key Stage 1 teacher assessment",
    "KS2": "Key Stage 2",
}


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


def heading(result: FileResult) -> str:
    source = result.header.source
    school = f"{source.name or 'School not named'} ({source.la or '?'}/{source.estab or '?'})"
    collection = COLLECTION_NAMES.get(result.collection or "", "collection not recognised")
    verdict = (
        "no problems found"
        if not result.findings
        else f"{_plural(result.errors, 'error')}, {_plural(result.queries, 'query', 'queries')}"
    )
    return f"{result.path}\n  {school}, {collection}, {_plural(result.pupils, 'pupil')}: {verdict}"


def _pupil_label(item: Finding) -> str:
    if item.upn is None and item.pupil is None:
        return "The file"
    return f"{item.pupil or '(no name)'} (UPN {item.upn or 'missing'})"


def _ordered(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings grouped by pupil: the file first, then pupils with errors, then the rest."""
    groups: dict[tuple[str | None, str | None, int | None], list[Finding]] = {}
    for item in findings:
        groups.setdefault((item.upn, item.pupil, item.line), []).append(item)
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            g[0].upn is not None or g[0].pupil is not None,
            all(f.severity != "error" for f in g),
        ),
    )
    return [sorted(g, key=lambda f: f.severity != "error") for g in ordered]


def render(result: FileResult) -> str:
    lines = [heading(result)]
    for group in _ordered(result.findings):
        lines.append("")
        lines.append(f"  {_pupil_label(group[0])}")
        for item in group:
            where = f" ({item.location})" if item.location else ""  # a spreadsheet's cell
            lines.append(f"    {item.severity.upper():5} {item.code}{where}: {item.message}")
    return "\n".join(lines)


def render_all(results: Iterable[FileResult]) -> str:
    results = list(results)
    body = "\n\n".join(render(r) for r in results)
    errors = sum(r.errors for r in results)
    queries = sum(r.queries for r in results)
    with_errors = sum(1 for r in results if r.errors)
    summary = (
        f"{_plural(len(results), 'file')} checked: {with_errors} with errors; "
        f"{_plural(errors, 'error')} and {_plural(queries, 'query', 'queries')} in all."
    )
    return f"{body}\n\n{summary}"
