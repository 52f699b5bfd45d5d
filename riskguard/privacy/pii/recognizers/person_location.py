"""PERSON and LOCATION for Chinese from jieba's part-of-speech tags (nr* → PERSON, ns → LOCATION).

The tags come from the NLP engine (``JiebaNlpEngine`` with part-of-speech tagging on), which stores
them on the artifacts as ``pos_entities``; this recognizer only turns them into results. jieba's tags
are dictionary and HMM guesses, so scores stay moderate (see docs/pii.md for measured precision).
"""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["JiebaEntityRecognizer", "POS_ENTITIES"]

POS_ENTITIES = ("PERSON", "LOCATION")


class JiebaEntityRecognizer(LocalRecognizer):
    SCORES = {"PERSON": 0.6, "LOCATION": 0.6}

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=list(POS_ENTITIES), name="JiebaEntityRecognizer",
                         supported_language=supported_language)
        self.context = ["姓名", "收件人", "收货人", "联系人", "地址", "住址", "name", "address"]

    def load(self) -> None:
        """Nothing to load: the tags arrive with the NLP artifacts."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        spans = getattr(nlp_artifacts, "pos_entities", None) or ()
        wanted = set(entities) if entities else set(POS_ENTITIES)
        results = []
        for start, end, label in spans:
            if label not in wanted:
                continue
            score = self.SCORES[label]
            explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                              textual_explanation=f"jieba part-of-speech tag for {label}")
            results.append(RecognizerResult(
                entity_type=label, start=start, end=end, score=score, analysis_explanation=explanation,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results
