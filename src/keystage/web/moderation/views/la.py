"""The data team's KS2 moderation pages: the schools moderated this summer and the appeal
window; each school's visit, sample, changed judgements, outcome and letter; appeals, their
review and final decision; the letter and the evidence to download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from keystage.codesets import codeset_for
from keystage.web.accounts.access import la_user_required
from keystage.web.common import audit
from keystage.web.common.clock import today
from keystage.web.common.page_views import viewed
from keystage.web.models import (
    Appeal,
    AppealEvidence,
    Collection,
    JudgementChange,
    ModeratedSchool,
    ModerationRound,
    School,
    User,
)
from keystage.web.moderation import records
from keystage.web.moderation.records import ModerationError
from keystage.web.moderation.roles import KIND, moderated_roles
from keystage.web.submissions import downloads

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


def date_field(label: str, *, required: bool = True, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=hint or "For example, 27/06/2026.",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),  # typed, as GOV.UK asks; ISO works too
        error_messages={"required": f"Enter the {label.lower()}",
                        "invalid": f"Enter the {label.lower()} as a real date, like 27/06/2026"},
    )  # fmt: skip


# -- Forms -------------------------------------------------------------------------------------


class WindowForm(forms.Form):
    appeal_opens = date_field("Date appeals open")
    appeal_closes = date_field("Date appeals close", hint="Heads can appeal up to and on this day.")

    def clean(self) -> dict[str, Any]:
        found = super().clean() or {}
        opens, closes = found.get("appeal_opens"), found.get("appeal_closes")
        if opens and closes and closes < opens:
            self.add_error("appeal_closes", "The date appeals close must be on or after they open")
        return found


class SchoolsForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        label="Schools moderated this summer",
        queryset=School.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every school the LA moderates. A school already told its outcome, or "
        "with changed judgements, stays.",
    )


class VisitForm(forms.Form):
    moderator = forms.CharField(
        label="Moderator's name", max_length=200,
        error_messages={"required": "Enter the moderator's name"},
    )  # fmt: skip
    visit_date = date_field("Visit date")
    sample = forms.CharField(
        label="Pupils sampled", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Their UPNs, one on each line or separated by commas. Pupils whose judgement "
        "you change are added for you.",
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label="Outcome", required=False, widget=forms.RadioSelect,
        choices=ModeratedSchool.Outcome.choices,
        help_text="Are the school's judgements accurate and consistent with national standards? "
        "Leave it until you know.",
    )  # fmt: skip
    notes = forms.CharField(
        label="Notes for the school (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 4}), help_text="They are printed in the letter.",
    )  # fmt: skip

    def upns(self) -> list[str]:
        text = self.cleaned_data.get("sample") or ""
        return [u for u in text.replace(",", "\n").split() if u.strip()]


class ChangeForm(forms.Form):
    upn = forms.CharField(
        label="Pupil's UPN", max_length=20, error_messages={"required": "Enter the pupil's UPN"}
    )
    role = forms.ChoiceField(
        label="Assessment", error_messages={"required": "Choose the assessment"}
    )
    judgement = forms.CharField(
        label="Moderated judgement", max_length=10,
        error_messages={"required": "Enter the moderated judgement"},
    )  # fmt: skip

    def __init__(self, *args: Any, roles: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(roles.items())


class ReviewForm(forms.Form):
    review_notes = forms.CharField(
        label="What the review found", widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the review found"},
    )  # fmt: skip
    reviewed_on = date_field("Review date")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Final decision", widget=forms.RadioSelect, choices=Appeal.Decision.choices,
        error_messages={"required": "Choose the final decision"},
    )  # fmt: skip
    decision_notes = forms.CharField(
        label="Reasons for the school", widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the decision"},
    )  # fmt: skip
    decided_on = date_field("Decision date")

    def __init__(self, *args: Any, changes: list[JudgementChange], codes: dict[str, list[str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.changes = changes
        for change in changes:
            self.fields[f"final_{change.pk}"] = forms.ChoiceField(
                label=f"Final judgement for UPN {change.upn} ({change.role})",
                required=False,
                choices=[("", "Choose")] + [(c, c) for c in codes.get(change.role, [])],
                initial=change.moderated_judgement,
                help_text=f"School: {change.school_judgement or 'none'}. Moderated: "
                f"{change.moderated_judgement}. Only for a partly upheld appeal.",
            )

    def clean(self) -> dict[str, Any]:
        found = super().clean() or {}
        if found.get("decision") == Appeal.Decision.PARTLY:
            for change in self.changes:
                if not found.get(f"final_{change.pk}"):
                    self.add_error(f"final_{change.pk}",
                                   f"Choose the final judgement for UPN {change.upn}")  # fmt: skip
        return found

    def finals(self) -> dict[int, str]:
        return {c.pk: str(self.cleaned_data.get(f"final_{c.pk}") or "") for c in self.changes}

    def final_fields(self) -> list[forms.BoundField]:
        return [self[f"final_{c.pk}"] for c in self.changes]


# -- Helpers -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _ks2(collection_id: int) -> Collection:
    collection = get_object_or_404(Collection, pk=collection_id)
    if collection.kind != KIND:
        raise Http404("Moderation is for KS2 collections.")
    return collection


def _moderated(moderation_id: int) -> ModeratedSchool:
    return get_object_or_404(
        ModeratedSchool.objects.select_related("school", "round__collection"), pk=moderation_id
    )


def step(m: ModeratedSchool) -> tuple[str, str]:
    """Where a moderated school is: (words, tag colour)."""
    appeal = getattr(m, "appeal", None)
    if appeal is not None:
        return ("Appeal decided", "green") if appeal.decided else ("Appealed", "red")
    if m.notified_at:
        return ("Told", "green") if m.letter_sent_at else ("Letter being made", "blue")
    if m.ready_to_notify:
        return "Ready to tell", "yellow"
    return "To record", "grey"


# -- The summer's moderation -------------------------------------------------------------------


@la_user_required
def round_page(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = _ks2(collection_id)
    found = ModerationRound.objects.filter(collection=collection).first()
    window = WindowForm(initial={"appeal_opens": found and found.appeal_opens,
                                 "appeal_closes": found and found.appeal_closes})  # fmt: skip
    chosen = SchoolsForm(initial={"schools": list(found.schools.values_list("school_id", flat=True))
                                  if found else []})  # fmt: skip
    failed: forms.Form | None = None
    if request.method == "POST":
        round_ = records.round_for(collection)
        action = request.POST.get("action")
        if action == "window":
            window = WindowForm(request.POST)
            if window.is_valid():
                records.set_window(round_, window.cleaned_data["appeal_opens"],
                                      window.cleaned_data["appeal_closes"], by=_user(request),
                                      request=request)  # fmt: skip
                messages.success(request, "The appeal window is set.")
                return redirect("portal:la_moderation", collection_id=collection.pk)
            failed = window
        elif action == "schools":
            chosen = SchoolsForm(request.POST)
            if chosen.is_valid():
                try:
                    added, removed = records.choose_schools(
                        round_, chosen.cleaned_data["schools"], by=_user(request), request=request
                    )
                except ModerationError as problem:
                    chosen.add_error("schools", str(problem))
                else:
                    messages.success(request, f"Schools moderated: {len(added)} added, "
                                     f"{len(removed)} taken off.")  # fmt: skip
                    return redirect("portal:la_moderation", collection_id=collection.pk)
            failed = chosen
        elif action == "notify":
            told = _notify_ready(request, round_)
            messages.success(request, f"{told} school{'s are' if told != 1 else ' is'} being "
                             "told: the letters are made and the heads emailed.")  # fmt: skip
            return redirect("portal:la_moderation", collection_id=collection.pk)
    rows = []
    if found is not None:
        held = found.schools.select_related("school", "appeal").prefetch_related("changes")
        rows = [(m, step(m), len(m.changes.all())) for m in held]
    return render(
        request,
        "la/moderation.html",
        {"collection": collection, "round": found, "window": window, "chosen": chosen,
         "failed": failed, "rows": rows,
         "ready": sum(1 for r in rows if r[1][0] == "Ready to tell"),
         "appeals_open": bool(found and found.appeals_open(today()))},
        status=400 if failed is not None else 200,
    )  # fmt: skip


def _notify_ready(request: HttpRequest, round_: ModerationRound) -> int:
    told = 0
    for m in round_.schools.select_related("school", "round__collection"):
        if m.notified_at is None and m.ready_to_notify:
            records.notify(m, by=_user(request), request=request)
            told += 1
    return told


# -- One moderated school ----------------------------------------------------------------------


def _roles(collection: Collection) -> dict[str, str]:
    return {r: a.label for r, a in moderated_roles(codeset_for(collection.academic_year)).items()}


@la_user_required
def moderated_page(request: HttpRequest, moderation_id: int) -> HttpResponse:
    m = _moderated(moderation_id)
    collection = m.round.collection
    roles = _roles(collection)
    visit = VisitForm(initial={
        "moderator": m.moderator, "visit_date": m.visit_date, "outcome": m.outcome,
        "notes": m.notes, "sample": "\n".join(m.sample.values_list("upn", flat=True)),
    })  # fmt: skip
    change = ChangeForm(roles=roles)
    failed: forms.Form | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "visit":
                visit = failed = VisitForm(request.POST)
                if visit.is_valid():
                    records.record_visit(m, **_visit(visit), by=_user(request), request=request)
                    messages.success(request, "The visit is recorded.")
                    return redirect("portal:la_moderated", moderation_id=m.pk)
            elif action == "change":
                change = failed = ChangeForm(request.POST, roles=roles)
                if change.is_valid():
                    done = records.add_change(m, **change.cleaned_data, by=_user(request),
                                                 request=request)  # fmt: skip
                    messages.success(request, f"The change for UPN {done.upn} is recorded.")
                    return redirect("portal:la_moderated", moderation_id=m.pk)
            elif action == "remove":
                gone = get_object_or_404(m.changes, pk=_int(request.POST.get("change")))
                records.remove_change(gone, by=_user(request), request=request)
                messages.success(request, f"The change for UPN {gone.upn} is taken back.")
                return redirect("portal:la_moderated", moderation_id=m.pk)
            elif action == "notify":
                records.notify(m, by=_user(request), request=request)
                messages.success(request, f"{m.school.name} is being told: the letter is made "
                                 "and the head emailed.")  # fmt: skip
                return redirect("portal:la_moderated", moderation_id=m.pk)
        except ModerationError as problem:
            failed = failed or forms.Form()
            failed.add_error(None, str(problem))
    changes = list(m.changes.all())
    sample = list(m.sample.values_list("upn", flat=True))
    viewed(request, f"{m.school.name}'s KS2 moderation", upns=[*sample, *(c.upn for c in changes)],
           school=m.school, collection=collection, moderation=m.pk)  # fmt: skip
    return render(
        request,
        "la/moderation_school.html",
        {"m": m, "collection": collection, "visit": visit, "change": change, "failed": failed,
         "changes": [(c, roles.get(c.role, c.role)) for c in changes],
         "sample": sample, "step": step(m),
         "appeal": getattr(m, "appeal", None), "codes": _codes(collection)},
        status=400 if failed is not None and failed.errors else 200,
    )  # fmt: skip


def _visit(form: VisitForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"moderator": data["moderator"], "visit_date": data["visit_date"],
            "sample": form.upns(), "outcome": data.get("outcome") or "",
            "notes": data.get("notes") or ""}  # fmt: skip


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404("No such change.") from None


def _codes(collection: Collection) -> list[tuple[str, str]]:
    """Each moderated assessment and the judgements the year's table allows for it."""
    return [
        (a.label, ", ".join(sorted(a.results.codes)))
        for a in moderated_roles(codeset_for(collection.academic_year)).values()
    ]


