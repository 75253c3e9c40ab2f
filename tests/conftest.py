"""For every test: the portal's published code tables are a source of keystage.codesets only
where the test has a database.

Django is set up for the whole session (pytest-django), so PortalConfig.ready registers the
source that reads the LA's published tables; a test without a database (the core's, and
module-level tables read while collecting) then checks against the shipped tables, as
`keystage validate` does offline, instead of being refused the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from keystage import codesets
from keystage.web.codetables import published

_DATABASE = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}

codesets.unregister_source(published.source)


@pytest.fixture(autouse=True)
def _published_code_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    has_database = request.node.get_closest_marker("django_db") is not None or bool(
        _DATABASE & set(request.fixturenames)
    )
    if has_database:
        codesets.register_source(published.source)
    try:
        yield
    finally:
        codesets.unregister_source(published.source)
