"""What a worker process does with a job: check each query, run it on the worker's own store and
serialize the answer, so that all of the work falls inside the time limit the pool enforces.

Everything here crosses a process boundary, so specs and answers are plain picklable values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from ..api import KnowledgeGraph, QueryResult, check_query, serialize, serialize_graph, to_ox
from ..errors import AmakgError, NetworkRefused, QueryError

GRAPH_FORMS = ("construct", "describe")


@dataclass(frozen=True)
class QuerySpec:
    """One query to run: its text, bound values, the dataset, the row cap and the output format.

    default_graphs None means the union of every graph; named_graphs None means every named
    graph. formats maps a result kind ("select", "ask", "graph") to an output format of
    amakg.output.serialize; None asks for the QueryResult itself.
    """

    sparql: str
    bindings: Mapping[str, Node] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10_000
    formats: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Answer:
    """A query's answer: serialized (payload, fmt) or as a QueryResult (result)."""

    kind: str  # "select" | "ask" | "graph"
    truncated: bool
    size: int  # rows, or triples for a graph
    fmt: str | None = None
    payload: bytes = b""
    result: QueryResult | None = None


@dataclass(frozen=True)
class Failure:
    """A job that could not be answered, with the HTTP status and the message to show."""

    status: int
    message: str
    kind: str = ""  # for a 406: the result kind that had no acceptable format


class NotAcceptable(AmakgError):
    """The query's result kind has no format the client accepts."""

    def __init__(self, kind: str, form: str) -> None:
        super().__init__(
            f"a {form.upper()} result cannot be given in any format the request accepts"
        )
        self.kind = kind


def run_job(graph: KnowledgeGraph, specs: Sequence[QuerySpec]) -> list[Answer] | Failure:
    """Answer every spec in order; the first failure answers for the whole job."""
    try:
        return [answer(graph, spec) for spec in specs]
    except NotAcceptable as exc:
        return Failure(406, str(exc), exc.kind)
    except NetworkRefused as exc:
        return Failure(
            400,
            f"{exc} This HTTP endpoint makes no outbound requests: it allows no "
            "SERVICE endpoint and loads no graph named by a URL.",
        )
    except AmakgError as exc:
        return Failure(400, str(exc))
    except RecursionError:
        return Failure(400, "the query is nested too deeply to be parsed")
    except MemoryError:
        return Failure(
            503, "the query needed more memory than a worker may use; add LIMIT or narrow it"
        )
    except Exception as exc:  # a bug must answer 500, not take the worker down
        return Failure(500, f"internal error: {type(exc).__name__}: {exc}")


def answer(graph: KnowledgeGraph, spec: QuerySpec) -> Answer:
    form = check_query(spec.sparql).form  # cached per query text by the guard
    kind = "graph" if form in GRAPH_FORMS else form
    fmt = None
    if spec.formats is not None:
        fmt = spec.formats.get(kind)
        if fmt is None:
            raise NotAcceptable(kind, form)
    check_bindings(spec.bindings)
    result = execute(graph, spec)
    size = len(result.graph) if result.graph is not None else len(result.rows)
    if fmt is None:
        return Answer(result.kind, result.truncated, size, result=result)
    return Answer(result.kind, result.truncated, size, fmt, to_bytes(result, fmt))


def check_bindings(bindings: Mapping[str, Node]) -> None:
    """Refuse (400) a bound value the query engine cannot take, e.g. an IRI with a lone "%"."""
    for name, value in bindings.items():
        try:
            to_ox(value)
        except (ValueError, TypeError) as exc:
            raise QueryError(f"the value given for {name!r} cannot be used: {exc}") from None


def to_bytes(result: QueryResult, fmt: str) -> bytes:
    if result.graph is not None:
        return serialize_graph(result.graph, fmt)
    return serialize(result, fmt)


def execute(graph: KnowledgeGraph, spec: QuerySpec) -> QueryResult:
    """Run the query over the requested dataset (by default: the union of every graph); GRAPH
    sees only the requested named graphs when named-graph-uri was given. The library's one
    query path (KnowledgeGraph.sparql: the guard, then the store)."""
    defaults = None if spec.default_graphs is None else [URIRef(g) for g in spec.default_graphs]
    named = None if spec.named_graphs is None else [URIRef(g) for g in spec.named_graphs]
    if named is not None and defaults is None:
        defaults = []  # SPARQL Protocol: named-graph-uri alone leaves the default graph empty
    return graph.sparql(
        spec.sparql,
        bindings=dict(spec.bindings),
        default_graphs=defaults,
        named_graphs=named,
        max_rows=spec.max_rows,
    )
