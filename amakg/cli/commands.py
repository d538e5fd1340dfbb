"""The commands: each translates its arguments into one call of amakg.api and its answer
into output; errors go up to the boundary (amakg.cli.boundary)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import api
from ..errors import (
    ValidationFailed,
)
from .options import (
    FEDERATION_GRACE,
    FORMATS,
    PathType,
    begin,
    deadline,
    dist_option,
    endpoint_options,
    endpoint_routes,
    input_limits,
    limit_options,
    pairs,
    progress_display,
    read_query_argument,
    write_stdout,
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
@dist_option
def build(reference: bool, dist: Path | None) -> None:
    """Load, validate, reason and write dist/ (Turtle, JSON-LD, TriG, VoID) atomically."""
    begin()

    done = api.build_dist(dist, reference=reference, progress=progress_display())
    click.echo(f"amakg build: {done.dist}")
    ontology = done.counts.get("ontology", 0)
    click.echo(f"  triples asserted  {done.asserted:>8}  (incl. ontology {ontology})")
    click.echo(f"  triples inferred  {done.inferred:>8}")
    if done.report is not None:
        checked = done.report.shapes_checked
        click.echo(
            f"  shapes checked    {checked:>8}  (0 violations, {done.warnings} warnings; "
            f"quality checks: {done.documented} documented defects)"
        )
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in done.timings.items())
    click.echo(f"  time per stage    {stages}")
    click.echo(f"  total             {done.seconds:.2f} s")
    click.echo("  wrote " + ", ".join(p.name for p in done.files))


@cli.command()
@click.argument("files", nargs=-1, type=PathType(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    is_flag=True,
    help="Validate with pyshacl (the slow reference) instead of amakg.validation.fast "
    "on pyoxigraph.",
)
@limit_options
def validate(
    files: tuple[Path, ...],
    reference: bool,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Validate FILES (default: the project's data) against the shapes.

    Exit 0 when the data conforms, 1 with a report when it does not, 2 on an error.
    """
    begin()
    with input_limits(max_input_mb, max_literal_mb):
        report = api.validate(files, reference=reference)
    text = api.report_text(report)
    if not report.conforms:
        raise ValidationFailed(text, report)
    click.echo(text)


@cli.command(name="queries")
def list_queries() -> None:
    """List the canned queries and their parameters."""
    begin()
    for query in api.catalogue().values():
        click.echo(f"{query.name}: {query.title}")
        if query.description:
            click.echo(f"    {query.description}")
        for p in query.parameters:
            default = "required" if p.required else f"default {p.default!r}"
            click.echo(f"    --param {p.name}=<{p.type}>  ({default}) {p.help}")


def _run_and_print(result: api.QueryResult, fmt: str) -> None:
    if fmt == "table" and result.kind == "select" and not sys.stdout.isatty():
        fmt = "tsv"
    write_stdout(api.serialize(result, fmt))


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
@endpoint_options
@dist_option
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
    begin(network=bool(endpoints or mirrors))
    values: dict[str, object] = dict(pairs(params, "--param", "KEY=VALUE"))
    api.check_parameters(name, values)  # fail fast, before loading the graph
    routes = endpoint_routes(endpoints, mirrors)
    kg = api.open_graph(dist)
    with deadline(timeout + (FEDERATION_GRACE if routes else 0)):
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
@endpoint_options
@dist_option
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
    begin(network=bool(endpoints or mirrors))
    query_text = read_query_argument(query_text)
    routes = endpoint_routes(endpoints, mirrors)
    api.check_query(query_text, routes)  # fail fast, before loading the graph
    kg = api.open_graph(dist)
    with deadline(timeout + (FEDERATION_GRACE if routes else 0)):
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
    type=click.Choice(api.EXPORT_FORMATS),
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
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: stdout).",
)
@dist_option
def export(fmt: str, graph: str, out: Path | None, dist: Path | None) -> None:
    """Export the graph: asserted, inferred or all, as Turtle, JSON-LD, TriG or N-Triples."""
    begin()
    kg = api.open_graph(dist)
    if out is None:  # straight to stdout: nothing staged on disk
        kg.export(fmt, sys.stdout.buffer, graphs=graph)
        sys.stdout.flush()
    else:
        kg.export(fmt, out, graphs=graph)


@cli.command()
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@dist_option
def claims(fmt: str, dist: Path | None) -> None:
    """Check the article's claims against the graph: holds / contradicted / not enough data."""
    begin()
    verdicts = api.open_graph(dist).claims()
    if fmt == "json":
        payload = [v.to_json() for v in verdicts]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for verdict in verdicts:
        click.echo(verdict.to_text())


@cli.group(name="import")
def import_group() -> None:
    """Import third-party datasets into data/."""


@import_group.command(name="ama-history")
@click.argument("source", required=False, type=PathType(exists=True, path_type=Path))
@click.option(
    "--out",
    type=PathType(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: data/history).",
)
@limit_options
def import_ama_history(
    source: Path | None,
    out: Path | None,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Import the AMA history (.jl files, 1974–2020), merged with the article and curated.

    Writes nominations.ttl, provenance.ttl, links.ttl and import-report.{json,md} atomically.
    """
    begin()
    with input_limits(max_input_mb, max_literal_mb):
        report = api.import_history(source, out)
    click.echo(
        f"rows in {report.rows_in}, imported {report.rows_imported}, merged duplicates "
        f"{len(report.merged_rows)}, dropped {len(report.dropped)}; nominations out "
        f"{report.nominations_out}; entity merges {len(report.merges)}, ambiguous pairs "
        f"{len(report.ambiguous)}; {report.seconds:.2f} s"
    )
    click.echo(
        f"counts reconcile: {'yes' if report.reconciles() else 'NO'}; report: "
        f"{(out or api.history_output_dir()) / 'import-report.md'}"
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
    type=PathType(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Serve this TriG file as it is instead of dist/.",
)
@dist_option
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
    # no begin(): the server must listen on the network
    from ..server import serve as run_server

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
    type=PathType(exists=True, dir_okay=False, path_type=Path),
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
    type=PathType(dir_okay=False, path_type=Path),
    default=None,
    help="Linkset file (.ttl or .trig; default dist/linkset-<mapping>.ttl).",
)
@click.option(
    "--evaluate",
    is_flag=True,
    help="Also measure precision/recall against the gold links of the AMA history.",
)
@limit_options
def link_command(
    against: Path,
    threshold: float,
    out: Path | None,
    evaluate: bool,
    max_input_mb: float | None,
    max_literal_mb: float | None,
) -> None:
    """Reconcile the graph's artists with an external dataset: a linkset, VoID and a review list."""
    begin()
    with input_limits(max_input_mb, max_literal_mb):
        outcome = api.link(against, threshold, out=out, evaluate=evaluate)
    if outcome.evaluation is not None:
        click.echo(outcome.evaluation)
    accepted, ambiguous = len(outcome.result.accepted), len(outcome.result.ambiguous)
    click.echo(f"{accepted} links -> {outcome.linkset}; {ambiguous} for review -> {outcome.review}")
