"""A headline figure for one group of pupils, and the list of figures each collection has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["percent", "average"]
PERCENT: Kind = "percent"
AVERAGE: Kind = "average"


@dataclass(frozen=True, slots=True)
class Spec:
    """One measure a collection reports: its stable name and whether it is a % or a mean."""

    name: str
    kind: Kind = PERCENT


SPECS: dict[str, tuple[Spec, ...]] = {
    "EYFSP": (
        Spec("eyfsp_gld"),
        Spec("eyfsp_all_elgs_expected"),
        Spec("eyfsp_avg_elgs_expected", AVERAGE),
        Spec("eyfsp_not_assessed"),  # information: children left out as all goals A
    ),
    "PHON": (
        Spec("phon_y1_met"),
        Spec("phon_recheck_met"),
        Spec("phon_y2_met_by_end"),  # only when last year's Year 1 outcomes are given
    ),
    "KS1": (
        Spec("ks1_reading_exs_plus"),
        Spec("ks1_writing_exs_plus"),
        Spec("ks1_maths_exs_plus"),
        Spec("ks1_science_exs"),
        Spec("ks1_reading_gds"),
        Spec("ks1_writing_gds"),
        Spec("ks1_maths_gds"),
        Spec("ks1_rwm_exs_plus"),
    ),
    "KS2": (
        Spec("ks2_rwm_exs_plus"),
        Spec("ks2_rwm_high"),
        Spec("ks2_reading_exs_plus"),
        Spec("ks2_writing_exs_plus"),
        Spec("ks2_maths_exs_plus"),
        Spec("ks2_gps_exs_plus"),
        Spec("ks2_reading_avg_score", AVERAGE),
        Spec("ks2_maths_avg_score", AVERAGE),
        Spec("ks2_gps_avg_score", AVERAGE),
    ),
}


def one_dp(total: int, count: int, scale: int = 1) -> float | None:
    """total * scale / count to one decimal place, halves rounded up (as the DfE publishes);
    exact integer arithmetic, so 6.25 is 6.3 (float rounding would give 6.2)."""
    if count == 0:
        return None
    tenths = (2 * 10 * scale * total + count) // (2 * count)
    return tenths / 10


@dataclass(frozen=True, slots=True)
class Measure:
    """A figure for one group. A percentage carries numerator, denominator and percent; an
    average carries value (the mean) and denominator (the pupils it is over).

    `suppressed`: shown as `c` beyond the school (numerator, denominator, percent and value
    are None). `small`: the group is at or under the small-number threshold (a school's own
    report shows it, marked). `note`: why a figure is as it is, for people.
    """

    measure: str
    group: str
    denominator: int | None
    numerator: int | None = None
    percent: float | None = None
    value: float | None = None
    kind: Kind = PERCENT
    suppressed: bool = False
    small: bool = False
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable `measures --json` shape: fields may be added, never renamed or removed."""
        out: dict[str, Any] = {"measure": self.measure, "group": self.group}
        if self.kind == AVERAGE:
            out.update(value=self.value, denominator=self.denominator)
        else:
            out.update(numerator=self.numerator, denominator=self.denominator, percent=self.percent)
        out.update(kind=self.kind, suppressed=self.suppressed, small=self.small)
        if self.note is not None:
            out["note"] = self.note
        return out


def make_measure(spec: Spec, group: str, count: int, total: int) -> Measure:
    """The figure for `count` pupils whose values (1 met / 0 not, or a score) add to `total`."""
    if spec.kind == AVERAGE:
        return Measure(spec.name, group, count, value=one_dp(total, count), kind=AVERAGE)
    return Measure(spec.name, group, count, numerator=total, percent=one_dp(total, count, 100))
