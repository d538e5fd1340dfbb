"""The command line: exit codes (0 ok, 1 not conforming, 2 error), result formats, CONSTRUCT
formats, --asserted-only, export, the query catalogue, and the README documenting every command.

Commands run in-process through amakg.cli.main([...]) (output captured), and a few through the
installed `amakg` script to check the real exit status. Queries use a dist/ built once per module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from amakg import queries as canned
from amakg import resources
from amakg.cli import cli as click_group
from amakg.cli import main
from amakg.vocab import AMA, AMAR, INFERRED, WDT

ROOT = resources.root()
TESTS = Path(__file__).parent
AMAKG = Path(sys.executable).with_name("amakg")
INVALID = TESTS / "fixtures" / "invalid" / "nomination-missing-nominee.ttl"
BAD = TESTS / "fixtures" / "bad"
BTS = AMAR["artist/bts"]
KPOP = AMAR["category/favorite-k-pop-artist"]
# The article's wins of BTS: (year, category).
BTS_WINS = {
    (2018, AMAR["category/favorite-social-artist"]),
    (2019, AMAR["category/favorite-duo-or-group-pop-rock"]),
    (2020, AMAR["category/favorite-duo-or-group-pop-rock"]),
    (2021, AMAR["category/artist-of-the-year"]),
    (2021, AMAR["category/favorite-pop-duo-or-group"]),
    (2022, AMAR["category/favorite-pop-duo-or-group"]),
    (2022, KPOP),
}
P166_CONSTRUCT = (
    "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
    "CONSTRUCT { ?artist wdt:P166 ?category } WHERE { ?artist wdt:P166 ?category }\n"
)


@dataclass
class Run:
    code: int
    out: str
    err: str


Runner = Callable[..., Run]


@pytest.fixture
def amakg(capsys: pytest.CaptureFixture[str]) -> Runner:
    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(int(code), captured.out, captured.err)

    return run


def script(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, for the real process exit status."""
    return subprocess.run([str(AMAKG), *args], capture_output=True, text=True, check=False)


def expected_message(fixture: Path) -> str:
    text = fixture.with_suffix(".expected").read_text(encoding="utf-8")
    (message,) = re.findall(r"^message: (.+)$", text, re.M)
    return message.strip()


# ---------------------------------------------------------------- canned query, result formats


