"""HTTP only: the auditors' API under ``/v1/audit`` (role ``auditor``, read-only).

Every query is itself recorded (``audit:*`` actions) before its answer is sent; if that record cannot be
written the answer is a 503, never an unrecorded read. Reads integrate the sequencer's queue first so
that everything acknowledged is visible. What is read is shared with the console (``audit.reads``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import structlog
from flask import Flask, Response, stream_with_context

from ..auth import Role, current_actor
from ..errors import BadRequest, NotFound
from ..http import Blueprint, register_blueprint, services
from .checkpoints import verifier_key
from .events import Action
from .query import (
    CursorError,
    EntryFilter,
    decode_cursor,
    encode_cursor,
    export_csv,
    export_jsonl,
    iter_entries,
    page_entries,
)
from .reads import (
    entry_proof,
    export_checkpoint,
    export_headers,
    integrated,
    log_size,
    named_reports,
    report_rows,
    signed_checkpoint,
)
from .reports import run_report
from .schemas import (
    MAX_INDEX,
    CheckpointSchema,
    ConsistencyQuery,
    ConsistencySchema,
    EntriesQuery,
    EntryPageSchema,
    EntrySchema,
    ExportQuery,
    ProofQuery,
    ProofSchema,
    PublicKeySchema,
    ReportListSchema,
    ReportQuery,
    ReportRunSchema,
)
from .service import AuditLog
from .store import StoredTree

__all__ = ["blueprint", "init_app"]

log = structlog.get_logger("riskguard.audit.api")
blueprint = Blueprint("audit", __name__, url_prefix="/v1/audit", description="the tamper-evident audit log")
FILTER_KEYS = ("actor", "action", "subject_type", "subject_id", "decision", "policy_revision", "since", "until")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _log() -> AuditLog:
    return services().audit


def _integrate() -> None:
    integrated(_log())


def _record_access(action: Action, what: str, details: dict[str, Any]) -> None:
    """Record the auditor's query before answering (``AuditUnavailable``, a 503, if it cannot be)."""
    _log().record_access(current_actor().ref, action, what, details)


def _filter(query: dict[str, Any]) -> EntryFilter:
    values = {k: query.get(k) for k in FILTER_KEYS}
    if values["subject_id"] is not None:  # an id that looks like personal data is kept as its digest
        values["subject_id"] = _log().identifier(values["subject_id"])
    return EntryFilter(**values)


@blueprint.get("/entries")
@blueprint.roles(Role.AUDITOR)
@blueprint.arguments(EntriesQuery, location="query")
@blueprint.response(200, EntryPageSchema)
@blueprint.errors(503)
def list_entries(query: dict[str, Any]) -> Any:
    """Audit entries by filter, in log order (cursor pagination)"""
    try:
        after = decode_cursor(query["cursor"]) if query["cursor"] else -1
    except CursorError as exc:
        raise BadRequest(str(exc), code="bad_cursor", field="cursor") from None
    flt = _filter(query)
    _integrate()
    with _log().db.engine.connect() as conn:
        tree = StoredTree(conn)
        rows = page_entries(conn, flt, after=after, limit=query["limit"])
    nxt = encode_cursor(rows[-1]["index"]) if len(rows) == query["limit"] else None
    _record_access(Action.AUDIT_QUERIED, "entries", {**flt.as_details(), "returned": len(rows)})
    return {"entries": rows, "next_cursor": nxt, "tree_size": tree.size}


@blueprint.get("/entries/<int:index>")
@blueprint.roles(Role.AUDITOR)
@blueprint.response(200, EntrySchema)
@blueprint.errors(404, 503)
def get_entry(index: int) -> Any:
    """One audit entry by its leaf index"""
    if index > MAX_INDEX:
        raise NotFound(f"no audit entry {index}", code="entry_not_found")
    _integrate()
    with _log().db.engine.connect() as conn:
        rows = page_entries(conn, EntryFilter(), after=index - 1, limit=1)
    if not rows or rows[0]["index"] != index:
        raise NotFound(f"no audit entry {index}", code="entry_not_found")
    _record_access(Action.AUDIT_QUERIED, "entry", {"index": index})
    return rows[0]


