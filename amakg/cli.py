"""The command line: argument parsing and exit codes only; the work is in the library.

`main` is the one error boundary: every failure ends in exit 2 and one line `amakg: error: …`
on stderr (never a traceback; AMAKG_DEBUG=1 shows it for an internal error), exit 1 means only
that the data does not conform. As the console script, `main` takes the network away from the
process (amakg.sandbox) before a command works, unless the user allowed an endpoint.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from . import queries as canned
from .errors import (
    AmakgError,
    ExitCode,
    InputError,
    OutputError,
    ParameterError,
    QueryError,
    ValidationFailed,
    line_column,
)
from .load import PARSER_BUFFER, Limits, decode_utf8, megabytes, read_bytes, using_limits

FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "json-ld", "nt")
DEBUG_ENV = "AMAKG_DEBUG"  # set to 1 to see the traceback of an internal error
FEDERATION_GRACE = 5.0  # seconds the watchdog leaves a federated query to time out by itself
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _State:
    """What `main` tells the commands (stored as the click context's obj)."""

    offline: bool = False  # take the network away before a command works
    owns_process: bool = False  # the console script: may end the process at a query deadline


def _begin(*, network: bool = False) -> None:
    """Start of every command but serve: as the console script, enter a network namespace
    without interfaces (defence in depth behind the query guard) unless the command was
    allowed an endpoint. Must run before any thread starts (unshare needs one thread)."""
    state = click.get_current_context().find_object(_State)
    if state is not None and state.offline and not network:
        from .sandbox import isolate_network

        isolate_network()


def _write(payload: bytes) -> None:
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()


def _progress():
    from .progress import Progress

    return Progress()


class _Path(click.Path):
    """click.Path that turns a name no file can have (a NUL in it) into a usage error: click
    lets the ValueError of os.stat through."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except ValueError as exc:
            self.fail(f"{value!r} is not a file name ({exc})", param, ctx)


def _dist_option(f):
    return click.option(
        "--dist",
        type=_Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the built outputs (default: dist/ of the checkout).",
    )(f)


def _positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value} is not a positive number of seconds")
    return min(value, threading.TIMEOUT_MAX)


def _megabytes(most: float) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and 0 < value <= most):
            raise click.BadParameter(f"{value} is not a size in MB between 0 and {most:g}")
        return value

    return check


def _limit_options(f: F) -> F:
    """--max-input-mb and --max-literal-mb, for the commands that read the user's files."""
    default = Limits()
    f = click.option(
        "--max-literal-mb",
        type=float,
        default=None,
        callback=_megabytes(PARSER_BUFFER / 2**20),
        metavar="MB",
        help=f"Largest literal (string) read [default: {megabytes(default.max_literal_bytes)}; "
        f"at most {megabytes(PARSER_BUFFER)}, the parser's buffer].",
    )(f)
    return click.option(
        "--max-input-mb",
        type=float,
        default=None,
        callback=_megabytes(1024 * 1024),
        metavar="MB",
        help="Largest input file, and largest content of a .gz file once decompressed "
        f"[default: {megabytes(default.max_file_bytes)}].",
    )(f)


@contextmanager
def _limits(max_input_mb: float | None, max_literal_mb: float | None) -> Iterator[Limits]:
    with using_limits(Limits.from_megabytes(max_input_mb, max_literal_mb)) as limits:
        yield limits


def _endpoint_options(f):
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
        callback=_positive_seconds,
        help="Seconds a query may run (local or federated); it is then stopped (exit 2).",
    )(f)


def _routes(endpoints: tuple[str, ...], mirrors: tuple[str, ...]) -> dict[str, str]:
    return {**{e: e for e in endpoints}, **_pairs(mirrors, "--endpoint-mirror", "IRI=URL")}


def _pairs(items: tuple[str, ...], option: str, form: str) -> dict[str, str]:
    """KEY=VALUE options as a dict (the last of a repeated key wins)."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"{option} takes {form}, got {item!r}")
        pairs[key] = value
    return pairs


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the process when a query runs past `seconds`. pyoxigraph evaluates a query with
    the GIL released but cannot interrupt it, so a watchdog thread ends the whole process:
    only the console script does that: `main([...])` called in another program's process (a
    test, a notebook) leaves local queries without a deadline rather than end that program."""
    state = click.get_current_context().find_object(_State)
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


def _query_text(text: str) -> str:
    """The query: the argument itself, or the content of FILE for @FILE (UTF-8)."""
    if not text.startswith("@"):
        _refuse_undecodable(text)
        return text
    path = Path(text[1:])
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"cannot read query file: {exc.strerror}", path=str(path)) from exc
    return decode_utf8(data, path, "the query file")


