from keystage.web.models.accounts import Role, User
from keystage.web.models.audit import AuditEvent
from keystage.web.models.codetables import CodeTable
from keystage.web.models.collections import Collection
from keystage.web.models.guidance import Guidance
from keystage.web.models.moderation import (
    Appeal,
    AppealEvidence,
    JudgementChange,
    ModeratedSchool,
    ModerationRound,
    SampledPupil,
)
from keystage.web.models.nca import NcaImport
from keystage.web.models.privacy import DataSharingStatement
from keystage.web.models.results import ComparisonFigure, Publication, Report
from keystage.web.models.schools import ExpectedSchool, RegisterLoad, School, SchoolLink
from keystage.web.models.submissions import (
    Answer,
    Confirmation,
    FindingRecord,
    PupilMatch,
    PupilRecord,
    RefusedUpload,
    Submission,
)
from keystage.web.models.tasks import WorkerHeartbeat
from keystage.web.models.workspace import (
    Lock,
    MoveDecision,
    QueryMessage,
    Reminder,
    TeamQuery,
    UnattributedFile,
)

__all__ = [
    "Answer",
    "Appeal",
    "AppealEvidence",
    "AuditEvent",
    "CodeTable",
    "Collection",
    "ComparisonFigure",
    "Confirmation",
    "DataSharingStatement",
    "ExpectedSchool",
    "FindingRecord",
    "Guidance",
    "JudgementChange",
    "Lock",
    "ModeratedSchool",
    "ModerationRound",
    "MoveDecision",
    "NcaImport",
    "Publication",
    "PupilMatch",
    "PupilRecord",
    "QueryMessage",
    "RefusedUpload",
    "RegisterLoad",
    "Reminder",
    "Report",
    "Role",
    "SampledPupil",
    "School",
    "SchoolLink",
    "Submission",
    "TeamQuery",
    "UnattributedFile",
    "User",
    "WorkerHeartbeat",
]
