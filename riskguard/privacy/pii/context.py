"""Presidio's lemma context enhancer without its per-call deep copy of every result.

``LemmaContextAwareEnhancer.enhance_using_context`` deep-copies all results before scoring them; the
analyzer hands it fresh results it never reuses, and the copy was a quarter of the analysis time. This
subclass keeps Presidio's own window, lemma and matching helpers and changes only that.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer, LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["InPlaceContextEnhancer"]


class InPlaceContextEnhancer(LemmaContextAwareEnhancer):
    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                              nlp_artifacts: NlpArtifacts, recognizers: list[EntityRecognizer],
                              context: list[str] | None = None) -> list[RecognizerResult]:
        if not raw_results or nlp_artifacts is None or not nlp_artifacts.tokens:
            return raw_results
        by_id = {r.id: r for r in recognizers}
        extra = [w.lower() for w in context] if context else []
        for result in raw_results:
            meta = result.recognition_metadata or {}
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY) or result.score >= 1.0:
                continue
            words = self._extract_surrounding_words(nlp_artifacts=nlp_artifacts,
                                                    word=text[result.start:result.end], start=result.start)
            words.extend(extra)
            found = self._find_supportive_word_in_context(words, recognizer.context,
                                                          self.context_matching_mode)
            if found:
                result.score = min(max(result.score + self.context_similarity_factor,
                                       self.min_score_with_context_similarity), ContextAwareEnhancer.MAX_SCORE)
                if result.analysis_explanation is not None:
                    result.analysis_explanation.set_supportive_context_word(found)
                    result.analysis_explanation.set_improved_score(result.score)
        return raw_results
