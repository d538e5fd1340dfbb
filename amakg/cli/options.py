"""What the commands share: option types and decorators, the process state (offline, may
end the process), the query deadline and reading a query argument."""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import api, formats
from ..errors import (
    ExitCode,
    ParameterError,
    QueryError,
    line_column,
)

FORMATS = tuple(dict.fromkeys((*formats.names("select"), *formats.names("graph"))))
DEBUG_ENV = "AMAKG_DEBUG"  # set to 1 to see the traceback of an internal error
FEDERATION_GRACE = 5.0  # seconds the watchdog leaves a federated query to time out by itself
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    """What `main` tells the commands (stored as the click context's obj)."""

    offline: bool = False  # take the network away before a command works
    owns_process: bool = False  # the console script: may end the process at a query deadline


def begin(*, network: bool = False) -> None:
    """Start of every command but serve: as the console script, enter a network namespace
    without interfaces (defence in depth behind the query guard) unless the command was
    allowed an endpoint. Must run before any thread starts (unshare needs one thread)."""
    state = click.get_current_context().find_object(State)
    if state is not None and state.offline and not network:
        from ..sandbox import isolate_network

        isolate_network()


def write_stdout(payload: bytes) -> None:
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()


def progress_display() -> api.Progress:
    return api.Progress()


class PathType(click.Path):
    """click.Path that turns a name no file can have (a NUL in it) into a usage error: click
    lets the ValueError of os.stat through."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except ValueError as exc:
            self.fail(f"{value!r} is not a file name ({exc})", param, ctx)


def dist_option(f):
    return click.option(
        "--dist",
        type=PathType(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the built outputs (default: dist/ of the checkout).",
    )(f)


def positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value} is not a positive number of seconds")
    return min(value, threading.TIMEOUT_MAX)


def megabytes(most: float) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and 0 < value <= most):
            raise click.BadParameter(f"{value} is not a size in MB between 0 and {most:g}")
        return value

    return check


def limit_options(f: F) -> F:
    """--max-input-mb and --max-literal-mb, for the commands that read the user's files."""
    default = api.Limits()
    f = click.option(
        "--max-literal-mb",
        type=float,
        default=None,
        callback=megabytes(api.PARSER_BUFFER / 2**20),
        metavar="MB",
        help=f"Largest literal (string) read [default: {api.megabytes(default.max_literal_bytes)}; "
        f"at most {api.megabytes(api.PARSER_BUFFER)}, the parser's buffer].",
    )(f)
    return click.option(
        "--max-input-mb",
        type=float,
        default=None,
        callback=megabytes(1024 * 1024),
        metavar="MB",
        help="Largest input file, and largest content of a .gz file once decompressed "
        f"[default: {api.megabytes(default.max_file_bytes)}].",
    )(f)


@contextmanager
def input_limits(max_input_mb: float | None, max_literal_mb: float | None) -> Iterator[api.Limits]:
    with api.using_limits(api.Limits.from_megabytes(max_input_mb, max_literal_mb)) as limits:
        yield limits


def endpoint_options(f):
    f = click.option(
        "--allow-endpoint",
        "endpoints",
        multiple=True,
        metavar="URL",
        help="Allow SERVICE calls to this endpoint (all SERVICE calls are refused by default).",
    )(f)
    f = click.option(
        "--endpoint-mirror",
        "mirrors",
        multiple=True,
        metavar="IRI=URL",
        help="Allow the SERVICE endpoint IRI and call URL instead (a mirror or a local copy).",
    )(f)
    return click.option(
        "--timeout",
        type=float,
        default=30.0,
        show_default=True,
        callback=positive_seconds,
        help="Seconds a query may run (local or federated); it is then stopped (exit 2).",
    )(f)


def endpoint_routes(endpoints: tuple[str, ...], mirrors: tuple[str, ...]) -> dict[str, str]:
    return {**{e: e for e in endpoints}, **pairs(mirrors, "--endpoint-mirror", "IRI=URL")}


def pairs(items: tuple[str, ...], option: str, form: str) -> dict[str, str]:
    """KEY=VALUE options as a dict (the last of a repeated key wins)."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"{option} takes {form}, got {item!r}")
        pairs[key] = value
    return pairs


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop the process when a query runs past `seconds`. pyoxigraph evaluates a query with
    the GIL released but cannot interrupt it, so a watchdog thread ends the whole process:
    only the console script does that: `main([...])` called in another program's process (a
    test, a notebook) leaves local queries without a deadline rather than end that program."""
    state = click.get_current_context().find_object(State)
    if state is None or not state.owns_process:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        if not done.wait(seconds):
            os.write(
                2,
                f"amakg: error: the query was stopped after {seconds:g} s (--timeout); "
                "add LIMIT or narrow it\n".encode(),
            )
            os._exit(ExitCode.ERROR)

    threading.Thread(target=watch, name="amakg-query-deadline", daemon=True).start()
    try:
        yield
    finally:
        done.set()


def read_query_argument(text: str) -> str:
    """The query: the argument itself, or the content of FILE for @FILE (UTF-8)."""
    if not text.startswith("@"):
        refuse_undecodable(text)
        return text
    return api.read_query_file(Path(text[1:]))


def refuse_undecodable(text: str) -> None:
    """Python hands a command-line argument that is not UTF-8 over with each bad byte as a
    lone surrogate (U+DC80-U+DCFF): say which byte, and where, instead of querying with it."""
    for index, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            line, column = line_column(text, index)
            raise QueryError(
                f"the query is not UTF-8: byte 0x{ord(char) - 0xDC00:02x} at line {line}, "
                f"column {column}; pass it in UTF-8"
            )
