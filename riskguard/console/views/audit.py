"""The audit explorer (roles as the auditors' API): search entries, a chart of decisions per day, the
named reports and export. Entry detail with its inclusion proof is in ``audit_entry``.

Every read is recorded in the trail before it is shown, as the API records its reads.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Response, render_template, request, stream_with_context

from ...audit import Action
from ...auth import Role
from ...errors import NotFound
from ...ids import utcnow
from .._blueprint import bp
from .._session import console_roles
from ..charts import stacked_days
from ..i18n import translate
from ._audit import audit_log, integrate, read_filter, record_read

PAGE = 50
CHART_SCAN = 50_000  # entries read at most for the chart; the page says when it stopped there
DECIDED = (Action.SCREENING_DECIDED, Action.REVIEW_DECIDED, Action.MERCHANT_DECIDED)


def _decisions_per_day(days: int) -> tuple[list[tuple[str, dict[str, int]]], bool]:
    from ...audit.query import EntryFilter, iter_entries

    start = (utcnow() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    counts: Counter[tuple[str, str]] = Counter()
    scanned = 0
    with audit_log().db.engine.connect() as conn:
        for row in iter_entries(conn, EntryFilter(actions=tuple(a.value for a in DECIDED), since=start)):
            if row.get("decision"):
                counts[(row["time"][:10], row["decision"])] += 1
            scanned += 1
            if scanned >= CHART_SCAN:
                break
    series = []
    for i in range(days):
        day = (start + timedelta(days=i)).date().isoformat()
        series.append((day, {o: n for (d, o), n in counts.items() if d == day}))
    return series, scanned >= CHART_SCAN


@bp.get("/audit")
@console_roles("audit.list_entries", Role.AUDITOR)
def audit_entries() -> tuple[str, int]:
    from ...audit.query import count_entries, newest_entries

    flt, raw, errors = read_filter()
    before, after = _index_arg("before"), _index_arg("after")
    try:
        days = min(max(int(request.args.get("days", "30")), 1), 90)
    except ValueError:
        days = 30
    rows: list[dict[str, Any]] = []
    series: list[Any] = []
    truncated, more, total = False, False, 0
    if not errors:
        integrate()
        with audit_log().db.engine.connect() as conn:
            rows, more = newest_entries(conn, flt, before=None if after is not None else before, after=after,
                                        limit=PAGE)
            total = count_entries(conn, flt)
        series, truncated = _decisions_per_day(days)
        record_read(Action.AUDIT_QUERIED, "entries", {**flt.as_details(), "returned": len(rows)})
    # newest first: "previous" is the newer page, "next" the older one
    if after is not None:
        has_newer, has_older = more, bool(rows)
    else:
        has_newer, has_older = before is not None and bool(rows), more
    legend = {o: translate(f"decision.{o}") for o in ("allow", "review", "block")}
    chart = stacked_days(series, title=translate("audit.chart"), legend=legend)
    query = {k: v for k, v in raw.items() if v}
    return render_template(
        "console/audit_entries.html", area="audit", rows=rows, raw=raw, errors=errors, chart=chart,
        days=days, chart_truncated=truncated, actions=[a.value for a in Action], query=query, total=total,
        newer_after=rows[0]["index"] if rows and has_newer else None,
        older_before=rows[-1]["index"] if rows and has_older else None), 400 if errors else 200


def _index_arg(name: str) -> int | None:
    """A page position (an entry index) from the query string; a malformed one means the first page."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


@bp.get("/audit/export")
@console_roles("audit.export", Role.AUDITOR)
def audit_export() -> Response:
    from ...audit.query import export_csv, export_jsonl, iter_entries
    from ...audit.reads import export_checkpoint, export_headers

    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "jsonl"):
        raise NotFound("no such export format", code="not_found")
    flt, _raw, errors = read_filter()
    if errors:
        raise NotFound("bad filter", code="not_found")
    cp = export_checkpoint(audit_log(), lambda: record_read(Action.AUDIT_EXPORTED, "export",
                                                            {**flt.as_details(), "format": fmt}))
    size = cp.size
    engine = audit_log().db.engine

    def generate():  # type: ignore[no-untyped-def]
        with engine.connect() as conn:
            rows = iter_entries(conn, flt, upto=size)
            yield from (export_csv(rows) if fmt == "csv" else export_jsonl(rows))

    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(generate()), content_type=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{size}.{fmt}"'
    response.headers.update(export_headers(cp))
    return response
