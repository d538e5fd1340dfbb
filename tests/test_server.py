"""The HTTP server as clients use it: a real server on 127.0.0.1 and a free port, real requests.

SPARQL protocol, content negotiation, descriptions, canned queries, Linked Data pages, and the
safety rules: read-only, no outbound request, bounded queries, 4xx (never 500) for bad input.
Answers are compared with the same questions asked in-process (kg.sparql / kg.run).
Queries sent as strings here are test inputs (attacks, malformed text), not project SPARQL.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.term import Node

from amakg import queries, resources
from amakg.api import KnowledgeGraph
from amakg.server import ServerConfig, ServerError, serve
from amakg.server.background import BackgroundServer
from amakg.server.snapshot import Snapshot, take_snapshot
from amakg.vocab import AMAR, LINKS, SD
from amakg.void import describe

BTS = AMAR["artist/bts"]
EXAMPLES = resources.queries_dir() / "server" / "examples"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BTS_LABELS = (
    "SELECT ?label WHERE { <https://w3id.org/amakg/id/artist/bts> ?p ?label } ORDER BY ?label"
)
ALL_TRIPLES = "SELECT * WHERE { ?s ?p ?o }"
CONSTRUCT_BTS = (
    "CONSTRUCT { <https://w3id.org/amakg/id/artist/bts> ?p ?o } "
    "WHERE { <https://w3id.org/amakg/id/artist/bts> ?p ?o }"
)
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def server(snapshot: Snapshot) -> Iterator[BackgroundServer]:
    """The default configuration (CORS off), with a small row cap to test it."""
    with BackgroundServer(ServerConfig(max_rows=500), snapshot) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


class Recorder:
    """A local HTTP server that records every request it gets (it must get none)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<http://x/s> <http://x/p> <http://x/o> .\n")

            do_GET = do_POST = do_HEAD = _record

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.close()


# ------------------------------------------------------------------ helpers


