"""amakg: a knowledge graph of the American Music Awards."""

__version__ = "0.1.0"
