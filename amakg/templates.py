"""Turtle templates (queries/templates/*.ttl) filled with RDF terms: the constant part of a
description lives in a file, the values go in as terms (never pasted into Turtle text), so no
value can add a triple."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import product

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from . import resources

TEMPLATE = Namespace("https://w3id.org/amakg/template#")

# an absolute IRI as Turtle's IRIREF allows it (no spaces, controls, <>"{}|^`\)
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")

Value = Node | Sequence[Node]


@cache
def _template(name: str) -> Graph:
    path = resources.queries_dir() / "templates" / f"{name}.ttl"
    return Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")


def fill_template(
    name: str, values: Mapping[str, Value], fields: Mapping[str, str] | None = None
) -> Graph:
    """queries/templates/NAME.ttl with each placeholder tpl:KEY replaced by the RDF term(s) of
    values[KEY] (a sequence repeats the placeholder's triples once per term), the `{field}`s of
    its literals formatted from `fields` (settings, not data), its blank nodes fresh. Raises
    ValueError for a placeholder without a value, a term that cannot stand where the
    placeholder does, or an IRI that is not one."""
    template = _template(name)
    fresh: defaultdict[BNode, BNode] = defaultdict(BNode)

    def terms(term: Node) -> Sequence[Node]:
        if isinstance(term, BNode):
            return [fresh[term]]
        if isinstance(term, URIRef) and term.startswith(TEMPLATE):
            key = term[len(TEMPLATE) :]
            if key not in values:
                raise ValueError(f"template {name}: no value for tpl:{key}")
            value = values[key]
            return [value] if isinstance(value, Node) else value
        if isinstance(term, Literal) and fields:
            text = str(term).format_map(fields)
            return [Literal(text, lang=term.language, datatype=term.datatype)]
        return [term]

    graph = Graph()
    for prefix, namespace in template.namespaces():
        if namespace != URIRef(TEMPLATE):
            graph.bind(prefix, namespace)
    for triple in template:
        for s, p, o in product(*map(terms, triple)):
            graph.add((check_term(s, subject=True), check_term(p, predicate=True), check_term(o)))
    return graph


def check_term(term: Node, *, subject: bool = False, predicate: bool = False) -> Node:
    """`term` when it can stand in that position of a triple and, if an IRI, is a valid
    absolute one (so that no serialization can split it into more triples); else ValueError."""
    if isinstance(term, URIRef):
        if not _IRI.fullmatch(term):
            raise ValueError(f"not an absolute IRI: {str(term)!r}")
        return term
    if predicate or (subject and not isinstance(term, BNode)):
        raise ValueError(f"{term!r} cannot be a {'predicate' if predicate else 'subject'}")
    if not isinstance(term, BNode | Literal):
        raise ValueError(f"not an RDF term: {term!r}")
    return term
