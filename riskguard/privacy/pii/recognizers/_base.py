"""The shared shape of a Chinese-aware pattern recognizer: data plus small hooks.

Presidio's ``PatternRecognizer`` turns a ``validate_result`` of True into score 1.0 and False into a
dropped result. On top of that a recognizer here may declare ``NEGATIVE_CONTEXT`` (words just before a
match that say "this is not PII", e.g. 订单号 before an 11-digit number) and override ``rescore`` to
raise or lower the score from facts that do not gate the match (Luhn on bank cards).
"""

from __future__ import annotations

import logging
from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["CnPatternRecognizer", "FLAGS", "FLAGS_CASED"]

# Presidio logs each recognizer's construction and every registry lookup at INFO; not per-request news.
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)

_CLAUSE_BREAK = regex.compile(r"[，。；！？,;!?\n]")
FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
FLAGS_CASED = regex.DOTALL | regex.MULTILINE


class CnPatternRecognizer(PatternRecognizer):
    """A ``PatternRecognizer`` described by class attributes, one instance per language."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]]  # (name, regex, score)
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    NEGATIVE_CONTEXT: ClassVar[tuple[str, ...]] = ()
    NEGATIVE_WINDOW: ClassVar[int] = 8
    REGEX_FLAGS: ClassVar[int] = FLAGS
    # Cheap gate before any regex runs: at least one of these must occur in the lower-cased text
    # (e.g. "@" for e-mail). Empty: always run.
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    # A second gate: a regex, searched with the patterns' own flags, that finds something in every text in
    # which some pattern matches (e.g. the eleven digits of a phone number). Not found: no pattern can
    # match, so skipping Presidio's per-pattern work changes no result. None: always run.
    REQUIRED: ClassVar[str | None] = None

    def __init__(self, supported_language: str = "zh") -> None:
        patterns = [Pattern(name, rx, score) for name, rx, score in self.PATTERNS]
        super().__init__(supported_entity=self.ENTITY, name=type(self).__name__,
                         supported_language=supported_language, patterns=patterns,
                         context=list(self.CONTEXT), global_regex_flags=self.REGEX_FLAGS)
        self._negative = (regex.compile("|".join(regex.escape(w) for w in self.NEGATIVE_CONTEXT),
                                        regex.IGNORECASE) if self.NEGATIVE_CONTEXT else None)
        self._required = regex.compile(self.REQUIRED, self.global_regex_flags) if self.REQUIRED else None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        if self.TRIGGERS:
            lowered = text.lower()
            if not any(t in lowered for t in self.TRIGGERS):
                return []
        if self._required is not None and not regex_flags and not self._required.search(text):
            return []  # Presidio runs the patterns with global_regex_flags when regex_flags is falsy
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if not results:
            return results
        kept = []
        for result in results:
            if self._negative is not None and self._negated(text, result.start):
                continue
            score = self.rescore(text, result)
            if score > 0:
                result.score = score
                kept.append(result)
        return kept

    def _negated(self, text: str, start: int) -> bool:
        """A negative word shortly before the match, in the same clause (订单号：… yes; 订单信息如下，… no)."""
        assert self._negative is not None
        for m in self._negative.finditer(text, max(0, start - self.NEGATIVE_WINDOW), start):
            if not _CLAUSE_BREAK.search(text, m.end(), start):
                return True
        return False

    def rescore(self, text: str, result: RecognizerResult) -> float:
        """The final score of a match before context words are applied; 0 drops it."""
        return result.score
