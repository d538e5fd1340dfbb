"""Opt-in federation: SERVICE is refused by default, works against an allowed endpoint (a local
stand-in for Wikidata on 127.0.0.1), and stops at the timeout."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from amakg.api import KnowledgeGraph
from amakg.cli import main
from amakg.errors import NetworkRefused, QueryError

WIKIDATA = "https://query.wikidata.org/sparql"
BTS_QID = "http://www.wikidata.org/entity/Q13580495"


class StandIn(http.server.ThreadingHTTPServer):
    """A SPARQL endpoint stand-in that records every request; it knows one award, of BTS, and
    answers it only when the query asks about BTS's item (as Wikidata would, given VALUES)."""

    delay = 0.0

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: StandIn

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode() if length else urlsplit(self.path).query
        query = parse_qs(form).get("query", [""])[0]
        self.server.hits.append(query)
        time.sleep(self.server.delay)
        rows = (
            [
                {
                    "wikidata": {"type": "uri", "value": BTS_QID},
                    "award": {
                        "type": "uri",
                        "value": "http://www.wikidata.org/entity/Q-standin-award",
                    },
                    "awardLabel": {"type": "literal", "value": "Stand-in award", "xml:lang": "en"},
                }
            ]
            if f"<{BTS_QID}>" in query
            else []
        )
        body = json.dumps(
            {
                "head": {"vars": ["wikidata", "award", "awardLabel"]},
                "results": {"bindings": rows},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def standin() -> Iterator[StandIn]:
    server = StandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_service_is_refused_by_default(kg: KnowledgeGraph, standin: StandIn) -> None:
    with pytest.raises(
        NetworkRefused, match=r"SERVICE <https://query\.wikidata\.org/sparql> is refused"
    ):
        kg.run("wikidata-awards", artist="BTS")
    with pytest.raises(NetworkRefused, match="is refused"):
        kg.sparql(f"SELECT * WHERE {{ SERVICE <{standin.url}> {{ ?s ?p ?o }} }}")
    assert standin.hits == []


def test_cli_refuses_service_without_allow(
    standin: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sparql", f"SELECT * WHERE {{ SERVICE <{standin.url}> {{ ?s ?p ?o }} }}"])
    assert code == 2
    assert "--allow-endpoint" in capsys.readouterr().err
    assert standin.hits == []


def test_allowed_endpoint_joins_our_graph_with_the_standin(
    kg: KnowledgeGraph, standin: StandIn
) -> None:
    result = kg.run("wikidata-awards", artist="TXT", endpoints={WIKIDATA: standin.url}, timeout=20)
    # TXT resolves to TOMORROW X TOGETHER, whose Wikidata item is not BTS's: the join is empty,
    # but the call was made with our item bound (rdflib sends it as VALUES).
    assert result.rows == []
    assert len(standin.hits) == 1 and "Q60550265" in standin.hits[0]
    result = kg.run("wikidata-awards", artist="BTS", endpoints={WIKIDATA: standin.url}, timeout=20)
    assert [(str(r["entity"]), str(r["awardLabel"])) for r in result.rows] == [
        ("https://w3id.org/amakg/id/artist/bts", "Stand-in award")
    ]
    assert "Q13580495" in standin.hits[-1]


def test_federated_query_stops_at_the_timeout(kg: KnowledgeGraph, standin: StandIn) -> None:
    """The stand-in would answer after a minute; the query is stopped at its 1 s timeout. (Only
    a bound far above the timeout is asserted: how soon it stops is for bench/, not a test.)"""
    standin.delay = 60.0
    start = time.perf_counter()
    with pytest.raises(QueryError, match="stopped after 1 s"):
        kg.run("wikidata-awards", artist="BTS", endpoints={WIKIDATA: standin.url}, timeout=1)
    assert time.perf_counter() - start < standin.delay / 2


def test_other_hosts_stay_unreachable_when_one_endpoint_is_allowed(
    kg: KnowledgeGraph, standin: StandIn
) -> None:
    """Allowing the stand-in does not open the network: the child may only reach its host."""
    allowed = {WIKIDATA: standin.url}
    with pytest.raises(NetworkRefused):
        kg.sparql(
            "SELECT * WHERE { SERVICE <http://192.0.2.1/sparql> { ?s ?p ?o } }", endpoints=allowed
        )
