"""The one error boundary: every failure becomes an exit code and one line on stderr."""

from __future__ import annotations

import logging
import os
import sys
import traceback

import click

from ..errors import (
    AmakgError,
    ExitCode,
    ValidationFailed,
)
from .commands import cli
from .options import DEBUG_ENV, State


class _Stderr(logging.Handler):
    """The library's warnings (amakg.api: e.g. dist/ out of date, building in memory) as
    `amakg: …` lines on whatever stderr is now."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"amakg: {record.getMessage()}", err=True)


def _show_library_warnings() -> None:
    logger = logging.getLogger("amakg.api")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        logger.addHandler(_Stderr(logging.WARNING))


def main(args: list[str] | None = None, *, offline: bool | None = None) -> int:
    """Entry point: library errors become messages and exit codes here, and only here.

    `offline` (default: True as the console script, i.e. when `args` is None; False when
    called with arguments, as the tests do in-process) takes the network away from the process
    before a command works (all but serve, and query/sparql given an endpoint). Only the
    console script ends its process when a local query passes --timeout."""
    if offline is None:
        offline = args is None
    _show_library_warnings()
    try:
        code = cli.main(
            args=args,
            prog_name="amakg",
            standalone_mode=False,
            obj=State(offline=offline, owns_process=args is None),
        )
    except ValidationFailed as exc:
        click.echo(str(exc))  # the report is the command's output
        return ExitCode.NOT_CONFORMING
    except AmakgError as exc:
        return _fail(str(exc), exc.exit_code)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        return _usage_error(exc)
    except click.Abort:
        return _fail("interrupted")
    except BrokenPipeError:
        return _broken_pipe()
    except MemoryError:
        return _fail("out of memory; lower the input size limits (--max-input-mb) or the query")
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except Exception as exc:  # the boundary: an unexpected error still ends in one line
        return _internal_error(exc)
    return code if isinstance(code, int) else ExitCode.OK


def _fail(message: str, code: int = ExitCode.ERROR) -> int:
    click.echo(f"amakg: error: {_printable(message)}", err=True)
    return code


def _printable(text: str) -> str:
    """Text any stderr can take: a lone surrogate (a non-UTF-8 byte of a command line or a
    file name) is shown as its escape instead of failing the write."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _usage_error(exc: click.ClickException) -> int:
    try:
        exc.show()
    except UnicodeEncodeError:  # a non-UTF-8 argument echoed back in the message
        click.echo(f"Error: {_printable(exc.format_message())}", err=True)
    return ExitCode.ERROR


def _internal_error(exc: Exception) -> int:
    if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        traceback.print_exc()
    text = " ".join(str(exc).split())
    text = text if len(text) <= 300 else text[:300] + "…"
    return _fail(
        f"internal error ({type(exc).__name__}: {text}); please report it "
        f"(set {DEBUG_ENV}=1 to see where it happened)"
    )


def _broken_pipe() -> int:
    """The reader of stdout went away (`| head`): stop quietly; point stdout at /dev/null so
    that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return _fail("output closed before the end (broken pipe)")
