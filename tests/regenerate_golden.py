"""The golden answers of the canned queries: their format, and the command that writes them.

tests/golden/manifest.toml names, as the W3C SPARQL test manifests do, each test: a canned query
(queries/NAME.rq), its parameters, whether it runs on the asserted graphs only, the result file,
and whether the answer's order is part of it (`ordered = true`: the query's ORDER BY orders the
rows totally, which this script checks). A query whose answer needs the network has a `[[skip]]`
entry with the reason instead. Result files are SPARQL 1.1 Query Results JSON (.srj), one term
per line and the rows of an unordered answer sorted, so that a change reads as a small diff.

    .venv/bin/python tests/regenerate_golden.py          # write every result file
    .venv/bin/python tests/regenerate_golden.py --check  # exit 1 if a file would change

The files are written from the current real data: review the diff before committing it.
tests/test_golden.py reads them with the functions below.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from amakg.api import KnowledgeGraph, catalogue
from amakg.store import QueryResult

GOLDEN = Path(__file__).resolve().parent / "golden"
MANIFEST = GOLDEN / "manifest.toml"
COMMAND = ".venv/bin/python tests/regenerate_golden.py"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# An RDF term as compared: ("uri", iri), ("literal", lexical form, datatype, language) with
# xsd:string as no datatype and the language tag in lower case, ("bnode",) for any blank node
# (no canned query answers one today; labels are not stable across builds); None when unbound.
Term = tuple[str, ...] | None
Row = tuple[Term, ...]


@dataclass(frozen=True)
class GoldenTest:
    name: str
    query: str
    params: Mapping[str, Any]
    result: str
    ordered: bool = False
    asserted_only: bool = False
    comment: str = ""

    @property
    def path(self) -> Path:
        return GOLDEN / self.result

    def command(self) -> str:
        """The same question on the command line."""
        words = ["amakg", "query", self.query]
        for key, value in self.params.items():
            words += ["--param", _shell(f"{key}={value}")]
        if self.asserted_only:
            words.append("--asserted-only")
        return " ".join(words)


@dataclass(frozen=True)
class Skip:
    query: str
    reason: str


@dataclass(frozen=True)
class Manifest:
    tests: list[GoldenTest] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


def _shell(word: str) -> str:
    return word if re.fullmatch(r"[\w=.:/-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def load_manifest(path: Path = MANIFEST) -> Manifest:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"test", "skip"}
    if unknown:
        raise ValueError(f"{path}: unknown tables {sorted(unknown)}")
    tests = [GoldenTest(**entry) for entry in data.get("test", [])]
    skips = [Skip(**entry) for entry in data.get("skip", [])]
    names = Counter(t.name for t in tests)
    repeated = sorted(n for n, count in names.items() if count > 1)
    if repeated:
        raise ValueError(f"{path}: test names used twice: {repeated}")
    return Manifest(tests, skips)


# ---------------------------------------------------------------- terms and rows


def term_key(term: Identifier | None) -> Term:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        datatype = "" if term.datatype is None else str(term.datatype)
        datatype = "" if datatype == XSD_STRING else datatype
        return ("literal", str(term), datatype, (term.language or "").lower())
    raise TypeError(f"not an RDF term: {term!r}")


def srj_key(term: Mapping[str, str] | None) -> Term:
    """A term of a SPARQL JSON result as compared (the same key as term_key)."""
    if term is None:
        return None
    kind = term["type"]
    if kind == "uri":
        return ("uri", term["value"])
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):  # typed-literal: the SPARQL 1.0 JSON spelling
        datatype = term.get("datatype", "")
        datatype = "" if datatype == XSD_STRING else datatype
        return ("literal", term["value"], datatype, term.get("xml:lang", "").lower())
    raise ValueError(f"unknown term type {kind!r}")


def srj_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        written = {"type": "literal", "value": str(term)}
        if term.language:
            written["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            written["datatype"] = str(term.datatype)
        return written
    raise TypeError(f"not an RDF term: {term!r}")


def sort_key(row: Row) -> tuple[tuple[str, ...], ...]:
    return tuple(("",) if term is None else term for term in row)


@dataclass(frozen=True)
class Answer:
    """A SELECT answer as compared: its variables and rows of term keys."""

    vars: list[str]
    rows: list[Row]


def answer_of(result: QueryResult) -> Answer:
    if result.kind != "select":
        raise ValueError(f"only SELECT answers have golden files, not {result.kind}")
    return Answer(
        list(result.vars), [tuple(term_key(row.get(v)) for v in result.vars) for row in result.rows]
    )


def read_srj(path: Path) -> Answer:
    data = json.loads(path.read_text(encoding="utf-8"))
    names = list(data["head"]["vars"])
    return Answer(
        names,
        [tuple(srj_key(b.get(v)) for v in names) for b in data["results"]["bindings"]],
    )


def write_srj(result: QueryResult, ordered: bool) -> str:
    """SPARQL 1.1 Query Results JSON, one term per line; rows sorted unless `ordered`."""
    names = list(result.vars)
    rows = list(result.rows)
    if not ordered:
        rows.sort(key=lambda row: sort_key(tuple(term_key(row.get(v)) for v in names)))
    dump = partial(json.dumps, ensure_ascii=False)  # names and quotes as they read
    lines = ["{", f'  "head": {{"vars": {dump(names)}}},', '  "results": {"bindings": [']
    for index, row in enumerate(rows):
        terms = [(v, t) for v in names if (t := row.get(v)) is not None]
        cells = ",\n".join(f"      {dump(v)}: {dump(srj_term(t))}" for v, t in terms)
        comma = "," if index < len(rows) - 1 else ""
        lines += ["    {", cells, "    }" + comma] if cells else ["    {}" + comma]
    lines += ["  ]}", "}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the order of an answer


def order_keys(sparql: str) -> list[str] | None:
    """The plain variables of the query's last ORDER BY (`?v`, `ASC(?v)`, `DESC(?v)`), in order;
    expressions are left out (so rows that these variables tell apart are totally ordered by the
    whole clause). None when the query has no ORDER BY."""
    text = "\n".join(line.split("#", 1)[0] for line in sparql.splitlines())
    found = list(re.finditer(r"\bORDER\s+BY\b", text, re.I))
    if not found:
        return None
    clause = re.split(r"\b(?:LIMIT|OFFSET|VALUES)\b|\}", text[found[-1].end() :], flags=re.I)[0]
    keys: list[str] = []
    depth = 0
    for token in re.finditer(r"(?:ASC|DESC)\s*\(\s*\?(\w+)\s*\)|\?(\w+)|\(|\)", clause, re.I):
        if token[0] == "(":
            depth += 1
        elif token[0] == ")":
            depth -= 1
        elif depth == 0:
            keys.append(token[1] or token[2])
    return keys


def ties(answer: Answer, keys: Sequence[str]) -> list[Row]:
    """Rows of the answer that the ORDER BY variables do not tell apart."""
    where = [answer.vars.index(k) for k in keys if k in answer.vars]
    seen = Counter(tuple(row[i] for i in where) for row in answer.rows)
    return [row for row in answer.rows if seen[tuple(row[i] for i in where)] > 1]


# ---------------------------------------------------------------- running and writing


def run(kg: KnowledgeGraph, test: GoldenTest) -> QueryResult:
    return kg.run(test.query, asserted_only=test.asserted_only, **test.params)


def regenerate(kg: KnowledgeGraph, manifest: Manifest) -> dict[Path, str]:
    """The text of every result file, checked: an `ordered` test's ORDER BY orders its rows
    totally, and tests that share a file get the same answer."""
    written: dict[Path, str] = {}
    problems: list[str] = []
    queries = catalogue()
    for test in manifest.tests:
        if test.query not in queries:
            problems.append(f"{test.name}: no canned query {test.query!r}")
            continue
        result = run(kg, test)
        if result.truncated:
            problems.append(f"{test.name}: the answer was truncated at the row limit")
        if test.ordered:
            keys = order_keys(queries[test.query].sparql)
            tied = ties(answer_of(result), keys or [])
            if keys is None or tied:
                problems.append(
                    f"{test.name}: ordered = true, but the ORDER BY of {test.query} "
                    f"does not order its {len(tied)} tied rows"
                )
        text = write_srj(result, test.ordered)
        if written.setdefault(test.path, text) != text:
            problems.append(f"{test.name}: {test.result} is shared with a different answer")
    if problems:
        raise SystemExit("golden files not written:\n  " + "\n  ".join(problems))
    return written


def stale(folder: Path, keep: Iterable[Path]) -> list[Path]:
    """Result files in the folder that no test names."""
    return sorted(set(folder.rglob("*.srj")) - set(keep))


def shown(path: Path) -> str:
    return str(path.relative_to(GOLDEN.parent.parent))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ")
    args = parser.parse_args(argv)

    from amakg.api import from_built
    from amakg.build import build

    manifest = load_manifest()
    kg = from_built(build())  # the same in-memory build as tests/conftest.py
    written = regenerate(kg, manifest)
    changed = [p for p, text in written.items() if not p.is_file() or p.read_text("utf-8") != text]
    orphans = stale(GOLDEN, written)
    for path in changed:
        print(("differs: " if args.check else "wrote: ") + shown(path))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(written[path], encoding="utf-8", newline="\n")
    for path in orphans:
        print(("stale: " if args.check else "removed: ") + shown(path))
        if not args.check:
            path.unlink()
    print(
        f"{len(manifest.tests)} tests, {len(written)} result files, {len(changed)} changed, "
        f"{len(orphans)} stale, {len(manifest.skips)} queries skipped",
        file=sys.stderr,
    )
    return 1 if args.check and (changed or orphans) else 0


if __name__ == "__main__":
    sys.exit(main())
