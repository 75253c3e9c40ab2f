"""How much of a CTF the reader takes on, and why each number is what it is."""

from __future__ import annotations

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32
# What the tree may hold at once, between two releases (a pupil, the header). A pupil with
# every optional block is a few hundred elements and tens of KB. One giant record, or a
# start tag with millions of attributes, would otherwise grow the tree (at up to 25 bytes of
# memory per byte of file) without bound inside the size cap.
MAX_HELD_ELEMENTS = 50_000
MAX_HELD_BYTES = 2 * 1024 * 1024
# Pupils (and any other elements at pupil level) in one file. A school sends a few hundred;
# millions of tiny records would cost the reader, and the checks after it, far more time
# per megabyte than real pupils do.
MAX_RECORDS = 200_000
HEAD_BYTES = 64 * 1024  # read before lxml starts: magic bytes, BOM, XML declaration, prolog
CHUNK = 64 * 1024
