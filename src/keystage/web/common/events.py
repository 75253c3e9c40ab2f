"""What one feature announces and others act on, so that data flows one way.

A writer (a checked upload, a signature, a lock, a shared pupil settled, a moderation outcome)
says that a school's data changed; the features that make something from it (the reports)
listen. Receivers are connected in `PortalConfig.ready` (keystage.web.apps), so a writer never
imports the feature that listens.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

from keystage.web.models import Collection

# Sent with `collection` (a Collection) and `school_ids` (a tuple of School ids).
school_data_changed = Signal()


def data_changed(collection: Collection, school_ids: Iterable[int]) -> None:
    """Announces that these schools' data for the collection changed (a new current version,
    a signature, a lock, an LA decision): whatever is made from it is made again."""
    school_data_changed.send(sender=Collection, collection=collection, school_ids=tuple(school_ids))
