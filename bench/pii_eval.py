"""Precision and recall per entity type on the generated evaluation set (bench/pii_evalset.py).

    .venv/bin/python bench/pii_eval.py [--n 3000] [--seed 20261126]

Structured types count a hit only on the exact span. PERSON and LOCATION count a hit when a found span
of the type overlaps a gold span (jieba's word boundaries differ from Faker's, e.g. 广东省 vs 广东).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# bench/http.py must not shadow the standard library's http package: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.pii_evalset import NAMED, STRUCTURED, Sample, build  # noqa: E402
from riskguard.privacy.pii.service import PiiService  # noqa: E402


def score(samples: list[Sample], service: PiiService, entities: tuple[str, ...]) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: dict[str, list[str]] = {}
    found_all = service.detect_many([s.text for s in samples], entities=list(entities))
    for sample, found in zip(samples, found_all, strict=True):
        gold = [g for g in sample.spans if g[0] in entities]
        matched: set[int] = set()
        for d in found:
            hit = None
            for i, (label, start, end) in enumerate(gold):
                if label != d.type or i in matched:
                    continue
                exact = (start, end) == (d.start, d.end)
                if exact or (label in NAMED and d.start < end and start < d.end):
                    hit = i
                    break
            if hit is None:
                fp[d.type] += 1
                errors.setdefault(d.type, []).append(f"FP {sample.text[d.start:d.end]!r}")
            else:
                matched.add(hit)
                tp[d.type] += 1
        for i, (label, start, end) in enumerate(gold):
            if i not in matched:
                fn[label] += 1
                errors.setdefault(label, []).append(f"FN {sample.text[start:end]!r}")
    out = {}
    for e in entities:
        p = tp[e] / (tp[e] + fp[e]) if tp[e] + fp[e] else 1.0
        r = tp[e] / (tp[e] + fn[e]) if tp[e] + fn[e] else 1.0
        out[e] = {"precision": p, "recall": r, "support": tp[e] + fn[e], "tp": tp[e], "fp": fp[e], "fn": fn[e],
                  "examples": errors.get(e, [])[:3]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    samples = build(args.n, args.seed)
    service = PiiService(b"\x00" * 32)
    started = time.perf_counter()
    table = score(samples, service, STRUCTURED + NAMED)
    elapsed = time.perf_counter() - started
    print(f"evaluation set: {len(samples)} texts, seed {args.seed}, "
          f"{sum(len(s.text) for s in samples) / len(samples):.0f} characters on average")
    print(f"{'entity':<16}{'precision':>10}{'recall':>10}{'support':>9}{'fp':>6}{'fn':>6}")
    for e, row in table.items():
        print(f"{e:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['support']:>9}{row['fp']:>6}{row['fn']:>6}")
        if args.show_errors:
            for line in row["examples"]:
                print(f"    {line}")
    print(f"({elapsed:.1f}s including PERSON/LOCATION tagging)")


if __name__ == "__main__":
    main()
