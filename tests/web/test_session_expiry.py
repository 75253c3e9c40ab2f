"""Sessions end: after an hour left idle, and after ten hours however busy."""

from __future__ import annotations

import time

import time_machine
from django.test import Client

from keystage.web.models import Collection


def test_a_session_left_idle_ends(head_a: Client, ks1: Collection) -> None:
    assert head_a.get("/").status_code == 200
    with time_machine.travel(time.time() + 61 * 60, tick=False):
        response = head_a.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_in_use_still_ends_after_ten_hours(head_a: Client) -> None:
    start = time.time()
    for minutes in range(0, 600, 30):  # a page every half hour keeps it from going idle
        with time_machine.travel(start + minutes * 60, tick=False):
            assert head_a.get("/").status_code == 200, minutes
    with time_machine.travel(start + 601 * 60, tick=False):
        response = head_a.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
