"""The PII evaluation corpus (eval/pii/corpus.jsonl) stays well-formed: size, clean share, splits, spans."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "eval" / "pii" / "corpus.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]


def test_corpus_size_splits_and_clean_share() -> None:
    rows = _rows()
    assert len(rows) >= 500
    assert len({r["id"] for r in rows}) == len(rows)
    assert sum(not r["spans"] for r in rows) >= 0.3 * len(rows)
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        assert len(part) >= 0.4 * len(rows)
        assert {r["genre"] for r in part} == {r["genre"] for r in rows}


def test_spans_are_inside_their_text_and_do_not_overlap() -> None:
    for row in _rows():
        spans = sorted((s, e) for _, s, e in row["spans"])
        for s, e in spans:
            assert 0 <= s < e <= len(row["text"]), row["id"]
            assert row["text"][s:e].strip() == row["text"][s:e], row["id"]
        for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
            assert e1 <= s2, row["id"]