def _refuse_undecodable(text: str) -> None:
    """Python hands a command-line argument that is not UTF-8 over with each bad byte as a
    lone surrogate (U+DC80-U+DCFF): say which byte, and where, instead of querying with it."""
    for index, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            line, column = line_column(text, index)
            raise QueryError(
                f"the query is not UTF-8: byte 0x{ord(char) - 0xDC00:02x} at line {line}, "
                f"column {column}; pass it in UTF-8"
            )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="amakg")
def cli() -> None:
    """amakg: a knowledge graph of the American Music Awards.

    Exit codes: 0 success; 1 the data does not conform (validate, build);
    2 error (bad input, bad usage, refused or invalid query, a limit reached).
    """


@cli.command()
@click.option(
    "--reference",
    is_flag=True,
    help="Take the reference path (rdflib graphs, pyshacl, owlrl: slow) instead of the fast one "
    "(pyoxigraph, amakg.validation.fast, the OWL RL rules of rules/owl-rl).",
)
@_dist_option
def build(reference: bool, dist: Path | None) -> None:
    """Load, validate, reason and write dist/ (Turtle, JSON-LD, TriG, VoID) atomically."""
    _begin()
    from .api import default_dist
    from .build import build as run_build
    from .build import write_dist

    dist = dist or default_dist()
    progress = _progress()
    start = time.perf_counter()
    built = run_build(progress=progress, reference=reference)
    try:
        files = write_dist(built, dist, progress)
    except OSError as exc:  # a read-only folder, /proc, a full disk
        raise OutputError(f"cannot write {exc.filename or dist}: {exc.strerror or exc}") from exc
    counts = built.counts()
    asserted = sum(v for k, v in counts.items() if k not in ("inferred", "total"))
    report = built.report
    click.echo(f"amakg build: {dist}")
    click.echo(f"  triples asserted  {asserted:>8}  (incl. ontology {counts.get('ontology', 0)})")
    click.echo(f"  triples inferred  {counts.get('inferred', 0):>8}")
    if report is not None:
        warnings = sum(1 for r in report.results if r.severity != "Violation")
        click.echo(
            f"  shapes checked    {report.shapes_checked:>8}  (0 violations, {warnings} warnings)"
        )
    click.echo(
        "  time per stage    " + ", ".join(f"{k} {v:.2f} s" for k, v in built.timings.items())
    )
    click.echo(f"  total             {time.perf_counter() - start:.2f} s")
    click.echo("  wrote " + ", ".join(p.name for p in files))