def test_wins_as_sparql_json(amakg: Runner, dist: Path) -> None:
    run = amakg("query", "wins", "--param", "artist=BTS", "--format", "json", "--dist", str(dist))
    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert {"year", "category"} <= set(document["head"]["vars"])
    bindings = document["results"]["bindings"]
    assert len(bindings) == 7
    found = {(int(b["year"]["value"]), URIRef(b["category"]["value"])) for b in bindings}
    assert found == BTS_WINS
    for b in bindings:
        assert b["year"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
        assert b["category"]["type"] == "uri"
    assert len(Result.parse(io.BytesIO(run.out.encode()), format="json")) == 7


def test_wins_as_csv(amakg: Runner, dist: Path) -> None:
    run = amakg("query", "wins", "--param", "artist=BTS", "--format", "csv", "--dist", str(dist))
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    header, body = rows[0], rows[1:]
    assert {"year", "category"} <= set(header)
    assert len(body) == 7
    year, category = header.index("year"), header.index("category")
    assert {(int(r[year]), URIRef(r[category])) for r in body} == BTS_WINS


def test_wins_as_tsv(amakg: Runner, dist: Path) -> None:
    run = amakg("query", "wins", "--param", "artist=BTS", "--format", "tsv", "--dist", str(dist))
    assert run.code == 0, run.err
    lines = run.out.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert lines[0].startswith("?")
    assert all(name.startswith("?") for name in header)
    assert len(lines) == 1 + 7
    year = header.index("?year")
    years = sorted(line.split("\t")[year] for line in lines[1:])
    assert years[0] == '"2018"^^<http://www.w3.org/2001/XMLSchema#integer>'
    category = header.index("?category")
    assert all(line.split("\t")[category].startswith("<") for line in lines[1:])


def test_wins_as_xml(amakg: Runner, dist: Path) -> None:
    run = amakg("query", "wins", "--param", "artist=BTS", "--format", "xml", "--dist", str(dist))
    assert run.code == 0, run.err
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(run.out)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    assert {"year", "category"} <= {v.get("name") for v in root.findall("r:head/r:variable", ns)}
    assert len(root.findall("r:results/r:result", ns)) == 7
    assert len(Result.parse(io.BytesIO(run.out.encode()), format="xml")) == 7


def test_ask_as_sparql_json(amakg: Runner, dist: Path) -> None:
    query = f"ASK {{ <{BTS}> <{WDT.P166}> <{KPOP}> }}"
    run = amakg("sparql", query, "--format", "json", "--dist", str(dist))
    assert run.code == 0, run.err
    assert json.loads(run.out)["boolean"] is True


def test_sparql_from_a_file(amakg: Runner, dist: Path, tmp_path: Path) -> None:
    path = tmp_path / "members.rq"
    path.write_text(
        "PREFIX schema: <http://schema.org/>\n"
        f"SELECT ?member WHERE {{ <{BTS}> schema:member ?member }}\n",
        encoding="utf-8",
    )
    run = amakg("sparql", f"@{path}", "--format", "json", "--dist", str(dist))
    assert run.code == 0, run.err
    members = {b["member"]["value"] for b in json.loads(run.out)["results"]["bindings"]}
    assert str(AMAR["artist/jungkook"]) in members


@pytest.fixture
def construct_file(tmp_path: Path) -> Path:
    path = tmp_path / "p166.rq"
    path.write_text(P166_CONSTRUCT, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fmt", "syntax"), [("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt")]
)
def test_construct_formats(
    amakg: Runner, dist: Path, construct_file: Path, fmt: str, syntax: str
) -> None:
    run = amakg("sparql", f"@{construct_file}", "--format", fmt, "--dist", str(dist))
    assert run.code == 0, run.err
    graph = Graph().parse(data=run.out, format=syntax)
    assert (BTS, WDT.P166, KPOP) in graph
    reference = amakg("sparql", f"@{construct_file}", "--format", "nt", "--dist", str(dist))
    assert isomorphic(graph, Graph().parse(data=reference.out, format="nt"))


def test_construct_json_ld_has_no_remote_context(
    amakg: Runner, dist: Path, construct_file: Path
) -> None:
    run = amakg("sparql", f"@{construct_file}", "--format", "json-ld", "--dist", str(dist))
    assert run.code == 0, run.err
    document = json.loads(run.out)
    assert isinstance(document, dict), "a compacted document with its context, not a bare list"
    context = document["@context"]
    assert isinstance(context, dict) and "@import" not in context  # inline: nothing to fetch
    assert not any(isinstance(v, dict) and "@context" in v for v in context.values())
    as_nt = amakg("sparql", f"@{construct_file}", "--format", "nt", "--dist", str(dist))
    graph = Graph().parse(data=run.out, format="json-ld")
    assert len(graph) > 0 and isomorphic(graph, Graph().parse(data=as_nt.out, format="nt"))


def test_asserted_only_hides_inferred_triples(
    amakg: Runner, dist: Path, construct_file: Path
) -> None:
    everything = amakg("sparql", f"@{construct_file}", "--format", "nt", "--dist", str(dist))
    asserted = amakg(
        "sparql", f"@{construct_file}", "--format", "nt", "--asserted-only", "--dist", str(dist)
    )
    assert everything.code == asserted.code == 0
    assert (BTS, WDT.P166, KPOP) in Graph().parse(data=everything.out, format="nt")
    assert len(Graph().parse(data=asserted.out, format="nt")) == 0


def test_asserted_only_still_answers_from_asserted_facts(amakg: Runner, dist: Path) -> None:
    run = amakg("query", "wins", "--format", "json", "--asserted-only", "--dist", str(dist))
    assert run.code == 0, run.err
    assert len(json.loads(run.out)["results"]["bindings"]) == 7


def test_export_inferred_as_ntriples(amakg: Runner, dist: Path) -> None:
    run = amakg("export", "--format", "nt", "--graph", "inferred", "--dist", str(dist))
    assert run.code == 0, run.err
    exported = Graph().parse(data=run.out, format="nt")
    assert (BTS, WDT.P166, KPOP) in exported
    assert (BTS, RDF.type, AMA.Group) not in exported  # asserted, not inferred
    trig = Dataset()
    trig.parse(dist / "amakg.trig", format="trig")
    assert isomorphic(exported, trig.graph(INFERRED))


def test_export_asserted_has_no_inferred_triple(amakg: Runner, dist: Path) -> None:
    run = amakg("export", "--format", "nt", "--graph", "asserted", "--dist", str(dist))
    assert run.code == 0, run.err
    exported = Graph().parse(data=run.out, format="nt")
    assert (BTS, RDF.type, AMA.Group) in exported
    assert (BTS, WDT.P166, KPOP) not in exported


def test_export_to_a_file(amakg: Runner, dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.trig"
    run = amakg(
        "export", "--format", "trig", "--graph", "all", "--out", str(out), "--dist", str(dist)
    )
    assert run.code == 0, run.err
    exported = Dataset()
    exported.parse(out, format="trig")
    assert (BTS, WDT.P166, KPOP) in exported.graph(INFERRED)


# ---------------------------------------------------------------- the catalogue


def test_queries_lists_every_rq_file(amakg: Runner) -> None:
    run = amakg("queries")
    assert run.code == 0, run.err
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert names
    listed = re.findall(r"^(\S+):", run.out, re.M)
    assert sorted(listed) == names
    for query in canned.catalogue().values():
        for param in query.parameters:
            assert f"--param {param.name}=" in run.out


# ---------------------------------------------------------------- exit codes


def test_validate_invalid_fixture_exits_1_with_its_message(amakg: Runner) -> None:
    assert INVALID.is_file(), "H2's negative fixture"
    run = amakg("validate", str(INVALID))
    assert run.code == 1
    assert expected_message(INVALID) in run.out + run.err


def test_validate_reference_gives_the_same_report_as_the_fast_path(amakg: Runner) -> None:
    fast = amakg("validate", str(INVALID))
    reference = amakg("validate", "--reference", str(INVALID))
    assert fast.code == reference.code == 1
    assert fast.out == reference.out and expected_message(INVALID) in fast.out


def test_validate_valid_fixture_exits_0(amakg: Runner) -> None:
    run = amakg("validate", str(TESTS / "fixtures" / "valid" / "minimal.ttl"))
    assert run.code == 0, run.out + run.err


def test_validate_malformed_turtle_exits_2_with_position(amakg: Runner) -> None:
    run = amakg("validate", str(BAD / "missing-dot.ttl"))
    assert run.code == 2
    assert re.search(r"missing-dot\.ttl:5:1: ", run.err), run.err
    assert "Traceback" not in run.err


def test_validate_ill_typed_literal_exits_2_without_a_traceback() -> None:
    """The real process: the message, and no Python traceback from a logger on stderr."""
    run = script("validate", str(BAD / "integer-12a.ttl"))
    assert run.returncode == 2
    assert re.search(r"integer-12a\.ttl:5:30: ill-typed", run.stderr), run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_query_exits_2_listing_the_queries(amakg: Runner) -> None:
    run = amakg("query", "no-such-query")
    assert run.code == 2
    assert "no-such-query" in run.err
    for name in canned.catalogue():
        assert name in run.err


def test_missing_parameter_exits_2_listing_the_parameters(amakg: Runner) -> None:
    needing = [q for q in canned.catalogue().values() if any(p.required for p in q.parameters)]
    assert needing, "a canned query with a required parameter"
    query = needing[0]
    run = amakg("query", query.name)
    assert run.code == 2
    for param in query.parameters:
        assert param.name in run.err
    assert "accepts" in run.err


def test_ill_typed_parameter_exits_2_naming_the_type(amakg: Runner) -> None:
    run = amakg("query", "nominees", "--param", "year=20x")
    assert run.code == 2
    assert "year" in run.err and "integer" in run.err and "20x" in run.err


def test_unknown_parameter_exits_2_listing_the_parameters(amakg: Runner) -> None:
    run = amakg("query", "nominees", "--param", "decade=1990")
    assert run.code == 2
    assert "decade" in run.err
    for param in canned.get("nominees").parameters:
        assert param.name in run.err


def test_parameter_without_equals_exits_2(amakg: Runner) -> None:
    run = amakg("query", "wins", "--param", "BTS")
    assert run.code == 2
    assert "KEY=VALUE" in run.err


def test_invalid_sparql_exits_2_with_line_and_column(amakg: Runner) -> None:
    run = amakg("sparql", "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}")
    assert run.code == 2
    assert re.search(r"invalid SPARQL at line \d+, column \d+", run.err), run.err


@pytest.mark.parametrize(
    ("query", "line", "column"),
    [
        ("SELEC * WHERE { ?s ?p ?o }", 1, 1),  # the misspelled keyword
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p ?o BOGUS }", 3, 12),  # the stray word
    ],
)
def test_invalid_sparql_position_is_where_the_error_is(
    amakg: Runner, query: str, line: int, column: int
) -> None:
    run = amakg("sparql", query)
    assert run.code == 2
    assert re.search(rf"line {line}, column {column}(?!\d)", run.err), run.err


def test_service_is_refused_with_exit_2(amakg: Runner) -> None:
    run = amakg("sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert run.code == 2
    assert "SERVICE <http://127.0.0.1:9/sparql> is refused" in run.err


def test_construct_as_a_results_format_exits_2(
    amakg: Runner, dist: Path, construct_file: Path
) -> None:
    run = amakg("sparql", f"@{construct_file}", "--format", "json", "--dist", str(dist))
    assert run.code == 2
    for fmt in ("turtle", "json-ld", "nt"):
        assert fmt in run.err


def test_missing_query_file_exits_2(amakg: Runner, tmp_path: Path) -> None:
    run = amakg("sparql", f"@{tmp_path / 'absent.rq'}")
    assert run.code == 2
    assert "absent.rq" in run.err


def test_the_installed_script_returns_the_exit_codes(dist: Path) -> None:
    assert script("query", "wins", "--format", "json", "--dist", str(dist)).returncode == 0
    assert script("validate", str(INVALID)).returncode == 1
    assert script("query", "no-such-query").returncode == 2
    assert script("no-such-command").returncode == 2


# ---------------------------------------------------------------- documentation


def test_help_says_what_each_command_does_and_the_exit_codes(amakg: Runner) -> None:
    """What amakg wrote, not what click prints anyway: each command's own summary line, and the
    meaning of each exit code."""
    run = amakg("--help")
    assert run.code == 0
    out = " ".join(run.out.split())
    for name, command in click_group.commands.items():
        summary = command.get_short_help_str(limit=45).removesuffix("...")
        assert f"{name} {summary}" in out, name
    for meaning in ("0 success", "1 the data does not conform", "2 error (bad input"):
        assert meaning in out


def test_readme_documents_every_cli_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [n for n in click_group.commands if not re.search(rf"amakg {n}\b", readme)]
    assert missing == [], f"README.md does not show: {', '.join(f'amakg {n}' for n in missing)}"


def test_readme_lists_every_canned_query() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([\w-]+)` \| [^|]* \| [^|]*\S[^|]* \|$", readme, re.M))
    missing = [n for n in canned.catalogue() if n not in rows]
    assert missing == [], f"README.md's canned-query table lacks: {', '.join(missing)}"


# ---------------------------------------------------------------- serve options


def test_serve_passes_every_allowed_host(
    amakg: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from amakg import server

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(server, "serve", lambda *a, **kw: calls.append(kw))
    run = amakg("serve", "--allow-host", "kg.example.org", "--allow-host", "10.0.0.5:8000")
    assert run.code == 0, run.err
    (kwargs,) = calls
    assert kwargs["allowed_hosts"] == ("kg.example.org", "10.0.0.5:8000")
    assert amakg("serve", "--help").out.count("--allow-host") == 1
