"""Names shared by the importer's entity merge and the linker: normalization and resource names.

normalize("The Beatles") == normalize("beatles"); normalize("Simon & Garfunkel") ==
normalize("Simon and Garfunkel"); normalize("Måneskin") keeps the å (NFC, casefolded);
fold("Måneskin") == fold("Maneskin") strips accents for looser matching.
wiki_title("/wiki/Gladys_Knight_%26_the_Pips") == "Gladys_Knight_&_the_Pips";
resource_name("Am I Evil?") == "Am_I_Evil%3F" (the DBpedia name of a Wikipedia title).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from rdflib import URIRef

DBPEDIA = "http://dbpedia.org/resource/"
# Characters a DBpedia resource name percent-encodes: those IRIs forbid, and ?, # and %.
# (Wikipedia titles cannot contain [ ] { } | # < >; they are listed for other input.)
_RESOURCE_UNSAFE = frozenset('"<>[]\\^`{|}%?#')

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
    title = link.removeprefix("https://en.wikipedia.org").removeprefix("/wiki/")
    return unquote(title).split("#", 1)[0]


def resource_name(title: str) -> str:
    """A Wikipedia title as DBpedia (and the DBpedia music sample) name its resource: spaces as
    '_', IRI characters kept ('Beyoncé'), and only characters IRIs forbid, ?, # and %,
    whitespace and unprintable characters percent-encoded as UTF-8 ('Am_I_Evil%3F')."""
    out = []
    for ch in title.replace(" ", "_"):
        if ch in _RESOURCE_UNSAFE or ch.isspace() or not ch.isprintable():
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def dbpedia_resource(title: str) -> URIRef:
    """The DBpedia resource of a Wikipedia title: '"Heroes"_(album)' ->
    <http://dbpedia.org/resource/%22Heroes%22_(album)>."""
    return URIRef(DBPEDIA + resource_name(title))
