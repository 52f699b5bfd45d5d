"""Audit entry detail with its inclusion proof, checked twice: by the server (RFC 9162 path to the root of
the latest signed checkpoint, whose Ed25519 signature it verifies) and in the page by ``proof.js``
(WebCrypto, from the entry's canonical bytes). Also the named reports."""

from __future__ import annotations

import base64
import json
from typing import Any

from flask import render_template

from ...audit import Action
from ...auth import Role
from ...errors import NotFound
from ...http import services
from .._blueprint import bp
from .._session import console_roles
from ..i18n import translate
from ._audit import audit_log, record_read


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _proof(index: int) -> dict[str, Any]:
    from ...audit.checkpoints import verifier_key
    from ...audit.reads import check_proof, entry_proof

    service = audit_log()
    proof = entry_proof(service, index)  # against the latest checkpoint, signed now if the log grew
    if proof.entry is None:
        raise NotFound("no such audit entry", code="entry_not_found")
    if proof.path is None or proof.root is None:  # integrated after the checkpoint was signed: no proof yet
        return {"entry": proof.entry, "proof": None}
    size, path, note = proof.tree_size, proof.path, proof.checkpoint or ""
    public_key = service.keys.public_key
    check = check_proof(proof, public_key)
    data = {"index": index, "tree_size": size, "entry": _b64(proof.entry["canonical"].encode("utf-8")),
            "leaf_hash": proof.entry["leaf_hash"], "proof": [_b64(p) for p in path], "checkpoint": note,
            "public_key": _b64(public_key)}
    return {"entry": proof.entry, "proof": {
        "data": data, "path": [p.hex() for p in path], "root": proof.root.hex(), "size": size,
        "note": note, "verifier_key": verifier_key(service.keys.origin, public_key),
        "signature_ok": check.signature_ok, "leaf_ok": check.leaf_ok, "included": check.included,
        "ok": check.ok}}


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
    from ...audit.reads import named_reports

    return named_reports(services().settings.audit_dir / "reports")


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
    from ...audit.reads import report_rows

    reports = _reports()
    report = reports.get(name)
    if report is None:
        raise NotFound("no such report", code="report_not_found")
    size, rows = report_rows(audit_log(), report)
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
