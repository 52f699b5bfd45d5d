"""The one CSV cell guard: text a spreadsheet would run as a formula gets a leading quote (OWASP)."""

from __future__ import annotations

import csv
import io

import pytest

from riskguard.csvcells import csv_rows, safe_cell


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+86 138", "'+86 138"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("a=b", "a=b"),
    (" =1", " =1"),
    ("", ""),
    ("资质已核实", "资质已核实"),
    ("{\"v\":1}", "{\"v\":1}"),
    (-5, -5),
    (3.5, 3.5),
    (None, None),
])
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_csv_rows_neutralise_every_cell_and_round_trip() -> None:
    rows = [["h1", "h2"], ["=1+1", "ok"], [7, "@x\r\ny"]]
    text = "".join(csv_rows(rows))
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["h1", "h2"], ["'=1+1", "ok"], ["7", "'@x\r\ny"]]


def test_the_standalone_verifier_reads_every_guarded_cell_back() -> None:
    """audit/verify_export.py keeps its own copy of the list (it imports nothing of riskguard)."""
    import importlib.util

    from riskguard.config import PROJECT_ROOT
    from riskguard.csvcells import FORMULA_START

    spec = importlib.util.spec_from_file_location("verify_export", PROJECT_ROOT / "audit" / "verify_export.py")
    assert spec is not None and spec.loader is not None
    verifier = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(verifier)
    for start in FORMULA_START:
        assert verifier.shown(safe_cell(start + "x")) == start + "x"
    assert verifier.shown("plain") == "plain"
