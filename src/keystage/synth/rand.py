"""Seeded generators: every draw of the synthetic LA comes from one of these, never the clock."""

from __future__ import annotations

import random


def seeded(*parts: object) -> random.Random:
    """A generator seeded by its purpose ("1:3302001:KS1:results"): the same parts, the same
    draws, in any process (a text seed is hashed with SHA-512, not Python's salted hash)."""
    return random.Random(":".join(str(p) for p in parts))  # noqa: S311 - synthetic data, no secrets
