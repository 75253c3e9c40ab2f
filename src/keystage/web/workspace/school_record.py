"""What the data team's page for one school in a collection shows: every version and refused
upload, the version shown with its findings or the matches that hold it, the pupils matched
with other schools' files, the confirmations, the data team's queries and the lock."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Prefetch, QuerySet

from keystage.web.common.clock import today
from keystage.web.models import (
    Collection,
    Confirmation,
    Lock,
    PupilMatch,
    QueryMessage,
    RefusedUpload,
    School,
    Submission,
    TeamQuery,
)
from keystage.web.submissions.findings import Findings, findings_of
from keystage.web.submissions.locks import active_lock
from keystage.web.submissions.state import Standing, standing
from keystage.web.workspace.held import Match, matches


@dataclass
class SchoolRecord:
    collection: Collection
    school: School
    standing: Standing
    versions: list[Submission]
    shown: Submission | None  # the version asked for, else the current one, else the latest
    findings: Findings | None  # the shown version's, when it is checked
    held_matches: list[Match]  # what holds the shown version, when it is held
    trail: list[PupilMatch]
    confirmations: QuerySet[Confirmation]
    threads: list[TeamQuery]
    refused_uploads: list[RefusedUpload]
    lock: Lock | None

    @property
    def pupils(self) -> set[str]:
        """The UPNs of the pupils the page names (the page view records them)."""
        return (
            (self.findings.upns if self.findings else set())
            | {q.upn for q in self.threads}
            | {m.record.upn for m in self.held_matches}
            | {m.upn for m in self.trail}
        )

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def versions_of(school: School, collection: Collection) -> list[Submission]:
    return list(
        Submission.objects.filter(school=school, collection=collection).select_related(
            "uploaded_by"
        )
    )


def school_record(
    collection: Collection, school: School, versions: list[Submission], asked: Submission | None
) -> SchoolRecord:
    """The school's record, showing the version `asked` for (one of `versions`) if any."""
    now = standing(school, collection, today())
    shown = asked or now.current or now.latest
    return SchoolRecord(
        collection, school, now, versions, shown,
        findings=findings_of(shown) if shown and shown.status == "checked" else None,
        held_matches=matches(shown) if shown and shown.status == "held" else [],
        trail=_trail(school, collection),
        confirmations=Confirmation.objects.filter(
            submission__school=school, submission__collection=collection
        ).select_related("submission", "signed_by", "voided_by"),
        threads=_threads(school, collection),
        refused_uploads=list(
            RefusedUpload.objects.filter(school=school, collection=collection)
            .select_related("uploaded_by")
        ),
        lock=active_lock(collection, school),
    )  # fmt: skip


def _threads(school: School, collection: Collection) -> list[TeamQuery]:
    """The data team's queries to the school, each with its messages."""
    return list(
        TeamQuery.objects.filter(school=school, collection=collection)
        .select_related("raised_by")
        .prefetch_related(
            Prefetch("messages", QueryMessage.objects.select_related("author"), to_attr="thread")
        )
    )


def _trail(school: School, collection: Collection) -> list[PupilMatch]:
    """Every pupil of the school's versions matched with another school's file."""
    return list(
        PupilMatch.objects.filter(version__school=school, version__collection=collection)
        .select_related("version", "other_version__school")
        .order_by("-version__version", "upn")
    )
