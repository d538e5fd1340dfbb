"""No query text gets a request out of amakg: a differential fuzz test of the network guard.

The guard decides on rdflib's reading of a query and pyoxigraph executes it; they used to
disagree about where a comment ends (a carriage return) and about `\\u` escapes, which let a
SERVICE call through. Hypothesis writes queries that mix comments, every kind of line end, escapes,
strings, nested groups and sub-queries with SERVICE, SERVICE SILENT, FROM, FROM NAMED and LOAD
pointed at a recording listener on 127.0.0.1, in every position. Each one must be refused (the
API raises an amakg error, the CLI exits 2, HTTP answers 400) or run, and the listener must see
zero connections.

`make fuzz` runs the same tests with many more examples (AMAKG_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from listener import Listener

from amakg.api import KnowledgeGraph
from amakg.cli import main
from amakg.errors import AmakgError, NetworkRefused, QueryError
from amakg.guard import check_query
from amakg.server.background import BackgroundServer
from amakg.server.config import ServerConfig
from amakg.server.snapshot import Snapshot

EXAMPLES = int(os.environ.get("AMAKG_FUZZ_EXAMPLES", "150"))
AMAKG = Path(sys.executable).with_name("amakg")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# One listener for the whole module; its port is fixed once it starts, so the strategies can
# name it.
LISTENER = Listener()
URL = LISTENER.url("sparql")
BASE = LISTENER.url("")

# ---------------------------------------------------------------- the query generator

LINE_ENDS = ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029"]
ESCAPED_LINE_ENDS = ["\\u000A", "\\u000D", "\\U0000000A", "\\u2028", "\\u0085"]
HOSTILE = [*LINE_ENDS, *ESCAPED_LINE_ENDS, "\\u0020", "\\u0009", "\t"]
SERVICE_WORDS = ["SERVICE", "service", "SeRvIcE", "SERV\\u0049CE", "\\u0053ERVICE"]
ESCAPED_URL = URL.replace(":", "\\u003A", 1)  # http\u003A//127.0.0.1:…
ENDPOINTS = [
    f"<{URL}>",
    f"<{ESCAPED_URL}>",
    "r:sparql",
    "<sparql>",  # relative: resolved against BASE
]
QUOTE_BITS = ['"', "'", "\\", '\\"', "\\'", "\\u0022", "\\u0027", "\\u0023", "\\u005C"]


def mostly(plain: list[str], hostile: list[str], odds: int = 6) -> st.SearchStrategy[str]:
    """One of `plain`, or one of `hostile` about once in `odds` draws: enough valid queries for
    the engine to run, enough odd ones to find where two readings part."""
    return st.integers(1, odds).flatmap(lambda n: st.sampled_from(hostile if n == 1 else plain))


separator = mostly([" ", "\n", " \n "], HOSTILE)
line_end = mostly(["\n"], [*LINE_ENDS, *ESCAPED_LINE_ENDS, ""])
words = st.lists(st.sampled_from(list("abc xyz{}<>?.;#")), max_size=8).map("".join)
odd_words = st.lists(mostly(list("abc #{}"), QUOTE_BITS + HOSTILE), max_size=6).map("".join)


@st.composite
def service_call(draw: st.DrawFn) -> str:
    silent = draw(st.sampled_from(["", " SILENT"]))
    word = draw(st.sampled_from(SERVICE_WORDS))
    endpoint = draw(st.sampled_from(ENDPOINTS))
    return f"{word}{silent} {endpoint} {{ ?s ?p ?o }}"


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    body = draw(st.one_of(words.filter(lambda w: "#" not in w or len(quote) == 1), odd_words))
    if draw(st.booleans()):
        # a SERVICE call after something that may (or may not) end the string
        body += draw(odd_words) + draw(service_call()) + draw(odd_words)
    return quote + body + quote


@st.composite
def comment(draw: st.DrawFn) -> str:
    body = draw(words)
    if draw(st.booleans()):
        # code after something that may (or may not) end the comment
        body += draw(st.sampled_from([" ", *LINE_ENDS, *ESCAPED_LINE_ENDS])) + draw(service_call())
    return "#" + body + draw(line_end)


def group(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    joined = st.lists(pieces, min_size=1, max_size=4).flatmap(
        lambda items: st.lists(separator, min_size=len(items), max_size=len(items)).map(
            lambda seps: "".join(s + i for s, i in zip(seps, items, strict=True))
        )
    )
    return st.one_of(
        joined.map(lambda g: "{" + g + " }"),
        joined.map(lambda g: "OPTIONAL {" + g + " }"),
        joined.map(lambda g: "FILTER EXISTS {" + g + " }"),
        joined.map(lambda g: "MINUS {" + g + " }"),
        joined.map(lambda g: "{" + g + " } UNION {" + g + " }"),
        joined.map(lambda g: "{ SELECT * WHERE {" + g + " } LIMIT 2 }"),
    )


triple = st.just("?s ?p ?o .")
atoms = st.one_of(
    triple,
    triple,
    string_literal().map(lambda s: f"BIND({s} AS ?b)"),
    string_literal().map(lambda s: f"FILTER(?o != {s})"),
    comment(),
    comment(),
    service_call(),
)
pattern = st.recursive(atoms, group, max_leaves=8)


@st.composite
def query(draw: st.DrawFn) -> str:
    prologue = draw(st.sampled_from(["", f"PREFIX r: <{BASE}>\n", f"BASE <{BASE}>\n"]))
    form = draw(st.sampled_from(["SELECT *", "SELECT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }"]))
    dataset = draw(mostly([""], [f" FROM <{URL}>", f" FROM NAMED <{URL}>", f" from <{URL}>"], 3))
    if dataset and draw(st.booleans()):
        dataset = draw(comment()) + dataset  # a dataset clause hidden (or not) behind a comment
    body = draw(st.lists(pattern, min_size=1, max_size=4))
    seps = draw(st.lists(separator, min_size=len(body), max_size=len(body)))
    where = "".join(s + b for s, b in zip(seps, body, strict=True))
    tail = draw(st.sampled_from(["", " LIMIT 3", f" ; LOAD <{URL}>", f"\nLOAD <{URL}>"]))
    return f"{prologue}{form}{dataset} WHERE {{{where} }}{tail}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def no_connection() -> Iterator[None]:
    LISTENER.clear()
    yield
    assert LISTENER.hits == [], f"requests left amakg: {LISTENER.hits}"
    assert LISTENER.connections == 0, f"{LISTENER.connections} connection(s) left amakg"


@pytest.fixture(scope="module")
def http(snapshot: Snapshot) -> Iterator[httpx.Client]:
    with (
        BackgroundServer(ServerConfig(timeout=10, max_rows=20), snapshot) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def send(http: httpx.Client, how: str, text: str) -> httpx.Response:
    """The query by one of the SPARQL 1.1 Protocol's three ways."""
    if how == "get":
        return http.get("/sparql", params={"query": text})
    if how == "post-form":
        return http.post("/sparql", data={"query": text})
    return http.post(
        "/sparql",
        content=text.encode("utf-8", "surrogatepass"),
        headers={"Content-Type": "application/sparql-query"},
    )


