"""SHACL-SPARQL constraints (sh:sparql on a node shape): compiled after checking that the query
means on pyoxigraph what it means in pyshacl, and run once for all focus nodes as
`{ focus nodes } LATERAL { the query }`, which pyoxigraph evaluates with $this bound for each
focus node (pyshacl pre-binds it and runs the query once per focus node). Results, message
substitution ({?var}, {$this}) and duplicate removal follow pyshacl."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import OWL, SH
from rdflib.term import Identifier, Node

from ..store import from_ox
from .plan import Run, Shape, SparqlConstraint, Term, UnsupportedShape
from .report import ValidationResult, shorten

# ------------------------------------------------------------------ compiling

_REFUSED = [
    (re.compile(r"(?<![\w:?$])MINUS\b", re.I), "MINUS"),
    (re.compile(r"(?<![\w:?$])VALUES\b", re.I), "VALUES"),
    (re.compile(r"(?<![\w:?$])SERVICE\b", re.I), "SERVICE"),
    (re.compile(r"(?<![\w:?$])GRAPH\b", re.I), "GRAPH"),
    (re.compile(r"(?<![\w:?$])FROM\b", re.I), "FROM"),
    (re.compile(r"(?<![\w:?$])(PREFIX|BASE)\b", re.I), "PREFIX/BASE in the query text"),
    (re.compile(r"(?<![\w:?$])(LIMIT|OFFSET)\b", re.I), "LIMIT/OFFSET"),
    (re.compile(r"[?$](PATH|currentShape|shapesGraph)\b"), "$PATH/$currentShape/$shapesGraph"),
    (re.compile(r"[?$]failure\b"), "?failure"),
    (re.compile(r"\b(SUM|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I), "SUM/AVG/SAMPLE/GROUP_CONCAT"),
    (re.compile(r"\bCOUNT\s*\((?!\s*DISTINCT\b)", re.I), "COUNT without DISTINCT"),
    (re.compile(r"\bAS\s+[?$]this\b", re.I), "AS $this"),
]
_THIS = re.compile(r"[?$]this\b")
_ALLOWED = (RDF.type, SH.select, SH.message, SH.prefixes, RDFS.label, RDFS.comment)


def sh_name(term: Node) -> str:
    """A SHACL term as sh:name (vocab.curie does not know the sh: prefix)."""
    text = str(term)
    return "sh:" + text[len(str(SH)) :] if text.startswith(str(SH)) else shorten(term)


def compile_sparql(g: Graph, node: Node, where: str) -> SparqlConstraint:
    """The sh:sparql constraint `node` of a shape (`where` names the shape in errors)."""
    where = f"{where} sh:sparql {shorten(node)}"
    for p in set(g.predicates(node, None)):
        if p not in _ALLOWED:
            raise UnsupportedShape(f"{where}: {sh_name(p)} is not compiled by the fast path")
    selects = list(g.objects(node, SH.select))
    if len(selects) != 1 or not isinstance(selects[0], Literal):
        raise UnsupportedShape(f"{where}: needs exactly one sh:select string")
    text = str(selects[0])
    check_select(text, where)
    prefixes = collect_prefixes(g, node)
    try:
        solutions = ox.Store().query(
            text, prefixes=prefixes, substitutions={ox.Variable("this"): ox.NamedNode("x:")}
        )
    except (SyntaxError, RuntimeError) as exc:
        raise UnsupportedShape(f"{where}: the query does not run on pyoxigraph: {exc}") from exc
    assert isinstance(solutions, ox.QuerySolutions)
    variables = tuple(v.value for v in solutions.variables)
    if "this" not in variables:
        raise UnsupportedShape(f"{where}: the query does not project $this")
    return SparqlConstraint(
        node=node,
        select=text,
        prefixes=prefixes,
        messages=tuple(sorted(g.objects(node, SH.message), key=str)),
        variables=variables,
    )


def collect_prefixes(g: Graph, node: Node) -> dict[str, str]:
    """sh:prefixes as pyshacl's SPARQLQueryHelper.collect_prefixes reads them."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(g.subjects(RDF.type, OWL.Ontology))
    named = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
    global_declares = named | {d for o in ontologies for d in g.objects(o, SH.declare)}
    for value in g.objects(node, SH.prefixes):
        own = set(g.objects(value, SH.declare))
        declares = own | named if own and value in ontologies else global_declares | own
        for declare in declares:
            prefix = list(g.objects(declare, SH.prefix))
            namespace = list(g.objects(declare, SH.namespace))
            if len(prefix) != 1 or len(namespace) != 1:
                raise UnsupportedShape(f"{shorten(declare)}: sh:declare needs one prefix")
            ns = namespace[0]
            prefixes[str(prefix[0])] = str(ns.value if isinstance(ns, Literal) else ns)
    return prefixes


