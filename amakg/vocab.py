"""Namespaces and the named graphs of the dataset."""

from __future__ import annotations

from rdflib import Namespace, URIRef

AMA = Namespace("https://w3id.org/amakg/ontology#")
AMAR = Namespace("https://w3id.org/amakg/id/")
SCHEMA = Namespace("http://schema.org/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
MO = Namespace("http://purl.org/ontology/mo/")
DBO = Namespace("http://dbpedia.org/ontology/")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

GRAPH_BASE = "https://w3id.org/amakg/graph/"
ASSERTED = URIRef(GRAPH_BASE + "asserted")
PROVENANCE = URIRef(GRAPH_BASE + "provenance")
ONTOLOGY = URIRef(GRAPH_BASE + "ontology")
INFERRED = URIRef(GRAPH_BASE + "inferred")
LINKS = URIRef(GRAPH_BASE + "links")

PREFIXES: dict[str, str] = {
    "ama": str(AMA),
    "amar": str(AMAR),
    "amash": "https://w3id.org/amakg/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": str(PROV),
    "dcterms": "http://purl.org/dc/terms/",
    "schema": str(SCHEMA),
    "wdt": str(WDT),
    "mo": str(MO),
    "dbo": str(DBO),
    "void": str(VOID),
    "dcat": str(DCAT),
}


def curie(iri: str) -> str:
    """An IRI as a prefixed name where a known namespace covers it (longest first), else <iri>."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
