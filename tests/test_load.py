"""Bad input at load time: syntax errors with file:line:column, ill-typed literals rejected,
remote fetches refused, entity declarations refused, deep nesting handled, gzip read.

Fixtures are small files in tests/fixtures/bad/; big or binary inputs are made in tmp_path.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal, URIRef

from amakg import resources
from amakg.errors import InputError, NetworkRefused
from amakg.inputs import Limits, read_bytes, using_limits
from amakg.load import load_files, parse_file
from amakg.store import Store

BAD = Path(__file__).parent / "fixtures" / "bad"
EX = "http://example.org/"
PREFIXES = (
    "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def _position(name: str, text: str) -> tuple[int, int]:
    """Line and column (1-based) of the first occurrence of `text` in a fixture."""
    lines = (BAD / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(f"{text!r} not in {name}")


# ---------------------------------------------------------------- syntax errors

SYNTAX_ERRORS = [
    # file, where the parser must stop: the text at that line and column
    ("missing-dot.ttl", "ex:jungkook"),  # the next subject, read where a dot belongs
    ("unterminated-string.ttl", '"BTS ;'),  # the string that never closes
    ("bad-graph.trig", '"not a graph name"'),  # a literal as a graph name
]


@pytest.mark.parametrize(("name", "culprit"), SYNTAX_ERRORS)
def test_syntax_error_names_file_line_and_column(name: str, culprit: str) -> None:
    line, column = _position(name, culprit)
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    error = caught.value
    assert error.path is not None and error.path.endswith(name)
    assert (error.line, error.column) == (line, column)
    assert str(error).startswith(f"{BAD / name}:{line}:{column}: ")
    assert "syntax error" in str(error)


def test_unclosed_trig_graph_is_an_error_at_the_end_of_the_file() -> None:
    path = BAD / "unclosed-graph.trig"
    last_line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)
    assert caught.value.line is not None and caught.value.line >= last_line
    assert caught.value.column is not None
    assert f"unclosed-graph.trig:{caught.value.line}:{caught.value.column}" in str(caught.value)


def test_nothing_is_loaded_from_a_file_with_a_syntax_error() -> None:
    graph = Graph()
    graph.add((URIRef(EX + "kept"), URIRef(EX + "p"), Literal("already there")))
    with pytest.raises(InputError):
        parse_file(BAD / "missing-dot.ttl", into=graph)
    assert len(graph) == 1


def test_load_files_stops_at_the_bad_file_and_names_it(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(PREFIXES + "ex:a ex:b ex:c .\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_files([good, BAD / "unterminated-string.ttl"])
    assert caught.value.path == str(BAD / "unterminated-string.ttl")


def test_unknown_file_type_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "facts.txt"
    path.write_text("BTS won.\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)
    assert caught.value.hint is not None
    for suffix in (".ttl", ".trig", ".nt", ".jsonld"):
        assert suffix in caught.value.hint


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.ttl"
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)


# ---------------------------------------------------------------- ill-typed literals

ILL_TYPED = [
    ("gyear-20x.ttl", "20x", XSD.gYear),
    ("boolean-yes.ttl", "yes", XSD.boolean),
    ("date-month-13.ttl", "2022-13-01", XSD.date),
    ("date-february-30.ttl", "2022-02-30", XSD.date),
    ("integer-12a.ttl", "12a", XSD.integer),
]


@pytest.mark.parametrize(("name", "lexical", "datatype"), ILL_TYPED)
def test_ill_typed_literal_is_rejected_with_its_position(
    name: str, lexical: str, datatype: URIRef
) -> None:
    line, column = _position(name, f'"{lexical}"^^')
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    error = caught.value
    assert (error.path, error.line, error.column) == (str(BAD / name), line, column)
    assert str(error).startswith(f"{BAD / name}:{line}:{column}: ")
    assert f'"{lexical}"' in str(error)
    assert "xsd:" + str(datatype).removeprefix(str(XSD)) in str(error)


@pytest.mark.parametrize(("name", "lexical", "datatype"), ILL_TYPED)
def test_ill_typed_literal_is_not_normalized_into_the_graph(
    name: str, lexical: str, datatype: URIRef
) -> None:
    graph = Graph()
    with pytest.raises(InputError):
        parse_file(BAD / name, into=graph)
    assert len(graph) == 0


def test_ill_typed_literal_position_is_the_typed_one_not_an_earlier_plain_string() -> None:
    name = "boolean-yes-after-plain.ttl"
    line, column = _position(name, '"yes"^^xsd:boolean')
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_ill_typed_single_quoted_literal_still_gets_a_position() -> None:
    name = "gyear-single-quoted.ttl"
    line, column = _position(name, "'20x'^^xsd:gYear")
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_integer_with_leading_zero_keeps_its_lexical_form(tmp_path: Path) -> None:
    path = tmp_path / "padded.ttl"
    path.write_text(
        PREFIXES + 'ex:ceremony ex:editionNumber "01"^^xsd:integer .\n', encoding="utf-8"
    )
    graph = parse_file(path)
    (value,) = list(graph.objects(URIRef(EX + "ceremony"), URIRef(EX + "editionNumber")))
    assert isinstance(value, Literal)
    assert str(value) == "01"
    assert value.datatype == XSD.integer


def test_integer_with_leading_zero_keeps_its_value_in_the_store(tmp_path: Path) -> None:
    """The loader keeps "01" (valid, so not rejected); the store (pyoxigraph) keeps the value and
    datatype but writes numbers and booleans in canonical form — documented in the README."""
    path = tmp_path / "padded.ttl"
    path.write_text(
        PREFIXES + 'ex:ceremony ex:editionNumber "01"^^xsd:integer .\n', encoding="utf-8"
    )
    name = URIRef(EX + "graph")
    store = Store()
    store.add_graph(name, parse_file(path))
    (value,) = list(store.graph(name).objects())
    assert (str(value), value.datatype) == ("1", XSD.integer)  # type: ignore[attr-defined]


def test_valid_typed_literals_load(tmp_path: Path) -> None:
    path = tmp_path / "valid.ttl"
    path.write_text(
        PREFIXES
        + 'ex:c ex:year 2022 ; ex:date "2022-11-20"^^xsd:date ; ex:live true ;\n'
        + '    ex:founded "1973"^^xsd:gYear ; ex:flag "0"^^xsd:boolean .\n',
        encoding="utf-8",
    )
    assert len(parse_file(path)) == 5


# ---------------------------------------------------------------- remote fetches refused


def test_remote_jsonld_context_is_refused() -> None:
    path = BAD / "remote-context.jsonld"
    remote = json.loads(path.read_text(encoding="utf-8"))["@context"]
    with pytest.raises(NetworkRefused) as caught:
        parse_file(path)
    assert remote in str(caught.value)
    assert str(path) in str(caught.value)


def test_inline_jsonld_context_loads(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    document = {"@context": {"name": "http://schema.org/name"}, "@id": EX + "bts", "name": "BTS"}
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = parse_file(path)
    assert (URIRef(EX + "bts"), URIRef("http://schema.org/name"), Literal("BTS")) in graph


def test_owl_imports_is_refused() -> None:
    path = BAD / "owl-imports.ttl"
    with pytest.raises(NetworkRefused) as caught:
        parse_file(path)
    assert "owl:imports" in str(caught.value)
    assert "http://127.0.0.1:9/o.ttl" in str(caught.value)


@pytest.mark.parametrize("name", ["doctype.rdf", "entities.rdf"])
def test_rdfxml_with_doctype_or_entities_is_refused(name: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    assert caught.value.path == str(BAD / name)
    assert "DOCTYPE" in str(caught.value)


def test_plain_rdfxml_loads(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/bts"><ex:name>BTS</ex:name>'
        "</rdf:Description>\n</rdf:RDF>\n",
        encoding="utf-8",
    )
    assert (URIRef(EX + "bts"), URIRef(EX + "name"), Literal("BTS")) in parse_file(path)


# ---------------------------------------------------------------- deep nesting


def _deep_turtle(depth: int) -> str:
    return PREFIXES + "ex:a ex:p " + "[ ex:p " * depth + "ex:end" + " ]" * depth + " .\n"


def _deep_jsonld_objects(depth: int) -> str:
    inner = '{"http://example.org/p": ' * depth + '"end"' + "}" * depth
    return '{"@id": "http://example.org/a", "http://example.org/p": ' + inner + "}"


def _deep_jsonld_arrays(depth: int) -> str:
    return (
        '{"@id": "http://example.org/a", "http://example.org/p": '
        + "[" * depth
        + '"end"'
        + "]" * depth
        + "}"
    )


def _deep_rdfxml(depth: int) -> str:
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
        + "<ex:p><rdf:Description>" * depth
        + "</rdf:Description></ex:p>" * depth
        + "</rdf:Description></rdf:RDF>\n"
    )


DEEP = [
    # file name, text, triples it holds when parsed
    ("deep.ttl", _deep_turtle(100_000), 100_001),
    ("deep-objects.jsonld", _deep_jsonld_objects(5_000), 5_001),
    ("deep-arrays.jsonld", _deep_jsonld_arrays(5_000), 1),
    ("deep.rdf", _deep_rdfxml(2_000), 2_000),
]


# The parse runs in a child process: a stack overflow in a parser kills the child, not pytest.
_PARSE_IN_CHILD = """
import json, sys
from amakg.errors import AmakgError
from amakg.load import parse_file
try:
    outcome = {"triples": len(parse_file(sys.argv[1]))}
