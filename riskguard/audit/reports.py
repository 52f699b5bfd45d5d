"""Named audit reports: YAML files under ``audit/reports/`` (name, description, filter, columns).

A report selects entries by action tags (exact or ``prefix:*``) and optional time range in SQL, then
keeps those matching every ``where`` condition on the parsed entry, and projects ``columns`` (dotted
paths into the entry view, e.g. ``links.overrides`` or ``details.preparer``). ``expect_empty: true``
marks a control whose result must be empty (e.g. payouts approved by their preparer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from sqlalchemy import Connection

from .._data import packaged_dir
from .query import EntryFilter, iter_entries

__all__ = ["Report", "ReportError", "load_reports", "run_report", "get_path", "SCHEMA_PATH"]

_MISSING = object()
SCHEMA_PATH = packaged_dir("audit") / "report.schema.json"


class ReportError(ValueError):
    """A report file is malformed (names the file and the field)."""


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    actions: tuple[str, ...]
    where: tuple[dict[str, Any], ...]
    columns: tuple[str, ...]
    order_by: tuple[str, ...] = ()
    expect_empty: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "actions": list(self.actions),
                "where": list(self.where), "columns": list(self.columns), "order_by": list(self.order_by),
                "expect_empty": self.expect_empty}


def get_path(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _holds(row: dict[str, Any], cond: dict[str, Any]) -> bool:
    value = get_path(row, cond["field"])
    if "exists" in cond:
        return (value is not _MISSING and value not in (None, "")) == cond["exists"]
    if value is _MISSING:
        return False
    if "equals" in cond:
        return value == cond["equals"]
    if "not_equals" in cond:
        return value != cond["not_equals"]
    if "in" in cond:
        return value in cond["in"]
    if "equals_field" in cond:
        other = get_path(row, cond["equals_field"])
        return other is not _MISSING and value == other
    return False


# Checked definitions by what the folder holds (file names, sizes, modification times): every auditor
# request names its report, and parsing and schema-checking the files each time cost a fifth of a request.
_loaded: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, Report]] = {}


def load_reports(directory: Path) -> dict[str, Report]:
    """The named reports of ``directory``, checked against the schema; read again when a file changes."""
    paths = sorted(directory.glob("*.yaml"))
    key = (str(directory), tuple((p.name, st.st_mtime_ns, st.st_size) for p in paths for st in (p.stat(),)))
    if (hit := _loaded.get(key)) is not None:
        return dict(hit)
    reports = _checked(paths)
    if len(_loaded) >= 8:  # a changed folder leaves its old entry behind: keep a few
        _loaded.clear()
    _loaded[key] = reports
    return dict(reports)


def _checked(paths: list[Path]) -> dict[str, Report]:
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    reports: dict[str, Report] = {}
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
            jsonschema.validate(data, schema)
        except yaml.YAMLError:
            raise ReportError(f"{path.name}: not valid YAML") from None
        except jsonschema.ValidationError as exc:
            where = ".".join(str(p) for p in exc.absolute_path) or "(top)"
            raise ReportError(f"{path.name}: {where}: {exc.message}") from None
        flt = data["filter"]
        report = Report(name=data["name"], description=data["description"].strip(),
                        actions=tuple(flt["actions"]), where=tuple(flt.get("where", ())),
                        columns=tuple(data["columns"]), order_by=tuple(data.get("order_by", ())),
                        expect_empty=bool(data.get("expect_empty", False)))
        if report.name in reports:
            raise ReportError(f"{path.name}: report name {report.name!r} is used twice")
        reports[report.name] = report
    return reports


def run_report(conn: Connection, report: Report, *, since: datetime | None = None,
               until: datetime | None = None, upto: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows of the report (only its columns), in index order unless the report says otherwise."""
    flt = EntryFilter(actions=report.actions, since=since, until=until)
    rows = (r for r in iter_entries(conn, flt, upto=upto) if all(_holds(r, c) for c in report.where))
    projected = ({c: (None if (v := get_path(r, c)) is _MISSING else v) for c in report.columns} for r in rows)
    if not report.order_by:
        yield from projected
        return
    yield from sorted(projected, key=lambda r: tuple(json.dumps(r.get(k), sort_keys=True, default=str)
                                                     for k in report.order_by))
