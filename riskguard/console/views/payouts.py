"""Payout batches (roles as the payouts API): submit a batch file (``finance``), the batch summary with its
held payouts and their findings and the Benford first-digit chart (readers of a batch), and approval with
maker ≠ checker (``finance_approver``; the payouts service enforces it, the page says so up front).

The payouts API has no batch listing, so the page lists the batches this browser session submitted or
opened and lets the user open any batch by id.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ...auth import Role
from ...errors import ApiError
from ...http import services
from .._blueprint import bp
from .._session import console_roles, may_open, signed_in_actor
from ..charts import benford_bars
from ..i18n import translate

log = structlog.get_logger("riskguard.console")

RECENT = 10
SHOWN = 200  # held/review payouts listed on the batch page
_BATCH_ID = re.compile(r"^pb_[0-9a-f]{32}$")
_FORMATS = {"csv": "csv", "json": "json"}
PAYOUT_ERRORS = {"approver_is_preparer", "approver_created_payouts", "approver_changed_bank_details",
                 "blocked_payouts_unresolved", "batch_not_pending", "conflicting_actions", "unknown_payout",
                 "unknown_row", "nothing_to_override", "ambiguous_payout_id", "validation_error",
                 "reason_contains_personal_data"}


def _remember(batch_id: str) -> None:
    recent = [b for b in session.get("batches", []) if b != batch_id]
    session["batches"] = [batch_id, *recent][:RECENT]


@bp.get("/payouts")
@console_roles("payouts.get_batch", Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
def payout_batches() -> str | Response:
    wanted = (request.args.get("batch_id") or "").strip()
    if wanted:
        if _BATCH_ID.match(wanted):
            return redirect(url_for("console.payout_batch", batch_id=wanted))
        flash("payouts.bad_id")
    return render_template("console/payout_batches.html", area="payouts", recent=session.get("batches", []),
                           may_submit=may_open(signed_in_actor(), "payouts.submit", (Role.FINANCE,)))


@bp.post("/payouts")
@console_roles("payouts.submit", Role.FINANCE)
def payout_submit() -> Response | tuple[str, int]:
    service = services().payouts
    upload = request.files.get("batch")
    data = upload.read() if upload is not None else b""
    name = (upload.filename or "").lower() if upload is not None else ""
    fmt = _FORMATS.get(name.rsplit(".", 1)[-1]) if "." in name else None
    if not data:
        return _batches_page("payouts.err.empty", 400)
    try:
        body = service.submit(data, fmt=fmt, actor=signed_in_actor())
    except ApiError as err:
        log.info("console.payout_submit_refused", code=err.code)
        return _batches_page(f"payouts.err.{err.code}" if err.code in PAYOUT_ERRORS else None, err.status,
                             detail=err.message if err.status < 500 else None)
    _remember(body["batch_id"])
    return redirect(url_for("console.payout_batch", batch_id=body["batch_id"]))


def _batches_page(error: str | None, status: int, detail: str | None = None) -> tuple[str, int]:
    return render_template("console/payout_batches.html", area="payouts", recent=session.get("batches", []),
                           may_submit=True, error=error, detail=detail), status


def _batch_view(batch_id: str) -> dict[str, Any]:
    service = services().payouts
    batch = service.get(batch_id, limit=0)
    held = service.get(batch_id, decision="block", limit=SHOWN)
    review = service.get(batch_id, decision="review", limit=SHOWN)
    benford = (batch.get("summary") or {}).get("benford") or {}
    chart = None
    if benford.get("observed"):
        chart = benford_bars({int(k): v for k, v in benford["observed"].items()},
                             {int(k): v for k, v in benford["expected"].items()},
                             title=translate("payouts.benford"),
                             labels=(translate("chart.observed"), translate("chart.expected")))
    ids = [p["payout_id"] for p in held["payouts"] if p["payout_id"]]
    return {"batch": batch, "held": held["payouts"], "repeated_ids": {i for i in ids if ids.count(i) > 1}, "held_total": held["payouts_total"],
            "review": review["payouts"], "review_total": review["payouts_total"], "benford": benford,
            "chart": chart}


@bp.get("/payouts/<batch_id>")
@console_roles("payouts.get_batch", Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
def payout_batch(batch_id: str, error: str | None = None, status: int = 200) -> tuple[str, int]:
    view = _batch_view(batch_id)
    _remember(batch_id)
    actor = signed_in_actor()
    may_approve = may_open(actor, "payouts.approve", (Role.FINANCE_APPROVER,))
    own = actor is not None and view["batch"]["preparer"] == actor.ref
    return render_template("console/payout_batch.html", area="payouts", **view, may_approve=may_approve,
                           own_batch=own, error=error, shown=SHOWN), status


@bp.post("/payouts/<batch_id>/approve")
@console_roles("payouts.approve", Role.FINANCE_APPROVER)
def payout_approve(batch_id: str) -> Response | tuple[str, int]:
    approvals = services().approvals
    exclude_rows: list[int] = []
    overrides: list[dict[str, str]] = []
    for key, value in request.form.items():
        if not key.startswith("action_") or not key[7:].isdigit():
            continue
        row = int(key[7:])
        if value == "override":
            overrides.append({"payout_id": request.form.get(f"payout_{row}", ""),
                              "reason": request.form.get(f"reason_{row}", "").strip()})
        elif value == "exclude":
            exclude_rows.append(row)
    if any(not o["reason"] for o in overrides):
        return payout_batch(batch_id, error="payouts.err.reason_required", status=400)
    try:
        approvals.approve(batch_id, signed_in_actor(), exclude=[], exclude_rows=exclude_rows, overrides=overrides)
    except ApiError as err:
        if err.code not in PAYOUT_ERRORS:
            raise
        return payout_batch(batch_id, error=f"payouts.err.{err.code}", status=err.status)
    flash("payouts.approved")
    return redirect(url_for("console.payout_batch", batch_id=batch_id))