@blueprint.get("/entries/<int:index>/proof")
@blueprint.roles(Role.AUDITOR)
@blueprint.arguments(ProofQuery, location="query")
@blueprint.response(200, ProofSchema)
@blueprint.errors(404, 503)
def get_proof(index: int, query: dict[str, Any]) -> Any:
    """Inclusion proof of an entry against a checkpoint (latest if tree_size is absent)"""
    if index > MAX_INDEX:
        raise NotFound(f"no audit entry {index}", code="entry_not_found")
    proof = entry_proof(_log(), index, query["tree_size"])
    size = proof.tree_size
    if size > proof.log_size:
        raise BadRequest(f"tree_size {size} exceeds the log size {proof.log_size}", code="tree_size_too_large",
                         field="tree_size")
    if proof.entry is None or proof.path is None or proof.root is None:
        raise NotFound(f"entry {index} is not in a tree of size {size}", code="entry_not_found")
    _record_access(Action.AUDIT_QUERIED, "proof", {"index": index, "tree_size": size})
    return {"index": index, "tree_size": size, "leaf_hash": proof.entry["leaf_hash"],
            "root": _b64(proof.root), "proof": [_b64(p) for p in proof.path],
            "checkpoint": proof.checkpoint, "entry": proof.entry}


@blueprint.get("/checkpoints/latest")
@blueprint.roles(Role.AUDITOR)
@blueprint.response(200, CheckpointSchema)
@blueprint.errors(503)
def latest_checkpoint() -> Any:
    """The latest signed checkpoint (signed now if the log grew)"""
    audit = _log()
    cp = signed_checkpoint(audit)
    _record_access(Action.AUDIT_QUERIED, "checkpoint", {"tree_size": cp.size})
    return {**cp.to_dict(), "verifier_key": verifier_key(audit.keys.origin, audit.keys.public_key)}


@blueprint.get("/consistency")
@blueprint.roles(Role.AUDITOR)
@blueprint.arguments(ConsistencyQuery, location="query")
@blueprint.response(200, ConsistencySchema)
@blueprint.errors(503)
def consistency(query: dict[str, Any]) -> Any:
    """Consistency proof between two tree sizes"""
    _integrate()
    old, new = query["from_"], query["to"]
    with _log().db.engine.connect() as conn:
        tree = StoredTree(conn)
        if new > tree.size:
            raise BadRequest(f"to {new} exceeds the log size {tree.size}", code="tree_size_too_large", field="to")
        proof = tree.consistency(old, new)
        roots = tree.root_at(old), tree.root_at(new)
    _record_access(Action.AUDIT_QUERIED, "consistency", {"from": old, "to": new})
    return {"from_": old, "to": new, "from_root": _b64(roots[0]), "to_root": _b64(roots[1]),
            "proof": [_b64(p) for p in proof]}


def _stream(fmt: str, rows_factory) -> Response:  # type: ignore[no-untyped-def]
    engine = _log().db.engine

    def generate() -> Iterator[str]:
        with engine.connect() as conn:
            rows = rows_factory(conn)
            yield from (export_csv(rows) if fmt == "csv" else export_jsonl(rows))

    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return Response(stream_with_context(generate()), mimetype=f"{mimetype}; charset=utf-8")


_STREAMS = {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}
_TREE_SIZE = {"X-Audit-Tree-Size": {"description": "the log size the export covers",
                                    "schema": {"type": "integer"}},
              "X-Audit-Checkpoint": {"description": "base64 of the signed checkpoint of exactly that size "
                                                    "(verify_export.py --checkpoint)", "schema": {"type": "string"}}}


