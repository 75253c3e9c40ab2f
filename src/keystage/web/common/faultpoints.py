"""Places where the fault tests (tests/faults) stop a worker process on purpose.

Inert unless the environment names the point: KEYSTAGE_FAULT_POINT=<point> and
KEYSTAGE_FAULT_DIR=<folder>. A process reaching that point writes `<pid>.reached` in the folder
and waits there: until a file `go` appears, or until KEYSTAGE_FAULT_PARTIES processes have
reached it (a barrier: two workers at the same step at once), or until it is killed. It never
waits longer than MAX_WAIT, so a forgotten setting cannot hang a worker for good.

Points: "before-store" (a version is checked, nothing of it stored yet) and "stored-pupils"
(inside the storing transaction, its pupils written, not committed).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

MAX_WAIT = 120.0


def reached(point: str) -> None:
    if os.environ.get("KEYSTAGE_FAULT_POINT") != point:
        return
    folder = Path(os.environ["KEYSTAGE_FAULT_DIR"])
    (folder / f"{os.getpid()}.reached").write_text(point)
    parties = int(os.environ.get("KEYSTAGE_FAULT_PARTIES", "0"))
    deadline = time.monotonic() + MAX_WAIT
    while time.monotonic() < deadline:
        if (folder / "go").exists():
            return
        if parties and len(list(folder.glob("*.reached"))) >= parties:
            return
        time.sleep(0.05)
