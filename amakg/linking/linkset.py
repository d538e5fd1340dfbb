"""A linker result -> a linkset file (Turtle or TriG) with VoID, and a review list (TSV).

The linkset holds, for each accepted link:
  <ours> skos:exactMatch <theirs> .
  amar:linkset/<name>/link/<our path> a rdf:Statement ;      # the same triple, described
      rdf:subject <ours> ; rdf:predicate skos:exactMatch ; rdf:object <theirs> ;
      sssom:confidence 0.95 ;                                 # the linker's score
      sssom:mapping_justification semapv:CompositeMatching ;  # name + kind/context evidence
      sssom:subject_label "Prince" ; sssom:object_label "Prince (musician)" ;
      sssom:mapping_tool "amakg link 0.1.0" ;
      rdfs:comment "name 1.00: ...", "kind agrees: person", ...   # one per piece of evidence
(rdf:Statement as in data/links/external-ids.ttl; score and evidence in the SSSOM vocabulary),
and a VoID description: the void:Linkset amar:linkset/<name> (void:subjectsTarget the amakg
dataset, void:objectsTarget the external dataset, void:target both, void:linkPredicate
skos:exactMatch, void:triples the number of links) and the external void:Dataset.

The review list has one line per candidate of each ambiguous case; none of them is linked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD

from .. import __version__
from ..errors import InputError
from ..export import write_atomic
from ..store import to_ox
from ..vocab import AMAR, LINKS, PREFIXES, VOID
from .linker import Candidate, LinkResult

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
AMAKG_DATASET = URIRef("https://w3id.org/amakg/dataset")  # as in amakg.void.DATASET
_PREFIXES = ("rdf", "rdfs", "xsd", "skos", "dcterms", "void", "sssom", "semapv")
_NAMESPACES = {"sssom": str(SSSOM), "semapv": str(SEMAPV)}
REVIEW_COLUMNS = (
    "case",
    "reason",
    "our_iri",
    "our_label",
    "their_iri",
    "their_label",
    "score",
    "evidence",
)


def linkset_iri(result: LinkResult) -> URIRef:
    return AMAR[f"linkset/{result.mapping.name}"]


def external_dataset_iri(result: LinkResult) -> URIRef:
    return AMAR[f"dataset/{result.mapping.name}"]


def link_statement_iri(result: LinkResult, link: Candidate) -> URIRef:
    return AMAR[f"linkset/{result.mapping.name}/link/{str(link.ours).removeprefix(str(AMAR))}"]


Triple = tuple[URIRef, URIRef, URIRef | Literal]


def linkset_triples(result: LinkResult) -> list[Triple]:
    """The VoID description, then per accepted link its triple and its described statement."""
    triples = _void(result)
    for c in result.accepted:
        node = link_statement_iri(result, c)
        justification = SEMAPV.LexicalMatching if len(c.evidence) == 1 else SEMAPV.CompositeMatching
        triples += [
            (c.ours, SKOS.exactMatch, c.theirs),
            (node, RDF.type, RDF.Statement),
            (node, RDF.subject, c.ours),
            (node, RDF.predicate, SKOS.exactMatch),
            (node, RDF.object, c.theirs),
            (node, SSSOM.confidence, Literal(repr(float(c.score)), datatype=XSD.double)),
            (node, SSSOM.mapping_justification, justification),
            (node, SSSOM.subject_label, Literal(c.our_label)),
            (node, SSSOM.object_label, Literal(c.their_label)),
            (node, SSSOM.mapping_tool, Literal(f"amakg link {__version__}")),
        ]
        triples += [(node, RDFS.comment, Literal(item)) for item in c.evidence]
    return triples


def linkset_graph(result: LinkResult) -> Graph:
    """linkset_triples() as an rdflib Graph."""
    g = Graph()
    for triple in linkset_triples(result):
        g.add(triple)
    return g


def _void(result: LinkResult) -> list[Triple]:
    linkset, theirs, mapping = linkset_iri(result), external_dataset_iri(result), result.mapping
    stats = result.stats
    comment = (
        f"Accepted at score >= {result.threshold}; ambiguous cases left for review: "
        f"{len(result.ambiguous)}; {stats.candidate_pairs} candidate pairs compared of "
        f"{stats.all_pairs} possible ({stats.ours} of our artists x {stats.theirs} external)."
    )
    triples: list[Triple] = [
        (linkset, RDF.type, VOID.Linkset),
        (linkset, DCTERMS.title, Literal(f"amakg artists linked to {mapping.title}", lang="en")),
        (linkset, VOID.subjectsTarget, AMAKG_DATASET),
        (linkset, VOID.objectsTarget, theirs),
        (linkset, VOID.target, AMAKG_DATASET),
        (linkset, VOID.target, theirs),
        (linkset, VOID.linkPredicate, SKOS.exactMatch),
        (linkset, VOID.triples, Literal(str(len(result.accepted)), datatype=XSD.integer)),
        (linkset, RDFS.comment, Literal(comment, lang="en")),
        (theirs, RDF.type, VOID.Dataset),
        (theirs, DCTERMS.title, Literal(mapping.title)),
        (theirs, VOID.uriSpace, Literal(mapping.uri_space)),
    ]
    if mapping.source:
        triples.append((theirs, DCTERMS.source, Literal(mapping.source)))
    if mapping.license:
        triples.append((theirs, DCTERMS.license, URIRef(mapping.license)))
    return triples


def review_table(result: LinkResult) -> str:
    """The ambiguous cases as TSV, one line per candidate, best first within a case."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    for number, case in enumerate(result.ambiguous, start=1):
        for c in case.candidates:
            writer.writerow(
                [
                    number,
                    case.reason,
                    c.ours,
                    c.our_label,
                    c.theirs,
                    c.their_label,
                    f"{c.score:.4f}",
                    " | ".join(c.evidence),
                ]
            )
    return buffer.getvalue()


def review_path(out: Path) -> Path:
    """linkset.ttl -> linkset.review.tsv, next to it."""
    return out.with_name(out.name.split(".", 1)[0] + ".review.tsv")


def write_linkset(result: LinkResult, out: Path | str) -> tuple[Path, Path]:
    """Write the linkset (.ttl, or .trig with everything in the links graph) and the review
    list next to it, each atomically. Returns both paths."""
    out = Path(out)
    formats = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}
    if out.suffix not in formats:
        raise InputError("the linkset is written as .ttl or .trig", path=str(out))
    triples = linkset_triples(result)
    graph = to_ox(LINKS)
    terms = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
    statements: list[ox.Triple] | list[ox.Quad]
    if out.suffix == ".ttl":
        statements = [ox.Triple(s, p, o) for s, p, o in terms]  # type: ignore[arg-type]
    else:
        statements = [ox.Quad(s, p, o, graph) for s, p, o in terms]  # type: ignore[arg-type]
    prefixes = {p: _NAMESPACES.get(p) or PREFIXES[p] for p in _PREFIXES}
    payload = ox.serialize(statements, format=formats[out.suffix], prefixes=prefixes) or b""
    table = review_table(result).encode("utf-8")

    def write_links(tmp: Path) -> None:
        tmp.write_bytes(payload)

    def write_review(tmp: Path) -> None:
        tmp.write_bytes(table)

    write_atomic(out, write_links, len(set(triples)))
    return out, write_atomic(review_path(out), write_review)
