"""The demo's guidance: every collection tells schools what to send, where their MIS explains
it, the STA's and the DfE's own pages, and whom to ask; two schools have asked the data team."""

from __future__ import annotations

import re

import pytest
from portal_builders import make_officer, make_window
from portal_support import signed_in

from keystage.web.models import Collection, Guidance, School, TeamQuery, User
from keystage.web.ops import demo_guidance
from keystage.web.submissions.state import State, standing

ADDRESS = re.compile(r"https://\S+")


@pytest.fixture
def windows(schools: list[School]) -> list[Collection]:
    found = [make_window(kind) for kind in ("EYFSP", "PHON", "KS1", "KS2")]
    demo_guidance.load(found, by=make_officer("data.team"))
    return found


def test_every_collection_has_each_part(windows: list[Collection]) -> None:
    for window in windows:
        guidance = Guidance.objects.get(collection=window)
        assert all(getattr(guidance, part).strip() for part in Guidance.FIELDS), window
        assert {"SIMS", "Arbor", "Bromcom"} <= set(re.findall(r"\w+", guidance.mis_help))
        statutory = ADDRESS.findall(guidance.statutory)
        assert statutory and all(a.startswith("https://www.gov.uk/") for a in statutory)


def test_the_links_are_the_reference_pages(windows: list[Collection]) -> None:
    """The STA's and the DfE's pages named in reference/dfe-returns.md, or their publications."""
    links = {a for g in Guidance.objects.all() for a in ADDRESS.findall(g.statutory)}
    assert links == {demo_guidance.EYFSP_HANDBOOK, demo_guidance.EYFSP_RETURN,
                     demo_guidance.PHONICS_ARA, demo_guidance.PHONICS_RETURN,
                     demo_guidance.KS1_ARA, demo_guidance.KS1_FRAMEWORKS, demo_guidance.KS2_ARA,
                     demo_guidance.KS2_FRAMEWORKS, demo_guidance.KS2_RESULTS}  # fmt: skip


def test_a_head_reads_it_on_the_collection_page(windows: list[Collection]) -> None:
    phonics = next(w for w in windows if w.kind == "PHON")
    head = signed_in(User.objects.filter(role="head").order_by("username")[0])
    page = head.get(f"/collections/{phonics.pk}/").content.decode()
    assert "Both year groups in one file" in page
    assert f'href="{demo_guidance.PHONICS_ARA}"' in page


def test_two_schools_have_asked_and_neither_is_held_up(windows: list[Collection]) -> None:
    asked = TeamQuery.objects.filter(from_school=True).order_by("raised_at")
    assert [(q.collection.kind, q.status) for q in asked] == [("PHON", "open"), ("KS1", "replied")]
    assert [q.messages.count() for q in asked] == [2, 1]
    for query in asked:
        now = standing(query.school, query.collection, query.collection.opens)
        assert now.step != State.QUERIES and now.team_queries == 0
