"""Compare claim-model variants by leave-one-round-out on the ``dev`` splits only (``train_claim_model.py --cv``).

For each evaluation round, a variant is trained on the rule examples, ``rules/models/neutral.txt`` and the
*other* rounds' dev splits, and scored on the held round's dev split; the scores of all rounds are pooled.
No ``test`` split is read: this is where settings are chosen, and bench/claim_model_eval.py (test splits)
is run once afterwards to report the chosen one.

Printed per variant: recall / false-positive rate at 0.5, 0.6 and 0.7 (``review_at`` is 0.7 in every
policy); recall at a pooled false-positive rate of at most 0.5 %, 1 % and 2 % (the ranking, whatever the
calibration); ROC AUC; the recall of each held round at 0.7; and ``shift``: the intercept shift that
brings the variant's pooled false-positive rate at 0.7 down to the first variant's, with the recall it
then gives (``R@same``), i.e. the comparison at the same, very low, false-positive rate. A shift found
here is a dev-split choice and can be shipped with the variant (``Variant.shift``).

Variants that change what the model sees (``words``: jieba words beside the characters; ``strip``:
symbols and emoji to spaces; ``clauses``: the compliant texts' clauses as extra negatives, or the best
clause as the score) are scored with scikit-learn here; only settings riskguard's numpy inference
reproduces can be shipped (``Variant.shippable``).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from riskguard.rulebook.model_stage import sentences, trimmed

_WHITE_SPACES = re.compile(r"\s\s+")
_SYMBOLS = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9\s，。！？；：、,.!?;:%％（）()《》“”\"'-]+")
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@dataclass(frozen=True)
class Variant:
    c: float = 4.0
    ngram_range: tuple[int, int] = (1, 3)
    min_df: int = 2
    class_weight: str | None = "balanced"
    shift: float = 0.0            # added to the intercept (calibration chosen on dev)
    words: bool = False           # jieba words as extra features
    strip: bool = False           # symbols and emoji → space before the n-grams
    neg_clauses: bool = False     # compliant texts' clauses as extra training negatives
    clause_score: str = "whole"   # "whole" text, or "max" over the text and its clauses
    rule_weight: float = 1.0      # sample weight of the rule examples (the evaluation texts weigh 1)
    # A claim buried in one sentence of a long text: the score is the larger of the whole text's and the
    # best sentence's less this margin (logit), as model_stage.ClaimStage scores when a policy sets one.
    sentence_margin: float | None = None

    @property
    def shippable(self) -> bool:
        return not (self.words or self.strip or self.clause_score != "whole")


# The settings shipped before 2026-12-05 first: every other line is compared with it (R@same).
VARIANTS: dict[str, Variant] = {
    "former (C=4)": Variant(),
    "C=1": Variant(c=1.0), "C=2": Variant(c=2.0), "C=8": Variant(c=8.0), "C=16": Variant(c=16.0),
    "C=32": Variant(c=32.0), "C=64": Variant(c=64.0),
    "char 1-2": Variant(ngram_range=(1, 2)), "char 2-4": Variant(ngram_range=(2, 4)),
    "char 1-4": Variant(ngram_range=(1, 4)),
    "min_df=1": Variant(min_df=1), "min_df=3": Variant(min_df=3),
    "no class weight": Variant(class_weight=None),
    "rule examples weigh 0.5": Variant(rule_weight=0.5), "rule examples weigh 0.25": Variant(rule_weight=0.25),
    "rule examples weigh 0.25, C=16": Variant(rule_weight=0.25, c=16.0),
    "rule examples weigh 0.25, C=32": Variant(rule_weight=0.25, c=32.0),
    "rule examples weigh 0.1, C=16": Variant(rule_weight=0.1, c=16.0),
    "rule examples weigh 0.1, C=32": Variant(rule_weight=0.1, c=32.0),
    "rule examples weigh 0.25, C=64": Variant(rule_weight=0.25, c=64.0),
    # The shipped settings (scripts/train_claim_model.py): the best R@same above, with its shift.
    "chosen: 0.1, C=32, shift": Variant(rule_weight=0.1, c=32.0, shift=-0.47),
    "+ jieba words": Variant(words=True),
    "strip symbols": Variant(strip=True),
    "+ neg. clauses": Variant(neg_clauses=True),
    "+ neg. clauses, C=16": Variant(neg_clauses=True, c=16.0),
    "clause max": Variant(clause_score="max"),
    "clause max + neg. clauses": Variant(clause_score="max", neg_clauses=True),
    **{f"chosen + sentence margin {m}": Variant(rule_weight=0.1, c=32.0, shift=-0.47, sentence_margin=m)
       for m in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)},
}


def analyzer(variant: Variant) -> Callable[[str], list[str]]:
    """scikit-learn's char analyzer (what ClaimModel.ngrams reproduces), plus the variant's extras."""
    lo, hi = variant.ngram_range
    if variant.words:
        import jieba
        jieba.setLogLevel(60)

    def analyse(text: str) -> list[str]:
        if variant.strip:
            text = _SYMBOLS.sub(" ", text)
        text = _WHITE_SPACES.sub(" ", text.lower())
        out = [text[i:i + n] for n in range(lo, min(hi, len(text)) + 1) for i in range(len(text) - n + 1)]
        if variant.words:
            out += ["w:" + w for w in jieba.lcut(text) if len(w) >= 2 and w.strip()]
        return out
    return analyse


def clauses_of(analyser, full: str) -> list[str]:  # noqa: ANN001 - a ClauseAnalyser
    """The clauses of a full-view text, trimmed as model_stage trims them."""
    out, pos = [], 0
    found = analyser.analyse(full)
    while pos < len(full):
        clause = found.clause(pos)
        pos = max(clause[1], pos + 1)
        start, end = trimmed(full, *clause)
        if end > start:
            out.append(full[start:end])
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return np.log(p / (1 - p))


def score_fold(variant: Variant, texts: Sequence[str], labels: Sequence[int], weights: Sequence[float],
               held: Sequence[str], clauses: Callable[[str], list[str]]) -> np.ndarray:
    """The variant's probabilities for the held texts, trained on ``texts`` (with sample ``weights``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels, weights = list(texts), list(labels), list(weights)
    if variant.neg_clauses:
        extra = [c for t, y in zip(texts, labels, strict=True) if y == 0 for c in clauses(t) if c != t and len(c) >= 4]
        texts += extra
        labels += [0] * len(extra)
        weights += [1.0] * len(extra)
    vectorizer = TfidfVectorizer(analyzer=analyzer(variant), min_df=variant.min_df, sublinear_tf=True)
    clf = LogisticRegression(C=variant.c, class_weight=variant.class_weight, max_iter=3000).fit(
        vectorizer.fit_transform(texts), labels, sample_weight=np.asarray(weights))
    if variant.clause_score == "whole":
        score = clf.decision_function(vectorizer.transform(list(held)))
        if variant.sentence_margin is not None:
            best = [clf.decision_function(vectorizer.transform([t[a:b] for a, b in spans])).max() if spans
                    else -np.inf for t in held for spans in [sentences(t)]]
            score = np.maximum(score, np.array(best) - variant.sentence_margin)
    else:
        score = np.array([clf.decision_function(vectorizer.transform(
            [t] + [c for c in clauses(t) if len(_CONTENT.findall(c)) >= 6])).max() for t in held])
    return 1.0 / (1.0 + np.exp(-(score + variant.shift)))


