"""How a private, voluntary or independent (PVI) early years setting is known: by its early
years URN (6 digits, starting 5, 6 or 7: the DfE's EYFSP guidance), named the same way on
every page, message and file ("Little Acorns Nursery (EY URN 512345)"). The provider list's
loader, the upload's checks and the DfE return's checks all use these, so they cannot drift.
"""

from __future__ import annotations

import re

EY_URN = re.compile(r"[567][0-9]{5}")  # use with fullmatch


def setting_label(name: str, ey_urn: str) -> str:
    """'Little Acorns Nursery (EY URN 512345)'; 'EY URN 512345' when the name is not known."""
    return f"{name} (EY URN {ey_urn})" if name else f"EY URN {ey_urn}"
