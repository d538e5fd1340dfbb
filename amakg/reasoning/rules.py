"""What both reasoning paths share: the SPARQL CONSTRUCT rules of rules/*.rq, the round limit
and the fixpoint loops.

The fast path (pyoxigraph) and the reference path (rdflib and owlrl) differ only in how one step
is done; the order of the steps and when to stop are decided here, once. Nothing here imports
owlrl or pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import resources
from ..errors import ReasoningError

MAX_ROUNDS = 10
"""How many rounds in a row may add triples before a fixpoint loop gives up (ReasoningError)."""


@dataclass(frozen=True)
class Rule:
    """A SPARQL CONSTRUCT rule read from rules/*.rq."""

    name: str
    description: str
    sparql: str


def load_rules(folder: Path | None = None) -> list[Rule]:
    """The rules of `folder` (rules/ by default), sorted by file name; the description is the
    header comment after its first line."""
    folder = folder or resources.rules_dir()
    rules = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description = " ".join(
            line.lstrip("# ").strip()
            for line in re.findall(r"^#\s*(?:description:)?(.*)$", text, re.M)[1:]
        )
        rules.append(Rule(path.stem, description.strip(), text))
    return rules


def to_fixpoint(step: Callable[[], bool], what: str = "rules", rounds: int = MAX_ROUNDS) -> int:
    """Run `step` until it reports that it added nothing; returns how many rounds added something.

    Raises ReasoningError when `rounds` rounds in a row all added something.
    """
    for done in range(rounds):
        if not step():
            return done
    raise ReasoningError(f"{what} did not reach a fixpoint in {rounds} rounds")


def saturate(apply_rules: Callable[[], int], closure: Callable[[], object]) -> None:
    """The reasoning algorithm of both paths.

    `apply_rules` runs the rules to their fixpoint and returns how many triples they added;
    `closure` adds the OWL 2 RL closure. The rules run first (they read asserted terms), then the
    closure, then the rules again, looping until the rules add nothing.
    """
    apply_rules()

    def round_() -> bool:
        closure()
        return apply_rules() > 0

    to_fixpoint(round_, "reasoning")
