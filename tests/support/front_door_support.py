"""What the front door's tests share: the security headers every answer carries, and a PDF (a
file plainly not a CTF, which the upload guard refuses at its first bytes)."""

from __future__ import annotations

import re
from typing import Any

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


def assert_front_door_headers(response: Any) -> None:
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
