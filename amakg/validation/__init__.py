"""Validation against the SHACL shapes: the fast path (the shapes compiled to SPARQL on
pyoxigraph, `amakg.validation.fast`: compile, plan, components, sparql_constraints, values,
run) and the reference (pyshacl, `amakg.validation.reference`), which give the same report
(`amakg.validation.report`). Importing the fast path does not load pyshacl."""
