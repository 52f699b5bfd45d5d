"""Audit entry detail with its inclusion proof, checked twice: by the server (RFC 9162 path to the root of
the latest signed checkpoint, whose Ed25519 signature it verifies) and in the page by ``proof.js``
(WebCrypto, from the entry's canonical bytes). Also the named reports."""

from __future__ import annotations

import base64
import json
from typing import Any

import structlog
from flask import render_template

from ...audit import Action
from ...auth import Role
from ...errors import NotFound, ServiceUnavailable
from ...http import services
from .._blueprint import bp
from .._session import console_roles
from ..i18n import translate
from ._audit import audit_log, integrate, record_read

log = structlog.get_logger("riskguard.console")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _proof(index: int) -> dict[str, Any]:
    from ...audit import merkle
    from ...audit.checkpoints import CheckpointError, parse, verifier_key
    from ...audit.query import EntryFilter, page_entries
    from ...audit.store import StoredTree

    service = audit_log()
    try:
        checkpoint = service.checkpoint()  # integrates, signs one if the log grew
    except Exception as exc:  # noqa: BLE001
        log.error("console.audit_checkpoint_failed", error_type=type(exc).__name__)
        raise ServiceUnavailable("no checkpoint could be signed", code="unavailable") from None
    size = checkpoint.size
    with service.db.engine.connect() as conn:
        rows = page_entries(conn, EntryFilter(), after=index - 1, limit=1)
        if not rows or rows[0]["index"] != index:
            raise NotFound("no such audit entry", code="not_found")
        if index >= size:  # integrated after the checkpoint was signed: no proof against it yet
            return {"entry": rows[0], "proof": None}
        tree = StoredTree(conn)
        path = tree.inclusion(index, size)
    entry = rows[0]
    canonical = entry["canonical"].encode("utf-8")
    public_key = service.keys.public_key
    try:
        signed = parse(checkpoint.note, public_key)
        signature_ok = True
    except CheckpointError:
        signed, signature_ok = None, False
    included = signed is not None and merkle.verify_inclusion(canonical, index, size, path, signed.root)
    leaf_ok = merkle.leaf_hash(canonical) == base64.b64decode(entry["leaf_hash"])
    data = {"index": index, "tree_size": size, "entry": _b64(canonical), "leaf_hash": entry["leaf_hash"],
            "proof": [_b64(p) for p in path], "checkpoint": checkpoint.note, "public_key": _b64(public_key)}
    return {"entry": entry, "proof": {
        "data": data, "path": [p.hex() for p in path], "root": checkpoint.root.hex(), "size": size,
        "note": checkpoint.note, "verifier_key": verifier_key(service.keys.origin, public_key),
        "signature_ok": signature_ok, "leaf_ok": leaf_ok, "included": included,
        "ok": signature_ok and leaf_ok and included}}


@bp.get("/audit/entries/<int:index>")
@console_roles("audit.get_proof", Role.AUDITOR)
def audit_entry(index: int) -> str:
    view = _proof(index)
    record_read(Action.AUDIT_QUERIED, "proof", {"index": index,
                                                "tree_size": view["proof"]["size"] if view["proof"] else None})
    js_text = {k: translate(f"proof.{k}") for k in
               ("verified", "failed", "leaf", "root", "size", "signature", "no_ed25519", "insecure")}
    entry = view["entry"]
    pretty = json.dumps(json.loads(entry["canonical"]), ensure_ascii=False, indent=2, sort_keys=True)
    return render_template("console/audit_entry.html", area="audit", entry=entry, pretty=pretty,
                           proof=view["proof"], js_text=js_text)


def _reports() -> dict[str, Any]:
    from ...audit.reports import ReportError, load_reports

    try:
        return load_reports(services().settings.audit_dir / "reports")
    except ReportError as exc:
        log.error("console.audit_reports_invalid", detail=str(exc))
        raise ServiceUnavailable("the report definitions are invalid", code="unavailable") from None


@bp.get("/audit/reports")
@console_roles("audit.list_reports", Role.AUDITOR)
def audit_reports() -> str:
    reports = _reports()
    record_read(Action.AUDIT_QUERIED, "reports", {})
    return render_template("console/audit_reports.html", area="audit", reports=list(reports.values()),
                           report=None, rows=None)


@bp.get("/audit/reports/<name>")
@console_roles("audit.run_named_report", Role.AUDITOR)
def audit_report(name: str) -> str:
    from ...audit.reports import run_report
    from ...audit.store import StoredTree

    reports = _reports()
    report = reports.get(name)
    if report is None:
        raise NotFound("no such report", code="not_found")
    integrate()
    with audit_log().db.engine.connect() as conn:
        size = StoredTree(conn).size
        rows = list(run_report(conn, report, upto=size))
    record_read(Action.AUDIT_REPORT_RUN, name, {"format": "html", "tree_size": size})
    table = [[_cell(r.get(c)) for c in report.columns] for r in rows]
    return render_template("console/audit_reports.html", area="audit", reports=list(reports.values()),
                           report=report, rows=table, tree_size=size,
                           finding=bool(report.expect_empty and rows))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
