"""The shared shape of a recognizer that is a function from text to scored spans (names, addresses)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["SpanRecognizer"]


class SpanRecognizer(LocalRecognizer):
    """One entity type; ``spans`` does the finding, this class the Presidio bookkeeping."""

    ENTITY: ClassVar[str]
    EXPLANATION: ClassVar[str]

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__,
                         supported_language=supported_language)

    def load(self) -> None:
        """Data loads on first use, once per process."""

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        results = []
        for start, end, score in self.spans(text):
            explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                              textual_explanation=self.EXPLANATION)
            results.append(RecognizerResult(
                entity_type=self.ENTITY, start=start, end=end, score=score, analysis_explanation=explanation,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results
