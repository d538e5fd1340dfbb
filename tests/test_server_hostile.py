"""Hostile HTTP requests to every route: the server never answers 500 and stays up.

Requests are written byte by byte on a socket (no client library tidies them up): random bytes
and text in query strings and bodies, malformed percent-encoding, huge numbers, odd methods, bad
Content-Type and Accept headers, control characters, giant headers. Bad input must get a 4xx,
a limit a 503; a head past the server's size limit may also be cut off (connection reset).
AMAKG_FUZZ_EXAMPLES sets the number of requests (default 500, about 15 s; `make fuzz` runs more).
Queries sent as strings here are test inputs (attacks, malformed text), not project SPARQL.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amakg import queries
from amakg.api import KnowledgeGraph
from amakg.server import ServerConfig
from amakg.server.background import BackgroundServer
from amakg.server.snapshot import snapshot_of

EXAMPLES = int(os.environ.get("AMAKG_FUZZ_EXAMPLES", "500"))  # more for a longer run
CONFIG = ServerConfig(timeout=3, workers=1, reserved_workers=1, max_header_bytes=65_536)
ROUTES = [
    "/",
    "/sparql",
    "/queries",
    *(f"/queries/{name}" for name in queries.catalogue()),
    "/queries/no-such-query",
    "/id/artist/bts",
    "/id/",
    "/id/ceremony/2018",
    "/.well-known/void",
    "/health",
    "/static/app.js",
    "/static/../../etc/passwd",
    "/nothing/here",
]
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO", "G E T"]
PARAMS = [
    "query",
    "update",
    "format",
    "default-graph-uri",
    "named-graph-uri",
    "artist",
    "year",
    "category",
    "group",
    "subject",
    "minimum",
]
QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999",
    "SELECT * WHERE { ?s ?p ?o } OFFSET 18446744073709551616",
    "ASK {}",
    "SELECT (1/0 AS ?x) {}",
    'SELECT (STRLEN("x") AS ?n) { } ' + "#" * 5000,
    "DESCRIBE <https://w3id.org/amakg/id/artist/bts>",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT * WHERE { ?s ?p ?o # x\rSERVICE <http://127.0.0.1:9/> { ?a ?b ?c }\n}",
    "SELECT * { ?s ?p " + "9" * 5000 + " }",
    'SELECT * { ?s ?p "\\uD800" }',
    "SELECT * { VALUES ?x { <\x00> } }",
    "LOAD <http://127.0.0.1:9/>",
    "SELECT * {" * 500 + "}" * 500,
]
CONTENT_TYPES = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "multipart/form-data; boundary=zzz",
    "application/json",
    "text/plain",
    "application/sparql-query; charset=utf-16",
    "",
    ";;;",
    "application/x-www-form-urlencoded; charset=\x7f",
]
ACCEPTS = [
    "*/*",
    "text/html",
    "application/sparql-results+json;q=0",
    "text/*;q=NaN, */*;q=-1",
    "image/png",
    ";q=1, /, */",
    "application/ld+json;q=1e309",
    "text/turtle;q=0.5,application/n-triples;q=0.5",
]

header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=200
)
huge_number = st.integers(min_value=1, max_value=20_000).map(lambda n: "9" * n)
bad_percent = st.sampled_from(["%", "%G1", "%FF%FE", "%%%", "%C0%80", "%ED%A0%80", "%00", "%u00e9"])
value_text = st.one_of(
    st.text(max_size=300).map(lambda t: quote(t, safe="")),
    huge_number,
    bad_percent,
    st.sampled_from(QUERIES).map(lambda q: quote(q, safe="")),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),  # raw bytes in the target
)


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(PARAMS), value_text), max_size=4))
    return "&".join(f"{name}={value}" for name, value in pairs)


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    return draw(
        st.one_of(
            st.binary(max_size=2_000),
            st.text(max_size=2_000).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.sampled_from(QUERIES).map(lambda q: q.encode()),
            query_strings().map(str.encode),
            st.just(b""),
        )
    )


@st.composite
def requests(draw: st.DrawFn) -> bytes:
    """One HTTP/1.1 request as bytes."""
    method = draw(st.sampled_from(METHODS))
    target = draw(st.sampled_from(ROUTES)) + draw(st.sampled_from(["", "/x", "%2F..%2F", "%"]))
    query = draw(query_strings())
    if query:
        target += "?" + query
    headers = [("Host", draw(st.sampled_from(["127.0.0.1", "localhost:1", "[::1]", "evil.com"])))]
    if draw(st.booleans()):
        headers.append(
            ("Content-Type", draw(st.one_of(st.sampled_from(CONTENT_TYPES), header_text)))
        )
    if draw(st.booleans()):
        headers.append(("Accept", draw(st.one_of(st.sampled_from(ACCEPTS), header_text))))
    if draw(st.integers(0, 9)) == 0:  # now and then a giant header
        headers.append(("X-Giant", "a" * draw(st.integers(1_000, 100_000))))
    body = draw(bodies()) if method != "GET" or draw(st.booleans()) else b""
    headers += [("Content-Length", str(len(body))), ("Connection", "close")]
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("latin-1", "replace") + b"\r\n" + body


@pytest.fixture(scope="module")
def server(kg: KnowledgeGraph) -> Iterator[BackgroundServer]:
    snapshot = snapshot_of(kg)
    with BackgroundServer(CONFIG, snapshot) as running:
        yield running
    snapshot.discard()


def exchange(port: int, request: bytes) -> int | None:
    """The status the server answers, or None when it cut the connection before answering."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)  # refused mid-request: its answer may still be readable
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    if not answer:
        return None
    status_line = answer.split(b"\r\n", 1)[0].split()
    return int(status_line[1])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests())
def test_hostile_requests_never_get_a_500(server: BackgroundServer, request: bytes) -> None:
    status = exchange(server.port, request)
    head_size = request.find(b"\r\n\r\n")
    if status is None:
        assert head_size > CONFIG.max_header_bytes, request[:300]
        return
    assert status < 500 or status == 503, request[:300]


def test_the_server_is_still_up_after_the_hostile_requests(server: BackgroundServer) -> None:
    health = httpx.get(server.url + "/health", timeout=30)
    assert health.status_code == 200
    assert health.json()["workers"]["workers"] == 2
    answer = httpx.get(server.url + "/queries/wins", params={"artist": "BTS"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["results"]["bindings"]
