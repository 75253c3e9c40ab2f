"""KS2 moderation and appeals attach to the results imported from the NCA Portal: they key on
school and UPN, so a judgement stands on the imported results and on a later download."""

from __future__ import annotations

from django.test import Client
from moderation_world import change, figures, meeting_pupil

from keystage.web.models import ModeratedSchool, School, Submission
from keystage.web.moderation.pupils import school_record
from keystage.web.ops.demo_nca import import_combined, re_marked

NCA = Submission.Channel.NCA


def test_a_moderated_judgement_stands_on_the_imported_results_and_after_a_re_import(
    moderated: ModeratedSchool, la_client: Client, school_a: School
) -> None:
    ks2 = moderated.round.collection
    pupil = meeting_pupil(ks2, school_a)  # as the school's own upload gives them
    before = figures(ks2, school_a)
    assert change(la_client, moderated, pupil.upn).status_code == 302
    lowered = (before["ks2_writing_exs_plus"][0] - 1, before["ks2_writing_exs_plus"][1])
    assert figures(ks2, school_a)["ks2_writing_exs_plus"] == lowered
    import_combined(ks2, change=re_marked(every=3), name="later.xml")  # reviews of marking
    assert Submission.objects.filter(school=school_a, channel=NCA).count() == 2
    assert figures(ks2, school_a)["ks2_writing_exs_plus"] == lowered  # keyed by school + UPN


def test_once_imported_only_a_pupil_the_stas_results_hold_is_moderated(
    moderated: ModeratedSchool, school_a: School
) -> None:
    """Once the NCA Portal's results are imported (the fixture's world has them), a pupil they
    leave out (say, one the school sent but who sat elsewhere) is not the school's to moderate,
    though its own upload still holds them."""
    ks2 = moderated.round.collection
    own = Submission.objects.get(school=school_a, collection=ks2, is_current=True)
    kept, dropped = own.pupil_set.values_list("upn", flat=True)[:2]
    nca = Submission.objects.get(school=school_a, channel=NCA, is_current_nca=True)
    nca.pupil_set.filter(upn=dropped).delete()  # as if the STA's results did not hold them
    assert school_record(ks2, school_a, dropped) is None
    record = school_record(ks2, school_a, kept)
    assert record is not None and record.submission.channel == NCA
