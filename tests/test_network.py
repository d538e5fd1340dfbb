"""No request leaves amakg: a local HTTP server on 127.0.0.1 records every hit, and each way a
query or a file could make amakg fetch something points at it. Every test asserts the refusal
(with a message naming what was refused) and that the server saw zero requests.

The server answers every request with something plausible (SPARQL results, Turtle, a JSON-LD
context), so a request that did leave would succeed silently rather than fail loudly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from listener import Listener as LocalServer

from amakg.api import KnowledgeGraph, open_graph
from amakg.errors import NetworkRefused, QueryError
from amakg.load import parse_file

AMAKG = Path(sys.executable).with_name("amakg")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


@pytest.fixture
def recorder(server: LocalServer) -> Iterator[LocalServer]:
    server.clear()
    yield server
    assert server.hits == [], f"requests left amakg: {server.hits}"
    assert server.connections == 0, f"{server.connections} connection(s) left amakg"


@pytest.fixture(scope="module")
def kg(dist: Path) -> KnowledgeGraph:
    return open_graph(dist)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(AMAKG), *args], capture_output=True, text=True, check=False)


def test_the_recorder_records(server: LocalServer) -> None:
    """The instrument works: a real request to it is seen (so zero hits below means zero)."""
    from urllib.request import urlopen

    server.hits.clear()
    with urlopen(server.url("sparql"), timeout=10) as answer:
        assert b"leaked" in answer.read()
    assert server.hits == [("GET", "/sparql")]
    server.hits.clear()


# ---------------------------------------------------------------- (a) SERVICE

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "in-optional": "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in-exists": "ASK {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in-subquery": "SELECT * {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "prefixed": "PREFIX r: <{base}> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
}


def _service_query(server: LocalServer, form: str) -> str:
    return SERVICE_QUERIES[form].format(url=server.url("sparql"), base=server.url(""))


@pytest.mark.parametrize("form", sorted(SERVICE_QUERIES))
def test_service_is_refused_by_the_api(
    kg: KnowledgeGraph, recorder: LocalServer, form: str
) -> None:
    with pytest.raises(NetworkRefused) as caught:
        kg.sparql(_service_query(recorder, form))
    assert "SERVICE" in str(caught.value)
    assert recorder.url("sparql") in str(caught.value)


def test_service_with_a_variable_endpoint_is_refused(
    kg: KnowledgeGraph, recorder: LocalServer
) -> None:
    query = f"SELECT * WHERE {{ BIND(<{recorder.url('sparql')}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"
    with pytest.raises(NetworkRefused) as caught:
        kg.sparql(query)
    assert "SERVICE" in str(caught.value)


def test_canned_query_parameter_cannot_smuggle_a_service_call(
    kg: KnowledgeGraph, recorder: LocalServer
) -> None:
    """A value is bound, never spliced into the text: a SERVICE in it is just a string."""
    smuggled = f'BTS" }} SERVICE <{recorder.url("sparql")}> {{ ?s ?p ?o }} #'
    result = kg.run("wins", artist=smuggled)
    assert result.rows == []


@pytest.mark.parametrize("form", ["plain", "silent", "prefixed"])
def test_service_is_refused_by_the_cli(dist: Path, recorder: LocalServer, form: str) -> None:
    run = cli("sparql", _service_query(recorder, form), "--dist", str(dist), "--format", "json")
    assert run.returncode == 2
    assert run.stdout == ""
    assert "SERVICE" in run.stderr
    assert recorder.url("sparql") in run.stderr


# ---------------------------------------------------------------- (b) FROM / FROM NAMED

DATASET_QUERIES = {
    "from": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "construct-from": "CONSTRUCT {{ ?s ?p ?o }} FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "ask-from-named": "ASK FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "describe-from": "DESCRIBE <http://example.org/x> FROM <{url}>",
}


@pytest.mark.parametrize("form", sorted(DATASET_QUERIES))
def test_dataset_clause_is_refused_by_the_api(
    kg: KnowledgeGraph, recorder: LocalServer, form: str
) -> None:
    url = recorder.url("g.ttl")
    with pytest.raises(NetworkRefused) as caught:
        kg.sparql(DATASET_QUERIES[form].format(url=url))
    assert "FROM" in str(caught.value)
    assert url in str(caught.value)


@pytest.mark.parametrize("form", ["from", "from-named"])
def test_dataset_clause_is_refused_by_the_cli(dist: Path, recorder: LocalServer, form: str) -> None:
    url = recorder.url("g.ttl")
    run = cli("sparql", DATASET_QUERIES[form].format(url=url), "--dist", str(dist))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "FROM" in run.stderr
    assert url in run.stderr


# ---------------------------------------------------------------- (c) updates

UPDATES = {
    "load": "LOAD <{url}>",
    "load-silent-into": "LOAD SILENT <{url}> INTO GRAPH <http://example.org/g>",
    "insert-data": "INSERT DATA {{ <http://example.org/a> <http://example.org/b> <{url}> }}",
    "insert-where-service": "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "clear": "CLEAR ALL",
}


@pytest.mark.parametrize("form", sorted(UPDATES))
def test_updates_are_refused_by_the_api(
    kg: KnowledgeGraph, recorder: LocalServer, form: str
) -> None:
    before = kg.store.count()
    with pytest.raises(QueryError) as caught:
        kg.sparql(UPDATES[form].format(url=recorder.url("g.ttl")))
    assert "update" in str(caught.value).lower()
    assert kg.store.count() == before


@pytest.mark.parametrize("form", ["load", "insert-data"])
def test_updates_are_refused_by_the_cli(dist: Path, recorder: LocalServer, form: str) -> None:
    run = cli("sparql", UPDATES[form].format(url=recorder.url("g.ttl")), "--dist", str(dist))
    assert run.returncode == 2
    assert "update" in run.stderr.lower()


# ---------------------------------------------------------------- (d) remote JSON-LD contexts


def _jsonld_documents(server: LocalServer) -> dict[str, object]:
    thing = {"@id": "http://example.org/bts", "name": "BTS"}
    return {
        "string": {"@context": server.url("ctx.jsonld"), **thing},
        "named-like-the-local-one": {"@context": server.url("context.jsonld"), **thing},
        "in-a-list": {
            "@context": [{"name": "http://schema.org/name"}, server.url("ctx.jsonld")],
            **thing,
        },
        "nested": {
            "@id": "http://example.org/a",
            "http://example.org/p": {"@context": server.url("ctx.jsonld"), **thing},
        },
        "import": {"@context": {"@version": 1.1, "@import": server.url("ctx.jsonld")}, **thing},
    }


@pytest.mark.parametrize(
    "form", ["string", "named-like-the-local-one", "in-a-list", "nested", "import"]
)
def test_remote_jsonld_context_is_refused_at_load(
    tmp_path: Path, recorder: LocalServer, form: str
) -> None:
    path = tmp_path / f"{form}.jsonld"
    path.write_text(json.dumps(_jsonld_documents(recorder)[form]), encoding="utf-8")
    with pytest.raises(NetworkRefused) as caught:
        parse_file(path)
    assert f"127.0.0.1:{recorder.port}" in str(caught.value)


def test_remote_jsonld_context_is_refused_by_cli_validate(
    tmp_path: Path, recorder: LocalServer
) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps(_jsonld_documents(recorder)["string"]), encoding="utf-8")
    run = cli("validate", str(path))
    assert run.returncode == 2
    assert recorder.url("ctx.jsonld") in run.stderr


# ---------------------------------------------------------------- (e) owl:imports


def _importing_ontology(server: LocalServer) -> str:
    return (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/ontology> a owl:Ontology ; owl:imports <{server.url('o.ttl')}> .\n"
    )


def test_owl_imports_is_refused_at_load(tmp_path: Path, recorder: LocalServer) -> None:
    path = tmp_path / "imports.ttl"
    path.write_text(_importing_ontology(recorder), encoding="utf-8")
    with pytest.raises(NetworkRefused) as caught:
        parse_file(path)
    assert "owl:imports" in str(caught.value)
    assert recorder.url("o.ttl") in str(caught.value)


def test_owl_imports_is_refused_by_cli_validate(tmp_path: Path, recorder: LocalServer) -> None:
    path = tmp_path / "imports.ttl"
    path.write_text(_importing_ontology(recorder), encoding="utf-8")
    run = cli("validate", str(path))
    assert run.returncode == 2
    assert recorder.url("o.ttl") in run.stderr


# ---------------------------------------------------------------- (f) the whole build

# An audit hook can't be removed, so it is installed in a child process. Every proxy variable
# points at the recorder too: an HTTP client that honoured them would hit it.
_BUILD_WITH_AUDIT = """
import json, sys
events = []
WATCHED = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
           "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect")
