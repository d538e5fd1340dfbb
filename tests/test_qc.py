"""The quality checks (queries/qc/*-violation.rq) guard the build and `amakg validate`: an
undocumented defect is a Violation in the same report as the shapes'; a documented one (a
correction in data/curation/) is Info."""

from __future__ import annotations

from pathlib import Path

import pytest

from amakg import api
from amakg.cli import main
from amakg.validation.qc import check_names

FIXTURES = Path(__file__).parent / "fixtures" / "qc"


def qc_results(report: api.ValidationReport) -> list[api.ValidationResult]:
    return [r for r in report.results if r.shape.startswith("qc:")]


def test_every_check_runs_and_the_real_data_has_only_documented_defects() -> None:
    report = api.validate()
    assert report.conforms
    found = qc_results(report)
    assert {r.severity for r in found} == {"Info"}
    assert all("documented by amar:" in r.message for r in found)
    # the defects the curation documents (data/curation/README.md): merged 2003 ceremonies,
    # category-years without a recorded winner, and the 1979 and 1983 two-winner years
    assert {r.shape for r in found} == {"qc:double-ceremony", "qc:no-winner", "qc:two-winners"}
    assert set(check_names()) == {"double-ceremony", "duplicate-rows", "no-winner", "two-winners"}
    two_winners = sorted(r.message for r in found if r.shape == "qc:two-winners")
    assert [("1979" in m, "1983" in m) for m in two_winners] in (
        [(True, False), (False, True)],
        [(False, True), (True, False)],
    )


def test_an_undocumented_defect_is_a_violation() -> None:
    report = api.validate([FIXTURES / "no-winner.ttl"])
    (found,) = qc_results(report)
    assert found.severity == "Violation" and not report.conforms
    assert found.focus == '"1990"^^xsd:integer' or "1990" in found.message
    assert "undocumented defect" in found.message and "data/curation/" in found.message


def test_a_documented_defect_is_info() -> None:
    report = api.validate([FIXTURES / "no-winner-documented.ttl"])
    (found,) = qc_results(report)
    assert found.severity == "Info"
    assert "documented by amar:correction/test-no-winner" in found.message


def test_validate_exits_1_on_an_undocumented_defect(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(FIXTURES / "no-winner.ttl")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Violation:" in out and "shape:   qc:no-winner" in out