except AmakgError as error:
    outcome = {"error": type(error).__name__, "path": getattr(error, "path", None)}
print(json.dumps(outcome))
"""


@pytest.mark.parametrize(("name", "text", "triples"), DEEP, ids=[d[0] for d in DEEP])
def test_deep_nesting_is_parsed_or_a_clean_input_error(
    tmp_path: Path, name: str, text: str, triples: int
) -> None:
    """Never a crash (RecursionError, stack overflow): either every triple, or an InputError."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", _PARSE_IN_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert child.returncode == 0, (
        f"the parser crashed (exit {child.returncode}): {child.stderr[-2000:]}"
    )
    outcome = json.loads(child.stdout)
    if "error" in outcome:
        assert outcome == {"error": "InputError", "path": str(path)}
    else:
        assert outcome == {"triples": triples}


# ---------------------------------------------------------------- gzip


@pytest.mark.parametrize("suffix", [".ttl.gz", ".trig.gz", ".nt.gz"])
def test_gzip_files_are_read(tmp_path: Path, suffix: str) -> None:
    text = {
        ".ttl.gz": PREFIXES + "ex:bts ex:won ex:k-pop .\n",
        ".trig.gz": PREFIXES + "ex:g { ex:bts ex:won ex:k-pop . }\n",
        ".nt.gz": f"<{EX}bts> <{EX}won> <{EX}k-pop> .\n",
    }[suffix]
    path = tmp_path / f"facts{suffix}"
    path.write_bytes(gzip.compress(text.encode()))
    graph = parse_file(path)
    assert set(graph) == {(URIRef(EX + "bts"), URIRef(EX + "won"), URIRef(EX + "k-pop"))}


