"""Payout findings in words (zh/en), for the payout pages."""

from __future__ import annotations

from typing import Any

from ..i18n import MESSAGES, translate

__all__ = ["finding_words"]


def _known(key: str) -> str | None:
    return translate(key) if key in MESSAGES else None


def finding_words(finding: dict[str, Any]) -> str:
    """What a check found, as a sentence in the page's language. Data-quality checks are named
    ``dq.<column>.<kind>`` and read as "<column>: <kind>"; the others have a sentence each. A check
    without words here falls back to the message the check itself wrote (English)."""
    check = str(finding.get("check") or "")
    words = _known(f"payouts.check.{check}")
    if words:
        return words
    parts = check.split(".")
    if len(parts) == 3 and parts[0] == "dq":
        kind = _known(f"payouts.dq.{parts[2]}")
        if kind:
            return kind.replace("{col}", _known(f"payouts.col.{parts[1]}") or parts[1])
    return str(finding.get("message") or check)

