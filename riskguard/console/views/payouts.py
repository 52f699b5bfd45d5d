"""Payout batches (roles as the payouts API): submit a batch file (``finance``); the batch list (filters and
cursor pages, the approver's default being the batches awaiting approval, with totals by decision); a
batch with every held payout (blocked or for review: payee, type, amount, findings in words) and the
Benford first-digit chart; and approval with maker ≠ checker (``finance_approver``), which needs an
explicit choice for every held payout (exclude, or release with a reason) and afterwards shows who
released what and why, and the totals paid, held and excluded.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ...auth import Role, key_names
from ...errors import ApiError
from ...http import services
from ...payouts.listing import BatchFilter
from .._blueprint import bp
from .._session import console_roles, may_open, signed_in_actor
from ..charts import benford_bars
from ..i18n import MESSAGES, translate
from ._audit import _when
from ._payouts import finding_words

log = structlog.get_logger("riskguard.console")

RECENT = 10
SHOWN = 200  # held/review payouts listed on the batch page
LISTED = 50  # batches per page of the list
_BATCH_ID = re.compile(r"^pb_[0-9a-f]{32}$")
_FORMATS = {"csv": "csv", "json": "json"}
PAYOUT_ERRORS = {"approver_is_preparer", "approver_created_payouts", "approver_changed_bank_details",
                 "blocked_payouts_unresolved", "batch_not_pending", "conflicting_actions", "unknown_payout",
                 "unknown_row", "nothing_to_override", "ambiguous_payout_id", "validation_error",
                 "reason_contains_personal_data", "review_payouts_unresolved", "choice_required", "bad_cursor"}
_LIST_FIELDS = ("status", "submitted_by", "from", "to", "cursor")


def _remember(batch_id: str) -> None:
    recent = [b for b in session.get("batches", []) if b != batch_id]
    session["batches"] = [batch_id, *recent][:RECENT]


def _list(actor: Any) -> dict[str, Any]:
    """The list part of the batches page: a finance approver starts on the batches awaiting approval.
    Only for the roles the listing API admits (an admin may open a batch by id, not list them)."""
    if not may_open(actor, "payouts.list_batches", (Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR)):
        return {"may_list": False, "names": {}}
    raw = {k: (request.args.get(k) or "").strip()[:128] for k in _LIST_FIELDS}
    if "status" not in request.args and actor is not None and actor.role is Role.FINANCE_APPROVER:
        raw["status"] = "checked"
    error = None
    try:
        flt = BatchFilter(status=raw["status"] if raw["status"] in ("checked", "approved") else None,
                          submitted_by=raw["submitted_by"] or None, since=_when(raw["from"]), until=_when(raw["to"]))
        page = services().payouts.batches(flt, cursor=raw["cursor"] or None, limit=LISTED)
    except ValueError:
        error, page = "payouts.bad_filter", {"batches": [], "next_cursor": None}
    except ApiError as err:  # a cursor this page did not issue
        error, page = f"payouts.err.{err.code}", {"batches": [], "next_cursor": None}
    query = {k: v for k, v in raw.items() if v and k != "cursor"}
    return {"may_list": True, "raw": raw, "batches": page["batches"], "next_cursor": page["next_cursor"],
            "query": query, "list_error": error, "names": _names({b["preparer"] for b in page["batches"]})}


def _batches_page(error: str | None = None, status: int = 200, detail: str | None = None) -> tuple[str, int]:
    actor = signed_in_actor()
    return render_template("console/payout_batches.html", area="payouts", recent=session.get("batches", []),
                           may_submit=may_open(actor, "payouts.submit", (Role.FINANCE,)), error=error,
                           detail=detail, **_list(actor)), status


@bp.get("/payouts")
@console_roles("payouts.get_batch", Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
def payout_batches() -> tuple[str, int] | Response:
    wanted = (request.args.get("batch_id") or "").strip()
    if wanted:
        if _BATCH_ID.match(wanted):
            return redirect(url_for("console.payout_batch", batch_id=wanted))
        flash("payouts.bad_id")
    return _batches_page()


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
        key = f"payouts.err.{err.code}" if err.code in PAYOUT_ERRORS else f"payouts.upload.{err.code}"
        return _batches_page(key if key in MESSAGES else None, err.status,
                             detail=err.message if err.status < 500 else None)
    _remember(body["batch_id"])
    return redirect(url_for("console.payout_batch", batch_id=body["batch_id"]))


def _batch_view(batch_id: str) -> dict[str, Any]:
    batch = services().payouts.get(batch_id, decision=("block", "review"), limit=SHOWN)
    benford = (batch.get("summary") or {}).get("benford") or {}
    chart = None
    if benford.get("observed"):
        chart = benford_bars({int(k): v for k, v in benford["observed"].items()},
                             {int(k): v for k, v in benford["expected"].items()},
                             title=translate("payouts.benford"),
                             labels=(translate("chart.observed"), translate("chart.expected")))
    ids = [p["payout_id"] for p in batch["payouts"] if p["payout_id"]]
    return {"batch": batch, "held": batch["payouts"], "repeated_ids": {i for i in ids if ids.count(i) > 1},
            "held_total": batch["payouts_total"], "outcome": batch["outcome"], "benford": benford, "chart": chart,
            "names": _names({batch["preparer"], batch.get("approved_by") or "",
                             *(p["override"]["by"] for p in batch["payouts"] if p["override"])})}


def _names(refs: set[str]) -> dict[str, str]:
    """Key names for the actor refs a page shows, so "who" reads as a name beside the key id."""
    with services().db.sessions() as session:
        return key_names(session, refs)


@bp.get("/payouts/<batch_id>")
@console_roles("payouts.get_batch", Role.FINANCE, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMIN)
def payout_batch(batch_id: str, error: str | None = None, status: int = 200,
                 chosen: dict[int, tuple[str, str]] | None = None) -> tuple[str, int]:
    view = _batch_view(batch_id)
    _remember(batch_id)
    actor = signed_in_actor()
    may_approve = may_open(actor, "payouts.approve", (Role.FINANCE_APPROVER,))
    own = actor is not None and view["batch"]["preparer"] == actor.ref
    return render_template("console/payout_batch.html", area="payouts", **view, may_approve=may_approve,
                           own_batch=own, error=error, shown=SHOWN, chosen=chosen or {}, words=finding_words), status


def _choices() -> dict[int, tuple[str, str]]:
    """``{row: (action, reason)}`` from the form's ``action_<row>`` and ``reason_<row>`` fields."""
    chosen = {}
    for key, value in request.form.items():
        if key.startswith("action_") and key[7:].isdigit() and value in ("exclude", "override"):
            chosen[int(key[7:])] = (value, request.form.get(f"reason_{key[7:]}", "").strip()[:2000])
    return chosen


