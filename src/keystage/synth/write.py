"""Writing the synthetic LA to a folder:

    out/schools.csv                          the GIAS-style register
    out/KS1/3302001_CTF_330LLLL_001.xml      one file per school, a folder per collection
    out/defects.json                         what was planted, when defects were asked for

Schools are independent (each draws from its own seeds), so a large LA is written by
several processes at once; the files are the same bytes whichever process writes them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from keystage.codesets import COLLECTIONS
from keystage.ctf.writer import write_ctf
from keystage.synth.defects import PlantedDefect
from keystage.synth.la import SynthConfig, generate_la
from keystage.synth.schools import generate_schools, write_register

_PARALLEL_FROM = 40  # schools; below this, starting processes costs more than it saves
_MAX_WORKERS = 8


@dataclass
class SynthResult:
    out: Path
    schools: int
    files: list[Path] = field(default_factory=list)
    pupils: Counter[str] = field(default_factory=Counter)  # by collection
    defects: list[PlantedDefect] = field(default_factory=list)

    def summary(self) -> str:
        per = ", ".join(f"{c} {n:,}" for c, n in self.pupils.items())
        planted = f"; {len(self.defects):,} planted defects in defects.json" if self.defects else ""
        total = sum(self.pupils.values())
        return (
            f"Wrote {self.schools:,} schools (schools.csv) and {len(self.files):,} CTF files "
            f"to {self.out}: {total:,} pupils ({per}){planted}."
        )


# What writing one file gives back: (collection, estab, path, pupils, planted defects).
Written = tuple[str, str, Path, int, list[PlantedDefect]]


def write_la(
    config: SynthConfig | None = None,
    *,
    out: Path | str,
    la: str = "330",
    schools: int = 300,
    collection: str = "ALL",
    seed: int = 1,
    defects: float = 0.0,
    academic_year: str = "2025-26",
    workers: int | None = None,
) -> SynthResult:
    """Writes the LA into `out` (a config, when given, stands for the other settings).

    Files an earlier run wrote (the register, CTFs named by the convention, defects.json)
    are removed first, so a folder never mixes two runs. `workers`: processes to use
    (default: one per CPU, up to 8, when the LA has 40 schools or more).
    """
    config = config or SynthConfig(la, schools, collection, seed, defects, academic_year)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    register = generate_schools(config.la, config.schools, config.seed)
    write_register(register, folder / "schools.csv")
    estabs = [s.estab for s in register]
    written = _write_all(config, folder, estabs, workers)
    # the same order however the work was shared: collection by collection, school by school
    position = {estab: i for i, estab in enumerate(estabs)}
    written.sort(key=lambda w: (COLLECTIONS.index(w[0]), position[w[1]]))
    result = SynthResult(out=folder, schools=config.schools)
    for collection_name, _, path, pupils, planted in written:
        result.files.append(path)
        result.pupils[collection_name] += pupils
        result.defects.extend(planted)
    if config.defects > 0:
        manifest = json.dumps([d.to_json() for d in result.defects], indent=1)
        (folder / "defects.json").write_text(manifest + "\n", encoding="utf-8")
    return result


def _write_all(
    config: SynthConfig, folder: Path, estabs: list[str], workers: int | None
) -> list[Written]:
    if workers is None:
        workers = min(os.cpu_count() or 1, _MAX_WORKERS) if len(estabs) >= _PARALLEL_FROM else 1
    # Fork, never spawn: a spawned worker re-runs the caller's main script, which breaks any
    # script without a __main__ guard. Forking is safe only while the caller has no other
    # thread (a web server's, say), so otherwise, or where there is no fork, stay serial.
    can_fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if workers <= 1 or not can_fork:
        return _write_schools(config, folder, estabs)
    size = max(1, len(estabs) // (workers * 4))
    chunks = [estabs[i : i + size] for i in range(0, len(estabs), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        parts = pool.map(_write_schools, [config] * len(chunks), [folder] * len(chunks), chunks)
        return [item for part in parts for item in part]


def _write_schools(config: SynthConfig, folder: Path, estabs: list[str]) -> list[Written]:
    """Writes these schools' files; runs in a worker process for a large LA."""
    written: list[Written] = []
    for item in generate_la(config, set(estabs)):
        target = folder / item.collection / item.name
        target.parent.mkdir(exist_ok=True)
        write_ctf(item.header, item.pupils, target)
        written.append((item.collection, item.school.estab, target, len(item.pupils), item.defects))
    return written


def _clear(folder: Path) -> None:
    for old in (folder / "defects.json", folder / "schools.csv"):
        old.unlink(missing_ok=True)
    for collection in COLLECTIONS:
        for old in (folder / collection).glob("*_CTF_*.xml"):
            old.unlink()
