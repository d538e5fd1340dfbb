"""Exports: each format re-parses isomorphic to the graph it came from; JSON-LD carries the local
context; writes are atomic (a failure leaves the previous file and no temp file); `amakg build`
writes dist/ with a VoID description; a failed build leaves the previous dist/ (here of the old
flat layout) intact. The switched layout of dist/ is tested in tests/test_dist_switch.py.

Re-parsing uses rdflib's own parsers, independent of amakg's loader, unless stated.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from trees import tree

import amakg.export
import amakg.jsonld
from amakg import resources
from amakg.build import DIST_FILES, Built, build, write_dist
from amakg.dataset import load_graphs, read_manifest
from amakg.errors import AmakgError, InputError, ValidationFailed
from amakg.export import ExportError, export_dataset, export_graph, write_atomic
from amakg.load import parse_file
from amakg.store import Store
from amakg.vocab import AMA, INFERRED, ONTOLOGY, VOID

AMAKG = Path(sys.executable).with_name("amakg")
RDFLIB_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "trig": "trig"}
SUFFIX = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "trig": ".trig"}
DATASET = URIRef("https://w3id.org/amakg/dataset")


def assert_isomorphic(expected: Graph, found: Graph) -> None:
    if isomorphic(expected, found):
        return
    _, only_expected, only_found = graph_diff(to_isomorphic(expected), to_isomorphic(found))
    raise AssertionError(
        f"not isomorphic: {len(expected)} vs {len(found)} triples\n"
        f"missing: {sorted(only_expected)[:5]}\nextra: {sorted(only_found)[:5]}"
    )


@pytest.fixture(scope="module")
def build_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """dist/ written by the command a person runs (the one full build of this module)."""
    folder = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [str(AMAKG), "build", "--dist", str(folder)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return folder, run


@pytest.fixture(scope="module")
def dist(build_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return build_run[0]


@pytest.fixture(scope="module")
def built(dist: Path) -> Built:
    """The built graph, read back from dist/amakg.trig (no second reasoning run)."""
    store = Store()
    store.load_file(dist / "amakg.trig")
    names = store.graph_names()
    asserted = [g for g in names if g not in (INFERRED, ONTOLOGY)]
    return Built(store, None, "from-dist", asserted)


@pytest.fixture(scope="module")
def asserted(built: Built) -> Graph:
    return built.store.union(built.asserted_graphs)


def dataset(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_graph_export_reparses_isomorphic(tmp_path: Path, asserted: Graph, fmt: str) -> None:
    path = export_graph(asserted, tmp_path / f"asserted{SUFFIX[fmt]}", fmt)
    assert_isomorphic(asserted, Graph().parse(path, format=RDFLIB_FORMATS[fmt]))


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_graph_export_loads_back_with_amakg_loader(
    tmp_path: Path, asserted: Graph, fmt: str
) -> None:
    path = export_graph(asserted, tmp_path / f"asserted{SUFFIX[fmt]}", fmt)
    assert_isomorphic(asserted, parse_file(path))


def test_inferred_graph_export_reparses_isomorphic(tmp_path: Path, built: Built) -> None:
    inferred = built.store.graph(INFERRED)
    for fmt in ("turtle", "json-ld", "nt"):
        path = export_graph(inferred, tmp_path / f"inferred{SUFFIX[fmt]}", fmt)
        assert_isomorphic(inferred, Graph().parse(path, format=RDFLIB_FORMATS[fmt]))


def test_trig_export_reparses_isomorphic_per_named_graph(tmp_path: Path, built: Built) -> None:
    path = export_dataset(built.store, tmp_path / "all.trig")
    ds = dataset(path)
    names = set(built.store.graph_names())
    assert {URIRef(g.identifier) for g in ds.graphs() if len(g)} == names
    for name in names:
        assert_isomorphic(built.store.graph(name), ds.graph(name))


def test_export_of_literals_keeps_datatypes_languages_and_text(tmp_path: Path) -> None:
    graph = Graph()
    bts = URIRef("https://w3id.org/amakg/id/artist/bts")
    graph.add((bts, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("방탄소년단")))
    graph.add(
        (bts, URIRef("http://example.org/quote"), Literal('he said "hi"\nand left', lang="en"))
    )
    graph.add(
        (
            bts,
            URIRef("http://example.org/year"),
            Literal("2022", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
        )
    )
    graph.add(
        (
            bts,
            URIRef("http://example.org/date"),
            Literal("2022-11-20", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        )
    )
    for fmt in ("turtle", "json-ld", "nt"):
        path = export_graph(graph, tmp_path / f"literals{SUFFIX[fmt]}", fmt)
        assert_isomorphic(graph, Graph().parse(path, format=RDFLIB_FORMATS[fmt]))


def test_deeply_nested_blank_nodes_export_or_fail_cleanly(tmp_path: Path) -> None:
    """The loader accepts 3,000 nested blank nodes; an export must then either write a file
    that re-parses isomorphic, or raise ExportError — never a RecursionError."""
    source = tmp_path / "deep.ttl"
    depth = 3_000
    source.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:p "
        + "[ ex:p " * depth
        + "ex:end"
        + " ]" * depth
        + " .\n",
        encoding="utf-8",
    )
    graph = parse_file(source)
    for fmt in ("turtle", "json-ld", "nt"):
        target = tmp_path / f"deep-out{SUFFIX[fmt]}"
        try:
            export_graph(graph, target, fmt)
        except ExportError:
            assert not target.exists()
        else:
            # rdflib's isomorphism test is exponential on a 3,000-deep blank-node chain, so
            # compare the shape: as many triples, as many blank nodes, one chain end.
            found = Graph().parse(target, format=RDFLIB_FORMATS[fmt])
            assert len(found) == len(graph)
            assert len(set(found.subjects())) == len(set(graph.subjects()))
            assert len(list(found.subjects(None, URIRef("http://example.org/end")))) == 1


# ---------------------------------------------------------------- JSON-LD context


def _contexts(node: object) -> list[object]:
    found: list[object] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    found.append(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def test_jsonld_export_carries_the_local_context_inline(tmp_path: Path, asserted: Graph) -> None:
    path = export_graph(asserted, tmp_path / "asserted.jsonld", "json-ld")
    document = json.loads(path.read_text(encoding="utf-8"))
    local = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == local
    for context in _contexts(document):
        assert isinstance(context, dict), f"a context by reference: {context!r}"
        assert "@import" not in context


def test_dist_jsonld_has_no_remote_context(dist: Path) -> None:
    document = json.loads((dist / "amakg.jsonld").read_text(encoding="utf-8"))
    contexts = _contexts(document)
    assert contexts
    for context in contexts:
        assert isinstance(context, dict), f"a context by reference: {context!r}"


# ---------------------------------------------------------------- atomic writes

PREVIOUS = b"<http://example.org/previous> <http://example.org/p> <http://example.org/o> .\n"


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    path = tmp_path / "out" / "graph.nt"
    path.parent.mkdir()
    path.write_bytes(PREVIOUS)
    return path


def _fails_midway(tmp: Path) -> None:
    with tmp.open("wb") as handle:
        handle.write(PREVIOUS[:20])
        raise OSError(28, "No space left on device")


def test_writer_failing_midway_keeps_the_previous_file(previous: Path) -> None:
    # an OSError, or the AmakgError that reports it in one line (exit 2)
    with pytest.raises((OSError, AmakgError)):
        write_atomic(previous, _fails_midway, expected_triples=1)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent, {previous.name}) == []


def test_garbage_that_does_not_reparse_keeps_the_previous_file(previous: Path) -> None:
    with pytest.raises(AmakgError):
        write_atomic(previous, lambda tmp: tmp.write_bytes(b"<not rdf at all"), expected_triples=1)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent, {previous.name}) == []


def test_wrong_triple_count_keeps_the_previous_file(previous: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write_atomic(previous, lambda tmp: tmp.write_bytes(PREVIOUS), expected_triples=2)
    assert str(previous) in str(caught.value)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent, {previous.name}) == []


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_truncated_serialization_is_caught_and_the_previous_file_kept(
    monkeypatch: pytest.MonkeyPatch, previous: Path, asserted: Graph, fmt: str
) -> None:
    """A serializer that stops half-way: the re-parse check sees it, nothing is replaced."""
    real = amakg.export.serialize_graph

    def truncated(graph: Graph, name: str) -> bytes:
        whole = real(graph, "nt")
        lines = whole.splitlines(keepends=True)
        return b"".join(lines[: len(lines) // 2])

    monkeypatch.setattr(amakg.export, "serialize_graph", truncated)
    target = previous.with_suffix(SUFFIX[fmt])
    target.write_bytes(PREVIOUS)
    with pytest.raises(AmakgError):
        export_graph(asserted, target, fmt)
    assert target.read_bytes() == PREVIOUS
    assert leftovers(previous.parent, {previous.name, target.name}) == []


def test_successful_write_replaces_the_file_and_leaves_no_temp(
    previous: Path, asserted: Graph
) -> None:
    export_graph(asserted, previous, "nt")
    assert previous.read_bytes() != PREVIOUS
    assert_isomorphic(asserted, Graph().parse(previous, format="nt"))
    assert leftovers(previous.parent, {previous.name}) == []


def previous_dist(dist: Path, folder: Path) -> dict[str, bytes | str]:
    """A flat dist/ of the old layout (plain files, no builds/) whose files all differ from what
    a new build writes (a trailing comment or key), so that a file replaced by the new build
    cannot pass for the previous one."""
    folder.mkdir()
    for name in DIST_FILES:
        path = folder / name
        shutil.copyfile(dist / name, path)
        if path.suffix == ".json":
            info = json.loads(path.read_text(encoding="utf-8"))
            info["previous"] = True
            path.write_text(json.dumps(info), encoding="utf-8")
        elif path.suffix == ".jsonld":
            document = json.loads(path.read_text(encoding="utf-8"))
            document["@id"] = "https://w3id.org/amakg/previous-build"
            path.write_text(json.dumps(document), encoding="utf-8")
        else:
            with path.open("a", encoding="utf-8") as handle:
                handle.write("\n# previous build\n")
    return tree(folder)


def test_export_failing_midway_through_dist_leaves_previous_dist_intact(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built: Built, dist: Path
) -> None:
    """The JSON-LD serializer fails after the TriG and Turtle files were written: every file
    of the previous dist/ must still be the previous one (a failed build leaves dist/ intact)."""
    folder = tmp_path / "dist"
    before = previous_dist(dist, folder)

    def failing(*args: object) -> None:
        raise ExportError("simulated failure in the JSON-LD serializer")

    monkeypatch.setattr(amakg.jsonld, "write", failing)
    with pytest.raises(ExportError):
        write_dist(built, folder)
    assert tree(folder) == before


# ---------------------------------------------------------------- amakg build --dist


def test_build_writes_every_dist_file(dist: Path) -> None:
    assert set(DIST_FILES) == {
        "amakg.trig",
        "amakg.ttl",
        "amakg.jsonld",
        "void.ttl",
        "build-info.json",
    }
    assert leftovers(dist, {*DIST_FILES, "current", "builds"}) == []
    (build,) = (dist / "builds").iterdir()  # the first build: no previous one
    assert (dist / "current").readlink() == Path("builds") / build.name
    for name in DIST_FILES:
        assert (dist / name).readlink() == Path("current") / name, name
        assert (build / name).stat().st_size > 0, name


def test_build_prints_a_summary(build_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    stdout = build_run[1].stdout
    for words in ("triples asserted", "triples inferred", "shapes checked", "time per stage"):
        assert words in stdout


def test_dist_trig_holds_the_data_files_as_loaded(dist: Path) -> None:
    """End to end: the files in data/ and ontology/, loaded, equal the TriG's named graphs."""
    ds = dataset(dist / "amakg.trig")
    for name, graph in load_graphs(read_manifest()).items():
        assert_isomorphic(graph, ds.graph(name))
    assert len(ds.graph(INFERRED)) > 0