@la_user_required
def letter(request: HttpRequest, moderation_id: int) -> HttpResponseBase:
    return letter_response(request, _moderated(moderation_id))


def letter_response(request: HttpRequest, m: ModeratedSchool) -> HttpResponseBase:
    """The letter as an audited download (it names pupils); 404 until it is made."""
    if not m.letter_sha256 or not m.letter.name:
        raise Http404("The letter is not made yet.")
    what = "the moderation letter"
    if gone := downloads.unavailable(request, m.letter, m.round.collection, what):
        return gone  # deleted under the retention policy, or missing: a page that says so
    audit.record(
        audit.Action.DOWNLOAD, f"downloaded {m.school.name}'s KS2 moderation letter",
        request=request, school=m.school, collection=m.round.collection, moderation=m.pk,
    )  # fmt: skip
    name = f"{m.school.laestab}-KS2-{m.round.collection.summer}-moderation-letter.pdf"
    return FileResponse(
        m.letter.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


# -- Appeals -----------------------------------------------------------------------------------


@la_user_required
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.select_related("moderated__school", "moderated__round__collection"),
        pk=appeal_id,
    )
    m = appeal.moderated
    collection = m.round.collection
    changes = list(m.changes.all())
    kinds = moderated_roles(codeset_for(collection.academic_year))
    codes = {r: sorted(a.results.codes) for r, a in kinds.items()}
    review = ReviewForm(initial={"review_notes": appeal.review_notes,
                                 "reviewed_on": appeal.reviewed_on or today()})  # fmt: skip
    decision = DecisionForm(initial={"decided_on": today()}, changes=changes, codes=codes)
    failed: forms.Form | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "review":
                review = failed = ReviewForm(request.POST)
                if review.is_valid():
                    records.record_review(appeal, notes=review.cleaned_data["review_notes"],
                                             on=review.cleaned_data["reviewed_on"],
                                             by=_user(request), request=request)  # fmt: skip
                    messages.success(request, "The review is recorded.")
                    return redirect("portal:la_appeal", appeal_id=appeal.pk)
            elif action == "decide":
                decision = failed = DecisionForm(request.POST, changes=changes, codes=codes)
                if decision.is_valid():
                    data = decision.cleaned_data
                    records.decide(appeal, decision=data["decision"], finals=decision.finals(),
                                      notes=data["decision_notes"], on=data["decided_on"],
                                      by=_user(request), request=request)  # fmt: skip
                    messages.success(request, "The decision is recorded and the school emailed. "
                                     "The final judgements are now in the figures.")  # fmt: skip
                    return redirect("portal:la_appeal", appeal_id=appeal.pk)
        except ModerationError as problem:
            assert failed is not None
            failed.add_error(None, str(problem))
    roles = _roles(collection)
    viewed(request, f"{m.school.name}'s KS2 moderation appeal", upns=[c.upn for c in changes],
           school=m.school, collection=collection, appeal=appeal.pk)  # fmt: skip
    return render(
        request,
        "la/moderation_appeal.html",
        {"appeal": appeal, "m": m, "collection": collection, "review": review,
         "decision": decision, "failed": failed,
         "changes": [(c, roles.get(c.role, c.role)) for c in changes],
         "evidence": list(appeal.evidence.all())},
        status=400 if failed is not None and failed.errors else 200,
    )  # fmt: skip


