"""Portal fixtures: a small synthetic LA on disk, its schools and accounts, open windows."""

from cross_school_support import two_schools_in  # noqa: F401 (a fixture)
from portal_fixtures import (  # noqa: F401 (fixtures, found by name)
    eyfsp,
    head_a,
    head_b,
    ks1,
    la_client,
    la_folder,
    officer,
    phon,
    school_a,
    school_b,
    schools,
)
from portal_world import world  # noqa: F401 (a fixture: every page has something on it)
from reminders_support import ks1_2026, three_schools  # noqa: F401 (fixtures)
