"""The demo's guidance for schools, one text a collection as an LA's data team would write it,
and two schools' questions to the data team: one answered, one waiting.

The links are the STA's and the DfE's own pages on GOV.UK (named in reference/dfe-returns.md,
or their publication pages); the MIS help pages are named, not linked, except Arbor's, whose
address is stable: each supplier moves its help centre more often than GOV.UK does.
"""

from __future__ import annotations

import datetime as dt

from keystage.web.models import Collection, Guidance, QueryMessage, School, TeamQuery, User

GOV_UK = "https://www.gov.uk/government/publications"
EYFSP_HANDBOOK = f"{GOV_UK}/early-years-foundation-stage-profile-handbook"
EYFSP_RETURN = f"{GOV_UK}/early-years-foundation-stage-profile-return"
KS1_ARA = f"{GOV_UK}/key-stage-1-assessment-and-reporting-arrangements-ara"
PHONICS_ARA = f"{KS1_ARA}/phonics-screening-check"
PHONICS_RETURN = f"{GOV_UK}/phonics-screening-check-data-collection-guide"
KS1_FRAMEWORKS = f"{GOV_UK}/teacher-assessment-frameworks-at-the-end-of-key-stage-1"
KS2_ARA = f"{GOV_UK}/key-stage-2-assessment-and-reporting-arrangements-ara"
KS2_FRAMEWORKS = f"{GOV_UK}/teacher-assessment-frameworks-at-the-end-of-key-stage-2"
KS2_RESULTS = "https://www.gov.uk/guidance/key-stage-2-tests-how-to-access-results-and-test-scripts"
ARBOR_KS1_KS2 = (
    "https://support.arbor-education.com/hc/en-us/articles/"
    "360023050333-How-Key-Stage-1-and-Key-Stage-2-assessments-work-in-Arbor"
)

ANSWER_TIMES = (
    "We answer questions within two working days, and on the day of the deadline within the "
    "day. Ask in the portal if you can: the answer stays with your collection for whoever "
    "picks it up next."
)

OTHER_MIS = (
    "Another MIS (Scholarpack, Pupil Asset, Integris and others): your supplier's help desk. "
    "Ask for the {what} exported as a CTF for your local authority."
)

