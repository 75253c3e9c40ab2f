"""A form's hint is shown as HTML: a judgement taken from a school's file is escaped in it."""

from __future__ import annotations

from keystage.web.models import JudgementChange
from keystage.web.moderation.forms import DecisionForm


def test_the_schools_judgement_in_a_hint_is_escaped() -> None:
    change = JudgementChange(pk=1, upn="A123456789012", role="ks2_writing_ta",
                             school_judgement="<b>EXS</b>", moderated_judgement="WTS")  # fmt: skip
    form = DecisionForm(changes=[change], codes={"ks2_writing_ta": ["EXS", "WTS"]})
    hint = str(form.fields["final_1"].help_text)
    assert "&lt;b&gt;EXS&lt;/b&gt;" in hint and "<b>" not in hint
