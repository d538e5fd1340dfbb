"""The project's shapes (ontology/shapes.ttl), read by both validators.

Parsed once per content: the file's bytes are the cache key, so an edited shapes file is seen
by the next validation and a stale graph is never served (reading the file is ~0.2 ms, parsing
it ~25 ms)."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from amakg import resources


def shapes_text() -> bytes:
    """The current content of ontology/shapes.ttl."""
    return resources.shapes_file().read_bytes()


def default_shapes() -> Graph:
    """ontology/shapes.ttl as an rdflib graph (shared: do not modify it)."""
    return parse_shapes(shapes_text())


@lru_cache(maxsize=2)
def parse_shapes(text: bytes) -> Graph:
    return Graph().parse(data=text, format="turtle")
