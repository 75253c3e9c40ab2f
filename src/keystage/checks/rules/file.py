"""Whether the file holds results for the collection at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from keystage.checks.model import COLLECTION_NAMES, ERROR, Finding
from keystage.checks.registry import Accumulator, finding, rule
from keystage.checks.run import Run
from keystage.checks.text import join
from keystage.ctf.model import Pupil

_AGAIN = "make the file again in your MIS"


def _results_of(run: Run) -> str:
    if run.collection is None:
        return "a result Keystage recognises (EYFSP, phonics, KS1 or KS2)"
    return f"a {COLLECTION_NAMES[run.collection]} result"


@rule(
    code="FILE-EMPTY",
    severity=ERROR,
    scope="file",
    summary="No pupils, or no pupil with a result for this collection.",
)
class FileEmpty(Accumulator):
    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.pupils = 0
        self.with_results = 0

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        self.pupils += 1
        held = self.run.results(pupil).held
        # with no collection, a result for any collection counts
        if (self.run.collection in held) if self.run.collection else held:
            self.with_results += 1
        return ()

    def finish(self) -> Iterable[Finding]:
        if self.pupils == 0:
            message = f"The file has no pupils. Choose the year group's pupils and {_AGAIN}."
        elif self.with_results == 0:
            message = (
                f"None of the file's {self.pupils} pupils has {_results_of(self.run)}. Check "
                f"that the results are entered in your MIS, then {_AGAIN}."
            )
        else:
            return ()
        return (finding("FILE-EMPTY", message),)


@rule(
    code="FILE-WRONG-COLLECTION",
    severity=ERROR,
    scope="file",
    summary="The file holds results for another collection only (e.g. EYFSP file sent for KS1).",
    supersedes=("RESULT-MISSING", "FILE-EMPTY"),  # one finding says it better than thousands
)
class WrongCollection(Accumulator):
    def __init__(self, run: Run) -> None:
        super().__init__(run)
        self.wanted = run.collection if run.context.collection is not None else None
        self.held: Counter[str] = Counter()  # pupils with a result, by collection

    def pupil(self, pupil: Pupil) -> Iterable[Finding]:
        if self.wanted is not None:
            self.held.update(self.run.results(pupil).held)
        return ()

    def settled(self) -> bool:
        # one pupil with a result of the collection and the file is for it, whatever follows
        return self.wanted is None or self.held[self.wanted] > 0

    def finish(self) -> Iterable[Finding]:
        if self.wanted is None or self.held[self.wanted] or not self.held:
            return ()
        names = [COLLECTION_NAMES[c] for c, _ in self.held.most_common()]
        message = (
            f"This file holds {join(names)} results, not {COLLECTION_NAMES[self.wanted]} "
            f"results. Check that you chose the right file for this collection, or {_AGAIN}."
        )
        return (finding("FILE-WRONG-COLLECTION", message),)
