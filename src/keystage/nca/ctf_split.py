"""Reading the NCA Portal's CTF, combined for the LA or for one school, into Pupils by school.

A combined file's header names the sender, not each pupil's school, so each pupil's school is
the one its <SchoolHistory> gives as current (the entry with no leaving date, latest entry
first): that is how a CTF says which school a pupil is at. A pupil with no such entry belongs
to the school the header names (a per-school file). Every pupil is read before anything is
returned: a file that cannot be read whole is refused whole.
"""

from __future__ import annotations

import io

from keystage.ctf.errors import CTFError
from keystage.ctf.limits import DEFAULT_MAX_BYTES
from keystage.ctf.model import Pupil, SchoolRef
from keystage.ctf.reader import read_ctf
from keystage.nca.model import Download, DownloadError, RowError


def read_nca_ctf(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Download:
    """The download's pupils by LAESTAB; raises DownloadError for a file that cannot be used.

    What is not XML (the NCA Portal's CSV chosen by mistake, say) is refused by the CTF reader's
    own sniffing, which knows a byte-order mark and UTF-16 from a file that is not XML."""
    errors: list[RowError] = []
    try:
        with read_ctf(io.BytesIO(data), max_bytes=max_bytes) as reader:
            source = reader.header.source
            download = Download(kind="CTF", academic_year=source.academic_year)
            for pupil in reader:
                laestab = school_of(pupil, source)
                if laestab is None:
                    errors.append(
                        RowError(
                            pupil.line,
                            f"{pupil.display_name} ({pupil.upn}): no "
                            "school in the pupil's school history or the header",
                        )
                    )
                else:
                    download.add(laestab, pupil)
    except CTFError as problem:
        raise DownloadError(
            [RowError(problem.line, f"{problem.message} ({problem.code})")]
        ) from None
    if errors:
        raise DownloadError(errors)
    if not download.schools:
        raise DownloadError([RowError(None, "The CTF holds no pupils.")])
    return download


def school_of(pupil: Pupil, source: SchoolRef) -> str | None:
    """The LAESTAB of the pupil's current school: its open school-history entry, else the
    header's school."""
    open_entries = [h for h in pupil.school_history if not h.leaving_date and h.la and h.estab]
    if open_entries:
        latest = max(open_entries, key=lambda h: h.entry_date or "")
        return f"{latest.la}{latest.estab}".strip()
    return source.laestab
