"""The review queue (role as the review API): open cases, a case page, allow/block with a reason."""

from __future__ import annotations

from flask import render_template

from ...auth import Role
from ...errors import ServiceUnavailable
from .._blueprint import bp
from .._session import console_roles


@bp.get("/review")
@console_roles("review.list_cases", Role.REVIEWER)
def review_queue() -> str:
    raise ServiceUnavailable("review is not available", code="unavailable")
    return render_template("console/review_queue.html", area="review")
