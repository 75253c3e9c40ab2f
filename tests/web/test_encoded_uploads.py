"""A CTF saved by a school's MIS in Windows-1252 or UTF-16 (with a byte-order mark) is taken
through the portal like a UTF-8 one, names read right; the hardening holds in those encodings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.test import Client
from portal_support import ctf_bytes, run_tasks, upload

from keystage.ctf import Pupil
from keystage.web.models import Collection, RefusedUpload, School, Submission

SURNAME = "O\u2019Brien\u2013Mu\u00f1oz"  # a closing quote, an en dash and an n with a tilde


def renamed(pupils: list[Pupil]) -> list[Pupil]:
    return [dataclasses.replace(pupils[0], surname=SURNAME), *pupils[1:]]


def saved_as(utf8: bytes, declared: str, codec: str, bom: bytes) -> bytes:
    text = utf8.decode("utf-8").replace('encoding="UTF-8"', f'encoding="{declared}"', 1)
    return bom + text.encode(codec)


@pytest.mark.parametrize(
    ("declared", "codec", "bom"),
    [("windows-1252", "cp1252", b""), ("UTF-16", "utf-16-le", b"\xff\xfe")],
)
def test_a_file_in_another_encoding_is_taken_with_its_names_read_right(
    head_a: Client,
    school_a: School,
    ks1: Collection,
    la_folder: Path,
    declared: str,
    codec: str,
    bom: bytes,
) -> None:
    content = saved_as(ctf_bytes(la_folder, school_a, change=renamed), declared, codec, bom)
    response = upload(head_a, ks1, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    run_tasks()
    current = Submission.objects.get(school=school_a, is_current=True)
    assert current.pupils > 0
    assert current.pupil_set.filter(surname=SURNAME).count() == 1
    assert not RefusedUpload.objects.exists()


def test_a_doctype_in_utf16_is_refused_at_upload(head_a: Client, ks1: Collection) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<CTfile><Header><DocumentName>&xxe;</DocumentName></Header></CTfile>\n"
    )
    response = upload(head_a, ks1, b"\xff\xfe" + text.encode("utf-16-le"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Check code FILE-HOSTILE" in page and "root:" not in page
    assert RefusedUpload.objects.get().code == "FILE-HOSTILE"