def json_term(node: Node | None) -> tuple[str, ...] | None:
    """An rdflib term as SPARQL results JSON gives it."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return ("uri", str(node))
    if isinstance(node, Literal):
        extra = node.language or (str(node.datatype) if node.datatype else "")
        return ("literal", str(node), extra)
    return ("bnode",)


def from_json(cell: dict | None) -> tuple[str, ...] | None:
    if cell is None:
        return None
    if cell["type"] == "uri":
        return ("uri", cell["value"])
    if cell["type"] == "literal":
        return ("literal", cell["value"], cell.get("xml:lang") or cell.get("datatype", ""))
    return ("bnode",)


def json_rows(payload: dict) -> list[dict[str, tuple[str, ...] | None]]:
    names = payload["head"]["vars"]
    return [{v: from_json(b.get(v)) for v in names} for b in payload["results"]["bindings"]]


def kg_rows(kg: KnowledgeGraph, sparql: str, **kwargs: object) -> list[dict]:
    result = kg.sparql(sparql, **kwargs)  # type: ignore[arg-type]
    return [{v: json_term(row.get(v)) for v in result.vars} for row in result.rows]


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.rq").read_text(encoding="utf-8")


def graph_of(response: httpx.Response, fmt: str) -> Graph:
    return Graph().parse(data=response.text, format=fmt)


# ------------------------------------------------------------------ the server itself


def test_binds_loopback_by_default(server: BackgroundServer) -> None:
    assert ServerConfig().host == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_health_reports_workers_and_graphs(client: httpx.Client, kg: KnowledgeGraph) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert health["workers"]["workers"] == 3  # two for /sparql, one reserved for canned queries
    assert health["workers"]["reserved"] == 1
    assert "pids" not in health["workers"]
    assert health["network_isolated"] in (True, False)
    assert set(health["graphs"]) == {str(g) for g in kg.graphs}
    assert health["limits"] == {"timeout_seconds": 10.0, "max_rows": 500}


def test_bad_settings_are_refused_with_a_message() -> None:
    with pytest.raises(ServerError, match="--timeout"):
        ServerConfig(timeout=0)
    with pytest.raises(ServerError, match="wildcard"):
        ServerConfig(cors_origins=("*",))
    for host in ("http://amakg.example", "amakg.example:8080", "*", "a/b"):
        with pytest.raises(ServerError, match="--allow-host"):
            ServerConfig(allowed_hosts=(host,))


def test_without_the_server_extra_serve_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # `import uvicorn` now fails
    with pytest.raises(ServerError, match=re.escape("pip install 'amakg[server]'")) as caught:
        serve("127.0.0.1", 0)
    assert "uvicorn" in str(caught.value)


def test_query_workers_have_no_network_where_the_platform_allows(client: httpx.Client) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "from amakg.sandbox import isolate_network as i; print(i())"],
        capture_output=True,
        text=True,
        check=True,
    )
    possible = probe.stdout.strip() == "True"
    assert client.get("/health").json()["network_isolated"] is possible
    assert client.get("/queries/wins", params={"artist": "BTS"}).status_code == 200


# ------------------------------------------------------------------ SPARQL protocol


def test_get_form_post_and_direct_post_give_the_in_process_answer(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    query = example("wins-per-year")
    expected = kg_rows(kg, query)
    assert [(r["year"][1], r["wins"][1]) for r in expected][:1] == [("2018", "1")]
    answers = [
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post(
            "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/sparql-results+json"
        assert json_rows(response.json()) == expected


def test_select_in_each_result_format(client: httpx.Client, kg: KnowledgeGraph) -> None:
    query = example("nominations-per-category")
    expected = kg_rows(kg, query)
    names = [r["categoryName"][1] for r in expected]

    def get(accept: str) -> httpx.Response:
        response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        return response

    xml = ElementTree.fromstring(get("application/sparql-results+xml").content)
    xml_names = [
        b.findtext(f"{RESULTS_NS}literal")
        for b in xml.iter(f"{RESULTS_NS}binding")
        if b.get("name") == "categoryName"
    ]
    assert xml_names == names
    table = list(csv.DictReader(io.StringIO(get("text/csv").text)))
    assert [row["categoryName"] for row in table] == names
    tsv = get("text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?categoryName\t?nominations\t?wins"
    assert [line.split("\t")[0] for line in tsv[1:]] == [
        json.dumps(n, ensure_ascii=False) for n in names
    ]


def test_ask(client: httpx.Client) -> None:
    yes = client.get(
        "/sparql", params={"query": "ASK { <https://w3id.org/amakg/id/artist/bts> ?p ?o }"}
    )
    assert yes.json()["boolean"] is True
    no = client.get(
        "/sparql",
        params={"query": "ASK { <https://w3id.org/amakg/id/artist/nobody> ?p ?o }"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert no.text == "?_askResult\nfalse\n"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("*/*", "turtle"),
    ],
)
def test_construct_in_each_graph_format(
    client: httpx.Client, kg: KnowledgeGraph, accept: str, fmt: str
) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT_BTS}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    expected = kg.sparql(CONSTRUCT_BTS).graph
    assert expected is not None and len(expected) > 10
    assert to_isomorphic(graph_of(response, fmt)) == to_isomorphic(expected)


def test_default_format_is_json_for_rows(client: httpx.Client) -> None:
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}):
        response = client.get("/sparql", params={"query": BTS_LABELS}, headers=headers)
        assert response.headers["content-type"] == "application/sparql-results+json"


@pytest.mark.parametrize(
    "accept",
    ["image/png", "text/plain", "!!!", ";;;,/,", "text/csv;q=abc", "*/*;q=0", "text/turtle"],
)
def test_unacceptable_accept_is_406(client: httpx.Client, accept: str) -> None:
    response = client.get("/sparql", params={"query": BTS_LABELS}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_construct_refuses_a_results_only_accept(client: httpx.Client) -> None:
    response = client.get(
        "/sparql", params={"query": CONSTRUCT_BTS}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406
    assert "CONSTRUCT" in response.text and "text/turtle" in response.text


def test_row_cap_cuts_and_says_so(client: httpx.Client, kg: KnowledgeGraph) -> None:
    assert kg.store.count() > 500
    response = client.get("/sparql", params={"query": ALL_TRIPLES})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 500
    assert response.headers["amakg-truncated"] == "true"
    assert response.headers["amakg-row-limit"] == "500"
    assert "500 rows" in response.headers["amakg-note"]
    small = client.get("/sparql", params={"query": BTS_LABELS})
    assert "amakg-truncated" not in small.headers


def test_default_graph_uri_selects_a_graph_of_the_dataset(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    response = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "default-graph-uri": str(LINKS),
        },
    )
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == kg.store.count(LINKS)


def test_named_graph_uri_limits_graph_patterns(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": str(LINKS),
        },
    )
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [str(LINKS)]


def test_foreign_dataset_graphs_are_refused_unfetched(
    client: httpx.Client, recorder: Recorder
) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        response = client.get(
            "/sparql", params={"query": ALL_TRIPLES, name: recorder.url + "/data.ttl"}
        )
        assert response.status_code == 400
        assert "never fetches" in response.text
    assert recorder.hits == []


def test_service_description(
    client: httpx.Client, server: BackgroundServer, kg: KnowledgeGraph
) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    sd = graph_of(response, "turtle")
    service = sd.value(predicate=RDF.type, object=SD.Service)
    assert sd.value(service, SD.endpoint) == URIRef(server.url + "/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert {str(n) for n in sd.objects(None, SD.name)} == {str(g) for g in kg.graphs}
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert to_isomorphic(graph_of(as_jsonld, "json-ld")) == to_isomorphic(sd)


def test_a_browser_at_the_endpoint_is_sent_to_the_query_page(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_void_describes_the_served_dataset(client: httpx.Client, kg: KnowledgeGraph) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    expected = describe(kg.store, kg.asserted_graphs)
    assert to_isomorphic(graph_of(response, "turtle")) == to_isomorphic(expected)


# ------------------------------------------------------------------ read-only, no network


def test_updates_are_refused(client: httpx.Client, kg: KnowledgeGraph) -> None:
    update = "INSERT DATA { <https://w3id.org/amakg/id/x> <https://w3id.org/amakg/id/p> 1 }"
    before = client.get("/health").json()["graphs"]
    refused = [
        client.post("/sparql", data={"update": update}),
        client.post(
            "/sparql",
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        client.get("/sparql", params={"update": update}),
    ]
    for response in refused:
        assert response.status_code == 403
        assert "read-only" in response.text
    as_query = client.get("/sparql", params={"query": update})
    assert as_query.status_code == 400
    assert "read-only" in as_query.text
    assert client.get("/health").json()["graphs"] == before
    ask = client.get("/sparql", params={"query": "ASK { <https://w3id.org/amakg/id/x> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_service_is_refused_without_a_request(client: httpx.Client, recorder: Recorder) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{recorder.url}/sparql> {{ ?s ?p ?o }} }}"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text and "no outbound requests" in response.text
    silent = f"SELECT * WHERE {{ SERVICE SILENT <{recorder.url}/sparql> {{ ?s ?p ?o }} }}"
    assert client.get("/sparql", params={"query": silent}).status_code == 400
    assert recorder.hits == []


def test_from_is_refused_without_a_request(client: httpx.Client, recorder: Recorder) -> None:
    for clause in ("FROM", "FROM NAMED"):
        query = f"SELECT * {clause} <{recorder.url}/data.ttl> WHERE {{ ?s ?p ?o }}"
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 400
        assert "FROM" in response.text
    assert recorder.hits == []


# ------------------------------------------------------------------ malformed input: 4xx, never 500


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"query": "SELECT * WHERE { ?s ?p ?o "}, 400, "line 1"),
        ({"query": "SELEKT ?s WHERE { ?s ?p ?o }"}, 400, "invalid SPARQL"),
        ({"query": "   "}, 400, "empty"),
        ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}, 400, "invalid SPARQL"),
        ({"query": "SELECT * WHERE {" * 3000 + "}" * 3000}, 400, ""),
        ({"query": ALL_TRIPLES, "format": "pdf"}, 406, "format=pdf"),
        ({"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY"}, 400, "invalid SPARQL"),
    ],
)
def test_malformed_queries_get_4xx(
    client: httpx.Client, params: dict, status: int, words: str
) -> None:
    response = client.post("/sparql", data=params)
    assert response.status_code == status, response.text
    assert words in response.text


def test_malformed_requests_get_4xx(client: httpx.Client) -> None:
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400
    form_type = client.post(
        "/sparql", content=b"query=ASK{}", headers={"Content-Type": "text/plain"}
    )
    assert form_type.status_code == 415
    not_utf8 = client.post(
        "/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"}
    )
    assert not_utf8.status_code == 400
    huge = client.post(
        "/sparql", content=b"#" * 1_100_000, headers={"Content-Type": "application/sparql-query"}
    )
    assert huge.status_code == 413
    assert client.get("/sparql?query=%FF%FE").status_code == 400
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", content=b"query=%FF%FE&x=%", headers=form).status_code == 400
    assert client.delete("/sparql").status_code == 405
    assert client.get("/no/such/page").status_code == 404


# ------------------------------------------------------------------ bounded queries


def test_a_pathological_query_is_killed_while_others_are_answered(snapshot: Snapshot) -> None:
    config = ServerConfig(timeout=3, workers=2)
    with (
        BackgroundServer(config, snapshot) as running,
        httpx.Client(base_url=running.url, timeout=60) as c,
    ):
        before = worker_pids()
        outcome: dict[str, httpx.Response] = {}
        slow = threading.Thread(
            target=lambda: outcome.update(slow=c.get("/sparql", params={"query": CROSS_JOIN}))
        )
        slow.start()
        while c.get("/health").json()["workers"]["busy"] == 0:
            pass  # until the pathological query holds a worker
        answered = [c.get("/queries/wins", params={"artist": "BTS"}) for _ in range(5)]
        still_running = slow.is_alive()
        slow.join()
        assert still_running, "the pathological query ended before the others were answered"
        assert all(r.status_code == 200 and r.json()["results"]["bindings"] for r in answered)
        assert outcome["slow"].status_code == 503
        assert "stopped after 3 s" in outcome["slow"].text
        while c.get("/health").json()["workers"]["workers"] < 3:
            pass  # the replacement worker is loading
        after = c.get("/health").json()["workers"]
        killed = before - worker_pids()
        assert len(killed) == 1 and after["timeouts"] == 1
        for pid in killed:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert c.get("/sparql", params={"query": BTS_LABELS}).status_code == 200


def worker_pids() -> set[int]:
    """The query workers of the servers this process runs (BackgroundServer: our children)."""
    return {
        p.pid
        for p in multiprocessing.active_children()
        if p.name.startswith("amakg-query-worker") and p.pid is not None
    }


def test_a_query_past_the_memory_cap_stops_only_its_worker(snapshot: Snapshot) -> None:
    config = ServerConfig(timeout=60, workers=1, worker_memory_mb=512)
    with (
        BackgroundServer(config, snapshot) as running,
        httpx.Client(base_url=running.url, timeout=90) as c,
    ):
        sort_everything = CROSS_JOIN.replace("(COUNT(*) AS ?n)", "*") + " ORDER BY ?a ?d ?g"
        response = c.get("/sparql", params={"query": sort_everything})
        assert response.status_code == 503
        assert "more memory than a worker may" in response.text
        assert c.get("/sparql", params={"query": BTS_LABELS}).status_code == 200  # a new worker
        assert c.get("/health").json()["workers"]["crashes"] == 1


# ------------------------------------------------------------------ CORS


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    origin = {"Origin": "http://elsewhere.example"}
    simple = client.get("/sparql", params={"query": BTS_LABELS}, headers=origin)
    assert "access-control-allow-origin" not in simple.headers
    preflight = client.options(
        "/sparql", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_exactly_the_configured_origins(snapshot: Snapshot) -> None:
    config = ServerConfig(cors_origins=("http://allowed.example",), workers=1)
    with BackgroundServer(config, snapshot) as running, httpx.Client(base_url=running.url) as c:
        allowed = c.get(
            "/sparql", params={"query": BTS_LABELS}, headers={"Origin": "http://allowed.example"}
        )
        assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
        assert "Amakg-Truncated" in allowed.headers["access-control-expose-headers"]
        other = c.get(
            "/sparql", params={"query": BTS_LABELS}, headers={"Origin": "http://other.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        preflight = c.options(
            "/sparql",
            headers={"Origin": "http://allowed.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://allowed.example"


# ------------------------------------------------------------------ canned queries


def test_queries_are_listed_as_json_and_html(client: httpx.Client) -> None:
    listed = client.get("/queries", headers={"Accept": "application/json"}).json()
    assert [q["name"] for q in listed["queries"]] == list(queries.catalogue())
    wins = next(q for q in listed["queries"] if q["name"] == "wins")
    assert wins["parameters"][0]["name"] == "artist"
    assert [q["name"] for q in listed["examples"]] == ["nominations-per-category", "wins-per-year"]
    assert client.get("/queries?format=json").json() == listed
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    for query in queries.catalogue().values():
        assert query.title.replace("'", "&#39;") in page.text


def test_a_canned_query_runs_with_its_parameters(client: httpx.Client, kg: KnowledgeGraph) -> None:
    expected = kg.run("wins", artist="BTS")
    answer = client.get("/queries/wins", params={"artist": "BTS"})
    assert answer.headers["content-type"] == "application/sparql-results+json"
    assert json_rows(answer.json()) == [
        {v: json_term(r.get(v)) for v in expected.vars} for r in expected.rows
    ]
    years = [int(b["year"]["value"]) for b in answer.json()["results"]["bindings"]]
    assert years[0] == 2018 and 2022 in years
    as_csv = client.get("/queries/wins", params={"artist": "BTS", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert [r["categoryName"] for r in csv.DictReader(io.StringIO(as_csv.text))] == [
        str(r["categoryName"]) for r in expected.rows
    ]
    html = client.get("/queries/wins", params={"artist": "BTS"}, headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "Favorite Social Artist" in html.text and "<table" in html.text


def test_canned_query_errors_say_what_is_accepted(client: httpx.Client) -> None:
    unknown_param = client.get("/queries/wins", params={"singer": "BTS"})
    assert unknown_param.status_code == 400
    assert "it accepts: artist (string" in unknown_param.text
    bad_year = client.get("/queries/ceremony", params={"year": "last year"})
    assert bad_year.status_code == 400 and "must be an integer" in bad_year.text
    unknown = client.get("/queries/no-such-query")
    assert unknown.status_code == 404 and "wins" in unknown.text
    bad_format = client.get("/queries/wins", params={"format": "pdf"})
    assert bad_format.status_code == 400 and "json" in bad_format.text


def test_html_pages_escape_what_they_are_given(client: httpx.Client) -> None:
    script = "<script>alert(1)</script>"
    html = {"Accept": "text/html"}
    canned = client.get("/queries/wins", params={"artist": script}, headers=html)
    assert canned.status_code == 200
    assert script not in canned.text and "&lt;script&gt;" in canned.text
    missing = client.get(f"/queries/{script}", headers=html)
    assert missing.status_code == 404 and script not in missing.text
    plain = client.get(f"/queries/{script}")
    assert plain.headers["content-type"].startswith("text/plain")
    assert plain.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------------ Linked Data


def test_entity_page_for_a_browser(client: httpx.Client) -> None:
    page = client.get("/id/artist/bts", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>BTS</h1>" in text
    assert "Favorite Social Artist" in text and "2018" in text  # the nominations table
    assert "first K-pop group to perform at this awards ceremony" in text  # a quote of the article
    assert "http://www.wikidata.org/entity/Q13580495" in text  # skos:exactMatch
    assert 'href="/id/category/favorite-social-artist"' in text  # IRIs of the data link here


def test_entity_as_turtle_and_json_ld(client: httpx.Client) -> None:
    turtle = client.get("/id/artist/bts", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = graph_of(turtle, "turtle")
    assert (BTS, RDFS.label, Literal("BTS")) in graph
    assert (AMAR["nomination/2018/favorite-social-artist/bts"], None, BTS) in graph
    jsonld = client.get("/id/artist/bts", headers={"Accept": "application/ld+json"})
    assert to_isomorphic(graph_of(jsonld, "json-ld")) == to_isomorphic(graph)
    by_format = client.get("/id/artist/bts?format=nt")
    assert to_isomorphic(graph_of(by_format, "nt")) == to_isomorphic(graph)


def test_federated_and_out_of_range_canned_queries_get_4xx(client: httpx.Client) -> None:
    federated = client.get("/queries/wikidata-awards")
    assert federated.status_code == 403
    assert "must be allowed" in federated.text and "--allow-endpoint" in federated.text
    huge_year = client.get("/queries/ceremony", params={"year": "9" * 5000})
    assert huge_year.status_code == 400


def test_unknown_entities_and_bad_paths(client: httpx.Client) -> None:
    assert (
        client.get("/id/artist/nobody-at-all", headers={"Accept": "text/turtle"}).status_code == 404
    )
    assert (
        client.get("/id/artist/nobody-at-all", headers={"Accept": "text/html"}).status_code == 404
    )
    assert client.get("/id/artist/a%20b").status_code == 400
    assert client.get("/id/artist/a%00b").status_code == 400
    assert client.get("/id/artist/bts", headers={"Accept": "image/png"}).status_code == 406


# ------------------------------------------------------------------ the page


class AssetFinder(HTMLParser):
    """Every URL a page makes the browser load by itself (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source") and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.urls.append(found.get("href") or "")


def test_the_query_page_loads_only_its_own_assets(
    client: httpx.Client, server: BackgroundServer
) -> None:
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    finder = AssetFinder()
    finder.feed(page.text)
    assert sorted(finder.urls) == [
        f"{server.url}/static/{name}" for name in ("app.js", "chart.js", "style.css")
    ]
    for url in finder.urls:
        assert client.get(url).status_code == 200
    assert "Wins of an artist" in page.text and "Nominations per category" in page.text


def test_static_files_are_the_repository_files(client: httpx.Client) -> None:
    folder = Path(__file__).resolve().parents[1] / "amakg" / "server" / "static"
    for path in folder.iterdir():
        assert client.get(f"/static/{path.name}").content == path.read_bytes()


# ------------------------------------------------------------------ Host allow-list


def test_a_foreign_host_is_refused(client: httpx.Client) -> None:
    for path in ("/health", "/sparql", "/queries", "/nothing"):
        refused = client.get(path, headers={"Host": "rebind.attacker.example"})
        assert refused.status_code == 400
        assert "does not answer to the host name 'rebind.attacker.example'" in refused.text
        assert "--allow-host" in refused.text


def test_links_follow_only_allowed_hosts_and_ignore_forwarded_proto(
    client: httpx.Client, server: BackgroundServer
) -> None:
    local = f"localhost:{server.port}"
    described = client.get("/sparql", headers={"Host": local, "X-Forwarded-Proto": "https"})
    sd = graph_of(described, "turtle")
    assert set(sd.objects(None, SD.endpoint)) == {URIRef(f"http://{local}/sparql")}
    listed = client.get("/queries", headers={"Host": "[::1]:1", "Accept": "application/json"})
    assert listed.json()["queries"][0]["url"].startswith("http://[::1]:1/queries/")


def test_allowed_hosts_are_answered(snapshot: Snapshot) -> None:
    config = ServerConfig(workers=1, reserved_workers=0, allowed_hosts=("amakg.example.org",))
    with BackgroundServer(config, snapshot) as running:
        named = httpx.get(running.url + "/sparql", headers={"Host": "amakg.example.org:8443"})
        upper = httpx.get(running.url + "/health", headers={"Host": "AMAKG.Example.org"})
        other = httpx.get(running.url + "/sparql", headers={"Host": "example.org"})
    assert named.status_code == 200 and upper.status_code == 200
    endpoints = set(graph_of(named, "turtle").objects(None, SD.endpoint))
    assert endpoints == {URIRef("http://amakg.example.org:8443/sparql")}
    assert other.status_code == 400


# ------------------------------------------------------------------ the server process


SERVE = (
    "import sys; from pathlib import Path; from amakg.server import serve; "
    "serve('127.0.0.1', 0, data=Path(sys.argv[1]), workers=1)"
)


def start_serving(trig: Path, tmp: Path) -> subprocess.Popen[str]:
    """`serve()` in a process of its own, its temporary files under `tmp`; returns once it
    answers."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(trig)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    url = re.search(r"on (http://\S+?)/? ", line)
    assert url, line
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url[1] + "/health", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not answer")


def children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.add(int(status.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


def wait_until(condition: Callable[[], object], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_sigterm_stops_the_workers_and_removes_the_temporary_folder(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    process = start_serving(snapshot.trig, tmp_path)
    folders = list(tmp_path.glob("amakg-serve-*"))
    workers = children(process.pid)
    assert len(folders) == 1 and (folders[0] / "owner.pid").read_text().strip() == str(process.pid)
    assert len(workers) >= 2  # the ad-hoc and the reserved worker (and the resource tracker)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert list(tmp_path.glob("amakg-serve-*")) == []
    assert wait_until(lambda: not alive(workers)), alive(workers)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_after_kill_9_the_workers_die_and_the_next_server_removes_the_stale_folder(
    snapshot: Snapshot, tmp_path: Path
) -> None:
    killed = start_serving(snapshot.trig, tmp_path)
    workers = children(killed.pid)
    killed.kill()
    killed.wait(10)
    [stale] = tmp_path.glob("amakg-serve-*")
    assert wait_until(lambda: not alive(workers)), alive(workers)  # they die with the server
    unrelated = tmp_path / "amakg-serve-of-someone-else"  # no owner file: left alone
    unrelated.mkdir()
    second = start_serving(snapshot.trig, tmp_path)
    try:
        assert not stale.exists() and unrelated.exists()
        assert len(list(tmp_path.glob("amakg-serve-*"))) == 2
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    assert list(tmp_path.glob("amakg-serve-*")) == [unrelated]


def test_data_naming_a_device_is_refused_not_read(tmp_path: Path) -> None:
    """`amakg serve --data /dev/zero` would copy zeros until the disk is full."""
    with pytest.raises(ServerError, match="not a regular file"):
        take_snapshot(data=Path("/dev/zero"))