@bp.post("/payouts/<batch_id>/approve")
@console_roles("payouts.approve", Role.FINANCE_APPROVER)
def payout_approve(batch_id: str) -> Response | tuple[str, int]:
    chosen = _choices()
    held = {p["row"]: p for p in _batch_view(batch_id)["held"] if p["status"] in ("held", "pending")}
    if any(row not in chosen for row in held):  # no silent default: every held payout is a decision
        return payout_batch(batch_id, error="payouts.err.choice_required", status=409, chosen=chosen)
    if any(action == "override" and not reason for action, reason in chosen.values()):
        return payout_batch(batch_id, error="payouts.err.reason_required", status=400, chosen=chosen)
    overrides = [{"payout_id": held[row]["payout_id"] if row in held else request.form.get(f"payout_{row}", ""),
                  "reason": reason} for row, (action, reason) in chosen.items() if action == "override"]
    exclude_rows = [row for row, (action, _) in chosen.items() if action == "exclude"]
    try:
        services().approvals.approve(batch_id, signed_in_actor(), exclude=[], exclude_rows=exclude_rows,
                                     overrides=overrides)
    except ApiError as err:
        if err.code not in PAYOUT_ERRORS:
            raise
        return payout_batch(batch_id, error=f"payouts.err.{err.code}", status=err.status, chosen=chosen)
    flash("payouts.approved")
    return redirect(url_for("console.payout_batch", batch_id=batch_id))
