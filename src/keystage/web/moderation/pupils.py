"""Which pupils may be moderated: those in the school's current data, as the school gave them."""

from __future__ import annotations

from keystage.codesets import Codeset
from keystage.ctf.model import pupil_from_dict
from keystage.ctf.upn import is_valid
from keystage.web.models import Collection, PupilRecord, School
from keystage.web.moderation.errors import ModerationError
from keystage.web.submissions.sources import awaiting_nca, current_filter, from_nca


def school_record(collection: Collection, school: School, upn: str) -> PupilRecord | None:
    """The pupil as the results give them, never moderated: the version the figures are made
    from (for KS2 from 2026, the NCA Portal's), else, before the NCA Portal's results are
    imported (moderation comes first, in June), the school's own current version. Once they
    are imported a pupil the STA's results do not hold is not the school's to moderate."""
    found = PupilRecord.objects.filter(
        submission__collection=collection, submission__school=school, upn=upn
    ).select_related("submission")
    if from_nca(collection) and not awaiting_nca(collection):
        return found.filter(current_filter(collection, "submission__")).first()
    return found.filter(submission__is_current=True).first()


def school_judgement(record: PupilRecord, role: str, codeset: Codeset) -> str:
    """The school's own latest result for the role, "" when it gave none."""
    found = ""
    for a in pupil_from_dict(record.data).assessments:
        kind = codeset.lookup(a)
        if a.result and kind is not None and kind.role == role:
            found = a.result  # the last, as the measures take it
    return found


def clean_upn(upn: str) -> str:
    return "".join(upn.split()).upper()


def pupil_in_school(collection: Collection, school: School, upn: str) -> PupilRecord:
    """The school's current record of a UPN, or ModerationError saying what is wrong."""
    upn = clean_upn(upn)
    if not upn:
        raise ModerationError("Enter the pupil's UPN")
    record = school_record(collection, school, upn)
    if record is None and not is_valid(upn):
        raise ModerationError(
            f"{upn} is not a UPN: a UPN is a letter, 11 digits and a last digit or letter, "
            "with the right check letter. Check it against the school's data"
        )
    if record is None:
        raise ModerationError(
            f"No pupil with UPN {upn} is in {school.name}'s current {collection.short_name} data"
        )
    return record