GUIDANCE: dict[str, dict[str, str]] = {
    "EYFSP": {
        "what_to_send": (
            "One common transfer file (CTF) with the Early Years Foundation Stage Profile of "
            "every child in your Reception classes: all 17 early learning goals for each child, "
            "1 (emerging) or 2 (expected), or A where long absence meant no judgement could be "
            "made.\n\n"
            "Export it from your MIS as a CTF for the local authority, not for another school. "
            "If your MIS cannot make one, download the spreadsheet template from this page, "
            "fill it in and upload that instead.\n\n"
            "We check it as soon as it arrives. Fix any errors in your MIS and send a new file; "
            "explain any queries on the file's page; then the head teacher signs the "
            "confirmation form."
        ),
        "mis_help": (
            "SIMS: in the SIMS help centre, the pages on the EYFS Profile and on exporting a "
            "CTF.\n"
            "Arbor: in the Arbor Help Centre, the pages on DfE assessments and the Early Years "
            "Foundation Stage Profile.\n"
            "Bromcom: in the Bromcom help centre, the pages on the EYFSP and on CTF export.\n"
            + OTHER_MIS.format(what="EYFSP results")
        ),
        "statutory": (
            "The Early years foundation stage profile handbook (STA): making the judgements, "
            "exemptions, and reporting to parents and to us.\n"
            f"{EYFSP_HANDBOOK}\n\n"
            "The EYFSP return (DfE): what we send on to the DfE from your file.\n"
            f"{EYFSP_RETURN}"
        ),
        "contact": (
            "Questions about your file, the checks or this portal: the data team. Questions "
            "about the judgements themselves: your early years moderation lead.\n\n" + ANSWER_TIMES
        ),
    },
    "PHON": {
        "what_to_send": (
            "One CTF with the phonics screening check of all your Year 1 pupils, and of the "
            "Year 2 pupils who took the check again (those who did not meet the standard in "
            "Year 1, or did not take it then). Both year groups in one file, please: every "
            "major MIS can export them together.\n\n"
            "For each pupil, the mark out of 40, or the reason there is none: A absent, "
            "D disapplied, L left. Q (maladministration) is for the LA to apply, never the "
            "school.\n\n"
            "We check the file as soon as it arrives; fix errors, explain queries, then the "
            "head teacher signs the confirmation form."
        ),
        "mis_help": (
            "SIMS: in the SIMS help centre, the pages on the phonics screening check and on "
            "exporting a CTF.\n"
            "Arbor: in the Arbor Help Centre, the page The Phonics Screening Check (Students, "
            "Assessments, DfE Assessments).\n"
            "Bromcom: in the Bromcom help centre, the pages on the phonics screening check and "
            "on CTF export.\n" + OTHER_MIS.format(what="phonics check results of Years 1 and 2")
        ),
        "statutory": (
            "Phonics screening check: assessment and reporting arrangements (STA), for 2025 "
            "to 2026.\n"
            f"{PHONICS_ARA}\n\n"
            "The phonics screening check data collection guide (DfE): what we send on to the "
            "DfE.\n"
            f"{PHONICS_RETURN}"
        ),
        "contact": ANSWER_TIMES,
    },
    "KS1": {
        "what_to_send": (
            "Key stage 1 teacher assessment is optional: send it if your school has told us it "
            "takes part this year.\n\n"
            "One CTF with your Year 2 pupils' teacher assessments: reading, writing and "
            "mathematics (GDS, EXS, WTS, PK1 to PK4, EM, or A), and science (EXS, HNM or A).\n\n"
            "We check it as soon as it arrives; fix errors, explain queries, then the head "
            "teacher signs the confirmation form. Your results go into the LA's own figures "
            "and your school's report, not to the DfE."
        ),
        "mis_help": (
            "SIMS: in the SIMS help centre, the pages on key stage 1 teacher assessment and on "
            "exporting a CTF.\n"
            "Arbor: How Key Stage 1 and Key Stage 2 assessments work in Arbor.\n"
            f"{ARBOR_KS1_KS2}\n"
            "Bromcom: in the Bromcom help centre, the pages on key stage assessments and on "
            "CTF export.\n" + OTHER_MIS.format(what="key stage 1 teacher assessments")
        ),
        "statutory": (
            "Key stage 1: assessment and reporting arrangements (STA).\n"
            f"{KS1_ARA}\n\n"
            "The teacher assessment frameworks at the end of key stage 1, now non-statutory.\n"
            f"{KS1_FRAMEWORKS}"
        ),
        "contact": ANSWER_TIMES,
    },
    "KS2": {
        "what_to_send": (
            "One CTF with your Year 6 pupils' key stage 2 results: the teacher assessments in "
            "writing and science, and the test results (scaled scores 80 to 120, or a code) "
            "once the STA has returned them to you and you have imported them into your MIS.\n\n"
            "If the test results are not in your MIS yet, send the teacher assessments now and "
            "a new file when the results arrive: each file you send becomes your current "
            "version.\n\n"
            "We check each file as soon as it arrives; fix errors, explain queries, then the "
            "head teacher signs the confirmation form."
        ),
        "mis_help": (
            "SIMS: in the SIMS help centre, the pages on importing the KS2 results CTF and on "
            "exporting a CTF.\n"
            "Arbor: How Key Stage 1 and Key Stage 2 assessments work in Arbor.\n"
            f"{ARBOR_KS1_KS2}\n"
            "Bromcom: in the Bromcom help centre, the pages on key stage 2 results and on CTF "
            "export.\n" + OTHER_MIS.format(what="key stage 2 results")
        ),
        "statutory": (
            "Key stage 2: assessment and reporting arrangements (STA).\n"
            f"{KS2_ARA}\n\n"
            "The teacher assessment frameworks at the end of key stage 2.\n"
            f"{KS2_FRAMEWORKS}\n\n"
            "Key stage 2 tests: how to access results and test scripts.\n"
            f"{KS2_RESULTS}"
        ),
        "contact": (
            "Questions about the test results themselves, scripts or reviews: the STA's "
            "national curriculum assessments helpline, 0300 303 3013. Questions about your "
            "file, the checks or this portal: the data team.\n\n" + ANSWER_TIMES
        ),
    },
}


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def load(windows: list[Collection], by: User) -> None:
    """Every window's guidance, written by `by` the day each opened; then the questions."""
    for window in windows:
        written = GUIDANCE[window.kind]
        Guidance.objects.create(collection=window, updated_by=by, updated_at=at(window.opens, 8),
                                **written)  # fmt: skip
    by_kind = {w.kind: w for w in windows}
    _questions(by_kind["PHON"], by_kind["KS1"], by)


def _questions(phonics: Collection, ks1: Collection, team: User) -> None:
    """A phonics question the data team has answered, and a KS1 one waiting for it, made as
    rows (the services would email the demo's made-up addresses)."""
    first, second = School.objects.order_by("laestab")[:2]
    answered = _ask(
        first, phonics, at(phonics.opens, 11), "Year 2 pupils in the same file?",
        "Our MIS exports Year 1 and Year 2 separately. Do you want two files?",
    )  # fmt: skip
    QueryMessage.objects.create(
        query=answered, author=team, sent_at=at(phonics.opens, 15),
        body="One file for both, please: a second upload replaces the first. In the export, "
        "choose both year groups (Year 2 only those who took the check again).",
    )  # fmt: skip
    answered.status = TeamQuery.Status.OPEN  # the data team wrote last
    answered.save(update_fields=["status"])
    _ask(second, ks1, at(ks1.opens + dt.timedelta(days=10), 9), "Do we have to send KS1?",
         "We did not send KS1 last year. Are we expected to this year?")  # fmt: skip


def _ask(school: School, window: Collection, when: dt.datetime, subject: str,
         body: str) -> TeamQuery:  # fmt: skip
    head = User.objects.get(username=school.urn)
    query = TeamQuery.objects.create(
        school=school, collection=window, subject=subject, from_school=True,
        status=TeamQuery.Status.REPLIED, raised_by=head, raised_at=when,
    )  # fmt: skip
    QueryMessage.objects.create(query=query, author=head, body=body, sent_at=when)
    return query
