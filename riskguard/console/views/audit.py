"""The audit explorer (role as the audit API): search, entry detail with proof, reports, export, chart."""

from __future__ import annotations

from flask import render_template

from ...auth import Role
from ...errors import ServiceUnavailable
from .._blueprint import bp
from .._session import console_roles


@bp.get("/audit")
@console_roles("audit.search_entries", Role.AUDITOR)
def audit_entries() -> str:
    raise ServiceUnavailable("audit is not available", code="unavailable")
    return render_template("console/audit_entries.html", area="audit")
