"""Leave-one-round-out figures for the claim model: the honest cross-writer estimate.

    pip install scikit-learn          # the `test` extra has it
    python bench/claim_model_eval.py [--rounds corpus2 corpus5]

For each evaluation round (eval/corpus*), a model is trained exactly as scripts/train_claim_model.py
trains the shipped one (same normalisation, features and settings), but on the rule examples and *all*
splits of the *other* rounds, and measured on the held round's ``test`` split: texts by a writer the model
never saw. Printed per round, as recall / false-positive rate: the rules alone, the model alone at the
policy's ``review_at`` (per kind), and rules-or-model, which is what screening does (the model only turns
``allow`` into ``review``). The shipped model has seen every round's dev split, so bench/quality.py on a
test split measures it on known writers; this table is the figure to expect on a new one.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose http.py would hide the standard library's

from riskguard.rulebook import ScreenInput, evaluate, load_rulebook  # noqa: E402
from riskguard.rulebook.model_stage import scored  # noqa: E402
from scripts.train_claim_model import fit, rounds, rows, screened_kind, training_set  # noqa: E402

AS_OF = date(2026, 12, 1)


def _rate(flagged: np.ndarray, violation: np.ndarray) -> str:
    return f"{flagged[violation].mean():.3f} / {flagged[~violation].mean():.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--rounds", nargs="*", help="held-out rounds (default every eval/corpus*)")
    parser.add_argument("--at", nargs="*", type=float, default=(),
                        help="also print rules-or-model at these thresholds instead of the policies' review_at")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sys.exit("needs scikit-learn (pip install -e '.[test]')")
    loaded = load_rulebook(args.root / "rules", args.root / "policies")
    rules_only = loaded.without_models()
    view = loaded.normaliser.full_term
    margin = next(iter(loaded.models.values())).sentence_margin if loaded.models else None  # as screening scores
    print("held-out round (test split): recall / false-positive rate; model trained on rule examples + all "
          "splits of the other rounds")
    print(f"{'round':<9} {'texts':>5}  {'rules alone':<15}  {'model alone':<15}  {'rules or model':<15}")
    totals: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    swept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # violation, by rules, probability
    for held in args.rounds or rounds(args.root / "eval"):
        texts, labels, _, _, meta = training_set(args.root, ("dev", "test"), exclude=held)
        model = fit(texts, labels, n_rule_examples=meta["rule_examples"])
        test = rows(args.root / "eval", held, ("test",))
        violation = np.array([r["label"] == "violation" for r in test])
        by_rules = np.array([evaluate(rules_only, ScreenInput(
            text=r["text"], kind=screened_kind(r), category=r["category"], has_purchase_link=r["has_purchase_link"],
            labelled_as_ad=r["labelled_as_ad"]), as_of=AS_OF).decision != "allow" for r in test])
        at = np.array([loaded.policy_for(screened_kind(r)).model_review_at or 1.0 for r in test])
        probability = np.array([scored(model, view(r["text"]), margin)[0] for r in test])
        by_model = probability >= at
        swept.append((violation, by_rules, probability))
        totals.append((violation, by_rules, by_model, by_rules | by_model))
        print(f"{held:<9} {len(test):>5}  {_rate(by_rules, violation):<15}  {_rate(by_model, violation):<15}  "
              f"{_rate(by_rules | by_model, violation):<15}")
    if len(totals) > 1:
        v, r, m, e = (np.concatenate(parts) for parts in zip(*totals, strict=True))
        print(f"{'all':<9} {len(v):>5}  {_rate(r, v):<15}  {_rate(m, v):<15}  {_rate(e, v):<15}")
    if args.at:
        _sweep(args.rounds or rounds(args.root / "eval"), swept, args.at)


def _sweep(held: list[str], swept: list[tuple[np.ndarray, np.ndarray, np.ndarray]], at: list[float]) -> None:
    """Rules-or-model per round at each threshold: the trade a ``review_at`` change makes, on unseen writers."""
    print("\nrules or model at a threshold (every kind): recall / false-positive rate")
    print(f"{'round':<9} " + "  ".join(f"{'at ' + format(t, '.2f'):<15}" for t in at))
    parts = list(zip(held, swept, strict=True))
    if len(parts) > 1:
        parts.append(("all", tuple(np.concatenate(p) for p in zip(*swept, strict=True))))
    for name, (violation, by_rules, probability) in parts:
        print(f"{name:<9} " + "  ".join(f"{_rate(by_rules | (probability >= t), violation):<15}" for t in at))


if __name__ == "__main__":
    main()
