"""Presidio's lemma context enhancer without its per-call deep copy and its quadratic window lookup.

``LemmaContextAwareEnhancer.enhance_using_context`` deep-copies all results before scoring them; the
analyzer hands it fresh results it never reuses, and the copy was a quarter of the analysis time. Its
window lookup also scans every token for every result and tests keywords against a list, which is
quadratic: a 100,000-character text with 8,000 phone numbers took 40 s. This subclass keeps Presidio's
rules (the token holding the match, ``context_prefix_count`` keywords before it and
``context_suffix_count`` after, lemma keywords without stop words and punctuation, Presidio's matching
mode and score arithmetic) with a binary search and a set.
"""

from __future__ import annotations

from bisect import bisect_right

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

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        tokens, starts, lemmas = nlp_artifacts.tokens, nlp_artifacts.tokens_indices, nlp_artifacts.lemmas
        if not tokens:
            return [""]
        keywords = getattr(nlp_artifacts, "_rg_keywords", None)
        if keywords is None:
            keywords = frozenset(nlp_artifacts.keywords)
            nlp_artifacts._rg_keywords = keywords  # type: ignore[attr-defined]
        i = max(bisect_right(starts, start) - 1, 0)
        if starts[i] != start and starts[i] + len(tokens[i]) <= start and i + 1 < len(tokens):
            i += 1  # the match starts in a gap (whitespace): Presidio takes the next token
        found: list[str] = []
        for step, count in ((-1, self.context_prefix_count), (1, self.context_suffix_count)):
            j, remaining = i, count + 1
            while 0 <= j < len(lemmas) and remaining > 0:
                lemma = lemmas[j].lower()
                if lemma in keywords:
                    found.append(lemma)
                    remaining -= 1
                j += step
        return list(set(found))
