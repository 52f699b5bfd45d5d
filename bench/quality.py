"""Screening quality on the evaluation corpus (eval/corpus), which is not the rules' own examples.

    python bench/quality.py                 # the dev split: what rule authors tune on
    python bench/quality.py --split test    # the held-back split: what the README reports
    python bench/quality.py --split test --family education --show 50

Every text is screened through the full engine with its kind's default policy (as POST /v1/screen/<kind>
does). A text is *flagged* when the decision is not ``allow`` (``review`` or ``block``: either way it does
not go live unseen). Recall is flagged violations / violations; the false-positive rate is flagged
compliant texts / compliant texts. Figures are printed overall and per family, article, category, kind
and evasion kind, then every miss and every false alarm with the rules that fired (or none).
``--json PATH`` also writes the per-text results.

The policies' claim model (``model:`` in a policy; docs/screening.md "Claim model") runs as in production;
``--no-model`` screens with the rules alone, to compare. Every miss and false alarm shows the model's
probability for the text (``p=``), whether or not the model is on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose http.py would hide the standard library's

from riskguard.rulebook import ScreenInput, evaluate, load_rulebook  # noqa: E402
from scripts.train_claim_model import screened_kind  # noqa: E402

AS_OF = date(2026, 12, 1)  # a fixed day, so the figures do not move with the calendar


def load_corpus(corpus: Path, split: str, family: str | None) -> list[dict]:
    rows = []
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if (split == "all" or row.get("split") == split) and (family is None or row["family"] == family):
                    rows.append(row)
    return rows


def screen(rows: list[dict], root: Path, *, model: bool = True) -> list[dict]:
    loaded = load_rulebook(root / "rules", root / "policies")
    book = loaded if model else loaded.without_models()
    out = []
    for row in rows:
        item = ScreenInput(text=row["text"], kind=screened_kind(row), category=row["category"],
                           has_purchase_link=row["has_purchase_link"], labelled_as_ad=row["labelled_as_ad"])
        decision = evaluate(book, item, as_of=AS_OF)
        stage = loaded.models.get(loaded.policy_for(item.kind).model or "")
        out.append({**row, "decision": decision.decision, "flagged": decision.decision != "allow",
                    "p": stage.probability(row["text"]) if stage is not None else None,
                    "findings": [f"{f.rule_id}:{f.matched[:24]}" for f in decision.findings]})
    return out


def _rates(rows: Iterable[dict]) -> tuple[int, int, int, int]:
    """(violations, caught, compliant, false alarms)."""
    v = c = n = f = 0
    for r in rows:
        if r["label"] == "violation":
            v += 1
            c += r["flagged"]
        else:
            n += 1
            f += r["flagged"]
    return v, c, n, f


def _line(name: str, rows: list[dict]) -> str:
    v, c, n, f = _rates(rows)
    recall = f"{c / v:.3f}" if v else "  -  "
    fpr = f"{f / n:.3f}" if n else "  -  "
    return f"  {name:<34} recall {recall} ({c:>3}/{v:<3})  false-positive rate {fpr} ({f:>3}/{n:<3})"


LENGTHS = (80, 150, 300)  # the bucket edges of "by length": long detail pages and transcripts apart


def _field(key: str) -> Callable[[dict], str]:
    return lambda row: str(row.get(key) or "none")


def _length(row: dict) -> str:
    n = len(row["text"])
    lower = max((edge for edge in LENGTHS if edge <= n), default=0)
    upper = min((edge for edge in LENGTHS if edge > n), default=None)
    return f"{lower:>4}–{upper - 1}" if upper is not None else f"{lower:>4}+"


def report(results: list[dict], show: int) -> None:
    v, c, n, f = _rates(results)
    precision = c / (c + f) if c + f else 0.0
    print(f"texts {len(results)}: {v} violations, {n} compliant")
    print(f"recall {c / max(v, 1):.3f}   false-positive rate {f / max(n, 1):.3f}   precision {precision:.3f}")
    blocked = sum(r["decision"] == "block" for r in results if r["label"] == "violation")
    print(f"violations blocked {blocked}, sent to review {c - blocked}; compliant texts blocked "
          f"{sum(r['decision'] == 'block' for r in results if r['label'] == 'compliant')}")
    for title, group_of in (*((key, _field(key)) for key in ("family", "article", "category", "kind", "evasion")),
                            ("length in characters", _length)):
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in results:
            groups[group_of(r)].append(r)
        print(f"\nby {title}:")
        for name in sorted(groups):
            print(_line(name, groups[name]))
    misses = [r for r in results if r["label"] == "violation" and not r["flagged"]]
    alarms = [r for r in results if r["label"] == "compliant" and r["flagged"]]
    for title, rows in (("misses (violations allowed)", misses), ("false alarms (compliant texts flagged)", alarms)):
        print(f"\n{title}: {len(rows)}")
        for r in rows[:show]:
            text = r["text"].replace("\n", " ")
            p = "" if r["p"] is None else f" p={r['p']:.3f}"
            print(f"  {r['id']} [{r['article']}/{r['kind']}/{r['category']}/{r.get('evasion') or '-'}] "
                  f"{r['decision']}{p}: {text[:110]}{'…' if len(text) > 110 else ''}")
            if r["findings"]:
                print(f"      fired: {', '.join(r['findings'][:6])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--family")
    parser.add_argument("--show", type=int, default=1000, help="misses and false alarms listed (default all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the tree whose rules/ and policies/ to use")
    parser.add_argument("--corpus", type=Path, default=ROOT / "eval" / "corpus")
    parser.add_argument("--json", type=Path, help="write per-text results here")
    parser.add_argument("--no-model", action="store_true", help="the rules alone: turn the policies' claim model off")
    args = parser.parse_args(argv)
    rows = load_corpus(args.corpus, args.split, args.family)
    if not rows:
        sys.exit(f"no texts in {args.corpus} for split {args.split!r}")
    started = time.perf_counter()
    results = screen(rows, args.root, model=not args.no_model)
    elapsed = time.perf_counter() - started
    print(f"split {args.split}, rules from {args.root}, claim model {'off' if args.no_model else 'as the policies say'}, "
          f"{len(rows)} texts screened in {elapsed:.1f}s\n")
    report(results, args.show)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
