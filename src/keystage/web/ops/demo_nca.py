"""The demo's KS2 results from the NCA Portal, and the tests' way to make them.

The demo has no STA: its NCA Portal download is made from the schools' own KS2 files, as one
combined LA CTF in the shape the NCA Portal gives (each pupil's school in its school history,
tests/data/nca/README.md). The demo imports it, then a later download in which reviews of
marking changed a few scores, so the import page has differences to show. Both are dated just
before the demo's date, like everything else the demo sent (the real results come in July).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile

from keystage.codesets import codeset_for
from keystage.ctf.model import (
    Assessment,
    Header,
    Pupil,
    SchoolHistoryEntry,
    SchoolRef,
    pupil_from_dict,
)
from keystage.ctf.writer import to_bytes
from keystage.web.common import clock
from keystage.web.models import Collection, NcaImport, PupilRecord, Submission, User
from keystage.web.ops.demo_moderation import at
from keystage.web.submissions.nca import import_download
from keystage.web.submissions.processing import check_submission

Change = Callable[[Pupil], Pupil]
RESULTS_DAY = dt.date(2026, 7, 16)  # the header's date: the STA's release of the results


def combined_ctf(window: Collection, change: Change | None = None) -> bytes:
    """Every school's pupils as its own current KS2 file gives them, in one LA CTF."""
    codeset = codeset_for(window.academic_year)
    rows = PupilRecord.objects.filter(
        submission__collection=window, submission__is_current=True
    ).select_related("submission__school")
    pupils = []
    for row in rows.order_by("submission__school__laestab", "id"):
        school = row.submission.school
        here = SchoolHistoryEntry(la=school.la, estab=school.estab, name=school.name,
                                  entry_date="2019-09-04")  # fmt: skip
        pupil = replace(pupil_from_dict(row.data), school_history=(here,))
        pupils.append(change(pupil) if change else pupil)
    la = pupils[0].school_history[0].la if pupils else "000"
    header = Header(
        document_name="Common Transfer File", ctf_version=codeset.ctf_versions[0],
        date_time=f"{RESULTS_DAY.isoformat()}T07:00:00", document_qualifier="partial",
        supplier_id="STA NCA Portal", dest=SchoolRef(la=la, estab="LLLL"),
        source=SchoolRef(la=la, estab="0000", name=f"Local authority {la}",
                         academic_year=str(codeset.start_year)),
    )  # fmt: skip
    return to_bytes(header, pupils)


def import_combined(
    window: Collection, *, user: User | None = None, change: Change | None = None,
    name: str = "KS2_results_LA.xml",
) -> NcaImport:  # fmt: skip
    """Imports the combined CTF and checks each school's version at once (no worker)."""
    upload = SimpleUploadedFile(name, combined_ctf(window, change), "application/xml")
    made = import_download(window, upload, user=user)
    for version in Submission.objects.filter(nca_import=made).order_by("pk"):
        check_submission(version.pk)
    return made


def re_marked(every: int = 17, by: int = 2) -> Change:
    """Reviews of marking: every `every`th reading score goes up `by` marks (to 120 at most)."""
    seen = {"n": 0}

    def change(pupil: Pupil) -> Pupil:
        seen["n"] += 1
        if seen["n"] % every:
            return pupil
        return replace(pupil, assessments=tuple(_up(a, by) for a in pupil.assessments))

    return change


def _up(item: Assessment, by: int) -> Assessment:
    if item.component != "READ" or item.method != "TT" or not (item.result or "").isdigit():
        return item
    return replace(item, result=str(min(120, int(item.result or 0) + by)))


def load(window: Collection) -> None:
    """A download, then a later one after reviews of marking, two days and a day ago."""
    team = User.objects.get(username="data.team")
    today = clock.today()
    first = import_combined(window, user=team)
    later = import_combined(window, user=team, change=re_marked(), name="KS2_results_LA_Sep.xml")
    for made, day in ((first, today - dt.timedelta(days=2)), (later, today - dt.timedelta(days=1))):
        NcaImport.objects.filter(pk=made.pk).update(imported_at=at(day, 9))
        Submission.objects.filter(nca_import=made).update(
            uploaded_at=at(day, 9), checked_at=at(day, 9)
        )
