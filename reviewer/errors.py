"""Errors a user can act on. Every bad input maps to one code and a specific Chinese message;
the CLI exits with 2, the app shows the message, neither shows a traceback."""

from __future__ import annotations


class ReviewerError(Exception):
    """Base class: carries a stable code and a zh-CN message for the user."""

    code = "error"
    exit_code = 2

    def __init__(self, message: str, *, code: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class BadInputError(ReviewerError):
    """The file cannot be reviewed as given (empty, corrupt, encrypted, wrong type, ...)."""

    code = "bad_input"


class LimitExceededError(BadInputError):
    """The file is over a configured limit (size, pages, decompression ratio, table size)."""

    code = "limit_exceeded"


class StageTimeoutError(ReviewerError):
    """A processing stage ran past its time budget."""

    code = "timeout"


class UsageError(ReviewerError):
    """Wrong command-line usage (unknown rule id, bad option value)."""

    code = "usage"
