"""The claim model: a character n-gram TF-IDF + logistic-regression text classifier beside the rules.

Rules tuned on one round of hand-written evaluation text miss paraphrased claims in the next; a plain
statistical classifier trained on the rule examples and the dev splits generalises better across writers
(docs/screening.md, "Claim model"). It can only send a text the rules allowed to ``review``: it gives a
probability, not a reason, so the finding it adds names the claim family its second (family) model
guesses, that family's law and article from ``rules/models/<name>.yaml``, and the clause it scores highest.

Inference is plain Python and numpy and reproduces scikit-learn's ``TfidfVectorizer(analyzer="char",
sublinear_tf=True)`` + ``LogisticRegression`` exactly (tests/rulebook/test_claim_model.py checks it against
scikit-learn to 1e-9); scikit-learn is needed only to train (scripts/train_claim_model.py). The model file
(``rules/models/<name>.json.gz``) is written by :func:`encode` only, deterministically: the same model
gives the same bytes, so the rulebook revision (which hashes it) changes only when the model does.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["ClaimModel", "ModelError", "FORMAT", "encode", "decode"]

FORMAT = "riskguard-claim-model-1"
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's: a run of two or more becomes one space


def sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-score)) if score >= 0 else math.exp(score) / (1.0 + math.exp(score))


class ModelError(ValueError):
    """A model file that cannot be read or does not hold a model."""


def _pack(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _unpack(text: str, dtype: str, n: int | None = None) -> np.ndarray:
    out = np.frombuffer(base64.b64decode(text.encode("ascii"), validate=True), dtype=dtype)
    if n is not None and len(out) != n:
        raise ModelError(f"an array has {len(out)} values, expected {n}")
    return out


@dataclass(frozen=True)
class FamilyModel:
    """A multinomial model over claim families, pruned to each family's strongest features: it only
    chooses which family's citation a finding carries, so an approximation is enough."""

    families: tuple[str, ...]
    intercept: np.ndarray
    features: tuple[np.ndarray, ...]  # per family: feature indices
    weights: tuple[np.ndarray, ...]   # per family: their coefficients

    def best(self, idx: np.ndarray, values: np.ndarray) -> str:
        x = dict(zip(idx.tolist(), values.tolist(), strict=True))
        scores = [float(b) + sum(w * x.get(f, 0.0) for f, w in zip(fs.tolist(), ws.tolist(), strict=True))
                  for b, fs, ws in zip(self.intercept, self.features, self.weights, strict=True)]
        return self.families[int(np.argmax(scores))]


@dataclass(frozen=True)
class ClaimModel:
    vocabulary: dict[str, int] = field(repr=False)
    idf: np.ndarray = field(repr=False)
    coef: np.ndarray = field(repr=False)
    intercept: float
    ngram_range: tuple[int, int]
    family: FamilyModel | None = field(default=None, repr=False)
    training: dict[str, Any] = field(default_factory=dict)

    def ngrams(self, text: str) -> list[str]:
        """scikit-learn's char analyzer: lower-cased, whitespace runs folded, n-grams of each length."""
        text = _WHITE_SPACES.sub(" ", text.lower())
        lo, hi = self.ngram_range
        out: list[str] = []
        for n in range(lo, min(hi, len(text)) + 1):
            out.extend(text[i:i + n] for i in range(len(text) - n + 1))
        return out

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The L2-normalised sublinear TF-IDF vector of ``text`` as (feature indices, values)."""
        vocab = self.vocabulary
        counts = Counter(i for i in map(vocab.get, self.ngrams(text)) if i is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
        values = tf * self.idf[idx]
        norm = math.sqrt(float(values @ values))
        return idx, (values / norm if norm > 0 else values)

    def logit(self, text: str) -> float:
        """The decision score of ``text``, as scikit-learn's ``decision_function``."""
        idx, values = self.features(text)
        return float(values @ self.coef[idx]) + self.intercept

    def probability(self, text: str) -> float:
        """P(the text makes a prohibited claim), as scikit-learn's ``predict_proba(...)[:, 1]``."""
        return sigmoid(self.logit(text))

    def family_of(self, text: str) -> str | None:
        if self.family is None:
            return None
        return self.family.best(*self.features(text))


def encode(model: ClaimModel) -> bytes:
    """The model file's bytes: gzip'd JSON with sorted keys and no timestamp, so equal models give equal
    bytes. Arrays are base64 of little-endian machine values (exact, and smaller than decimal text)."""
    vocab = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    body: dict[str, Any] = {
        "format": FORMAT, "ngram_range": list(model.ngram_range), "vocabulary": vocab,
        "idf": _pack(model.idf, "<f8"), "coef": _pack(model.coef, "<f8"), "intercept": float(model.intercept),
        "training": model.training,
    }
    if model.family is not None:
        fam = model.family
        body["family"] = {"families": list(fam.families), "intercept": [float(b) for b in fam.intercept],
                          "features": [_pack(f, "<i4") for f in fam.features],
                          "weights": [_pack(w, "<f8") for w in fam.weights]}
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0)


def decode(data: bytes) -> ClaimModel:
    """A model from its file's bytes; :class:`ModelError` for anything that is not a whole model."""
    try:
        body = json.loads(gzip.decompress(data).decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"not a gzip'd JSON model file ({type(exc).__name__})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ModelError(f"not a {FORMAT} file")
    try:
        vocab = body["vocabulary"]
        n = len(vocab)
        lo, hi = (int(v) for v in body["ngram_range"])
        family = None
        if (fam := body.get("family")) is not None:
            families = tuple(str(f) for f in fam["families"])
            features = tuple(_unpack(f, "<i4") for f in fam["features"])
            weights = tuple(_unpack(w, "<f8", len(f)) for w, f in zip(fam["weights"], features, strict=True))
            if len(features) != len(families) or any(len(f) and (f.min() < 0 or f.max() >= n) for f in features):
                raise ModelError("the family model does not fit the vocabulary")
            family = FamilyModel(families, np.asarray(fam["intercept"], dtype=np.float64), features, weights)
            if len(family.intercept) != len(families):
                raise ModelError("the family model has an intercept per family")
        model = ClaimModel(vocabulary={g: i for i, g in enumerate(vocab)}, idf=_unpack(body["idf"], "<f8", n),
                           coef=_unpack(body["coef"], "<f8", n), intercept=float(body["intercept"]),
                           ngram_range=(lo, hi), family=family, training=dict(body.get("training") or {}))
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"the model file is incomplete ({type(exc).__name__})") from None
    if len(model.vocabulary) != n or not 1 <= lo <= hi:
        raise ModelError("the vocabulary has duplicates or the n-gram range is wrong")
    if not (np.isfinite(model.idf).all() and np.isfinite(model.coef).all() and math.isfinite(model.intercept)):
        raise ModelError("the model has values that are not finite")
    return model