def compare(root: Path, names: Sequence[str] = (), at: float = 0.7) -> None:
    """Print the dev leave-one-round-out table for the named variants (default all)."""
    if unknown := [n for n in names if n not in VARIANTS]:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    from sklearn.metrics import roc_auc_score

    from riskguard.rulebook import load_rulebook
    from riskguard.rulebook.clauses import ClauseAnalyser
    from scripts.train_claim_model import neutral_lines, rounds, rows, rule_examples

    book = load_rulebook(root / "rules", root / "policies")
    view = book.normaliser.full_term
    clause_analyser = ClauseAnalyser(view)
    rule_texts, rule_labels = rule_examples(book)
    neutral = neutral_lines(root)
    base_texts = [view(t) for t in rule_texts + neutral]
    base_labels = rule_labels + [0] * len(neutral)
    folds = {}
    for corpus in rounds(root / "eval"):
        dev = rows(root / "eval", corpus, ("dev",))
        folds[corpus] = ([view(r["text"]) for r in dev], [int(r["label"] == "violation") for r in dev])
    first = next(iter(VARIANTS))
    chosen = [first] + [n for n in (names or VARIANTS) if n != first]
    print(f"dev leave-one-round-out ({', '.join(folds)}): recall / false-positive rate, pooled over the rounds")
    print(f"{'variant':<27} {'at 0.5':<12} {'at 0.6':<12} {'at ' + str(at):<12} {'R@FP≤0.5/1/2%':<18} "
          f"{'AUC':<7} {'shift':>6} {'R@same':>7}  recall per round at {at}")
    target_fp = None
    for name in chosen:
        variant = VARIANTS[name]
        started = time.monotonic()
        parts = []
        for held in folds:
            texts, labels = list(base_texts), list(base_labels)
            weights = [variant.rule_weight] * len(rule_texts) + [1.0] * len(neutral)
            for corpus, (t, y) in folds.items():
                if corpus != held:
                    texts += t
                    labels += y
                    weights += [1.0] * len(t)
            parts.append((score_fold(variant, texts, labels, weights, folds[held][0],
                                     lambda s: clauses_of(clause_analyser, s)),
                          np.array(folds[held][1], dtype=bool)))
        p = np.concatenate([q for q, _ in parts])
        y = np.concatenate([v for _, v in parts])
        if target_fp is None:
            target_fp = float(np.mean(p[~y] >= at))
        neg = np.sort(p[~y])[::-1]
        ranked = " ".join(f"{np.mean(p[y] > neg[int(f * len(neg))]):.3f}" for f in (0.005, 0.01, 0.02))
        shift = _shift_for(p[~y], at, target_fp)
        same = np.mean(_logit(p[y]) + shift >= math.log(at / (1 - at)))
        cells = "  ".join(f"{np.mean(p[y] >= t):.3f}/{np.mean(p[~y] >= t):.3f}" for t in (0.5, 0.6, at))
        per = " ".join(f"{np.mean(q[v] >= at):.2f}" for q, v in parts)
        print(f"{name:<27} {cells}  {ranked:<18} {roc_auc_score(y, p):.4f} {shift:>+6.2f} {same:>7.3f}  {per}"
              f"  ({time.monotonic() - started:.0f}s{'' if variant.shippable else ', not shippable as is'})",
              flush=True)


def _shift_for(negatives: np.ndarray, at: float, target_fp: float) -> float:
    """The intercept shift at which at most ``target_fp`` of the negatives reach ``at``: the cut put midway
    between the last negative let through and the first held back (a positive shift when a variant is
    stricter than the target, a negative one when it is looser)."""
    logits = np.sort(_logit(negatives))[::-1]
    allowed = min(int(math.floor(target_fp * len(logits) + 1e-9)), len(logits) - 1)
    lower = logits[allowed]
    higher = logits[:allowed][logits[:allowed] > lower]
    middle = (lower + higher.min()) / 2 if len(higher) else lower + 0.5
    return math.log(at / (1 - at)) - float(middle)


__all__ = ["VARIANTS", "Variant", "compare"]
