"""What a member of staff may do is the head's to decide: uploading, signing the confirmation
form and downloading the pupil-level reports, each enforced where it is used with a page that
says who gives it; a head may always do all three."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from portal_builders import make_publication, make_report, make_staff, make_submission
from portal_support import ctf_bytes, signed_in, upload

from keystage.web.models import AuditEvent, Collection, School, Submission, User

NO_RIGHTS = {"first_name": "Sam", "last_name": "Officer", "email": "sam@school.example"}


def test_a_new_member_of_staff_may_upload_but_not_sign_or_see_pupil_reports(
    school_a: School, head_a: Client
) -> None:
    form = head_a.get("/people/").content.decode()
    assert _checked(form, "can_upload")  # the add form starts as the model's defaults
    assert not _checked(form, "can_sign") and not _checked(form, "can_see_pupil_reports")
    head_a.post("/people/", {**NO_RIGHTS, "can_upload": "on"})
    sam = User.objects.get(email=NO_RIGHTS["email"])
    assert (sam.can_upload, sam.can_sign, sam.can_see_pupil_reports) == (True, False, False)


def _checked(page: str, name: str) -> bool:
    """Whether the page's checkbox `name` is ticked."""
    for tag in page.split("<input")[1:]:
        tag = tag.split(">")[0]
        if f'name="{name}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {name} checkbox")


def test_the_head_sets_each_right_and_the_change_is_audited(
    school_a: School, head_a: Client
) -> None:
    sam = make_staff(school_a, "sam@school.example")
    head_a.post(f"/people/{sam.pk}/", {"can_sign": "on", "can_see_pupil_reports": "on",
                                       "active": "on"})  # fmt: skip
    sam.refresh_from_db()
    assert (sam.can_upload, sam.can_sign, sam.can_see_pupil_reports) == (False, True, True)
    [event] = AuditEvent.objects.filter(action="account")
    assert "may sign the confirmation form and download the pupil-level reports" in event.what
    assert event.school == school_a.laestab and event.detail["can_upload"] is False
    page = head_a.get(f"/people/{sam.pk}/").content.decode()
    assert not _checked(page, "can_upload") and _checked(page, "can_sign")


def test_staff_without_the_right_cannot_upload(
    school_a: School, ks1: Collection, la_folder: Path
) -> None:
    sam = make_staff(school_a, "sam@school.example", can_upload=False)
    client = signed_in(sam)
    page = client.get(f"/collections/{ks1.pk}/").content.decode()
    assert "not given your account the right to upload" in page and 'name="file"' not in page
    refused = upload(client, ks1, ctf_bytes(la_folder, school_a))
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "You cannot upload the school" in refused.content.decode()  # type: ignore[attr-defined]
    assert not Submission.objects.exists()

    User.objects.filter(pk=sam.pk).update(can_upload=True)
    assert upload(client, ks1, ctf_bytes(la_folder, school_a)).status_code == 302  # type: ignore[attr-defined]
    assert Submission.objects.get().uploaded_by == sam


def test_staff_without_the_right_cannot_download_pupil_reports_but_the_head_can(
    school_a: School, ks1: Collection, head_a: Client, officer: User
) -> None:
    version = make_submission(school_a, ks1, checked=True)
    make_publication(ks1, by=officer)
    pupils = make_report(school_a, ks1, kind="pupil", made_from=version)
    summary = make_report(school_a, ks1, kind="school", made_from=version)
    sam = signed_in(make_staff(school_a, "sam@school.example"))
    page = sam.get("/reports/").content.decode()
    assert f"/reports/{pupils.pk}/download/" not in page
    assert "not given your account the right to download it" in page
    refused = sam.get(f"/reports/{pupils.pk}/download/")
    assert refused.status_code == 403
    assert "You cannot download the pupil-level reports" in refused.content.decode()
    assert sam.get(f"/reports/{summary.pk}/download/").status_code == 200  # the summary: anyone
    assert head_a.get(f"/reports/{pupils.pk}/download/").status_code == 200

    User.objects.filter(email="sam@school.example").update(can_see_pupil_reports=True)
    assert sam.get(f"/reports/{pupils.pk}/download/").status_code == 200


def test_a_head_has_every_right_whatever_is_stored(school_a: School) -> None:
    head = User.objects.get(username=school_a.urn)
    User.objects.filter(pk=head.pk).update(can_upload=False, can_sign=False)
    head.refresh_from_db()
    assert head.may_upload and head.may_sign and head.may_see_pupil_reports
