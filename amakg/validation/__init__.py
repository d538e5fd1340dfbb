"""Validation against the SHACL shapes: the fast path (the shapes compiled to SPARQL on
pyoxigraph, `amakg.validation.fast`) and the reference (pyshacl, `amakg.validation.reference`),
which give the same report."""
