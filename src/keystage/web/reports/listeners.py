"""The reports listen for changed data (keystage.web.common.events): a published collection's
reports are made again for the schools whose data changed. Connected in PortalConfig.ready."""

from __future__ import annotations

from typing import Any

from keystage.web.common import events
from keystage.web.models import Collection
from keystage.web.reports.publish import refresh_schools


def remake_reports(
    sender: Any, *, collection: Collection, school_ids: tuple[int, ...], **kwargs: Any
) -> None:
    refresh_schools(collection, school_ids)


def connect() -> None:
    events.school_data_changed.connect(remake_reports, dispatch_uid="reports.remake_reports")
