"""The command line: argument parsing and exit codes only; the work is in the library."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import queries as canned
from .errors import AmakgError, ExitCode, ParameterError, ValidationFailed

FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "json-ld", "nt")


def _write(payload: bytes) -> None:
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()


def _progress():
    from .progress import Progress

    return Progress()


def _dist_option(f):
    return click.option(
        "--dist",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the built outputs (default: dist/ of the checkout).",
    )(f)


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
        help="Seconds before a federated query is stopped.",
    )(f)


def _routes(endpoints: tuple[str, ...], mirrors: tuple[str, ...]) -> dict[str, str]:
    routes = {e: e for e in endpoints}
    for item in mirrors:
        iri, sep, url = item.partition("=")
        if not sep:
            raise ParameterError(f"--endpoint-mirror takes IRI=URL, got {item!r}")
        routes[iri] = url
    return routes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="amakg")
def cli() -> None:
    """amakg: a knowledge graph of the American Music Awards.

    Exit codes: 0 success; 1 the data does not conform (validate, build);
    2 error (bad input, bad usage, refused or invalid query).
    """


@cli.command()
@click.option(
    "--reference",
    is_flag=True,
    help="Take the reference path (rdflib graphs, pyshacl, owlrl: slow) instead of the fast one "
    "(pyoxigraph, amakg.fastshacl, the OWL RL rules of rules/owl-rl).",
)
@_dist_option
def build(reference: bool, dist: Path | None) -> None:
    """Load, validate, reason and write dist/ (Turtle, JSON-LD, TriG, VoID) atomically."""
    from .api import default_dist
    from .build import build as run_build
    from .build import write_dist

    dist = dist or default_dist()
    progress = _progress()
    start = time.perf_counter()
    built = run_build(progress=progress, reference=reference)
    files = write_dist(built, dist, progress)
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
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reference",
    is_flag=True,
    help="Validate with pyshacl (the slow reference) instead of amakg.fastshacl on pyoxigraph.",
)
def validate(files: tuple[Path, ...], reference: bool) -> None:
    """Validate FILES (default: the project's data) against the shapes.

    Exit 0 when the data conforms, 1 with a report when it does not, 2 on an error.
    """
    from . import resources
    from .dataset import load_store, read_manifest
    from .fastshacl import validate_store
    from .store import Store
    from .validate import format_report
    from .validate import validate as run_validate
    from .vocab import ASSERTED, ONTOLOGY

    if files:
        store = Store()
        store.load_files(ONTOLOGY, [resources.ontology_file()])
        store.load_files(ASSERTED, files)
    else:
        store = load_store(read_manifest())
    if reference:
        report = run_validate(store.union(store.graph_names()))
    else:
        report = validate_store(store.oxigraph)
    text = format_report(report)
    if not report.conforms:
        raise ValidationFailed(text, report)
    click.echo(text)


@cli.command(name="queries")
def list_queries() -> None:
    """List the canned queries and their parameters."""
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
    from .api import open_graph

    values: dict[str, object] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"--param takes KEY=VALUE, got {item!r}")
        values[key] = value
    canned.get(name).bindings(values)  # fail fast on bad parameters, before loading the graph
    kg = open_graph(dist)
    result = kg.run(
        name,
        asserted_only=asserted_only,
        endpoints=_routes(endpoints, mirrors),
        timeout=timeout,
        **values,
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
@click.option("--max-rows", type=int, default=100_000, show_default=True, help="Row cap.")
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
    from .api import open_graph
    from .errors import InputError
    from .guard import check_query

    if query_text.startswith("@"):
        path = Path(query_text[1:])
        try:
            query_text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read query file: {exc.strerror}", path=str(path)) from exc
    routes = _routes(endpoints, mirrors)
    check_query(query_text, routes)  # fail fast, before loading the graph
    kg = open_graph(dist)
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
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: stdout).",
)
@_dist_option
def export(fmt: str, graph: str, out: Path | None, dist: Path | None) -> None:
    """Export the graph: asserted, inferred or all, as Turtle, JSON-LD, TriG or N-Triples."""
    import tempfile

    from .api import open_graph
    from .export import export_dataset, export_union
    from .store import Store
    from .vocab import INFERRED

    kg = open_graph(dist)
    names = {"asserted": kg.asserted_graphs, "inferred": [INFERRED], "all": kg.graphs}[graph]
    target = out or Path(tempfile.mkdtemp()) / f"export.{fmt}"
    if fmt == "trig":
        subset = Store()
        for name in names:
            subset.add_graph(name, kg.store.graph(name))
        export_dataset(subset, target)
    else:
        export_union(kg.store, names, target, fmt)
    if out is None:
        _write(target.read_bytes())
        target.unlink()


@cli.command()
@click.option(
    "--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_dist_option
def claims(fmt: str, dist: Path | None) -> None:
    """Check the article's claims against the graph: holds / contradicted / not enough data."""
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
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: data/history).",
)
def import_ama_history(source: Path | None, out: Path | None) -> None:
    """Import the AMA history (.jl files, 1974–2020), merged with the article and curated.

    Writes nominations.ttl, provenance.ttl, links.ttl and import-report.{json,md} atomically.
    """
    from .history import article_graph, curation_graph, history_dir, import_history, output_dir

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
    "--worker-memory",
    type=click.IntRange(min=0),
    default=4096,
    show_default=True,
    metavar="MB",
    help="Memory cap of a query worker (0: none).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
    worker_memory: int,
    data: Path | None,
    dist: Path | None,
) -> None:
    """Serve the graph: SPARQL at /sparql, the query page at /, entity pages at /id/…"""
    from .server import serve as run_server

    run_server(
        host,
        port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors_origins=cors_origins,
        dist=dist,
        data=data,
        worker_memory_mb=worker_memory,
    )


@cli.command(name="link")
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Linkset file (.ttl or .trig; default dist/linkset-<mapping>.ttl).",
)
@click.option(
    "--evaluate",
    is_flag=True,
    help="Also measure precision/recall against the gold links of the AMA history.",
)
def link_command(against: Path, threshold: float, out: Path | None, evaluate: bool) -> None:
    """Reconcile the graph's artists with an external dataset: a linkset, VoID and a review list."""
    from .api import default_dist
    from .link import link_file
    from .linkeval import evaluate_against_sample, report
    from .linkset import write_linkset

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


def main(args: list[str] | None = None) -> int:
    """Entry point: library errors become messages and exit codes here, and only here."""
    try:
        code = cli.main(args=args, prog_name="amakg", standalone_mode=False)
    except ValidationFailed as exc:
        click.echo(str(exc))  # the report is the command's output
        return ExitCode.NOT_CONFORMING
    except AmakgError as exc:
        click.echo(f"amakg: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return ExitCode.ERROR
    except click.Abort:
        return ExitCode.ERROR
    return code if isinstance(code, int) else ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