@cli.command()
@click.argument("files", nargs=-1, type=_Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    is_flag=True,
    help="Validate with pyshacl (the slow reference) instead of amakg.validation.fast "
    "on pyoxigraph.",
)
@_limit_options
def validate(
    files: tuple[Path, ...],
    reference: bool,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Validate FILES (default: the project's data) against the shapes.

    Exit 0 when the data conforms, 1 with a report when it does not, 2 on an error.
    """
    _begin()
    from .validation.reference import format_report

    with _limits(max_input_mb, max_literal_mb):
        report = _validation_report(files, reference)
    text = format_report(report)
    if not report.conforms:
        raise ValidationFailed(text, report)
    click.echo(text)


def _validation_report(files: tuple[Path, ...], reference: bool):
    from . import resources
    from .dataset import load_store, read_manifest
    from .load import read_quads
    from .store import Store
    from .validation.fast import validate_store
    from .validation.reference import refuse_rdf_star
    from .validation.reference import validate as run_validate
    from .vocab import ASSERTED, ONTOLOGY

    if files:
        store = Store()
        store.load_files(ONTOLOGY, [resources.ontology_file()])
        store.load_files(ASSERTED, files)
        if reference:
            for path in files:
                refuse_rdf_star(read_quads(path), path)
    else:
        store = load_store(read_manifest())
    if reference:
        return run_validate(store.union(store.graph_names()))
    return validate_store(store.oxigraph)


@cli.command(name="queries")
def list_queries() -> None:
    """List the canned queries and their parameters."""
    _begin()
    for query in canned.catalogue().values():
        click.echo(f"{query.name}: {query.title}")
        if query.description:
            click.echo(f"    {query.description}")
        for p in query.parameters:
            default = "required" if p.required else f"default {p.default!r}"
            click.echo(f"    --param {p.name}=<{p.type}>  ({default}) {p.help}")


def _run_and_print(result, fmt: str) -> None:
    from .output import serialize

    if fmt == "table" and result.kind == "select" and not sys.stdout.isatty():
        fmt = "tsv"
    _write(serialize(result, fmt))


@cli.command()
@click.argument("name")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value."
)
@click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True
)
@click.option(
    "--asserted-only", is_flag=True, help="Query the asserted graphs only (no inferences)."
)
@_endpoint_options
@_dist_option
def query(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    asserted_only: bool,
    endpoints: tuple[str, ...],
    mirrors: tuple[str, ...],
    timeout: float,
    dist: Path | None,
) -> None:
    """Run the canned query NAME (see `amakg queries`)."""
    _begin(network=bool(endpoints or mirrors))
    from .api import open_graph

    values: dict[str, object] = dict(_pairs(params, "--param", "KEY=VALUE"))
    canned.get(name).bindings(values)  # fail fast on bad parameters, before loading the graph
    routes = _routes(endpoints, mirrors)
    kg = open_graph(dist)
    with _deadline(timeout + (FEDERATION_GRACE if routes else 0)):
        result = kg.run(
            name, asserted_only=asserted_only, endpoints=routes, timeout=timeout, **values
        )
    _run_and_print(result, fmt)


@cli.command()
@click.argument("query_text", metavar="QUERY")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True
)
@click.option(
    "--asserted-only", is_flag=True, help="Query the asserted graphs only (no inferences)."
)
@click.option(
    "--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True, help="Row cap."
)
@_endpoint_options
@_dist_option
def sparql(
    query_text: str,
    fmt: str,
    asserted_only: bool,
    max_rows: int,
    endpoints: tuple[str, ...],
    mirrors: tuple[str, ...],
    timeout: float,
    dist: Path | None,
) -> None:
    """Run ad-hoc SPARQL: QUERY is the text, or @FILE to read it from a file."""
    _begin(network=bool(endpoints or mirrors))
    from .api import open_graph
    from .guard import check_query

    query_text = _query_text(query_text)
    routes = _routes(endpoints, mirrors)
    check_query(query_text, routes)  # fail fast, before loading the graph
    kg = open_graph(dist)
    with _deadline(timeout + (FEDERATION_GRACE if routes else 0)):
        result = kg.sparql(
            query_text,
            asserted_only=asserted_only,
            max_rows=max_rows,
            endpoints=routes,
            timeout=timeout,
        )
    _run_and_print(result, fmt)


@cli.command()
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["turtle", "json-ld", "trig", "nt"]),
    default="turtle",
    show_default=True,
)
@click.option(
    "--graph",
    type=click.Choice(["asserted", "inferred", "all"]),
    default="asserted",
    show_default=True,
)
@click.option(
    "--out",
    "-o",
    type=_Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: stdout).",
)
@_dist_option
def export(fmt: str, graph: str, out: Path | None, dist: Path | None) -> None:
    """Export the graph: asserted, inferred or all, as Turtle, JSON-LD, TriG or N-Triples."""
    _begin()
    from .api import open_graph
    from .export import export_dataset, export_union, write_union
    from .store import Store
    from .vocab import INFERRED

    kg = open_graph(dist)
    names = {"asserted": kg.asserted_graphs, "inferred": [INFERRED], "all": kg.graphs}[graph]
    if out is None:  # straight to stdout: nothing staged on disk
        write_union(kg.store, names, fmt, sys.stdout.buffer)
        sys.stdout.flush()
    elif fmt == "trig":
        subset = Store()
        for name in names:
            subset.add_graph(name, kg.store.graph(name))
        export_dataset(subset, out)
    else:
        export_union(kg.store, names, out, fmt)


@cli.command()
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_dist_option
def claims(fmt: str, dist: Path | None) -> None:
    """Check the article's claims against the graph: holds / contradicted / not enough data."""
    _begin()
    import json

    from .api import open_graph
    from .claims import evaluate_claims
    from .output import short

    kg = open_graph(dist)
    verdicts = evaluate_claims(lambda sparql: kg.sparql(sparql).rows)
    if fmt == "json":
        payload = [
            {
                "claim": str(v.claim),
                "title": v.title,
                "verdict": v.verdict,
                "reason": v.reason,
                "evidence": [{k: short(x) for k, x in row.items()} for row in v.evidence],
                "sources": v.sources,
            }
            for v in verdicts
        ]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    hidden = {"holds", "covered", "sources"}
    for v in verdicts:
        click.echo(f"{v.verdict.upper():<16} {v.title}  ({short(v.claim)})")
        click.echo(f"    why: {v.reason}")
        for row in v.evidence:
            cells = ", ".join(
                f"{k}={short(x)}" for k, x in row.items() if k not in hidden and x is not None
            )
            click.echo(f"    - {cells}")
        if v.sources:
            click.echo("    sources: " + ", ".join(v.sources))


@cli.group(name="import")
def import_group() -> None:
    """Import third-party datasets into data/."""


@import_group.command(name="ama-history")
@click.argument("source", required=False, type=_Path(exists=True, path_type=Path))
@click.option(
    "--out",
    type=_Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: data/history).",
)
@_limit_options
def import_ama_history(
    source: Path | None,
    out: Path | None,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Import the AMA history (.jl files, 1974–2020), merged with the article and curated.

    Writes nominations.ttl, provenance.ttl, links.ttl and import-report.{json,md} atomically.
    """
    _begin()
    from .importers.history import (
        article_graph,
        curation_graph,
        history_dir,
        import_history,
        output_dir,
    )

    with _limits(max_input_mb, max_literal_mb):
        report = import_history(
            source or history_dir(), out or output_dir(), article_graph(), curation_graph()
        )
    click.echo(
        f"rows in {report.rows_in}, imported {report.rows_imported}, merged duplicates "
        f"{len(report.merged_rows)}, dropped {len(report.dropped)}; nominations out "
        f"{report.nominations_out}; entity merges {len(report.merges)}, ambiguous pairs "
        f"{len(report.ambiguous)}; {report.seconds:.2f} s"
    )
    click.echo(
        f"counts reconcile: {'yes' if report.reconciles() else 'NO'}; report: "
        f"{(out or output_dir()) / 'import-report.md'}"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a query may run; its worker is then killed (HTTP 503).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows/triples per result; cut results carry Amakg-Truncated: true.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Query worker processes.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let browsers on ORIGIN read answers (repeatable; CORS is off by default).",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="HOST",
    help="Also answer requests whose Host header is HOST (repeatable; default: the bound "
    "address and localhost).",
)
@click.option(
    "--worker-memory",
    type=click.IntRange(min=0),
    default=4096,
    show_default=True,
    metavar="MB",
    help="Memory cap of a query worker (0: none).",
)
@click.option(
    "--data",
    type=_Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Serve this TriG file as it is instead of dist/.",
)
@_dist_option
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    cors_origins: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    worker_memory: int,
    data: Path | None,
    dist: Path | None,
) -> None:
    """Serve the graph: SPARQL at /sparql, the query page at /, entity pages at /id/…"""
    # no _begin(): the server must listen on the network
    from .server import serve as run_server

    run_server(
        host,
        port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors_origins=cors_origins,
        allowed_hosts=tuple(allowed_hosts),
        dist=dist,
        data=data,
        worker_memory_mb=worker_memory,
    )


@cli.command(name="link")
@click.option(
    "--against",
    type=_Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="External RDF dataset (Turtle, N-Triples, TriG, JSON-LD; .gz accepted).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="Lowest score accepted as a link.",
)
@click.option(
    "--out",
    type=_Path(dir_okay=False, path_type=Path),
    default=None,
    help="Linkset file (.ttl or .trig; default dist/linkset-<mapping>.ttl).",
)
@click.option(
    "--evaluate",
    is_flag=True,
    help="Also measure precision/recall against the gold links of the AMA history.",
)
@_limit_options
def link_command(
    against: Path,
    threshold: float,
    out: Path | None,
    evaluate: bool,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Reconcile the graph's artists with an external dataset: a linkset, VoID and a review list."""
    _begin()
    from .api import default_dist
    from .linking.evaluation import evaluate_against_sample, report
    from .linking.linker import link_file
    from .linking.linkset import write_linkset

    with _limits(max_input_mb, max_literal_mb):
        if evaluate:
            evaluation = evaluate_against_sample(threshold, against=against)
            click.echo(report(evaluation))
            result = evaluation.result
        else:
            result = link_file(against, threshold)
        out = out or default_dist() / f"linkset-{result.mapping.name}.ttl"
        linkset, review = write_linkset(result, out)
    click.echo(
        f"{len(result.accepted)} links -> {linkset}; {len(result.ambiguous)} for review -> {review}"
    )


def main(args: list[str] | None = None, *, offline: bool | None = None) -> int:
    """Entry point: library errors become messages and exit codes here, and only here.

    `offline` (default: True as the console script, i.e. when `args` is None; False when
    called with arguments, as the tests do in-process) takes the network away from the process
    before a command works (all but serve, and query/sparql given an endpoint). Only the
    console script ends its process when a local query passes --timeout."""
    if offline is None:
        offline = args is None
    try:
        code = cli.main(
            args=args,
            prog_name="amakg",
            standalone_mode=False,
            obj=_State(offline=offline, owns_process=args is None),
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


if __name__ == "__main__":
    sys.exit(main())
