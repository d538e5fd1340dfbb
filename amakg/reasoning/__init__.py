"""Reasoning: OWL 2 RL plus the SPARQL rules of rules/, on pyoxigraph (`amakg.reasoning.fast`,
the default) or with owlrl (`amakg.reasoning.reference`), proven equal by the tests. Both take
the rules, the round limit and the fixpoint loops from `amakg.reasoning.rules`; only the
reference path imports owlrl."""