def test_dist_turtle_and_jsonld_hold_the_asserted_graphs(dist: Path) -> None:
    ds = dataset(dist / "amakg.trig")
    asserted = Graph()
    for graph in ds.graphs():
        if URIRef(graph.identifier) not in (INFERRED, ONTOLOGY) and len(graph):
            asserted += graph
    assert_isomorphic(asserted, Graph().parse(dist / "amakg.ttl", format="turtle"))
    assert_isomorphic(asserted, Graph().parse(dist / "amakg.jsonld", format="json-ld"))


def test_build_info_counts_match_the_trig(dist: Path) -> None:
    info = json.loads((dist / "build-info.json").read_text(encoding="utf-8"))
    ds = dataset(dist / "amakg.trig")
    for graph in ds.graphs():
        if len(graph):
            name = str(graph.identifier).rsplit("/", 1)[-1]
            assert info["counts"][name] == len(graph), name


# ---------------------------------------------------------------- VoID


@pytest.fixture(scope="module")
def void(dist: Path) -> Graph:
    return Graph().parse(dist / "void.ttl", format="turtle")


def _asserted_union(dist: Path) -> Graph:
    ds = dataset(dist / "amakg.trig")
    union = Graph()
    for graph in ds.graphs():
        if URIRef(graph.identifier) not in (INFERRED, ONTOLOGY) and len(graph):
            union += graph
    return union


