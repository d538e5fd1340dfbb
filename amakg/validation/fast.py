"""A fast SHACL validator: the shapes compiled to SPARQL and run on pyoxigraph.

pyshacl (amakg.validation.reference.validate) stays the reference. This path gives the same
report, result for result, for shapes that use what it compiles, without converting the data to
rdflib:

- validate_store(store, graphs=..., shapes=...): validates the union of the store's named graphs
  (or of `graphs`; the data must include the ontology, as validate()'s input does) and returns
  the ValidationReport that validate() returns for the same triples;
- compile_shapes(shapes): the compiled form of a shapes graph (ontology/shapes.ttl compiled once
  per content of the file), which raises UnsupportedShape on anything it does not compile.

The modules: compile (shapes -> plan), plan (the compiled shapes), components (constraint
components -> SPARQL), sparql_constraints (SHACL-SPARQL), values (pyshacl's value semantics),
run (executing the plan, the report), report (the report type, shared with the reference).

How a shape is checked. Each shape with a target (a root) and each property shape of a root is
compiled, constraint by constraint, into one SELECT query that finds the offending rows of all
focus nodes at once: the focus nodes are the root's targets (sh:targetClass through the
rdfs:subClassOf closure of the data, sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode);
the value nodes follow sh:path (IRI, sh:inversePath, sh:alternativePath, sequences).

- sh:minCount 1 -> FILTER NOT EXISTS {path}; other minCount / sh:maxCount -> GROUP BY the focus
  node, HAVING COUNT(DISTINCT value); sh:uniqueLang -> GROUP BY focus and LCASE(LANG(value));
- value constraints (sh:class, sh:datatype, sh:nodeKind, sh:in, sh:pattern, sh:min/maxInclusive,
  sh:min/maxExclusive, sh:min/maxLength, sh:node, sh:or) -> the value nodes for which a SPARQL
  "passes" condition is not true. Where that condition is exactly pyshacl's (class, nodeKind,
  lengths, in with IRIs, minCount inside sh:or...), each row is a result. Where pyshacl's Python
  semantics cannot be written in SPARQL (rdflib's ill-typed literals and its literal ordering
  for datatype and ranges, Python's re for sh:pattern), the condition only lets through values
  that certainly pass (a well-formed xsd:integer within the bounds, a pattern in a subset of
  regex syntax both engines read the same way), and the few remaining values are decided in
  Python by a copy of pyshacl's own test: the report is pyshacl's, the cost is SPARQL's.
- sh:node and sh:or: the nested shapes become a SPARQL condition on the value (EXISTS / NOT
  EXISTS for their property shapes); values it does not clear are checked in Python against the
  nested shape. As in pyshacl, one result per value node, with the outer shape's message.
- sh:lessThanOrEquals -> the (value, other value) pairs that are not two ordered integers,
  each decided in Python as pyshacl does;
- sh:sparql (SPARQL-based constraints): the query runs once for all focus nodes, as
  `{ focus nodes } LATERAL { the query }`, which pyoxigraph evaluates with $this bound for each
  focus node (pyshacl pre-binds it and runs the query once per focus node). Results, message
  substitution ({?var}, {$this}) and duplicate removal follow pyshacl.

Other choices for speed at 1M triples: sh:class at the top level is an anti-join (MINUS the
instances) rather than FILTER NOT EXISTS; rdf:type/rdfs:subClassOf* is expanded once per class
into VALUES (rules/shacl/subclasses.rq); focus nodes are not made distinct in a sub-select
(every query keeps distinct rows or counts distinct values instead); and when all the store's
named graphs are validated (and its default graph is empty) they are read as pyoxigraph's union
default graph, ~3x faster than a list of graphs.

Results are built as the reference path builds them from pyshacl's report (severity, focus node,
path, value, the first message, source shape), so both reports compare equal.

Refused, with UnsupportedShape naming the construct (never silently checked less):
- any other constraint component (sh:closed, sh:equals, sh:disjoint, sh:lessThan, sh:hasValue,
  sh:and, sh:not, sh:xone, sh:qualifiedValueShape, sh:languageIn, SHACL-AF, custom components)
  and any other path (zeroOrMore, oneOrMore, zeroOrOne, inverse of a complex path);
- sh:property on a property shape, sh:deactivated, implicit class targets (a shape that is
  also a class), several sh:severity values, a non-Violation severity on a shape that is only
  checked through sh:node / sh:or (pyshacl's conformance then depends on allowed severities);
- a core constraint that can give a top-level result on a shape without sh:message (pyshacl
  would generate a message text, which is not reproduced);
- SPARQL constraints on property shapes, or whose query does not project $this, uses MINUS,
  VALUES, SERVICE, GRAPH, FROM, PREFIX/BASE, LIMIT/OFFSET, a sub-SELECT that mentions $this
  without projecting it, $PATH / $currentShape / $shapesGraph, ?failure, or an aggregate that
  depends on duplicate rows (COUNT without DISTINCT, SUM, AVG, SAMPLE, GROUP_CONCAT: the union
  of named graphs is a bag in pyoxigraph where rdflib's graph is a set).

Differences from pyshacl: none on ontology/shapes.ttl for the same triples. To know:
- The triples are the store's: pyoxigraph keeps a valid number or boolean in canonical form
  ("+2021"^^xsd:integer as 2021, "007" as 7, "1"^^xsd:boolean as true), so no shape sees the
  written form. pyshacl on the store's content gives the same report; pyshacl on rdflib's
  reading of the file may not (amash:Year's sh:pattern rejects "+2021" there).
- SPARQL constraints run on pyoxigraph's SPARQL engine instead of rdflib's. They agree on
  well-typed values of the expected datatype; they do not on comparisons across datatypes
  (rdflib orders "2021"^^xsd:gYear before 1974 by datatype IRI, pyoxigraph does not compare
  them) or on ill-typed literals (which amakg.load rejects): the constraints of shapes.ttl
  compare years only when both are xsd:integer.
- Blank nodes in a report (focus nodes, values, shapes) keep the store's labels, where pyshacl
  prints those of its copy.

tests/test_fastshacl.py proves the equality on every fixture, on the real data and on synthetic
graphs with broken copies, and the refusals.
"""

from __future__ import annotations

from .compile import compile_shapes
from .plan import CompiledShapes, UnsupportedShape
from .run import validate_store

__all__ = ["CompiledShapes", "UnsupportedShape", "compile_shapes", "validate_store"]
