"""Payout batches (roles as the payouts API): summary, held payouts, Benford chart, approval."""

from __future__ import annotations

from flask import render_template

from ...auth import Role
from ...errors import ServiceUnavailable
from .._blueprint import bp
from .._session import console_roles


@bp.get("/payouts")
@console_roles("payouts.list_batches", Role.FINANCE, Role.FINANCE_APPROVER)
def payout_batches() -> str:
    raise ServiceUnavailable("payouts are not available", code="unavailable")
    return render_template("console/payout_batches.html", area="payouts")
