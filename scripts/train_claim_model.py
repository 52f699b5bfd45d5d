"""Train the claim model (riskguard/rulebook/claim_model.py) and write rules/models/claims.json.gz.

    pip install scikit-learn          # the `test` extra has it; riskguard does not need it to run
    python scripts/train_claim_model.py [--out rules/models/claims.json.gz] [--date YYYY-MM-DD]
    python scripts/train_claim_model.py --cv [VARIANT ...]   # compare settings on the dev splits only

Training data: every rule's own ``must_match`` (1) and ``must_not_match`` (0) examples, and the ``dev``
split of every evaluation round present (eval/corpus*/*.jsonl; ``label == "violation"`` → 1), and
``rules/models/neutral.txt``: ordinary compliant lines (greetings, plain titles, spec and after-sales lines,
lawful everyday praise) written as training negatives only, so that text with no claim vocabulary at all
(「你好」) is not judged by the few characters it shares with claims. Never a
``test`` split: those are what the model is measured on. Every text goes through the engine's own
normalisation first (the *full* view the rules' patterns see: traditional → simplified, full-width →
half-width, variant characters), the same function the engine applies before scoring.

The file is deterministic: the same inputs, scikit-learn version and ``--date`` give the same bytes (the
date defaults to today). ``bench/claim_model_eval.py`` gives the leave-one-round-out figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from riskguard.rulebook import load_rulebook  # noqa: E402
from riskguard.rulebook.claim_model import ClaimModel, FamilyModel, encode  # noqa: E402

# Chosen by ``--cv`` (scripts/claim_model_cv.py: leave-one-round-out on the dev splits only, never a test
# split; docs/screening.md "Claim model" has the table); change them only on what it prints. The probe's
# features (bench/classifier_probe.py); a weaker penalty (C) with the rule examples weighing a tenth of an
# evaluation text each, so that the model learns more from whole ads and less from the rules' short
# examples; and an intercept shift that brings its pooled dev false-positive rate at review_at 0.7 back to
# the former model's (C=4, every text weighing 1), so that the gain is recall at the same false alarms.
VECTORIZER = {"analyzer": "char", "ngram_range": (1, 3), "min_df": 2, "sublinear_tf": True}
C = 32.0
RULE_WEIGHT = 0.1
INTERCEPT_SHIFT = -0.47
FAMILY_C = 4.0
FAMILY_TOP_K = 300  # features kept per family in the family model


def rule_examples(book) -> tuple[list[str], list[int]]:  # noqa: ANN001 - a Rulebook
    texts: list[str] = []
    labels: list[int] = []
    for rid in sorted(book.rules):
        rule = book.rules[rid]
        for examples, label in ((rule.must_match, 1), (rule.must_not_match, 0)):
            for example in examples:
                if example.get("text"):
                    texts.append(example["text"])
                    labels.append(label)
    return texts, labels


# An evaluation-corpus kind with no endpoint of its own, and the kind that screens it (policies/listing.yaml
# serves "product listings and store pages").
SCREENED_AS = {"store_page": "listing"}


def screened_kind(row: dict) -> str:
    return SCREENED_AS.get(row["kind"], row["kind"])


def rounds(eval_dir: Path) -> list[str]:
    return sorted(p.name for p in eval_dir.glob("corpus*") if p.is_dir())


def rows(eval_dir: Path, corpus: str, splits: Sequence[str]) -> list[dict]:
    out = []
    for path in sorted((eval_dir / corpus).glob("*.jsonl")):
        out += [r for line in path.read_text("utf-8").splitlines() if line.strip()
                for r in [json.loads(line)] if r.get("split") in splits]
    return out


def digest(texts: Sequence[str], labels: Sequence[object]) -> str:
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        h.update(f"{label}\t{text}\n".encode())
    return "sha256:" + h.hexdigest()


def fit(texts: Sequence[str], labels: Sequence[int], family_texts: Sequence[str] = (),
        families: Sequence[str] = (), *, n_rule_examples: int, c: float = C, training: dict | None = None
        ) -> ClaimModel:
    """Fit on already-normalised texts (the first ``n_rule_examples`` of them the rules' own examples, as
    :func:`training_set` orders them); a family model too when ``family_texts`` are given."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(**VECTORIZER)
    x = vectorizer.fit_transform(texts)
    weights = np.ones(len(texts))
    weights[:n_rule_examples] = RULE_WEIGHT
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, list(labels), sample_weight=weights)
    family = None
    if family_texts:
        fam = LogisticRegression(C=FAMILY_C, max_iter=3000).fit(vectorizer.transform(family_texts), list(families))
        features, weights = [], []
        for row in fam.coef_:
            top = np.sort(np.argsort(-row, kind="stable")[:FAMILY_TOP_K])
            features.append(top.astype(np.int32))
            weights.append(row[top].astype(np.float64))
        family = FamilyModel(tuple(str(f) for f in fam.classes_), fam.intercept_.astype(np.float64),
                             tuple(features), tuple(weights))
    vocab = {str(g): int(i) for g, i in vectorizer.vocabulary_.items()}
    return ClaimModel(vocabulary=vocab, idf=vectorizer.idf_.astype(np.float64),
                      coef=clf.coef_[0].astype(np.float64), intercept=float(clf.intercept_[0]) + INTERCEPT_SHIFT,
                      ngram_range=VECTORIZER["ngram_range"], family=family, training=training or {})


