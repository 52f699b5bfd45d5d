"""A probe, not a product part: would a plain statistical text classifier, beside the rules, catch the
paraphrased claims the rules miss on held-out text?

    pip install scikit-learn        # into a separate venv: it is not a riskguard dependency
    python bench/classifier_probe.py

Trains character 1–3-gram TF-IDF + logistic regression on every rule pack's own must_match /
must_not_match examples and on the *dev* splits of every evaluation round (eval/corpus*), then reports
recall / false-positive rate on each round's *test* split for the rules alone, the classifier alone and
"rules or classifier" at three probability thresholds. Nothing here is tuned on a test split (the
thresholds are fixed below). The classifier gives no article, span or fix hint: a finding built on it could
only send a text to ``review``. Why it is here: issue 15, and the closing note of 2026-12-05.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose http.py would hide the standard library's

from riskguard.rulebook import ScreenInput, evaluate, load_rulebook  # noqa: E402

ROUNDS = ("corpus", "corpus2", "corpus3", "corpus4", "corpus5")
THRESHOLDS = (0.5, 0.7, 0.85)
AS_OF = date(2026, 12, 1)


def rule_examples() -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, label in (("must_match", 1), ("must_not_match", 0)):
                for example in node.get(key) or []:
                    text = example if isinstance(example, str) else example.get("text", "")
                    if text:
                        texts.append(text)
                        labels.append(label)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text("utf-8")))
    return texts, labels


def rows(corpus: str, split: str) -> list[dict]:
    out = []
    for path in sorted((ROOT / "eval" / corpus).glob("*.jsonl")):
        out += [r for line in path.read_text("utf-8").splitlines() if line.strip()
                for r in [json.loads(line)] if r.get("split") == split]
    return out


def main() -> None:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        sys.exit("needs scikit-learn (pip install scikit-learn in a separate venv; not a riskguard dependency)")
    texts, labels = rule_examples()
    n_rules = len(texts)
    for corpus in ROUNDS:
        for r in rows(corpus, "dev"):
            texts.append(r["text"])
            labels.append(int(r["label"] == "violation"))
    print(f"training: {n_rules} rule examples + {len(texts) - n_rules} dev texts ({sum(labels)} violations)")
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(vectorizer.fit_transform(texts), labels)
    book = load_rulebook(ROOT / "rules", ROOT / "policies")
    for corpus in ROUNDS:
        test = rows(corpus, "test")
        violation = np.array([r["label"] == "violation" for r in test])
        by_rules = np.array([evaluate(book, ScreenInput(text=r["text"], kind=r["kind"], category=r["category"],
                                                        has_purchase_link=r["has_purchase_link"],
                                                        labelled_as_ad=r["labelled_as_ad"]), as_of=AS_OF).decision
                             != "allow" for r in test])
        p = model.predict_proba(vectorizer.transform([r["text"] for r in test]))[:, 1]

        def rate(flagged: np.ndarray, violation: np.ndarray = violation) -> str:
            return f"{flagged[violation].mean():.3f} / {flagged[~violation].mean():.3f}"

        print(f"\n{corpus} test ({violation.sum()} violations, {(~violation).sum()} compliant): recall / FP rate")
        print(f"  rules alone                 {rate(by_rules)}")
        for t in THRESHOLDS:
            print(f"  classifier p>{t:<4}           {rate(p > t)}    rules or classifier  {rate(by_rules | (p > t))}")


if __name__ == "__main__":
    main()
