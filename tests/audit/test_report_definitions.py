"""The named report definitions (audit/reports/*.yaml): checked against the schema when read, read once per
content (every auditor request names its report), read again when a file changes, never a bad one cached."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from riskguard._data import packaged_dir
from riskguard.audit.reports import ReportError, load_reports


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(packaged_dir("audit") / "reports", tmp_path / "reports")
    return tmp_path / "reports"


def test_the_shipped_definitions_load_and_a_copy_is_returned(folder: Path) -> None:
    first = load_reports(folder)
    assert first and all(r.name == name for name, r in first.items())
    first.clear()  # a caller's dict is its own: the next request still gets every report
    assert load_reports(folder) == load_reports(packaged_dir("audit") / "reports")


def test_a_changed_file_is_read_again(folder: Path) -> None:
    path = sorted(folder.glob("*.yaml"))[0]
    before = load_reports(folder)
    text = path.read_text("utf-8")
    changed = text.replace("description:", "description: (changed)", 1)
    assert changed != text
    path.write_text(changed, "utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # a new time, however coarse
    after = load_reports(folder)
    assert after.keys() == before.keys()
    assert [r for r in after.values() if r.description.startswith("(changed)")]


def test_an_invalid_file_is_an_error_every_time(folder: Path) -> None:
    load_reports(folder)
    bad = folder / "zz-broken.yaml"
    bad.write_text("name: broken\ncolumns: 5\n", "utf-8")
    for _ in range(2):
        with pytest.raises(ReportError, match="zz-broken.yaml"):
            load_reports(folder)
    bad.unlink()
    assert "broken" not in load_reports(folder)
