"""A VoID / DCAT description of the built dataset: counts, classes, linksets, licence, sources."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, XSD

from . import __version__, sparqlfiles
from .store import Store
from .vocab import AMAR, DCAT, GRAPH_BASE, INFERRED, LINKS, PROV, VOID

DATASET = URIRef("https://w3id.org/amakg/dataset")
_TARGETS = {
    "wikidata": ("https://www.wikidata.org/", "http://www.wikidata.org/entity/"),
    "musicbrainz": ("https://musicbrainz.org/", "https://musicbrainz.org/artist/"),
    "dbpedia": ("https://dbpedia.org/", "http://dbpedia.org/resource/"),
}


def _int(term: object) -> int:
    return int(str(term))


def _query(name: str) -> str:
    return sparqlfiles.read("void", name)


def describe(store: Store, asserted: list[URIRef]) -> Graph:
    """VoID for the dataset: one void:subset per named graph, class partitions, linksets."""
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("prov", PROV)):
        g.bind(prefix, ns)
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, RDF.type, DCAT.Dataset))
    g.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("amakg: a knowledge graph of the American Music Awards", lang="en"),
        )
    )
    g.add((DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by-sa/4.0/")))
    g.add((DATASET, DCTERMS.hasVersion, Literal(__version__)))
    g.add((DATASET, VOID.uriSpace, Literal(str(AMAR))))
    g.add((DATASET, VOID.vocabulary, URIRef("https://w3id.org/amakg/ontology#")))
    for vocabulary in (
        "http://schema.org/",
        "http://www.wikidata.org/prop/direct/",
        "http://purl.org/ontology/mo/",
        "http://dbpedia.org/ontology/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/2004/02/skos/core#",
    ):
        g.add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    g.add((DATASET, FOAF.homepage, URIRef("https://w3id.org/amakg")))
    stats = store.query(_query("statistics"), graphs=asserted).rows[0]
    for key, prop in (
        ("triples", VOID.triples),
        ("subjects", VOID.distinctSubjects),
        ("properties", VOID.properties),
        ("objects", VOID.distinctObjects),
    ):
        g.add((DATASET, prop, Literal(_int(stats[key]), datatype=XSD.integer)))
    classes = store.query(_query("classes"), graphs=asserted).rows
    g.add((DATASET, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add(
        (
            DATASET,
            VOID.entities,
            Literal(sum(_int(r["entities"]) for r in classes), datatype=XSD.integer),
        )
    )
    for row in classes:
        part = URIRef(f"{DATASET}/class/{row['class']}")
        g.add((DATASET, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(str(row["class"]))))
        g.add((part, VOID.entities, Literal(_int(row["entities"]), datatype=XSD.integer)))
    sizes = store.counts()
    for graph in [*asserted, INFERRED]:
        subset = URIRef(str(graph))
        g.add((DATASET, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.title, Literal(str(graph).removeprefix(GRAPH_BASE))))
        g.add((subset, VOID.triples, Literal(sizes.get(graph, 0), datatype=XSD.integer)))
    for row in store.query(_query("linksets"), graphs=[LINKS]).rows:
        target = str(row["target"])
        linkset = URIRef(f"{DATASET}/linkset/{target}")
        g.add((DATASET, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, DATASET))
        g.add(
            (linkset, VOID.linkPredicate, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"))
        )
        g.add((linkset, VOID.triples, Literal(_int(row["links"]), datatype=XSD.integer)))
        if target in _TARGETS:
            external = URIRef(_TARGETS[target][0])
            g.add((linkset, VOID.objectsTarget, external))
            g.add((external, RDF.type, VOID.Dataset))
            g.add((external, VOID.uriSpace, Literal(_TARGETS[target][1])))
    for source in store.query(_query("sources"), graphs=asserted).values("source"):
        g.add((DATASET, DCTERMS.source, URIRef(str(source))))
        g.add((DATASET, PROV.wasDerivedFrom, URIRef(str(source))))
    return g
