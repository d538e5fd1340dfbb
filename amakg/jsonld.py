"""Compacted JSON-LD 1.1 written straight from a store, with the local context inline.

rdflib's JSON-LD serializer took 81 s and 1.8 GB at 1M triples (bench/RESULTS.md); this writer
streams the triples of a store's default graph, one node object per subject, in ~2 s. The
context (ontology/context.jsonld) holds prefixes only, so compaction is IRI compaction:

- an IRI becomes a compact IRI `prefix:suffix` under the longest namespace that covers it,
  unless the suffix is empty or starts with `//` (it would read as an absolute IRI), in which
  case it stays absolute;
- rdf:type with IRI objects becomes `@type`; other rdf:type objects stay under `rdf:type`;
- xsd:string literals become JSON strings, language-tagged ones `{"@value", "@language"}`, and
  every other literal `{"@value", "@type"}` with its lexical form kept as it is (no native
  numbers: "01"^^xsd:integer stays "01");
- a property with one value has that value, several values a list (compactArrays).

A subject that comes back after its group (the store yields triples grouped by subject, but
nothing here relies on it) is written as a second node object with the same @id, which JSON-LD
processors merge. export.write_atomic re-parses the file and checks the triple count before it
replaces anything; tests/test_export.py checks the round trip is isomorphic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Triple = tuple[Term, Term, Term]


class Compactor:
    """IRI compaction with the prefixes of a context (memoized: IRIs repeat a lot)."""

    def __init__(self, context: Mapping[str, object]) -> None:
        prefixes = [(k, v) for k, v in context.items() if isinstance(v, str) and k[:1] != "@"]
        self._prefixes = sorted(prefixes, key=lambda kv: -len(kv[1]))
        self._memo: dict[str, str] = {}

    def iri(self, value: str) -> str:
        found = self._memo.get(value)
        if found is None:
            found = self._memo[value] = self._compact(value)
        return found

    def _compact(self, value: str) -> str:
        for prefix, namespace in self._prefixes:
            if value.startswith(namespace):
                suffix = value[len(namespace) :]
                if suffix and not suffix.startswith("//"):
                    return f"{prefix}:{suffix}"
        return value

    def node_id(self, term: Term) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        raise ValueError(f"JSON-LD 1.1 cannot write {term} as a node (RDF-star is not supported)")

    def value(self, term: Term) -> object:
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype == XSD_STRING:
                return term.value
            return {"@value": term.value, "@type": self.iri(datatype)}
        return {"@id": self.node_id(term)}


def write(triples: Iterable[Triple], context: Mapping[str, object], out: IO[str]) -> None:
    """Write `{"@context": context, "@graph": [...]}` to `out`."""
    compactor = Compactor(context)
    out.write('{\n"@context": ' + json.dumps(context, ensure_ascii=False) + ',\n"@graph": [')
    first = True
    subject: Term | None = None
    node: dict[str, list[object]] = {}
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                _write_node(out, compactor, subject, node, first)
                first = False
            subject, node = s, {}
        if isinstance(p, ox.NamedNode) and p.value == RDF_TYPE and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(compactor.iri(o.value))
        else:
            node.setdefault(compactor.node_id(p), []).append(compactor.value(o))
    if subject is not None:
        _write_node(out, compactor, subject, node, first)
    out.write("\n]\n}\n")


def _write_node(
    out: IO[str],
    compactor: Compactor,
    subject: Term,
    node: dict[str, list[object]],
    first: bool,
) -> None:
    document: dict[str, object] = {"@id": compactor.node_id(subject)}
    types = node.pop("@type", None)
    if types is not None:
        document["@type"] = types[0] if len(types) == 1 else types
    for key, values in node.items():
        document[key] = values[0] if len(values) == 1 else values
    out.write(("\n" if first else ",\n") + json.dumps(document, ensure_ascii=False))