@blueprint.get("/export")
@blueprint.roles(Role.AUDITOR)
@blueprint.arguments(ExportQuery, location="query")
@blueprint.doc(responses={"200": {"description": "one entry a line (jsonl) or row (csv)", "content": _STREAMS,
                                  "headers": _TREE_SIZE}})
@blueprint.errors(503)
def export(query: dict[str, Any]) -> Response:
    """Streamed export (jsonl or csv, fixed columns) of the entries matching the filters"""
    flt = _filter(query)
    cp = export_checkpoint(_log(), lambda: _record_access(Action.AUDIT_EXPORTED, "export",
                                                          {**flt.as_details(), "format": query["format"]}))
    response = _stream(query["format"], lambda conn: iter_entries(conn, flt, upto=cp.size))
    response.headers.update(export_headers(cp))
    return response


def _reports() -> dict[str, Any]:
    return named_reports(services().settings.audit_dir / "reports")


@blueprint.get("/reports")
@blueprint.roles(Role.AUDITOR)
@blueprint.response(200, ReportListSchema)
@blueprint.errors(503)
def list_reports() -> Any:
    """The named audit reports"""
    reports = _reports()
    _record_access(Action.AUDIT_QUERIED, "reports", {})
    return {"reports": [r.to_dict() for r in reports.values()]}


@blueprint.get("/reports/<string:name>")
@blueprint.roles(Role.AUDITOR)
@blueprint.arguments(ReportQuery, location="query")
@blueprint.response(200, ReportRunSchema, description="json: the rows; jsonl and csv: streamed")
@blueprint.doc(responses={200: {"content": _STREAMS}})
@blueprint.errors(404, 503)
def run_named_report(name: str, query: dict[str, Any]) -> Any:
    """Run a named audit report (json, jsonl or csv)"""
    report = _reports().get(name)
    if report is None:
        raise NotFound(f"no report {name!r}", code="report_not_found")
    if query["format"] == "json":
        size, rows = report_rows(_log(), report, since=query["since"], until=query["until"])
    else:
        size, rows = log_size(_log()), None
    _record_access(Action.AUDIT_REPORT_RUN, name, {"format": query["format"], "tree_size": size,
                                                   **{k: v.isoformat() for k in ("since", "until")
                                                      if (v := query.get(k)) is not None}})
    if rows is not None:
        return {"report": report.to_dict(), "tree_size": size, "rows": rows,
                "finding": bool(report.expect_empty and rows)}
    columns = report.columns
    engine = _log().db.engine
    since, until = query["since"], query["until"]

    def generate() -> Iterator[str]:
        with engine.connect() as conn:
            rows_iter = run_report(conn, report, since=since, until=until, upto=size)
            yield from (export_csv(rows_iter, columns) if query["format"] == "csv"
                        else export_jsonl(rows_iter, columns))

    mimetype = "text/csv" if query["format"] == "csv" else "application/x-ndjson"
    return Response(stream_with_context(generate()), mimetype=f"{mimetype}; charset=utf-8")


@blueprint.get("/public-key")
@blueprint.roles(Role.AUDITOR)
@blueprint.response(200, PublicKeySchema)
@blueprint.errors(503)
def public_key() -> Any:
    """The checkpoint verification key (signed-note verifier key and PEM)"""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    keys = _log().keys
    pem = keys.signing_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    _record_access(Action.AUDIT_QUERIED, "public-key", {})
    return {"origin": keys.origin, "verifier_key": verifier_key(keys.origin, keys.public_key),
            "public_key_pem": pem}


def init_app(app: Flask) -> None:
    """The auditors' API, and integration after each response for a log whose sequencer mode is
    "request" (the log notes the commits; the web layer decides when to integrate)."""
    register_blueprint(app, blueprint)

    @app.after_request
    def _integrate_after_response(response: Response) -> Response:
        sequencer = services().audit.sequencer
        if sequencer.take_due():
            response.call_on_close(sequencer.integrate_quietly)
        return response
