"""The one error the CTF reader raises: a file Keystage refuses, said for a school office."""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal["FILE-NOT-XML", "FILE-HOSTILE", "FILE-NOT-CTF"]


class CTFError(Exception):
    """A file refused as a whole.

    `code` is one of the file-level check codes of reference/checks.md; `message` says, in
    plain English, what is wrong and what to do. `line` and `column` point into the file when
    the problem has a place. Messages never carry a traceback or anything from outside the file.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return f"CTFError({self.code!r}, {self.message!r}, line={self.line}, column={self.column})"
