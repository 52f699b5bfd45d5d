"""The PII service: detect and redact, one text or a batch, over the shared Presidio analyzers.

Results are plain ``Detection`` values with offsets into the caller's text and a keyed digest of the
matched value; the raw value is only ever read back from the caller's own text (``include_text``).
PERSON needs the name recognizer's character model (built from jieba's dictionary on first use), so
the analyzer with names runs only when PERSON is asked for.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from ...ids import keyed_digest
from .analyzer import ALL_ENTITIES, get_analyzer, resolve_overlaps
from .disguise import DISGUISABLE, disguised_view, trim_word_tail
from .divisions import divisions
from .recognizers import POS_ENTITIES
from .redaction import Encryptor, RedactedItem, Redactor

__all__ = ["DEFAULT_THRESHOLD", "MASKED_ENTITIES", "Detection", "PiiService", "Redaction", "entity_counts",
           "mask_personal_data", "personal_data_spans"]

DEFAULT_THRESHOLD = 0.5
# What is masked before screened content or a store description is stored: identifiers, contacts, cards
# and addresses (after the province and city they may keep). Not PERSON (masking a guess would blank
# brand and product names) nor URL/IP.
MASKED_ENTITIES = ("CN_RESIDENT_ID", "CN_MOBILE", "PHONE_NUMBER", "BANK_CARD", "CREDIT_CARD", "EMAIL_ADDRESS",
                   "WECHAT_ID", "QQ_NUMBER", "CN_USCC", "CN_PASSPORT", "LOCATION")
MASK_CHAR = "*"


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

    def __init__(self, digest_secret: bytes, *, address_keep: str = "city") -> None:
        self._digest_secret = digest_secret
        self.redactor = Redactor(digest_secret, address_keep=address_keep)

    def digest(self, value: str) -> str:
        return keyed_digest(self._digest_secret, value)

    @staticmethod
    def _analyzer(entities: Sequence[str] | None, language: str) -> AnalyzerEngine:
        wanted = set(entities) if entities else set(ALL_ENTITIES)
        return get_analyzer(names=language == "zh" and bool(wanted & set(POS_ENTITIES)))

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
            results = _analyze(analyzer, text, language, wanted, score_threshold)
            out.append([Detection(type=r.entity_type, start=r.start, end=r.end, score=round(r.score, 2),
                                  text_digest=self.digest(text[r.start:r.end]))
                        for r in resolve_overlaps(results)])
        return out

    def detect(self, text: str, **options: Any) -> list[Detection]:
        return self.detect_many([text], **options)[0]

    def redact_many(self, texts: Sequence[str], *, operators: Mapping[str, Mapping[str, Any]] | None = None,
                    encryptor: Encryptor | None = None, **options: Any) -> list[Redaction]:
        """``encryptor`` (a :class:`.tokens.TokenSealer`) is needed only by the ``encrypt`` operator."""
        found = self.detect_many(texts, **options)
        out = []
        for text, detections in zip(texts, found, strict=True):
            redacted, items = self.redactor.redact(
                text, [(d.type, d.start, d.end, d.score) for d in detections], operators, encryptor)
            out.append(Redaction(text=redacted, items=items, detections=detections))
        return out

    def redact(self, text: str, **options: Any) -> Redaction:
        return self.redact_many([text], **options)[0]


def _analyze(analyzer: AnalyzerEngine, text: str, language: str, entities: Sequence[str],
             score_threshold: float) -> list[RecognizerResult]:
    """The analyzer's results on ``text``, plus what it finds in the normaliser's view of a text with
    disguised values (一三八…, ①③⑧…, ＠), mapped back to ``text`` (:mod:`.disguise`)."""
    results = analyzer.analyze(text=text, language=language, entities=list(entities),
                               score_threshold=score_threshold)
    view = disguised_view(text)
    wanted = [e for e in entities if e in DISGUISABLE]
    if view is None or not wanted:
        return results
    for result in analyzer.analyze(text=view.text, language=language, entities=wanted,
                                   score_threshold=score_threshold):
        result.start, result.end = view.original_span(result.start, result.end)
        result.end = trim_word_tail(text, result.start, result.end)
        results.append(result)
    return results


def _fold_width(text: str) -> str:
    """Full-width and other compatibility forms folded character by character (ＱＱ → QQ), only where
    the fold is one character: the result has the same length, so its offsets are the text's."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def personal_data_spans(text: str, *, entities: Sequence[str] = MASKED_ENTITIES,
                        score_threshold: float = DEFAULT_THRESHOLD) -> list[tuple[str, int, int]]:
    """(type, start, end) of each personal value in ``text`` (offsets into ``text``), not overlapping.

    Detection runs on the width-folded text too, so ``ＱＱ：12345678`` is found like ``QQ：12345678``.
    """
    if not text:
        return []
    analyzer = get_analyzer(names=False)
    views = {text, _fold_width(text)}
    results = []
    for view in views:
        results.extend(_analyze(analyzer, view, "zh", entities, score_threshold))
    return [(r.entity_type, r.start, r.end) for r in resolve_overlaps(results)]


def mask_personal_data(text: str, *, address_keep: str = "city") -> str:
    """``text`` with every character of each detected personal value replaced by ``*``; an address keeps
    its province and city at most (``address_keep``: none, province or city, policies/privacy.yaml).

    Same length as ``text``, character for character: offsets computed on the original (findings'
    ``start``/``end``) index the masked text, which is what gets stored and highlighted.
    """
    chars = list(text)
    for type_, start, end in personal_data_spans(text):
        if type_ == "LOCATION":
            start += divisions().head_length(text[start:end], address_keep)
        chars[start:end] = MASK_CHAR * (end - start)
    return "".join(chars)