def check_select(text: str, where: str) -> None:
    """Refuse a query whose meaning differs between pyshacl (rdflib, $this pre-bound in every
    group) and a LATERAL join on pyoxigraph (the union of named graphs as a bag)."""
    stripped = _strip_strings_and_comments(text)
    for pattern, what in _REFUSED:
        if pattern.search(stripped):
            raise UnsupportedShape(f"{where}: the SPARQL constraint uses {what}")
    # every SELECT that mentions $this must project it (pyshacl binds it everywhere)
    for match in re.finditer(r"\bSELECT\b", stripped, re.I):
        body = _select_body(stripped, match.start())
        head_match = re.match(r"SELECT(.*?)(\bWHERE\b|\{)", body, re.I | re.S)
        head = head_match.group(1) if head_match else body
        if re.fullmatch(r"\s*((DISTINCT|REDUCED)\s+)?\*\s*", head, re.I):
            raise UnsupportedShape(f"{where}: the SPARQL constraint uses SELECT *")
        if _THIS.search(body) and not _THIS.search(head):
            raise UnsupportedShape(f"{where}: a SELECT mentions $this but does not project it")


def _strip_strings_and_comments(text: str) -> str:
    """The query text with string literals blanked and comments removed (for the checks)."""
    out = re.sub(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'', '""', text)
    out = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', out)
    return re.sub(r"#[^\n]*", "", re.sub(r"<[^<>\s]*>", "<>", out))


def _select_body(text: str, start: int) -> str:
    """From a SELECT keyword to the end of its group (the rest of the text for the outer one)."""
    depth = 0
    for i in range(start - 1, -1, -1):  # find the brace that opens this sub-select's group
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                break
            depth -= 1
    else:
        return text[start:]
    depth = 0
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            if depth == 0:
                return text[start:j]
            depth -= 1
    return text[start:]


# ------------------------------------------------------------------ running


def check_sparql(
    run: Run, root: Shape, constraint: SparqlConstraint, focus: str
) -> Iterator[ValidationResult]:
    """The results of a SPARQL constraint of `root` on its focus nodes (`focus` binds ?this)."""
    # pyshacl: the focus node is pre-bound as $this; here LATERAL binds it for each focus node
    focus = f"{{ SELECT DISTINCT ?this WHERE {focus} }}"  # the query runs once per focus node
    text = f"SELECT * WHERE {{ {focus} LATERAL {{ {constraint.select} }} }}"
    extra = [m for m in constraint.messages if m not in root.messages]
    seen: set[tuple[object, ...]] = set()
    for row in run.query(text, prefixes=constraint.prefixes):
        bound = {name: row[name] for name in constraint.variables if row[name] is not None}
        key = tuple(sorted((k, str(v)) for k, v in bound.items()))
        if key not in seen:
            seen.add(key)
            yield _result(root, [*extra, *root.messages], bound)


def _result(
    shape: Shape, messages: list[Literal | Node], bound: dict[str, Term]
) -> ValidationResult:
    this = bound.pop("this")
    path = bound.pop("path", None)
    value = bound.pop("value", None)
    if value is None:
        value = this  # a node shape reports its focus node as the value
    substitutions: dict[str, Identifier] = {k: from_ox(v) for k, v in bound.items()}
    substitutions["this"] = from_ox(this)
    if path is not None:
        substitutions["path"] = from_ox(path)
    substitutions["value"] = from_ox(value)
    texts = [_substitute(m, substitutions) for m in messages]
    return shape.result(this, value, min(texts, default=""), path=path)


def _substitute(message: Literal | Node, values: dict[str, Identifier]) -> str:
    # as pyshacl's _format_sparql_based_result_message (re.sub, values in this order)
    text = str(message.value) if isinstance(message, Literal) else str(message)
    for var, val in values.items():
        text = re.sub("{" + f"[?$]{var}" + "}", str(val), text)
    return text
