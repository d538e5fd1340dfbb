"""Name normalization shared by the importer's entity merge and the linker's blocking.

normalize("The Beatles") == normalize("beatles"); normalize("Simon & Garfunkel") ==
normalize("Simon and Garfunkel"); normalize("Måneskin") keeps the å (NFC, casefolded);
fold("Måneskin") == fold("Maneskin") strips accents for looser matching.
"""

from __future__ import annotations

import re
import unicodedata

_DISAMBIGUATION = re.compile(r"\s*\((?:[^()]*)\)\s*$")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+")


def strip_disambiguation(name: str) -> str:
    """'Seventeen (South Korean band)' -> 'Seventeen'; 'BTS (band)' -> 'BTS'."""
    return _DISAMBIGUATION.sub("", name).strip()


def normalize(name: str) -> str:
    """NFC, casefold, '&' -> 'and', punctuation dropped, a leading 'the' dropped, spaces folded."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = text.replace("&", " and ").replace("_", " ")
    text = _PUNCT.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return _LEADING_THE.sub("", text)


def fold(name: str) -> str:
    """normalize() then strip accents (NFKD, combining marks removed): for loose matching."""
    decomposed = unicodedata.normalize("NFKD", normalize(name))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(name: str) -> str:
    """A stable IRI path segment: 'TOMORROW X TOGETHER' -> 'tomorrow-x-together'.

    A name of symbols only takes their Unicode names: '÷' -> 'division-sign'.
    """
    folded = fold(name).replace(" ", "-")
    if folded:
        return folded
    named = " ".join(unicodedata.name(c, "") for c in name if not c.isspace())
    return fold(named).replace(" ", "-") or "unnamed"


def wiki_title(link: str) -> str:
    """'/wiki/Gladys_Knight_%26_the_Pips' -> 'Gladys_Knight_&_the_Pips' (a DBpedia name)."""
    from urllib.parse import unquote

    title = link.removeprefix("https://en.wikipedia.org").removeprefix("/wiki/")
    return unquote(title).split("#", 1)[0]
