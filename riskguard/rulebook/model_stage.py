"""The claim model stage of screening: after the rules, a text they allowed may go to ``review``.

A policy names a model (``model: {name: claims, review_at: 0.7}``); ``rules/models/<name>.yaml`` says which
file holds it and which law and article each claim family cites. When the rules' decision is ``allow`` and
the model's probability for the whole text is at least ``review_at``, one finding is added: rule id
``model.<name>``, action ``review`` whatever the policy's severity map says (a probability is no reason to
block), severity ``medium``, the citation of the family the family model guesses, and as span the clause
the model scores highest, in original-text offsets like every other finding. The model never sees a text the
rules already sent to review or block, so it can neither downgrade nor upgrade one.

A text with fewer than ``MIN_CONTENT`` characters of content (Han characters, letters, digits) is left to
the rules: a character n-gram model has no sentence to judge there, only the few characters a greeting
shares with claims (「你好」 shares 好 with 最好), and a short claim is a term the rules list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .claim_model import ClaimModel, sigmoid
from .clauses import ClauseAnalyser
from .model import Citation, Finding, Numbering
from .normalise import Normaliser

__all__ = ["ClaimStage", "ModelCitation", "MODEL_RULE_PREFIX", "citation_from", "scored", "sentences", "trimmed"]

MODEL_RULE_PREFIX = "model."
SEVERITY = "medium"
ACTION = "review"
_TRIM = " \t\r\n,，。.!！?？;；…~～|—、:："
MIN_CONTENT = 6
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Where a sentence ends: its closing mark (with any closing quotes after it) or a line break.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+[」』”’\"')）]*")


def scored(model: ClaimModel, full: str, sentence_margin: float | None) -> tuple[float, tuple[int, int] | None]:
    """``ClaimStage.score`` for any model (bench/claim_model_eval.py scores its per-round models with it)."""
    best, span = model.logit(full), None
    if sentence_margin is not None:
        for start, end in sentences(full):
            score = model.logit(full[start:end]) - sentence_margin
            if score > best:
                best, span = score, (start, end)
    return sigmoid(best), span


def sentences(full: str) -> list[tuple[int, int]]:
    """The sentences of a full-view text with at least ``MIN_CONTENT`` content characters, as spans with
    their marks and spaces trimmed; none when the text is one sentence (the whole text is scored anyway)."""
    out, start = [], 0
    for end in [m.end() for m in _SENTENCE_END.finditer(full)] + [len(full)]:
        a, b = trimmed(full, start, end)
        start = end
        if len(_CONTENT.findall(full, a, b)) >= MIN_CONTENT:
            out.append((a, b))
    return out if len(out) > 1 else []


def trimmed(full: str, start: int, end: int) -> tuple[int, int]:
    """``full[start:end]`` without the marks and spaces at its ends (empty when it holds nothing else)."""
    while start < end and full[start] in _TRIM:
        start += 1
    while end > start and full[end - 1] in _TRIM:
        end -= 1
    return start, end


@dataclass(frozen=True)
class ModelCitation:
    citation: Citation
    message: str
    message_en: str
    suggestion: str


def citation_from(raw: dict[str, Any]) -> ModelCitation:
    cit = raw["citation"]
    numbering = tuple(Numbering(str(n["article"]), _day(n.get("effective_from")), _day(n.get("effective_to")))
                      for n in cit.get("numbering", []))
    return ModelCitation(Citation(law=cit["law"], short=cit.get("short", cit["law"]), article=str(cit["article"]),
                                  numbering=numbering),
                         message=raw["message"], message_en=raw["message_en"], suggestion=raw["suggestion"])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class ClaimStage:
    """One loaded model with its citation table, ready to score texts with the rulebook's normaliser."""

    name: str
    source: str                      # the table, relative to rules/
    model: ClaimModel = field(repr=False)
    families: dict[str, ModelCitation] = field(repr=False)
    fallback: ModelCitation = field(repr=False)
    normaliser: Normaliser = field(repr=False)
    analyser: ClauseAnalyser = field(repr=False)
    sentence_margin: float | None = None  # rules/models/<name>.yaml: the best sentence's score, less this

    @property
    def rule_id(self) -> str:
        return MODEL_RULE_PREFIX + self.name

    def probability(self, text: str) -> float:
        """The model's probability for ``text`` as the engine normalises it (the same view it was trained
        on: scripts/train_claim_model.py)."""
        return self.score(self.normaliser.normalise(text).full.text)[0]

    def score(self, full: str) -> tuple[float, tuple[int, int] | None]:
        """The probability of a full-view text and, when its best sentence decided it, that sentence's span.

        With a ``sentence_margin`` a text of several sentences scores the larger of the whole text's logit
        and its best sentence's logit less the margin: one illegal sentence in a long, otherwise plain detail
        page is diluted in the whole text's n-grams, and the margin keeps a sentence read out of its context
        (a negation or a quotation in the sentence before) from deciding unless it is clearly a claim.
        scripts/claim_model_cv.py chose the margin on the dev splits."""
        return scored(self.model, full, self.sentence_margin)

    def finding(self, text: str, day: date, review_at: float) -> Finding | None:
        """The finding for a text the rules allowed, or None below ``review_at``."""
        full = self.normaliser.normalise(text).full
        if len(_CONTENT.findall(full.text)) < MIN_CONTENT:
            return None
        p, sentence = self.score(full.text)
        if p < review_at:
            return None
        family = self.model.family_of(full.text[slice(*sentence)] if sentence else full.text)
        cited = self.families.get(family or "", self.fallback)
        start, end = sentence or self._best_clause(full.text)
        ostart, oend = full.original_span(start, end)
        return Finding(rule_id=self.rule_id, law=cited.citation.law, article=cited.citation.article_on(day),
                       severity=SEVERITY, start=ostart, end=oend, matched=text[ostart:oend], message=cited.message,
                       suggestion=cited.suggestion, action=ACTION, via=f"model:{family or '-'}",
                       family=family, probability=round(p, 4))

    def _best_clause(self, full: str) -> tuple[int, int]:
        """The clause (full-view span, its marks and spaces trimmed) the model scores highest; the whole
        text when it has no clause with a letter in it."""
        clauses = self.analyser.analyse(full)
        best, best_p = (0, len(full)), -1.0
        pos = 0
        while pos < len(full):
            clause = clauses.clause(pos)
            pos = max(clause[1], pos + 1)
            start, end = trimmed(full, *clause)
            if end <= start:
                continue
            p = self.model.probability(full[start:end])
            if p > best_p:
                best, best_p = (start, end), p
        return best