def neutral_lines(root: Path) -> list[str]:
    """rules/models/neutral.txt: compliant lines written as training negatives only."""
    path = root / "rules" / "models" / "neutral.txt"
    return [line.strip() for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")] if path.exists() else []


def training_set(root: Path, splits: Sequence[str] = ("dev",), exclude: str | None = None
                 ) -> tuple[list[str], list[int], list[str], list[str], dict]:
    """(texts, labels, violation texts, their families, metadata), all texts normalised."""
    book = load_rulebook(root / "rules", root / "policies")
    view = book.normaliser.full_term
    texts, labels = rule_examples(book)
    n_rules = len(texts)
    fam_texts: list[str] = []
    fams: list[str] = []
    per_round = {}
    for corpus in rounds(root / "eval"):
        if corpus == exclude:
            continue
        got = rows(root / "eval", corpus, splits)
        per_round[corpus] = len(got)
        for r in got:
            texts.append(r["text"])
            labels.append(int(r["label"] == "violation"))
            if r["label"] == "violation":
                fam_texts.append(view(r["text"]))
                fams.append(r["family"])
    neutral = neutral_lines(root)
    texts += neutral
    labels += [0] * len(neutral)
    normalised = [view(t) for t in texts]
    meta = {"rule_examples": n_rules, "eval_texts": per_round, "neutral_texts": len(neutral), "splits": list(splits),
            "positives": int(sum(labels)), "negatives": len(labels) - int(sum(labels)),
            "data_digest": digest(normalised, labels), "family_digest": digest(fam_texts, fams),
            "normalisation": "full view of rules/normalisation/*.yaml",
            "normalisation_digest": digest([p.read_text("utf-8") for p in
                                            sorted((root / "rules" / "normalisation").glob("*.yaml"))],
                                           sorted(p.name for p in (root / "rules" / "normalisation").glob("*.yaml")))}
    return normalised, labels, fam_texts, fams, meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "rules" / "models" / "claims.json.gz")
    parser.add_argument("--date", default=datetime.now(UTC).date().isoformat(), help="recorded as trained_on")
    parser.add_argument("--cv", nargs="*", metavar="VARIANT", default=None,
                        help="only print the dev-split leave-one-round-out table of these variants "
                             "(scripts/claim_model_cv.py; all when none is named)")
    args = parser.parse_args(argv)
    try:
        import sklearn
    except ImportError:
        sys.exit("needs scikit-learn (pip install -e '.[test]'); riskguard does not need it to screen")
    if args.cv is not None:
        from scripts.claim_model_cv import compare
        compare(args.root, args.cv)
        return
    texts, labels, fam_texts, fams, meta = training_set(args.root)
    meta.update(trained_on=args.date, sklearn=sklearn.__version__, numpy=np.__version__, C=C,
                rule_weight=RULE_WEIGHT, intercept_shift=INTERCEPT_SHIFT,
                vectorizer={k: list(v) if isinstance(v, tuple) else v for k, v in VECTORIZER.items()},
                family_C=FAMILY_C, family_top_k=FAMILY_TOP_K, families=len(set(fams)))
    model = fit(texts, labels, fam_texts, fams, n_rule_examples=meta["rule_examples"], training=meta)
    data = encode(model)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes, {len(model.vocabulary)} features, {meta['positives']} positive / "
          f"{meta['negatives']} negative texts ({meta['rule_examples']} rule examples), "
          f"{meta['families']} families, sha256 {hashlib.sha256(data).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