@la_user_required
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    item = get_object_or_404(
        AppealEvidence.objects.select_related(
            "appeal__moderated__school", "appeal__moderated__round__collection"
        ),
        pk=evidence_id,
    )
    return evidence_response(request, item)


def evidence_response(request: HttpRequest, item: AppealEvidence) -> HttpResponseBase:
    """The file as it was received, as an audited attachment (never shown in the browser)."""
    m = item.appeal.moderated
    what = f"the appeal evidence “{item.original_name}”"
    if gone := downloads.unavailable(request, item.file, m.round.collection, what):
        return gone  # deleted under the retention policy, or missing: a page that says so
    audit.record(
        audit.Action.DOWNLOAD, f"downloaded appeal evidence “{item.original_name}”",
        request=request, school=m.school, collection=m.round.collection, evidence=item.pk,
        sha256=item.sha256,
    )  # fmt: skip
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)  # fmt: skip


urls: list[URLPattern] = [
    path("la/collections/<int:collection_id>/moderation/", round_page, name="la_moderation"),
    path("la/moderation/<int:moderation_id>/", moderated_page, name="la_moderated"),
    path("la/moderation/<int:moderation_id>/letter/", letter, name="la_moderation_letter"),
    path("la/appeals/<int:appeal_id>/", appeal_page, name="la_appeal"),
    path("la/appeals/evidence/<int:evidence_id>/", evidence, name="la_appeal_evidence"),
]