def _assert_quiet() -> None:
    assert LISTENER.connections == 0, f"a query reached the listener: {LISTENER.hits}"


# ---------------------------------------------------------------- the instrument


def test_the_listener_counts_a_real_request() -> None:
    """A query the guard never sees (pyoxigraph called directly) does reach the listener, so
    zero connections below means zero."""
    import pyoxigraph as ox

    answer = ox.Store().query(f"SELECT * WHERE {{ SERVICE <{URL}> {{ ?s ?p ?o }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    assert [str(row["s"].value) for row in answer] == ["http://example.org/leaked"]
    assert LISTENER.connections == 1
    LISTENER.clear()


# ---------------------------------------------------------------- the reported bypass

CARRIAGE_RETURN = "SELECT * WHERE {{ ?s ?p ?o # x\r{word} <{url}> {{ ?a ?b ?c }}\n}}"
BYPASSES = {
    "service": CARRIAGE_RETURN.format(word="SERVICE", url=URL),
    "service-silent": CARRIAGE_RETURN.format(word="SERVICE SILENT", url=URL),
    "ask": f"ASK {{ ?s ?p ?o # x\rSERVICE <{URL}> {{ ?a ?b ?c }}\n}}",
    "escaped-line-feed": f"SELECT * WHERE {{ ?s ?p ?o # x\\u000ASERVICE <{URL}> {{ ?a ?b ?c }} }}",
    "from-after-comment": f"SELECT * # x\rFROM <{URL}>\nWHERE {{ ?s ?p ?o }}",
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_reported_bypass_is_refused_by_the_api(kg: KnowledgeGraph, name: str) -> None:
    with pytest.raises((NetworkRefused, QueryError)):
        kg.sparql(BYPASSES[name])


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_reported_bypass_is_refused_by_the_cli(dist: Path, name: str) -> None:
    run = subprocess.run(
        [str(AMAKG), "sparql", BYPASSES[name], "--dist", str(dist)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "refused" in run.stderr or "invalid SPARQL" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", sorted(BYPASSES))
@pytest.mark.parametrize("how", ["get", "post-form", "post-query"])
def test_reported_bypass_is_refused_over_http(http: httpx.Client, name: str, how: str) -> None:
    answer = send(http, how, BYPASSES[name])
    assert answer.status_code == 400, answer.text
    assert "refused" in answer.text or "invalid SPARQL" in answer.text


def test_both_readings_are_one_text() -> None:
    """What the guard checked is what runs: line ends folded, escapes decoded once."""
    info = check_query('SELECT ?x WHERE {\r\n BIND("caf\\u00e9" AS ?x) # \r\n}')
    assert info.text == 'SELECT ?x WHERE {\n BIND("café" AS ?x) # \n}'


@pytest.mark.parametrize(
    "text, what",
    [
        ("SELECT * WHERE { ?s ?p ?o \u2028}", "U+2028"),
        ("SELECT * WHERE { ?s ?p ?o \v}", "U+000B"),
        ('SELECT * WHERE { BIND("\\u000D" AS ?x) }', "U+000D"),
        ('SELECT * WHERE { BIND("\\u005Cu0041" AS ?x) }', "an escape that decodes to an escape"),
    ],
)
def test_what_two_parsers_could_read_differently_is_refused(text: str, what: str) -> None:
    with pytest.raises(QueryError) as caught:
        check_query(text)
    assert what in str(caught.value)
    assert "line 1, column" in str(caught.value)


# ---------------------------------------------------------------- the fuzzers


@FUZZ
@given(text=query())
def test_fuzzed_queries_never_reach_the_network_through_the_api(
    kg: KnowledgeGraph, text: str
) -> None:
    with contextlib.suppress(AmakgError):
        kg.sparql(text, max_rows=3)
    _assert_quiet()


@settings(FUZZ, max_examples=max(EXAMPLES // 5, 20))
@given(text=query())
def test_fuzzed_queries_never_reach_the_network_through_the_cli(
    dist: Path, text: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["sparql", text, "--dist", str(dist), "--max-rows", "3", "--format", "json"])
    capsysbinary.readouterr()
    assert code in (0, 2)
    _assert_quiet()


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 20))
@given(text=query(), how=st.sampled_from(["get", "post-form", "post-query"]))
def test_fuzzed_queries_never_reach_the_network_over_http(
    http: httpx.Client, text: str, how: str
) -> None:
    answer = send(http, how, text)
    assert answer.status_code in (200, 400), answer.text[:500]
    _assert_quiet()


# ---------------------------------------------------------------- protocol graph parameters


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_graph_parameters_naming_a_url_fetch_nothing(http: httpx.Client, parameter: str) -> None:
    answer = http.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", parameter: URL},
    )
    assert answer.status_code in (200, 400), answer.text
    _assert_quiet()


# ---------------------------------------------------------------- defence in depth


_ISOLATED_SERVICE = """
import sys
import pyoxigraph as ox
from amakg.sandbox import isolate_network
if sys.argv[2] == "isolated":
    assert isolate_network(), "no network namespace on this machine"
try:
    rows = list(ox.Store().query("SELECT * WHERE { SERVICE <" + sys.argv[1] + "> { ?s ?p ?o } }"))
    print("rows", len(rows))
except OSError as exc:
    print("failed", exc)
"""


def test_an_isolated_process_reaches_nothing_even_past_the_guard() -> None:
    """The second line of defence: the CLI and the server's query workers enter a network
    namespace of their own, where even a SERVICE call that got past the guard cannot connect."""
    control = subprocess.run(
        [sys.executable, "-c", _ISOLATED_SERVICE, URL, "control"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert control.stdout.strip() == "rows 1"
    assert LISTENER.connections == 1  # the instrument sees a SERVICE call that is not stopped
    LISTENER.clear()
    isolated = subprocess.run(
        [sys.executable, "-c", _ISOLATED_SERVICE, URL, "isolated"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert isolated.stdout.startswith("failed"), isolated.stdout + isolated.stderr