def test_void_triples_equal_the_asserted_triple_count(dist: Path, void: Graph) -> None:
    (triples,) = void.objects(DATASET, VOID.triples)
    assert int(str(triples)) == len(_asserted_union(dist))


def test_void_subsets_count_each_named_graph(dist: Path, void: Graph) -> None:
    ds = dataset(dist / "amakg.trig")
    subsets = set(void.objects(DATASET, VOID.subset))
    for graph in ds.graphs():
        name = URIRef(graph.identifier)
        if not len(graph) or name == ONTOLOGY:
            continue
        assert name in subsets, name
        (triples,) = void.objects(name, VOID.triples)
        assert int(str(triples)) == len(graph), name


def test_void_has_a_class_partition_for_nominations(dist: Path, void: Graph) -> None:
    nominations = set(_asserted_union(dist).subjects(RDF.type, AMA.Nomination))
    assert nominations
    partitions = [
        p
        for p in void.objects(DATASET, VOID.classPartition)
        if (p, VOID["class"], AMA.Nomination) in void
    ]
    assert len(partitions) == 1
    (entities,) = void.objects(partitions[0], VOID.entities)
    assert int(str(entities)) == len(nominations)


def test_void_names_a_licence_and_its_sources(void: Graph) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert list(void.objects(DATASET, URIRef("http://purl.org/dc/terms/license")))
    assert list(void.objects(DATASET, URIRef("http://purl.org/dc/terms/source")))