def test_gzip_file_with_a_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "missing-dot.ttl.gz"
    path.write_bytes(gzip.compress((BAD / "missing-dot.ttl").read_bytes()))
    line, column = _position("missing-dot.ttl", "ex:jungkook")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), line, column)


def test_gzip_file_with_an_ill_typed_literal_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "gyear.ttl.gz"
    path.write_bytes(gzip.compress((BAD / "gyear-20x.ttl").read_bytes()))
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == _position("gyear-20x.ttl", '"20x"')


def test_corrupt_gzip_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl.gz"
    path.write_bytes(b"this is not gzip data")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)
    assert "gzip" in str(caught.value)


# ---------------------------------------------------------------- limits: size, gzip, literals


MB = 1024 * 1024


def test_defaults_are_far_above_the_real_data() -> None:
    limits = Limits()
    biggest = max(p.stat().st_size for p in resources.data_dir().rglob("*") if p.is_file())
    assert biggest * 10 < limits.max_file_bytes
    assert limits.max_literal_bytes == MB and limits.max_decompressed_bytes == 100 * MB


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "facts.ttl"
    path.write_text(PREFIXES + "ex:a ex:p ex:b .\n" * 1000, encoding="utf-8")
    with using_limits(Limits(max_file_bytes=1000)), pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.path == str(path)
    assert "over the 1000 bytes input limit" in str(caught.value)
    assert "--max-input-mb" in str(caught.value)
    assert len(parse_file(path)) == 1  # the default limits let it through


