"""One very large school file, for benchmarks: written as it is generated, so memory stays
flat however big the file (by size, or by its number of pupils)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

from keystage import codesets
from keystage.ctf.model import Pupil
from keystage.ctf.writer import to_bytes, write_ctf
from keystage.synth.cohort import SchoolCohorts
from keystage.synth.la import make_header
from keystage.synth.schools import School, generate_schools

_CHUNK = 900  # pupils per allocating school: UPN serials have three digits
_SAMPLE = 300


def write_big_file(
    path: Path | str,
    target_mb: float,
    collection: str = "KS1",
    seed: int = 1,
    *,
    la: str = "330",
    academic_year: str = "2025-26",
) -> int:
    """Writes one school's CTF of at least `target_mb` megabytes; returns its pupil count.

    UPNs stay valid and unique: each chunk of pupils is allocated by another estab number.
    """
    codeset = codesets.load(academic_year)
    school = generate_schools(la, 1, seed)[0]
    cohorts = SchoolCohorts(school, codeset, f"{seed}:big")
    header = make_header(school, codeset, collection, cohorts.profile.supplier, cohorts.seed)
    sample = list(itertools.islice(_stream(school, collection, seed, academic_year), _SAMPLE))
    per_pupil = len(to_bytes(header, sample)) / len(sample)
    target = target_mb * 1024 * 1024
    count = math.ceil(target / per_pupil * 1.01)
    while True:
        pupils = itertools.islice(_stream(school, collection, seed, academic_year), count)
        write_ctf(header, pupils, path)
        if Path(path).stat().st_size >= target:
            return count
        count = math.ceil(count * 1.05)


def write_school_file(
    path: Path | str,
    school: School,
    pupils: int,
    collection: str = "KS1",
    seed: int = 1,
    *,
    academic_year: str = "2025-26",
) -> int:
    """Writes `school`'s CTF with `pupils` pupils (valid, unique UPNs as above); returns them."""
    codeset = codesets.load(academic_year)
    cohorts = SchoolCohorts(school, codeset, f"{seed}:big")
    header = make_header(school, codeset, collection, cohorts.profile.supplier, cohorts.seed)
    write_ctf(header, itertools.islice(_stream(school, collection, seed, academic_year), pupils),
              path)  # fmt: skip
    return pupils


def _stream(school: School, collection: str, seed: int, academic_year: str) -> Iterator[Pupil]:
    codeset = codesets.load(academic_year)
    for chunk in itertools.count():
        allocator = f"{2000 + chunk % 8000:04d}"
        cohorts = SchoolCohorts(school, codeset, f"{seed}:big:{chunk}", size=_CHUNK,
                                allocator=allocator)  # fmt: skip
        yield from cohorts.pupils(collection)
