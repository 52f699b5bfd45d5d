"""One input row → one decision row, with the engine the API uses (``riskguard.rulebook.evaluate``).

Input columns: ``id`` and ``text`` (required), ``kind`` (default ``listing``: a catalogue holds
listings), ``category`` (default ``general``), ``has_purchase_link`` and ``labelled_as_ad`` (default
false; true/false, 1/0, yes/no). A row that cannot be screened (no id or text, an unknown kind, a
malformed category or flag) is not dropped: it gets ``review`` with an ``INVALID_ROW`` finding naming
the field, as a request would get a 400 naming it — a catalogue job must not lose rows silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from ..rulebook import Decision, Finding, Rulebook, evaluate
from ..screening.service import to_input

__all__ = ["COLUMNS", "SPARK_SCHEMA", "INVALID_ROW", "INPUT_COLUMNS", "screen_rows", "arrow_schema"]

INPUT_COLUMNS = ("id", "text", "kind", "category", "has_purchase_link", "labelled_as_ad")
DEFAULT_KIND = "listing"
INVALID_ROW = "INVALID_ROW"
COLUMNS = ("id", "kind", "category", "decision", "policy", "policy_revision", "rule_ids", "findings",
           "decision_id", "base_decision", "base_rule_ids")
SPARK_SCHEMA = ("id string, kind string, category string, decision string, policy string, "
                "policy_revision string, rule_ids array<string>, findings string, decision_id string, "
                "base_decision string, base_rule_ids array<string>")
_TRUE, _FALSE = {"true", "t", "1", "yes", "y"}, {"false", "f", "0", "no", "n", ""}


def arrow_schema() -> Any:
    import pyarrow as pa

    text, names = pa.string(), pa.list_(pa.string())
    return pa.schema([(c, names if c in ("rule_ids", "base_rule_ids") else text) for c in COLUMNS])


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, as pandas gives for a missing value
    except TypeError:  # pandas.NA
        return True


def _flag(value: Any, name: str) -> bool:
    if _blank(value):
        return False
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError(name)
    if value in (0, 1):  # bool, int, numpy integers and booleans
        return bool(value)
    raise ValueError(name)


def _text_field(row: Mapping[str, Any], name: str, default: str | None = None) -> str:
    value = row.get(name)
    if _blank(value):
        if default is None:
            raise ValueError(name)
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numeric ids read back as floats by pandas
    return str(value)


class _Invalid(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _input(row: Mapping[str, Any]) -> Any:
    try:
        row_id = _text_field(row, "id")
        text = row.get("text")
        if not isinstance(text, str):
            raise ValueError("text")
        kind = _text_field(row, "kind", DEFAULT_KIND)
        category = _text_field(row, "category", "general")
        link = _flag(row.get("has_purchase_link"), "has_purchase_link")
        labelled = _flag(row.get("labelled_as_ad"), "labelled_as_ad")
    except ValueError as exc:
        raise _Invalid(str(exc)) from None
    try:
        return to_input(kind=kind, text=text, category=category, id=row_id, has_purchase_link=link,
                        labelled_as_ad=labelled)
    except ValueError as exc:
        raise _Invalid("kind" if "kind" in str(exc) else "category") from None


def _invalid(book: Rulebook, row: Mapping[str, Any], field: str) -> dict[str, Any]:
    finding = Finding(rule_id=INVALID_ROW, law="", article="", severity="high", start=0, end=0, matched="",
                      message=f"the row cannot be screened: field {field} is missing or malformed",
                      suggestion="correct the row in the catalogue and re-screen it")
    ident = None if _blank(row.get("id")) else _text_field(row, "id")
    kind, category = row.get("kind"), row.get("category")
    return {"id": ident, "kind": None if _blank(kind) else str(kind),
            "category": None if _blank(category) else str(category), "decision": "review", "policy": "",
            "policy_revision": book.revision, "rule_ids": [INVALID_ROW],
            "findings": json.dumps([finding.as_dict()], ensure_ascii=False, separators=(",", ":")),
            "decision_id": None}


def _decided(decision: Decision) -> dict[str, Any]:
    return {"id": decision.subject_id, "kind": decision.kind, "category": decision.category,
            "decision": decision.decision, "policy": decision.policy,
            "policy_revision": decision.policy_revision, "rule_ids": decision.rule_ids,
            "findings": json.dumps([f.as_dict() for f in decision.findings], ensure_ascii=False,
                                   separators=(",", ":")),
            "decision_id": decision.decision_id}


def _screen(book: Rulebook, row: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    try:
        item = _input(row)
    except _Invalid as exc:
        return _invalid(book, row, exc.field)
    return _decided(evaluate(book, item, as_of=as_of))


def screen_rows(rows: Iterable[Mapping[str, Any]], book: Rulebook, *, as_of: date,
                base: Rulebook | None = None, only_changed: bool = False) -> Iterator[dict[str, Any]]:
    """Decision rows (``COLUMNS``); with ``base``, also the base rulebook's decision and rule ids, and
    with ``only_changed`` only the rows whose decision or rule ids differ between the two."""
    for row in rows:
        out = _screen(book, row, as_of)
        out["base_decision"] = out["base_rule_ids"] = None
        if base is not None:
            before = _screen(base, row, as_of)
            out["base_decision"], out["base_rule_ids"] = before["decision"], before["rule_ids"]
            if only_changed and (before["decision"], before["rule_ids"]) == (out["decision"], out["rule_ids"]):
                continue
        yield out
