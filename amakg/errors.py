"""One exception tree. Each error says what failed, where, and what to do."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the CLI (documented in the README)."""

    OK = 0
    NOT_CONFORMING = 1  # validation found violations
    ERROR = 2  # bad input, bad usage, or an operation that could not complete


def line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    """Line and column (both 1-based; the column in characters) of an offset into a text or
    into UTF-8 bytes: where an error message says a problem is."""
    if isinstance(text, bytes):
        start = text.rfind(b"\n", 0, offset) + 1
        column = len(text[start:offset].decode("utf-8", "replace")) + 1
        return text.count(b"\n", 0, offset) + 1, column
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


class AmakgError(Exception):
    """Base class of every error amakg reports to a user."""

    exit_code = ExitCode.ERROR


class InputError(AmakgError):
    """A file could not be read or parsed; carries file, line and column where known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path, self.line, self.column, self.hint = path, line, column, hint
        where = path or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        text = f"{where}: {message}"
        if hint:
            text += f"\n  hint: {hint}"
        super().__init__(text)


class OutputError(AmakgError):
    """An output file or folder could not be written; the previous file, if any, was kept."""


class NetworkRefused(AmakgError):
    """A query, file or context asked for a remote resource, which amakg refuses by default."""


class QueryError(AmakgError):
    """A SPARQL query is invalid, refused, or was stopped at a limit."""


class ParameterError(AmakgError):
    """A canned query is unknown, or one of its parameters is missing or ill-typed."""


class ReasoningError(AmakgError):
    """The reasoner found an inconsistency (owlrl err: messages) or a rule failed."""


class ValidationFailed(AmakgError):
    """The data does not conform to the shapes; carries the report."""

    exit_code = ExitCode.NOT_CONFORMING

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report
