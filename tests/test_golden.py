"""Every canned query against its golden answers (tests/golden/manifest.toml, .srj files).

Each test of the manifest runs a canned query in-process on the session's real graph and
compares the rows, as RDF terms, with the result file: as multisets, and in order where the
manifest says `ordered = true`. After an intended change: `.venv/bin/python
tests/regenerate_golden.py`, then review the diff of tests/golden/.
"""

from __future__ import annotations

from collections import Counter

import pytest
from regenerate_golden import (
    COMMAND,
    GOLDEN,
    Answer,
    GoldenTest,
    Row,
    Term,
    answer_of,
    load_manifest,
    read_srj,
    run,
    stale,
)

from amakg.api import KnowledgeGraph, catalogue
from amakg.errors import NetworkRefused

MANIFEST = load_manifest()
SHOWN = 5  # rows of each kind a failure lists
AMAKG = "https://w3id.org/amakg/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def cell(term: Term) -> str:
    if term is None:
        return "-"
    if term[0] == "uri":
        return "<" + term[1].replace(AMAKG, "amakg:") + ">"
    if term[0] == "bnode":
        return "_:b"
    _, lexical, datatype, language = term
    shown = lexical if len(lexical) <= 60 else lexical[:57] + "..."
    if language:
        return f'"{shown}"@{language}'
    suffix = f"^^{datatype.replace(XSD, 'xsd:')}" if datatype else ""
    return f'"{shown}"{suffix}'


def line(names: list[str], row: Row) -> str:
    return "  ".join(f"{n}={cell(t)}" for n, t in zip(names, row, strict=True) if t is not None)


def difference(test: GoldenTest, expected: Answer, got: Answer) -> str | None:
    """What differs, for people: columns, missing and extra rows, or the first misplaced row."""
    problems: list[str] = []
    if got.vars != expected.vars:
        problems.append(f"columns: expected {expected.vars}, got {got.vars}")
    else:
        missing = Counter(expected.rows) - Counter(got.rows)
        extra = Counter(got.rows) - Counter(expected.rows)
        for title, rows in (("missing (in the golden file only)", missing), ("extra", extra)):
            if rows:
                problems.append(f"{rows.total()} row(s) {title}, e.g.:")
                problems += [f"  {line(got.vars, r)}" for r in list(rows.elements())[:SHOWN]]
        if not problems and test.ordered and got.rows != expected.rows:
            at = next(
                i for i, (a, b) in enumerate(zip(got.rows, expected.rows, strict=True)) if a != b
            )
            problems += [
                f"the same rows in another order (ordered = true); first at row {at + 1}:",
                f"  expected {line(got.vars, expected.rows[at])}",
                f"  got      {line(got.vars, got.rows[at])}",
            ]
    if not problems:
        return None
    return "\n".join(
        [
            f"{test.name}: `{test.command()}` differs from tests/golden/{test.result} "
            f"({len(expected.rows)} rows expected, {len(got.rows)} got)",
            *problems,
            f"if the change is intended, regenerate and review the diff: {COMMAND}",
        ]
    )


@pytest.mark.parametrize("test", MANIFEST.tests, ids=[t.name for t in MANIFEST.tests])
def test_golden_answer(kg: KnowledgeGraph, test: GoldenTest) -> None:
    assert test.path.is_file(), f"no {test.path}: run {COMMAND}"
    expected = read_srj(test.path)
    result = run(kg, test)
    assert not result.truncated, test.name
    problem = difference(test, expected, answer_of(result))
    if problem:
        pytest.fail(problem, pytrace=False)


def test_every_canned_query_is_tested_or_skipped_with_a_reason() -> None:
    tested = {t.query for t in MANIFEST.tests}
    skipped = {s.query: s.reason for s in MANIFEST.skips}
    assert not tested & set(skipped), "both tested and skipped"
    assert set(catalogue()) == tested | set(skipped)
    assert all(reason.strip() for reason in skipped.values())


def test_a_skipped_query_does_need_the_network(kg: KnowledgeGraph) -> None:
    for skip in MANIFEST.skips:
        with pytest.raises(NetworkRefused):
            kg.run(skip.query)


def test_the_golden_folder_holds_only_the_manifests_files() -> None:
    assert stale(GOLDEN, {t.path for t in MANIFEST.tests}) == []


def test_a_difference_names_the_rows_and_the_command() -> None:
    """What a failing golden test prints (the check above passes on the real data)."""
    test = MANIFEST.tests[0]
    year = ("literal", "2018", XSD + "integer", "")
    expected = Answer(["year", "name"], [(year, ("literal", "A", "", "")), (year, None)])
    swapped = Answer(expected.vars, expected.rows[::-1])
    other = Answer(expected.vars, [(year, ("literal", "B", "", "")), (year, None)])
    assert difference(test, expected, Answer(expected.vars, list(expected.rows))) is None
    found = difference(test, expected, other)
    assert found is not None
    row = '\n  year="2018"^^xsd:integer  name='
    assert f'1 row(s) missing (in the golden file only), e.g.:{row}"A"' in found
    assert f'1 row(s) extra, e.g.:{row}"B"' in found
    assert COMMAND in found
    assert test.command() in found
    reordered = difference(test, expected, swapped)
    assert (reordered is not None) == test.ordered
