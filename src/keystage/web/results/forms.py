"""The comparison figures page's forms: importing a CSV of figures (LA administrators), and
choosing which of the figures held to list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet

from keystage.measures.labels import GROUPS, LABELS
from keystage.web.models import ComparisonFigure


class ComparisonUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV of figures",
        help_text="A DfE statistics file as published on Explore Education Statistics (the "
        "England headline file, the local authority file, or the EYFSP headline measures by "
        "characteristics), or the simple layout: measure, group, level, area, academic_year, "
        "value, numerator, denominator.",
        error_messages={"required": "Select the CSV file to import"},
    )
    source = forms.CharField(
        label="Where the figures come from",
        help_text="Shown beside every figure: the publication, its date and the file, for "
        "example “DfE, EYFSP results 2021/22, 1_eyfsp_headline_measures_2022.csv”.",
        max_length=300,
        error_messages={"required": "Enter where the figures come from"},
    )
    publisher = forms.ChoiceField(
        label="Who published them",
        required=False,
        choices=[("", "As the file says (a DfE statistics file is the DfE's)"),
                 *ComparisonFigure.Publisher.choices],
        help_text="Figures of one publisher never replace another's: NCER's emerging figures "
        "and the DfE's provisional ones for the same year are both kept.",
    )  # fmt: skip
    status = forms.ChoiceField(
        label="How final they are",
        required=False,
        choices=[("", "As the file says (its version or status column)"),
                 *((v, label.capitalize()) for v, label in ComparisonFigure.Status.choices)],
        help_text="The DfE publishes provisional figures first and revised or final ones "
        "later; NCER's are emerging. A row's own version or status column is used where the "
        "file has one; this choice is for rows that do not say. Importing the same publisher's "
        "figures at the same stage again updates them.",
    )  # fmt: skip


# A filter's name -> the column of ComparisonFigure it chooses by.
FILTERS = {"measure": "measure", "level": "level", "year": "academic_year", "group": "group",
           "publisher": "publisher"}  # fmt: skip


class FigureFilter(forms.Form):
    measure = forms.ChoiceField(label="Measure", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    year = forms.ChoiceField(label="Academic year", required=False)
    group = forms.ChoiceField(label="Group", required=False)
    publisher = forms.ChoiceField(label="Published by", required=False)

    def __init__(self, data: Any, *, years: Iterable[str]) -> None:
        super().__init__(data)
        offered = {
            "measure": [("", "Any measure")] + [(k, f"{v} ({k})") for k, v in LABELS.items()],
            "level": [("", "Any level"), *ComparisonFigure.Level.choices],
            "year": [("", "Any year")] + [(y, y) for y in years],
            "group": [("", "Any group"), *GROUPS.items()],
            "publisher": [("", "Anyone"), *ComparisonFigure.Publisher.choices],
        }
        for name, choices in offered.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def value(self, name: str) -> str:
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")

    def chosen(self, held: QuerySet[ComparisonFigure]) -> QuerySet[ComparisonFigure]:
        """The figures held that every filter given lets through."""
        asked = {column: self.value(name) for name, column in FILTERS.items()}
        return held.filter(**{column: value for column, value in asked.items() if value})

    @property
    def filtered(self) -> bool:
        return any(self.value(name) for name in FILTERS)

    @property
    def query(self) -> str:
        """The filters given, as a query string for the page links."""
        return urlencode({name: self.value(name) for name in FILTERS if self.value(name)})


def figure_filter(data: Any) -> FigureFilter:
    """The filter as asked, offering the years of the figures held."""
    held = ComparisonFigure.objects.order_by("-academic_year")
    years = held.values_list("academic_year", flat=True).distinct()
    return FigureFilter(data, years=list(years))
