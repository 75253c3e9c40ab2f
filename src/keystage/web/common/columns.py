"""Values read from a file, made to fit the columns that keep them.

The checks say what is wrong with a value; the store must still write the row, and a database
refuses a value longer than its column (PostgreSQL raises StringDataRightTruncation, and the
whole file would show "could not be checked", as if the fault were ours). So every text value
from a file is fitted here, in one of two ways:

- an identifier (a UPN) is kept whole or left blank, never cut: a 14-character UPN cut to 13
  could be another child's, and the cross-school check and the answers match on UPN. A UPN
  that is not 13 characters always has UPN-INVALID, which tells the school;
- text people read (a name, a finding's field) is shortened, with an ellipsis that shows it
  was. A surname or forename too long for its column has FIELD-TOO-LONG.

The whole value stays in the pupil's `data`, as the file gave it.
"""

from __future__ import annotations

import functools

from django.db.models import Model

ELLIPSIS = "…"


@functools.cache
def width(model: type[Model], name: str) -> int:
    """The column's max_length, as the model declares it."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(length)


def whole_or_blank(model: type[Model], name: str, value: str | None) -> str:
    """The value when it fits the column, else "": an identifier is never cut."""
    text = value or ""
    return text if len(text) <= width(model, name) else ""


def shortened(model: type[Model], name: str, value: str | None) -> str:
    """The value, cut to the column with an ellipsis when it is longer."""
    text = value or ""
    limit = width(model, name)
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS
