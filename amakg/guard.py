"""Refuse what would reach the network or change the data, before a query runs.

A query is first made canonical (amakg.querytext: the one text that both this guard and the
engine that runs the query read), then parsed (rdflib's SPARQL grammar) and its syntax tree
inspected: updates (LOAD, INSERT, …) are refused, FROM / FROM NAMED are refused (the store never
fetches graphs), and SERVICE is refused unless its endpoint is in an explicit allow-list. A
second, independent reading (a lexer that finds the keywords SERVICE, LOAD and FROM outside
strings, IRIs and comments) must agree with the parser's; a query the two read differently is
refused. Whoever runs a checked query runs `QueryInfo.text`, never the text it was given.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import NetworkRefused, QueryError
from .querytext import canonical, network_words

_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


@dataclass(frozen=True)
class QueryInfo:
    form: str  # 'select', 'ask', 'construct' or 'describe'
    services: tuple[str, ...] = ()  # SERVICE endpoints (all allowed, else check_query raised)
    text: str = ""  # the canonical text that was checked: the one to execute


def check_query(sparql: str, allowed_endpoints: Collection[str] = ()) -> QueryInfo:
    """Return the query form and its (allowed) SERVICE endpoints, or raise.

    Parsing costs 10–50 ms, so answers are cached per query text and allow-list.

    Raises QueryError for invalid SPARQL or an update, NetworkRefused for a dataset
    clause or a SERVICE whose endpoint is not allowed.
    """
    return _check(sparql, frozenset(allowed_endpoints))


@lru_cache(maxsize=512)
def _check(given: str, allowed_endpoints: frozenset[str]) -> QueryInfo:
    sparql = canonical(given)
    try:
        parsed = parseQuery(sparql)
        tree = translateQuery(parsed).algebra  # prefixed names and BASE resolved
    except ParseException as exc:
        if _is_update(sparql):
            raise QueryError(
                "updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) are refused: "
                "the knowledge graph is read-only. Change the data files and run `amakg build`."
            ) from None
        raise QueryError(_syntax_message(sparql, exc)) from None
    except Exception as exc:  # rdflib's algebra translation rejects some parsable queries
        raise QueryError(f"invalid SPARQL: {exc}") from None
    form = "select"
    services: list[str] = []
    for node in _walk(tree):
        if node.name in _FORMS:
            form = _FORMS[node.name]
        elif node.name == "DatasetClause":
            iri = node["default"] if "default" in node else node["named"]
            raise NetworkRefused(
                f"FROM / FROM NAMED <{iri}> is refused: amakg never loads graphs named in a "
                "query. Query the built graph (use GRAPH <…> for its named graphs)."
            )
        elif node.name == "ServiceGraphPattern":
            endpoint = str(node.get("term"))
            if endpoint not in allowed_endpoints:
                allowed = ", ".join(sorted(allowed_endpoints)) or "none"
                raise NetworkRefused(
                    f"SERVICE <{endpoint}> is refused: amakg makes no network requests unless "
                    f"an endpoint is explicitly allowed (--allow-endpoint URL). Allowed: {allowed}."
                )
            services.append(endpoint)
    _agree(sparql, parsed)
    return QueryInfo(form, tuple(services), sparql)


def _agree(sparql: str, parsed: object) -> None:
    """Refuse a query whose keywords SERVICE / FROM the lexer and the parser count differently
    (LOAD is an update, refused by the parser already; one found by the lexer in a query the
    parser read as a query is a disagreement too)."""
    words = network_words(sparql)
    nodes = [node.name for node in _walk(parsed)]
    parsed_counts = {
        "SERVICE": nodes.count("ServiceGraphPattern"),
        "FROM": nodes.count("DatasetClause"),
        "LOAD": 0,
    }
    for word, count in parsed_counts.items():
        if words[word] != count:
            raise NetworkRefused(
                f"the query was refused: {word} stands {words[word]} time(s) as a keyword in "
                f"its text, but the SPARQL parser read {count}. amakg runs only queries that "
                "read one way; check comments, quotes and escapes around it."
            )


def _walk(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for item in node:  # type: ignore[attr-defined]
            yield from _walk(item)


def _is_update(sparql: str) -> bool:
    try:
        parseUpdate(sparql)
    except ParseException:
        return False
    return True


def _syntax_message(sparql: str, exc: ParseException) -> str:
    """pyparsing's position (where the failing construct starts; pyoxigraph reports how far
    its parser got, which is often past the error) with pyoxigraph's list of what it expected.

    pyoxigraph is asked for its message without ever running the query: it is handed the text
    followed by a line that no SPARQL query can continue into (a control character), so its
    parser stops there at the latest. A text that only rdflib refuses would otherwise run, SERVICE
    calls included, just to word an error.
    """
    reason = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", str(exc))
    sentinel_line = sparql.count("\n") + 2
    try:
        ox.Store().query(sparql + _NEVER_SPARQL)
    except SyntaxError as ox_exc:
        found = re.match(r"error at (\d+):\d+: (.*)", str(ox_exc), re.S)
        if found and int(found.group(1)) < sentinel_line:
            reason = found.group(2)
    except OSError:
        pass
    return f"invalid SPARQL at line {exc.lineno}, column {exc.col}: {reason}"


_NEVER_SPARQL = "\n\x01"  # outside a string, a control character is an error in every position