def hook(event, args):
    if event in WATCHED:
        events.append([event, repr(args)[:200]])
sys.addaudithook(hook)
if sys.argv[1] == "control":
    from urllib.request import urlopen
    urlopen(sys.argv[2], timeout=10).read()
    code = code2 = 0
else:
    from amakg.cli import main
    code = main(["build", "--dist", sys.argv[1]])
    code2 = main(["query", "wins", "--format", "json", "--dist", sys.argv[1]])
sys.stdout.flush()
report = {"code": int(code), "query": int(code2), "events": events}
sys.stderr.write("\\nAUDIT " + json.dumps(report) + "\\n")
"""


def _audited(*args: str, proxy: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    env = dict(os.environ)
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        env[name] = proxy
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    child = subprocess.run(
        [sys.executable, "-c", _BUILD_WITH_AUDIT, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return child, json.loads(child.stderr.rsplit("AUDIT ", 1)[1])


def test_the_audit_hook_sees_a_connection(server: LocalServer) -> None:
    """The instrument works: a request made in the child is recorded as socket events."""
    server.hits.clear()
    _, report = _audited("control", server.url("control"), proxy="")
    assert "socket.connect" in {event for event, _ in report["events"]}
    assert server.hits == [("GET", "/control")]
    server.hits.clear()


def test_whole_build_makes_no_connection(tmp_path: Path, recorder: LocalServer) -> None:
    child, report = _audited(str(tmp_path / "dist"), proxy=recorder.url(""))
    assert report["code"] == 0
    assert report["query"] == 0
    assert report["events"] == []
    assert (tmp_path / "dist" / "amakg.trig").is_file()
    assert json.loads(child.stdout[child.stdout.index("{") :])["results"]["bindings"]


# ---------------------------------------------------------------- (g) the link and import inputs


def _copy_mapping(folder: Path) -> None:
    """The linker's fixture mapping beside the dataset, so the linker reads the file."""
    mapping = Path(__file__).parent / "fixtures" / "link" / "mapping.toml"
    (folder / "mapping.toml").write_text(mapping.read_text(encoding="utf-8"), encoding="utf-8")


