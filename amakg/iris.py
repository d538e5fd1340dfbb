"""Minting of resource IRIs, so that every importer names one entity the same way."""

from __future__ import annotations

from rdflib import URIRef

from .naming import slug
from .vocab import AMAR


def artist(name: str) -> URIRef:
    return AMAR[f"artist/{slug(name)}"]


def category(name: str) -> URIRef:
    return AMAR[f"category/{slug(name)}"]


def lineage(name: str) -> URIRef:
    return AMAR[f"lineage/{slug(name)}"]


def ceremony(year: int, edition: str | None = None) -> URIRef:
    """amar:ceremony/2022; a year with two ceremonies has editions: amar:ceremony/2003-january."""
    return AMAR[f"ceremony/{year}" + (f"-{edition}" if edition else "")]


def nomination(
    year: int | str, category_name: str, artist_name: str, work: str | None = None
) -> URIRef:
    path = f"nomination/{year}/{slug(category_name)}/{slug(artist_name)}"
    if work:
        path += f"/{slug(work)}"
    return AMAR[path]


def work(title: str) -> URIRef:
    return AMAR[f"work/{slug(title)}"]
