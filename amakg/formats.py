"""The output formats, declared once: names (CLI --format, HTTP ?format=), media types, file
extensions and which results each can carry. The CLI, the exports, the result writers and the
server's content negotiation all read this table.

Result kinds: "select" and "ask" (SPARQL results), "graph" (CONSTRUCT / DESCRIBE, or one graph
exported), "dataset" (named graphs kept: TriG).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # as --format and ?format= take it
    media_type: str  # what an answer in this format is labelled with
    kinds: frozenset[str]  # the result kinds it can carry
    extension: str | None = None  # of a file in this format
    aliases: tuple[str, ...] = ()  # other ?format= names clients send
    also_accepted: tuple[str, ...] = ()  # other media types a client may ask it by
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/
    rdf_syntax: str | None = None  # the pyoxigraph RdfFormat that writes it, if any

    @property
    def content_type(self) -> str:
        """The media type with its charset, for an HTTP answer."""
        textual = self.media_type.startswith("text/")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


_RESULTS = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})

REGISTRY: tuple[Format, ...] = (
    Format("table", "text/plain", frozenset({"select", "ask", "graph"})),
    Format(
        "json",
        "application/sparql-results+json",
        _RESULTS,
        ".srj",
        also_accepted=("application/json",),
        w3c="SPARQL_Results_JSON",
    ),
    Format("xml", "application/sparql-results+xml", _RESULTS, ".srx", w3c="SPARQL_Results_XML"),
    Format("csv", "text/csv", frozenset({"select"}), ".csv", w3c="SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", _RESULTS, ".tsv", w3c="SPARQL_Results_TSV"),
    Format("turtle", "text/turtle", _GRAPH, ".ttl", ("ttl",), w3c="Turtle", rdf_syntax="TURTLE"),
    Format(
        "json-ld",
        "application/ld+json",
        _GRAPH,
        ".jsonld",
        ("jsonld",),
        w3c="JSON-LD",
        rdf_syntax="JSON_LD",
    ),
    Format(
        "nt",
        "application/n-triples",
        _GRAPH,
        ".nt",
        ("ntriples",),
        w3c="N-Triples",
        rdf_syntax="N_TRIPLES",
    ),
    Format("rdf-xml", "application/rdf+xml", _GRAPH, ".rdf", ("rdfxml",), w3c="RDF_XML"),
    Format("trig", "application/trig", frozenset({"dataset"}), ".trig", rdf_syntax="TRIG"),
)
_BY_NAME = {f.name: f for f in REGISTRY}


def get(name: str) -> Format:
    """The format called `name` (KeyError if none is)."""
    return _BY_NAME[name]


def names(kind: str, *, for_people: bool = True) -> tuple[str, ...]:
    """The names of the formats that carry `kind`, in the registry's order (the table, for
    people, unless for_people=False)."""
    return tuple(f.name for f in REGISTRY if kind in f.kinds and (for_people or f.name != "table"))


def offers(kind: str) -> tuple[tuple[str, str], ...]:
    """(media type, name) pairs a server offers for a result kind, preferred first: each
    format's own media type, then the other types clients ask it by."""
    own = [(f.media_type, f.name) for f in REGISTRY if kind in f.kinds and f.name != "table"]
    more = [
        (media, f.name)
        for f in REGISTRY
        if kind in f.kinds and f.name != "table"
        for media in f.also_accepted
    ]
    return (*own, *more)


def alias(name: str) -> str:
    """The registry name for a ?format= value clients send ("ttl" -> "turtle")."""
    lowered = name.lower()
    for f in REGISTRY:
        if lowered in f.aliases:
            return f.name
    return lowered


def w3c_names(kinds: frozenset[str]) -> tuple[str, ...]:
    """The W3C format names (http://www.w3.org/ns/formats/) of the formats carrying `kinds`."""
    return tuple(f.w3c for f in REGISTRY if f.w3c and f.kinds & kinds)
