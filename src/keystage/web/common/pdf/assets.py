"""Where the PDFs' own assets lie: this folder (the house stylesheet and the fonts)."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parent
BASE_URL = ASSETS.as_uri() + "/"
