"""The benchmark runs end to end at a tiny scale (a smoke test: no timing is asserted).

Runs bench/run.py the way CI would (`--smoke`), on a graph of a few hundred triples generated
into a temporary folder, and checks that the printed table has a row for every stage of both
pipelines, every row measured (none failed or killed), and that the generated graph conforms
to the shapes (the fast pipeline's validation reports it).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amakg import queries

BENCH = Path(__file__).resolve().parents[1] / "bench"
FAST_STAGES = [
    "load",
    "validate",
    "reason",
    "export:trig",
    "export:turtle",
    "export:json-ld",
    "export:void",
]
NAIVE_STAGES = ["load", "validate", "reason", "export:turtle"]


def local_queries() -> list[str]:
    return list(queries.local())


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict], Path]:
    out = tmp_path_factory.mktemp("bench")
    report = out / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--scale",
            "400",
            "--smoke",
            "--out",
            str(out),
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout, json.loads(report.read_text(encoding="utf-8")), out


def table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 8 and not cells[0].startswith("-"):
            rows[cells[0]] = cells[1:]
    return rows


def test_generator_wrote_a_graph_of_about_the_asked_size(
    smoke: tuple[str, list[dict], Path],
) -> None:
    _, _, out = smoke
    info = json.loads((out / "400" / "params.json").read_text(encoding="utf-8"))
    assert 400 <= info["triples"] < 1000
    assert {"artist", "group", "category", "year"} <= set(info["params"])
    assert (out / "400" / "asserted.ttl").stat().st_size > 0


def test_table_has_every_stage_of_both_pipelines(smoke: tuple[str, list[dict], Path]) -> None:
    text, _, _ = smoke
    rows = table_rows(text)
    query_stages = [f"query:{name}" for name in local_queries()]
    assert set(FAST_STAGES + query_stages) <= set(rows), text
    measured = re.compile(r"[\d.]+ (s|ms)( \((engine [\d.]+; )?\d+ runs\))?")
    for stage in FAST_STAGES + query_stages:
        wall, cpu = rows[stage][0], rows[stage][1]
        assert measured.fullmatch(wall) and measured.fullmatch(cpu), (stage, wall, cpu)
    for stage in NAIVE_STAGES + query_stages:
        wall, cpu = rows[stage][3], rows[stage][4]
        assert measured.fullmatch(wall) and measured.fullmatch(cpu), (stage, wall, cpu)
    assert "**build** (validate+reason+export)" in rows
    assert "**build** (load+validate+reason+export)" in rows
    assert text.startswith("machine: ")


def test_fast_pipeline_validated_and_reasoned(smoke: tuple[str, list[dict], Path]) -> None:
    _, results, _ = smoke
    fast = results[0]["fast"]
    assert fast["finished"] and not fast["killed"]
    assert fast["info"]["conforms"] is True
    assert fast["info"]["inferred"] > 0
    assert fast["done"]["query:wins"]["rows"] > 0
    naive = results[0]["naive"]
    assert naive["finished"]
    assert naive["done"]["reason"]["inferred"] == fast["info"]["inferred"]
