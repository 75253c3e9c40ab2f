"""The birth window of the children a PVI early years setting returns EYFSP results for.

An LA returns EYFSP results for every child at the end of the EYFS in maintained schools and
academies, and, in private, voluntary and independent (PVI) settings, only for the children
still receiving government-funded early education (dfe-returns.md §2.1, from the DfE's 2024
EYFSP return guide: "children born 1 April 2019 to 31 August 2019"; unfunded children must not
be submitted). Those are the summer-born children of the Reception cohort: a child need not
start school until the term after their fifth birthday, so one born between April and August
may spend the Reception year in a funded place at a setting, where the profile is completed.

The 2024 window is the only one the DfE's text gives; the window moves with the cohort, so for
the academic year starting in Y it is 1 April to 31 August of Y - 4 (2025/26, the 2026 return:
born 1 April to 31 August 2021). That year arithmetic is inferred (dfe-returns.md §2.1 says so):
check it against each year's return guide, and change it here, in one place.
"""

from __future__ import annotations

import datetime as dt

FIRST_MONTH_DAY = (4, 1)  # 1 April
LAST_MONTH_DAY = (8, 31)  # 31 August
YEARS_BEFORE_START = 4  # the Reception cohort's summer-borns were born 4 years before it starts


def funded_window(start_year: int) -> tuple[dt.date, dt.date]:
    """(first, last) date of birth, inclusive, of the funded children a setting returns for the
    academic year starting in `start_year` (2025 -> 1 April 2021 to 31 August 2021)."""
    born = start_year - YEARS_BEFORE_START
    return dt.date(born, *FIRST_MONTH_DAY), dt.date(born, *LAST_MONTH_DAY)
