"""The one place that knows which store holds the graph: an in-memory pyoxigraph Store.

Graphs go in as files (parsed and checked by amakg.load, nothing converted: the fast path) or as
rdflib graphs (the reference path: pyshacl and owlrl work on rdflib), and out as rdflib graphs,
files or streams of triples; queries run on pyoxigraph with values bound through SPARQL
substitutions, never formatted into the text. The engines that work on pyoxigraph itself
(amakg.reasoning.fast, amakg.validation.fast) are handed `Store.oxigraph`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from . import sparqlfiles
from .errors import QueryError
from .querytext import canonical

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
OxTriple = tuple[OxTerm, OxTerm, OxTerm]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def from_ox(term: object) -> Identifier:
    """A pyoxigraph term as an rdflib term (lexical forms kept as they are)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        # normalize=False: keep the lexical form ("01"), whatever rdflib.NORMALIZE_LITERALS is
        # (pyshacl's validate() sets it back to True when it returns)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    if isinstance(term, ox.DefaultGraph):
        raise TypeError("the default graph is not an RDF term")
    raise TypeError(f"unsupported term {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _RDF_LANG):
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


@dataclass
class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    kind: str  # "select" | "ask" | "graph"
    vars: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier | None]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False

    def values(self, var: str) -> list[Identifier | None]:
        """The values of one variable, row by row."""
        return [row.get(var) for row in self.rows]

    def to_python(self) -> list[dict[str, object]]:
        """Rows with literals as Python values and IRIs as strings."""
        return [
            {k: (v.toPython() if isinstance(v, Literal | URIRef) else v) for k, v in row.items()}
            for row in self.rows
        ]


class Store:
    """Named graphs in pyoxigraph, queried with SPARQL 1.1."""

    def __init__(self) -> None:
        self._store = ox.Store()

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store itself, for the engines that work on it (the fast reasoner and
        validator)."""
        return self._store

    # ------------------------------------------------------------------ filling

    def load_files(self, name: URIRef, paths: Iterable[Path]) -> int:
        """Parse and check files (amakg.load.read_quads) into a named graph; returns the count
        of quads parsed. Nothing goes through rdflib."""
        from .load import read_quads

        target = ox.NamedNode(str(name))
        parsed = 0
        for path in paths:
            quads = read_quads(path)
            self._store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
            parsed += len(quads)
        return parsed

    def add_graph(self, name: URIRef, graph: Graph | Iterable[tuple[Node, Node, Node]]) -> int:
        """Add triples to a named graph; returns how many were given."""
        target = ox.NamedNode(str(name))
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in graph]  # type: ignore[arg-type]
        self._store.extend(quads)
        return len(quads)

    def add_default(self, graph: Graph) -> None:
        """Add triples to the default graph (used to serialize a single graph)."""
        self._store.extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())  # type: ignore[arg-type]
            for s, p, o in graph
        )

    def load_file(self, path: Path, graph: URIRef | None = None) -> None:
        """Bulk-load a Turtle/TriG/N-Quads file that `amakg build` wrote (TriG keeps its named
        graphs): no size bound, but only a regular file is read."""
        from .inputs import Limits, using_limits
        from .load import parse_quads

        with using_limits(Limits.for_built_output()):
            if graph is None:
                self._store.extend(parse_quads(path))
            else:
                target = ox.NamedNode(str(graph))
                self._store.extend(
                    ox.Quad(q.subject, q.predicate, q.object, target) for q in parse_quads(path)
                )

    # ------------------------------------------------------------------ reading

    def graph_names(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graph(self, name: URIRef) -> Graph:
        """A copy of one named graph as an rdflib Graph."""
        graph = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        return graph

    def union(self, names: Sequence[URIRef]) -> Graph:
        graph = Graph()
        for name in names:
            graph += self.graph(name)
        return graph

    def merged(self, names: Sequence[URIRef]) -> Store:
        """A new store holding the union of `names` in its default graph (duplicates merged)."""
        merged = Store()
        for name in names:
            merged._store.extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
            )
        return merged

    def triples(self) -> Iterator[OxTriple]:
        """(subject, predicate, object) of the default graph as pyoxigraph terms, grouped by
        subject (for the writers that stream, e.g. amakg.jsonld)."""
        graph = ox.DefaultGraph()
        for row in self._store.query(_sparql("subjects")):  # type: ignore[union-attr]
            for quad in self._store.quads_for_pattern(row["s"], None, None, graph):
                yield quad.subject, quad.predicate, quad.object

    def count(self, name: URIRef | None = None) -> int:
        """The number of quads of the store, or of triples of one named graph."""
        return len(self._store) if name is None else self.counts().get(name, 0)

    def counts(self) -> dict[URIRef, int]:
        """The number of triples of each named graph (one SPARQL aggregate, not a Python loop)."""
        answer = self._store.query(_sparql("graph-sizes"))
        assert isinstance(answer, ox.QuerySolutions)
        return {URIRef(row["g"].value): int(row["n"].value) for row in answer}

    def dump(
        self,
        output: Path | BinaryIO,
        fmt: ox.RdfFormat,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        """The default graph (triple formats) or the dataset (TriG, N-Quads), streamed to a file
        or a binary stream (a large dataset never sits in memory)."""
        target = str(output) if isinstance(output, Path) else output
        self._store.dump(target, **_dump_options(fmt, prefixes))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ querying

    def _all_graphs(self, graphs: Sequence[URIRef]) -> bool:
        """True when `graphs` are every named graph of the store (and the default graph is empty,
        so that the union default graph holds exactly their triples)."""
        named = {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}
        if {str(g) for g in graphs} != named:
            return False
        return (
            next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None
        )

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of `graphs` (all named graphs by default).

        Values in `bindings` are substituted for the variables of the same name. The text run is
        the canonical one (amakg.querytext), the same that amakg.guard checks.
        """
        sparql = canonical(sparql)
        substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        kwargs: dict[str, object] = {"substitutions": substitutions}
        if graphs is None or self._all_graphs(graphs):
            # the same triples (both merge the graphs as a bag), but pyoxigraph reads its union
            # default graph faster than a list of graphs: category-records 41 -> 15 ms
            kwargs["use_default_graph_as_union"] = True
        else:
            kwargs["default_graph"] = [ox.NamedNode(str(g)) for g in graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(str(g)) for g in named_graphs]
        try:
            answer = self._store.query(sparql, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None
        return _result(answer, max_rows)


def _sparql(name: str) -> str:
    """One of the store's own queries (queries/store/NAME.rq)."""
    return sparqlfiles.read("store", name)


def _dump_options(fmt: ox.RdfFormat, prefixes: Mapping[str, str] | None) -> dict[str, object]:
    """pyoxigraph dump() options: prefixes where the syntax has them; for a triple syntax, the
    default graph."""
    options: dict[str, object] = {"format": fmt}
    if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        options["prefixes"] = dict(prefixes)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        options["from_graph"] = ox.DefaultGraph()
    return options


def _result(answer: object, max_rows: int | None) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows: list[dict[str, Identifier | None]] = []
        truncated = False
        for solution in answer:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(
                {n: (from_ox(solution[n]) if solution[n] is not None else None) for n in names}
            )
        return QueryResult(kind="select", vars=names, rows=rows, truncated=truncated)
    graph = Graph()
    assert isinstance(answer, ox.QueryTriples)
    for count, triple in enumerate(answer):
        if max_rows is not None and count >= max_rows:
            return QueryResult(kind="graph", graph=graph, truncated=True)
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return QueryResult(kind="graph", graph=graph)
