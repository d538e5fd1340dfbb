"""The quality checks of queries/qc/*-violation.rq, run beside the shapes by `amakg build` and
`amakg validate`, so that no data change brings a known defect back unnoticed.

Each row a check returns is a defect. A row with a ?correction is documented (data/curation/
says what was done about it, and ?resolution whether it is resolved): it is reported as Info.
A row without one is undocumented: a Violation, in the same report as a SHACL violation, which
stops the build.
"""

from __future__ import annotations

from rdflib.term import Identifier

from .. import resources, sparqlfiles
from ..store import Store
from .report import ValidationReport, ValidationResult, make_report, shorten

QC_FOLDER = "qc"
_ABOUT_THE_FIX = {"correction", "resolution"}


def check_names() -> list[str]:
    """The names of the checks (queries/qc/NAME-violation.rq), sorted."""
    folder = resources.queries_dir() / QC_FOLDER
    return sorted(p.stem.removesuffix("-violation") for p in folder.glob("*-violation.rq"))


def run_checks(store: Store) -> list[ValidationResult]:
    """Every row of every check, as report results over the union of the store's graphs."""
    results = []
    for name in check_names():
        text = sparqlfiles.read(QC_FOLDER, f"{name}-violation")
        title = dict(sparqlfiles.header(text)).get("title", name)
        results += [_result(name, title, row) for row in store.query(text).rows]
    return results


def with_checks(report: ValidationReport, store: Store) -> ValidationReport:
    """The shapes' report with the quality checks' results added."""
    return make_report([*report.results, *run_checks(store)], report.shapes_checked)


def _result(name: str, title: str, row: dict[str, Identifier | None]) -> ValidationResult:
    bound = {k: v for k, v in row.items() if v is not None}
    focus = next((shorten(v) for k, v in bound.items() if k not in _ABOUT_THE_FIX), "")
    facts = ", ".join(f"{k}={shorten(v)}" for k, v in bound.items() if k not in _ABOUT_THE_FIX)
    correction = bound.get("correction")
    if correction is None:
        return ValidationResult(
            "Violation",
            focus,
            None,
            None,
            f"{title} ({facts}): an undocumented defect; fix the data or record a correction "
            "in data/curation/",
            f"qc:{name}",
        )
    state = f", {shorten(bound['resolution'])}" if "resolution" in bound else ""
    return ValidationResult(
        "Info",
        focus,
        None,
        None,
        f"{title} ({facts}): documented by {shorten(correction)}{state}",
        f"qc:{name}",
    )
