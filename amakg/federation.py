"""Opt-in federation: queries with SERVICE, run only against endpoints the user allowed.

pyoxigraph sends a SERVICE pattern without the bindings of the outer query (so a join with
Wikidata would ask Wikidata for everything); rdflib's engine sends them as a VALUES block per
solution. Federated queries therefore run on rdflib, in a child process that

- may open sockets only to the hosts of the allowed endpoints (an audit hook refuses the rest),
- is killed when the timeout expires (rdflib's SERVICE call has no timeout of its own),
- returns at most `max_rows` rows.

`endpoints` maps each endpoint IRI written in a query to the URL actually called, so that a
mirror (or a local stand-in in tests) can serve https://query.wikidata.org/sparql.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import sys
from collections.abc import Mapping
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

from rdflib import Graph, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import ResultRow
from rdflib.term import Identifier

from .errors import QueryError
from .guard import _walk
from .querytext import canonical
from .store import QueryResult

DEFAULT_TIMEOUT = 30.0


def run_federated(
    graph: Graph,
    sparql: str,
    *,
    bindings: Mapping[str, Identifier] | None,
    endpoints: Mapping[str, str],
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = 10_000,
) -> QueryResult:
    """Run a SELECT with SERVICE over `graph` in a child process, bounded in time and rows."""
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(send, graph, canonical(sparql), dict(bindings or {}), dict(endpoints), max_rows),
    )
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(
                f"the federated query was stopped after {timeout:g} s (timeout); "
                "try a more selective query or a larger --timeout"
            )
        status, payload = receive.recv()
    except EOFError:
        raise QueryError("the federated query process ended without an answer") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
    if status == "error":
        raise QueryError(f"federated query failed: {payload}")
    return payload


def _child(
    send: Connection,
    graph: Graph,
    sparql: str,
    bindings: dict[str, Identifier],
    endpoints: dict[str, str],
    max_rows: int,
) -> None:
    hosts = {urlsplit(url).hostname for url in endpoints.values()}
    sys.addaudithook(_only_hosts(hosts))
    try:
        query = translateQuery(parseQuery(sparql))
        for node in _walk(query.algebra):
            if node.name == "ServiceGraphPattern":
                _redirect(node, endpoints)
        answer = graph.query(query, initBindings=bindings)
        names = [str(v) for v in answer.vars or []]
        rows: list[dict[str, Identifier | None]] = []
        for row in answer:
            if len(rows) >= max_rows:
                break
            assert isinstance(row, ResultRow)
            values = row.asdict()
            rows.append({n: values.get(n) for n in names})
        truncated = len(rows) >= max_rows
        send.send(("ok", QueryResult(kind="select", vars=names, rows=rows, truncated=truncated)))
    except Exception as exc:  # the child reports every failure to the parent as text
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _redirect(node: CompValue, endpoints: Mapping[str, str]) -> None:
    """Point a SERVICE at the URL its endpoint maps to. rdflib calls the IRI written in
    service_string, so rewrite it there too (a prefixed name or relative IRI included)."""
    target = endpoints[str(node["term"])]
    node["term"] = URIRef(target)
    node["service_string"] = re.sub(
        r"^SERVICE\s+\S+",
        lambda _: f"SERVICE <{target}>",
        node["service_string"],
        count=1,
        flags=re.I,
    )


def _only_hosts(hosts: set[str | None]):
    def hook(event: str, args: tuple) -> None:
        if event == "socket.connect":
            address = args[1]
            host = address[0] if isinstance(address, tuple) else address
            if host not in hosts and not _resolves_to(host, hosts):
                raise PermissionError(
                    f"amakg: connection to {host} refused (not an allowed endpoint)"
                )
        elif event == "socket.getaddrinfo" and args[0] not in hosts:
            raise PermissionError(f"amakg: lookup of {args[0]} refused (not an allowed endpoint)")

    return hook


def _resolves_to(address: str, hosts: set[str | None]) -> bool:
    """An IP address we connect to after resolving an allowed host name."""
    import socket

    for host in hosts:
        if host is None:
            continue
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            continue
        if any(info[4][0] == address for info in infos):
            return True
    return False
