"""Reasoning: OWL 2 RL plus the SPARQL rules of rules/, on pyoxigraph (`amakg.reasoning.fast`,
the default) or with owlrl (`amakg.reasoning.reference`), proven equal by the tests."""
