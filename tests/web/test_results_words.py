"""One definition of the pupil groups' names and of the headline measures
(keystage.measures.labels): a school's report and the LA's results page, rendered, say them
alike, in the DfE's words."""

from __future__ import annotations

import re
from pathlib import Path

from django.template.loader import render_to_string
from django.test import Client
from portal_support import ctf_bytes, run_tasks, upload

from keystage.measures.labels import HEADLINES, label
from keystage.web.models import Collection, School
from keystage.web.reports.school_report import school_context


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_report_and_the_results_page_name_groups_and_headlines_alike(
    head_a: Client, la_client: Client, ks1: Collection, la_folder: Path, school_a: School
) -> None:
    upload(head_a, ks1, ctf_bytes(la_folder, school_a))
    run_tasks()
    page = la_client.get(f"/la/collections/{ks1.pk}/results/").content.decode()
    report = render_to_string("reports/school.html", school_context(school_a, ks1))

    # The groups: every one the report breaks down is named on the page in the same words.
    on_page = set(re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>',
                             between(page, 'id="breakdown-table"', "</table>")))  # fmt: skip
    in_report = set(re.findall(r'<tr><th scope="row">([^<]+?) \(\d+\)',
                               between(report, 'class="groups"', "</table>")))  # fmt: skip
    assert len(in_report) > 5 and in_report <= on_page
    assert "First language other than English" in in_report  # the DfE's words

    # The headline measures: the page's schools' columns, in order; the report's main
    # measures are those of them that are percentages (all of them, for KS1), in that order.
    headlines = [label(name) for name in HEADLINES["KS1"]]
    columns = re.findall(r'href="[^"]*">([^<]+)<span', between(page, 'id="schools"', "</thead>"))
    assert [c for c in columns if c in headlines] == headlines
    main = [long for _, long in school_context(school_a, ks1)["main"]]
    assert main == headlines
    # The headline (the first), which the page breaks down by group as the report does.
    assert f'id="breakdown">{headlines[0]}, by group</h2>' in page