def test_link_input_with_a_remote_context_fetches_nothing(
    tmp_path: Path, recorder: LocalServer
) -> None:
    path = tmp_path / "theirs.jsonld"
    path.write_text(json.dumps(_jsonld_documents(recorder)["import"]), encoding="utf-8")
    _copy_mapping(tmp_path)
    run = cli("link", "--against", str(path), "--out", str(tmp_path / "links.ttl"))
    assert run.returncode == 2, run.stderr
    assert recorder.url("ctx.jsonld") in run.stderr


def test_link_input_with_owl_imports_fetches_nothing(tmp_path: Path, recorder: LocalServer) -> None:
    path = tmp_path / "theirs.ttl"
    path.write_text(_importing_ontology(recorder), encoding="utf-8")
    _copy_mapping(tmp_path)
    run = cli("link", "--against", str(path), "--out", str(tmp_path / "links.ttl"))
    assert run.returncode == 2, run.stderr
    assert "owl:imports" in run.stderr


def test_import_rows_naming_urls_fetch_nothing(tmp_path: Path, recorder: LocalServer) -> None:
    """Links in the rows are data: the importer keeps or drops them, it never follows them."""
    source = tmp_path / "rows"
    source.mkdir()
    row = {
        "key": "American_Music_Award-American_Music_Award_for_Favorite_Country_Male_Artist-1990",
        "award_organization": "American_Music_Award",
        "award_classification": "American_Music_Award_for_Favorite_Country_Male_Artist",
        "artists": ["Clint Black"],
        "artist_links": [recorder.url("wiki/Clint_Black.ttl")],
        "is_winner": True,
        "year": "1990",
    }
    (source / "AMA_Artist.jl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    run = cli("import", "ama-history", str(source), "--out", str(tmp_path / "out"))
    assert run.returncode in (0, 2), run.stderr
    assert "Traceback" not in run.stderr