# ---------------------------------------------------------------- a failed build


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the code and the inputs: a build there reads the copy's data/."""
    root = tmp_path / "checkout"
    here = resources.root()
    for name in ("amakg", "ontology", "data", "queries", "rules"):
        shutil.copytree(here / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _first_asserted_file(data_dir: Path) -> Path:
    files = read_manifest(data_dir).files[URIRef("https://w3id.org/amakg/graph/asserted")]
    assert files
    return files[0]


BREAKAGES: dict[str, tuple[str, int]] = {
    # appended to the first data file of the asserted graph -> expected exit code
    "syntax": (
        "\n<https://w3id.org/amakg/id/broken> <https://w3id.org/amakg/ontology#year> 2022\n",
        2,
    ),
    "ill-typed": (
        "\n<https://w3id.org/amakg/id/broken> <https://w3id.org/amakg/ontology#year>"
        ' "20x"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n',
        2,
    ),
    "violation": (
        "\n<https://w3id.org/amakg/id/nomination/broken>"
        " a <https://w3id.org/amakg/ontology#Nomination> .\n",
        1,
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_failed_build_leaves_previous_dist_intact(
    checkout: Path, dist: Path, tmp_path: Path, breakage: str
) -> None:
    text, code = BREAKAGES[breakage]
    broken = _first_asserted_file(checkout / "data")
    with broken.open("a", encoding="utf-8") as handle:
        handle.write(text)
    folder = tmp_path / "previous-dist"
    before = previous_dist(dist, folder)
    run = subprocess.run(
        [sys.executable, "-m", "amakg.cli", "build", "--dist", str(folder)],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr
    if code == 2:
        assert broken.name in run.stderr
    assert tree(folder) == before


def test_build_from_a_data_dir_with_a_broken_file_raises_and_names_it(checkout: Path) -> None:
    broken = _first_asserted_file(checkout / "data")
    with broken.open("a", encoding="utf-8") as handle:
        handle.write(BREAKAGES["syntax"][0])
    with pytest.raises(InputError) as caught:
        build(data_dir=checkout / "data")
    assert caught.value.path == str(broken)
    assert caught.value.line is not None and caught.value.column is not None


def test_build_from_a_data_dir_with_a_violation_raises_validation_failed(checkout: Path) -> None:
    broken = _first_asserted_file(checkout / "data")
    with broken.open("a", encoding="utf-8") as handle:
        handle.write(BREAKAGES["violation"][0])
    with pytest.raises(ValidationFailed) as caught:
        build(data_dir=checkout / "data")
    assert "nomination/broken" in str(caught.value)


# ---------------------------------------------------------------- JSON-LD writer (amakg.jsonld)


def test_jsonld_compaction_edge_cases_round_trip(tmp_path: Path) -> None:
    """IRIs that must stay absolute (empty suffix, a suffix starting with //), rdf:type of a
    blank node, datatypes, languages and repeated values survive the compaction. (The store
    writes valid literals in canonical form, "01"^^xsd:integer as "1", in every format: the
    JSON-LD file is compared with the Turtle export of the same graph.)"""
    source = tmp_path / "edge.ttl"
    source.write_text(
        """@prefix ama: <https://w3id.org/amakg/ontology#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/amakg/ontology#> a ama:Thing ; schema:url <http://schema.org///evil> .
<http://schema.org///evil> schema:name "x", "y"@ko ; ama:year "01"^^xsd:integer .
_:b a _:c, ama:Win ; ama:score "1.50"^^xsd:decimal ; schema:name "" .
""",
        encoding="utf-8",
    )
    graph = parse_file(source)
    path = export_graph(graph, tmp_path / "edge.jsonld", "json-ld")
    document = json.loads(path.read_text(encoding="utf-8"))
    ids = {node["@id"] for node in document["@graph"]}
    assert "https://w3id.org/amakg/ontology#" in ids  # empty suffix: not "ama:"
    assert "http://schema.org///evil" in ids  # "schema://evil" would read as an absolute IRI
    turtle = parse_file(export_graph(graph, tmp_path / "edge-out.ttl", "turtle"))
    assert_isomorphic(turtle, parse_file(path))
    assert_isomorphic(turtle, Graph().parse(path, format="json-ld"))
    assert len(turtle) == len(graph) == 9
    year = next(n for n in document["@graph"] if n["@id"] == "http://schema.org///evil")
    assert year["ama:year"] == {"@value": "1", "@type": "xsd:integer"}
    assert sorted(year["schema:name"], key=json.dumps) == ["x", {"@value": "y", "@language": "ko"}]
