"""The evaluation corpus (eval/corpus) stays usable: every line well formed, split once, and every family
with enough violations and hard negatives in the held-back half. Its figures come from bench/quality.py;
no test screens it (the corpus measures the rules and must not become their examples)."""

from __future__ import annotations

import json
from collections import Counter

from riskguard.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "eval" / "corpus"
FIELDS = {"id", "text", "kind", "category", "has_purchase_link", "labelled_as_ad", "label", "article", "family",
          "evasion", "source", "note", "split"}


def _rows() -> list[dict]:
    return [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_every_line_is_well_formed_and_split() -> None:
    rows = _rows()
    assert len(rows) >= 600
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == FIELDS, r["id"]
        assert r["label"] in {"violation", "compliant"} and r["split"] in {"dev", "test"}
        assert r["kind"] in {"ad", "listing", "livestream"} and r["text"].strip()
        assert r["source"].startswith(("http", "statute:", "guideline:", "handwritten")), r["id"]


def test_every_family_has_ten_violations_and_ten_hard_negatives_in_test() -> None:
    rows = _rows()
    counts = Counter((r["family"], r["label"]) for r in rows if r["split"] == "test")
    families = {r["family"] for r in rows}
    assert min(counts[(f, label)] for f in families for label in ("violation", "compliant")) >= 10
    assert sum(r["label"] == "compliant" for r in rows) >= 0.4 * len(rows)
