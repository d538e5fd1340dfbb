"""The one reading of a query's text that the guard checks and the engines execute.

amakg decides on a query with rdflib's parser (amakg.guard) and runs it on pyoxigraph. The two
parsers read some texts differently, and any difference is a way around the guard:

- a carriage return ends a `#` comment for pyoxigraph but not for rdflib, so text after it is
  code for the engine and a comment for the guard;
- `\\uXXXX` / `\\UXXXXXXXX` escapes are decoded before parsing by rdflib (as SPARQL 1.1 §19.2
  says) and only inside strings and IRIs by pyoxigraph.

So both are handed one canonical text, made here, which leaves nothing for them to disagree on
in those respects: line ends become `\\n`; escapes are decoded once, as the standard says (an
escape that decodes to another escape is refused: it would be decoded again); control characters
other than tab and line feed, U+0085, U+2028, U+2029 and lone surrogates are refused wherever
they stand (a literal can still hold a tab, a line feed, a carriage return or a form feed through
the string escapes \\t \\n \\r \\f); a leading byte-order mark is dropped.

`network_words` is a second, independent reading used by the guard as a tripwire: the keywords
SERVICE, LOAD and FROM found outside strings, IRIs and comments by a small lexer written from
the SPARQL 1.1 grammar's terminals.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .errors import QueryError, line_column

_LINE_ENDS = re.compile(r"\r\n?")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")

# SPARQL 1.1 grammar terminals that may hold '#', quotes or keywords without being code
_QUOTED = re.compile(
    r"""
      '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
    | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \#[^\n]*
    """,
    re.X | re.S,
)
# a keyword is a word that is not part of a prefixed name, a variable or a longer name
_NETWORK_WORD = re.compile(r"(?<![\w:?$.\-])(SERVICE|LOAD|FROM)(?![\w:\-])", re.I)


@lru_cache(maxsize=1024)
def canonical(sparql: str) -> str:
    """The text both parsers read; raises QueryError for what cannot be read one way only."""
    text = _LINE_ENDS.sub("\n", sparql.removeprefix("\ufeff"))
    text = _ESCAPE.sub(_decode, text)
    if _ESCAPE.search(text):
        raise _refuse(text, _ESCAPE.search(text).start(), "an escape that decodes to an escape")  # type: ignore[union-attr]
    found = _REFUSED.search(text)
    if found:
        char = found.group()
        what = f"U+{ord(char):04X}" + (
            " (a lone surrogate: the text is not valid Unicode)"
            if 0xD800 <= ord(char) <= 0xDFFF
            else ""
        )
        raise _refuse(text, found.start(), f"the character {what}")
    return text


def network_words(text: str) -> Counter[str]:
    """How often SERVICE, LOAD and FROM stand as keywords in `text` (outside strings, IRIs and
    comments), upper-cased. Reads the canonical text."""
    code = _QUOTED.sub(" ", text)
    return Counter(m.group(1).upper() for m in _NETWORK_WORD.finditer(code))


def _decode(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF:
        return "\ud800"  # not a character: refused below with the lone surrogates
    return chr(code)


def _refuse(text: str, offset: int, what: str) -> QueryError:
    line, column = line_column(text, offset)
    return QueryError(
        f"invalid SPARQL at line {line}, column {column}: {what} is not accepted in a query. "
        "Inside a string literal write a tab, line feed, carriage return or form feed as "
        "\\t \\n \\r \\f; elsewhere remove it."
    )
