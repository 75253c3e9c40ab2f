"""KS2 moderation and appeals attach to the results imported from the NCA Portal: they key on
school and UPN, so a judgement stands on the imported results and on a later download."""

from __future__ import annotations

from django.test import Client
from moderation_world import change, figures, meeting_pupil

from keystage.web.models import ModeratedSchool, School, Submission
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
