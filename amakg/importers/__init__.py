"""Importers: they read third-party data and write Turtle into data/ (the AMA history, the
known external identifiers); the build never runs them."""
