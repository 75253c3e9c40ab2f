"""The demo's PVI early years settings: 30 nurseries, pre-schools and childminders beside the
synthetic LA's schools, loaded from a provider list as an LA would load its own, each with an
account; two in three have sent their funded children's EYFSP through the spreadsheet template
(one with a child born outside the funded window, so its query shows); demo.py has half of
those sign.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from keystage import codesets
from keystage.codesets.funded import funded_window
from keystage.ctf.model import Pupil
from keystage.synth.cohort import SchoolCohorts
from keystage.synth.schools import School as SynthSchool
from keystage.web.models import Collection, School, Submission, User
from keystage.web.models.schools import SETTING
from keystage.web.schools.register import apply, load_settings
from keystage.web.submissions import template_upload
from keystage.web.submissions.processing import check_submission
from keystage.web.submissions.uploads import receive

DEMO_SETTINGS = 30
PLACES = ("Acorn", "Bluebell", "Rainbow", "Little Owls", "Sunflower", "Busy Bees", "Willow",
          "Ladybird", "Hedgehogs", "Tiny Steps", "Puddle Ducks", "Honeybee", "Kingfisher",
          "Meadow View", "Apple Tree")  # fmt: skip
TYPES = (("Day Nursery", "Private nursery"), ("Pre-school", "Voluntary"),
         ("Montessori", "Independent"), ("Childminding", "Childminder"))  # fmt: skip
CONTACTS = ("Amira Shah", "Beth Lewis", "Chloe Evans", "Dawn Okafor", "Erin Walsh", "Fay Green")
DISTRICTS = ("Edgbaston", "Erdington", "Hall Green", "Ladywood", "Perry Barr", "Selly Oak")
OUTSIDE_THE_WINDOW = 1  # the setting whose file has a child born outside the funded window


def provider_list() -> str:
    """The LA's list as its early years team might export it."""
    lines = ["EY URN,Setting name,Setting type,Contact name,Contact email,Telephone,Postcode"]
    for n in range(DEMO_SETTINGS):
        kind, said = TYPES[n % len(TYPES)]
        contact = CONTACTS[n % len(CONTACTS)]
        name = f"{PLACES[n % len(PLACES)]} {kind}" + (f" {n // len(PLACES) + 1}" if n >= 15 else "")
        email = f"ey{n + 1:02d}@example.org"
        lines.append(f"{510001 + n},{name},{said},{contact},{email},0121 496 {1000 + n},"
                     f"{DISTRICTS[n % len(DISTRICTS)]}")  # fmt: skip
    return "\n".join(lines) + "\n"


def load(folder: Path) -> None:
    """The settings, as the LA loads its list (before the demo's accounts are made)."""
    path = folder / "early-years-providers.csv"
    path.write_text(provider_list())
    apply(load_settings(path))


def funded_children(setting: School, collection: Collection, number: int) -> list[Pupil]:
    """A setting's few funded children, with EYFSP results: the synthetic LA's Reception
    children of a small setting, those born in the funded window (codesets.funded)."""
    codeset = codesets.load(collection.academic_year)
    synth = SynthSchool(la=setting.la, estab=f"{8000 + number}", urn=setting.urn,
                        name=setting.name, phase="Nursery", type=setting.type,
                        district=setting.district, email="")  # fmt: skip
    cohort = SchoolCohorts(synth, codeset, f"setting:{number}", size=16, allocator=synth.estab)
    first, last = funded_window(codeset.start_year)
    pupils = cohort.pupils("EYFSP")
    funded = [p for p in pupils if p.dob_date and first <= p.dob_date <= last]
    if number == OUTSIDE_THE_WINDOW:  # a child born in the January before: the query
        late = next(p for p in pupils if p.dob_date and p.dob_date < first)
        funded.append(late)
    return funded


def uploads(window: Collection) -> list[tuple[Submission, User, dt.datetime]]:
    """Two in three settings send their template: each version, its account, when it came."""
    sent = []
    start = dt.datetime.combine(window.opens, dt.time(11), tzinfo=dt.UTC)
    for number, setting in enumerate(School.objects.filter(kind=SETTING).order_by("urn")):
        if number % 3 == 2:
            continue
        account = User.objects.get(username=setting.urn)
        blank = template_upload.template_download(window, setting).content
        content = fill(blank, funded_children(setting, window, number), window)
        upload = SimpleUploadedFile(f"{setting.urn}-eyfsp.xlsx", content)
        submission = receive(school=setting, collection=window, upload=upload, user=account)
        check_submission(submission.pk)
        when = start + dt.timedelta(hours=5 * number)
        Submission.objects.filter(pk=submission.pk).update(
            uploaded_at=when, checked_at=when + dt.timedelta(seconds=20)
        )
        submission.refresh_from_db()
        sent.append((submission, account, when))
    return sent


def fill(template: bytes, pupils: list[Pupil], window: Collection) -> bytes:
    """The template filled in as a setting's staff would: a row a child, results as codes."""
    from openpyxl import load_workbook  # openpyxl: only the demo's loading needs it

    from keystage.template.layout import columns

    book = load_workbook(io.BytesIO(template))
    sheet = book["Pupils"]
    layout = columns(window.kind, codesets.load(window.academic_year))
    for row, pupil in enumerate(pupils, start=2):
        identity = (pupil.upn, pupil.surname, pupil.forename, pupil.dob_date, pupil.sex, "R")
        for number, value in enumerate(identity, start=1):
            sheet.cell(row, number, value)
        for column in layout:
            found = [a for a in pupil.assessments if column.kind and a.key == column.kind.key]
            if found:
                sheet.cell(row, column.number, _typed(found[-1].result))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _typed(result: str | None) -> int | str | None:
    return int(result) if result and result.isdigit() else result


__all__ = ["DEMO_SETTINGS", "fill", "load", "uploads"]
