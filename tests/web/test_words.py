"""Words a school office understands: codes and tuples meant for machines never reach people's
pages (issue 14, item 15); the code stays beside a message for whoever phones the LA."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from keystage.web.models import Collection


def phonics() -> Collection:
    today = timezone.localdate()
    return Collection.objects.create(
        kind="PHON", academic_year="2025-26", opens=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=7), closes=today + dt.timedelta(days=21),
    )  # fmt: skip


def test_a_collection_is_named_as_people_say_it(head_a: Client, la_client: Client) -> None:
    window = phonics()
    assert window.short_name == "Phonics 2026"
    pages = [
        head_a.get("/").content.decode(),
        head_a.get(f"/collections/{window.pk}/").content.decode(),
        la_client.get("/la/").content.decode(),
        la_client.get(f"/la/collections/{window.pk}/").content.decode(),
    ]
    for page in pages:
        assert "PHON 20" not in page and "PHON " not in page.split("<main", 1)[-1]
