"""The PII service: detect and redact, one text or a batch, over the shared Presidio analyzers.

Results are plain ``Detection`` values with offsets into the caller's text and a keyed digest of the
matched value; the raw value is only ever read back from the caller's own text (``include_text``).
PERSON and LOCATION need jieba's part-of-speech tagging, which costs several times the structured
recognizers, so the tagging analyzer runs only when one of them is asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import AnalyzerEngine

from ...ids import keyed_digest
from .analyzer import ALL_ENTITIES, get_analyzer, resolve_overlaps
from .recognizers import POS_ENTITIES
from .redaction import RedactedItem, Redactor

__all__ = ["DEFAULT_THRESHOLD", "Detection", "PiiService", "Redaction", "entity_counts"]

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Detection:
    type: str
    start: int
    end: int
    score: float
    text_digest: str


@dataclass(frozen=True)
class Redaction:
    text: str
    items: list[RedactedItem]
    detections: list[Detection]


def entity_counts(batches: Iterable[Sequence[Detection]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for found in batches:
        counts.update(d.type for d in found)
    return dict(sorted(counts.items()))


class PiiService:
    """Stateless apart from its keys; safe to share between threads (the analyzers hold no request state)."""

    entities = ALL_ENTITIES

    def __init__(self, digest_secret: bytes) -> None:
        self._digest_secret = digest_secret
        self.redactor = Redactor(digest_secret)

    def digest(self, value: str) -> str:
        return keyed_digest(self._digest_secret, value)

    @staticmethod
    def _analyzer(entities: Sequence[str] | None, language: str) -> AnalyzerEngine:
        wanted = set(entities) if entities else set(ALL_ENTITIES)
        return get_analyzer(pos_tagging=language == "zh" and bool(wanted & set(POS_ENTITIES)))

    def detect_many(self, texts: Sequence[str], *, language: str = "zh",
                    entities: Sequence[str] | None = None,
                    score_threshold: float = DEFAULT_THRESHOLD) -> list[list[Detection]]:
        """One analyzer and one entity list for the whole batch (Presidio's batch engine does the same)."""
        analyzer = self._analyzer(entities, language)
        supported = set(analyzer.get_supported_entities(language))
        wanted = [e for e in (entities or ALL_ENTITIES) if e in supported]
        out: list[list[Detection]] = []
        for text in texts:
            if not text or not wanted:
                out.append([])
                continue
            results = analyzer.analyze(text=text, language=language, entities=wanted,
                                       score_threshold=score_threshold)
            out.append([Detection(type=r.entity_type, start=r.start, end=r.end, score=round(r.score, 2),
                                  text_digest=self.digest(text[r.start:r.end]))
                        for r in resolve_overlaps(results)])
        return out

    def detect(self, text: str, **options: Any) -> list[Detection]:
        return self.detect_many([text], **options)[0]

    def redact_many(self, texts: Sequence[str], *, operators: Mapping[str, Mapping[str, Any]] | None = None,
                    **options: Any) -> list[Redaction]:
        found = self.detect_many(texts, **options)
        out = []
        for text, detections in zip(texts, found, strict=True):
            redacted, items = self.redactor.redact(
                text, [(d.type, d.start, d.end, d.score) for d in detections], operators)
            out.append(Redaction(text=redacted, items=items, detections=detections))
        return out

    def redact(self, text: str, **options: Any) -> Redaction:
        return self.redact_many([text], **options)[0]
