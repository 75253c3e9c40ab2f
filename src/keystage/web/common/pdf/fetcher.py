"""The only files a PDF may load: this folder's fonts and stylesheet. No network at all.

WeasyPrint would otherwise follow any URL in the HTML (an image, a stylesheet, a font), so a
pupil's name holding markup could make a worker fetch from the network or read a local file.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from keystage.web.common.pdf.assets import ASSETS

SERVED = frozenset({".css", ".ttf"})


class RefusedAssetError(ValueError):
    """A report asked for something outside the report's own assets."""


def asset_path(url: str) -> Path:
    """The file a URL names, if it is one of the report's assets; RefusedAssetError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedAssetError(f"reports load no {parts.scheme or 'relative'} URLs: {url}")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(ASSETS) or path.suffix not in SERVED or not path.is_file():
        raise RefusedAssetError(f"not one of the report's assets: {url}")
    return path


class AssetFetcher(URLFetcher):
    """Serves the report's fonts and stylesheet from this folder and refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = asset_path(url)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