def test_a_gzip_bomb_stops_at_the_decompressed_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ttl.gz"
    path.write_bytes(gzip.compress(b"# " + b"0" * (20 * MB)))
    with using_limits(Limits(max_decompressed_bytes=MB)), pytest.raises(InputError) as caught:
        read_bytes(path)
    assert str(caught.value).startswith(f"{path}: decompresses to more than 1 MB")
    assert "--max-input-mb" in str(caught.value)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder"])
def test_what_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "facts.ttl"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with pytest.raises(InputError) as caught:
        parse_file(path)
    expected = {"dev-zero": "a character device, a link to /dev/zero", "fifo": "a pipe"}
    assert f"not a regular file ({expected.get(kind, 'a folder')})" in str(caught.value)


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_text(PREFIXES + "ex:a ex:p ex:b .\n", encoding="utf-8")
    (tmp_path / "link.ttl").symlink_to(target)
    assert len(parse_file(tmp_path / "link.ttl")) == 1


LONG_LITERALS = [
    # file name, text before the literal, the literal's opening, its closing
    ("short.ttl", PREFIXES + 'ex:a ex:p "x\\"y" .\n# a "comment\nex:a ex:q ', '"', '" .\n'),
    ("long.ttl", PREFIXES + "ex:a ex:p <http://example.org/i> .\nex:a ex:q ", '"""', '""" .\n'),
    ("single.ttl", PREFIXES + "\n\nex:a ex:q ", "'", "'@en .\n"),
    ("facts.nt", f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}q> ", '"', '" .\n'),
    ("facts.jsonld", '{"@id": "http://example.org/a",\n "http://example.org/p": ', '"', '"}'),
]


@pytest.mark.parametrize(
    ("name", "before", "opening", "closing"), LONG_LITERALS, ids=[n[0] for n in LONG_LITERALS]
)
def test_a_literal_over_the_limit_is_refused_at_its_position(
    tmp_path: Path, name: str, before: str, opening: str, closing: str
) -> None:
    path = tmp_path / name
    path.write_text(before + opening + "é" * MB + closing, encoding="utf-8")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert f"{path}:{line}:{column}: literal too large: 2 MB, over the 1 MB limit" in str(
        caught.value
    )
    assert "--max-literal-mb" in str(caught.value)
    with using_limits(Limits(max_literal_bytes=3 * MB)):
        assert len(parse_file(path)) >= 1


def test_a_literal_past_the_parser_buffer_is_refused_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "huge.ttl"
    path.write_text(PREFIXES + 'ex:a ex:p "' + "a" * (17 * MB) + '" .\n', encoding="utf-8")
    with using_limits(Limits(max_literal_bytes=16 * MB)), pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == (3, 11)
    assert "literal too large: 17 MB, over the 16 MB limit" in str(caught.value)


def test_an_escaped_ill_typed_literal_still_gets_a_position(tmp_path: Path) -> None:
    path = tmp_path / "escaped.ttl"
    path.write_text(PREFIXES + 'ex:a ex:p "20x" .\nex:a ex:year "20\\u0078"^^xsd:integer .\n')
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == (4, 14)
