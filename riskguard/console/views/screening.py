"""The screening playground (role as the screening API): paste a text, see the decision and highlights."""

from __future__ import annotations

from flask import render_template

from ...auth import Role
from ...errors import ServiceUnavailable
from .._blueprint import bp
from .._session import console_roles


@bp.route("/screening", methods=["GET", "POST"])
@console_roles("screening.screen_ad", Role.SCREENER)
def screening() -> str:
    raise ServiceUnavailable("screening is not available", code="unavailable")
    return render_template("console/screening.html", area="screening")
