"""The KS2 results the LA downloads from the STA's NCA Portal (from 2026): a CTF, combined for
the LA or for one school, or a CSV of all results with teacher assessment, read into the same
`Pupil`s the CTF reader gives and grouped by each pupil's school (LAESTAB).

Pure core: no Django. The portal attributes the LAESTABs to its schools
(keystage.web.submissions.nca).
"""

from keystage.nca.columns import CSV_COLUMNS, Column
from keystage.nca.csv_reader import read_nca_csv
from keystage.nca.ctf_split import read_nca_ctf
from keystage.nca.model import Download, DownloadError, RowError

__all__ = [
    "CSV_COLUMNS",
    "Column",
    "Download",
    "DownloadError",
    "RowError",
    "read_nca_csv",
    "read_nca_ctf",
]
