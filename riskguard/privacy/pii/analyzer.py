"""Construction of the Presidio analyzers: our recognizers, our NLP engine, no model from any hub.

Two engines share the recognizer classes: one without names (identifiers, contacts, cards, and
addresses in Chinese) and one with PERSON too (its character model loads jieba's dictionary, so it is
built only when names are asked for). They are built once per process and reused: an
``AnalyzerEngine`` holds no per-request state.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult

from .context import InPlaceContextEnhancer
from .nlp import LANGUAGES, RegexNlpEngine
from .recognizers import (
    ADDRESS_ENTITIES,
    POS_ENTITIES,
    STRUCTURED_ENTITIES,
    CnPersonRecognizer,
    structured_recognizers,
)
from .recognizers._tld import install_offline_extractor

__all__ = ["ALL_ENTITIES", "PRIORITY", "build_analyzer", "get_analyzer", "resolve_overlaps", "supported_entities"]

ALL_ENTITIES: tuple[str, ...] = STRUCTURED_ENTITIES + ADDRESS_ENTITIES + POS_ENTITIES
# Which type wins when two recognizers claim the same span with the same score.
PRIORITY = {name: i for i, name in enumerate((
    "CN_RESIDENT_ID", "CN_USCC", "CREDIT_CARD", "BANK_CARD", "CN_MOBILE", "PHONE_NUMBER", "EMAIL_ADDRESS",
    "WECHAT_ID", "QQ_NUMBER", "CN_PASSPORT", "IP_ADDRESS", "URL", "LOCATION", "PERSON"))}
_lock = threading.Lock()


class _FixedRegistry(RecognizerRegistry):
    """A registry whose recognizers never change after construction, so the recognizers for a
    (language, entities) request are looked up once: Presidio filters the whole list on every call."""

    def get_recognizers(self, language, entities=None, all_fields=False,  # type: ignore[no-untyped-def,override]
                        ad_hoc_recognizers=None):
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        cache = self.__dict__.setdefault("_rg_cache", {})
        if key not in cache:
            cache[key] = super().get_recognizers(language, entities, all_fields)
        return list(cache[key])


def supported_entities() -> tuple[str, ...]:
    return ALL_ENTITIES


@cache
def _build(names: bool) -> AnalyzerEngine:
    return build_analyzer(names=names)


def build_analyzer(*, names: bool) -> AnalyzerEngine:
    """A new analyzer (the service shares ``get_analyzer``'s); ``names`` adds PERSON (Chinese)."""
    install_offline_extractor()
    # Presidio logs every registry lookup at INFO through the standard library; not useful per request.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    logging.getLogger("presidio-anonymizer").setLevel(logging.WARNING)
    recognizers = []
    for language in LANGUAGES:
        recognizers.extend(structured_recognizers(language))
    if names:
        recognizers.append(CnPersonRecognizer("zh"))
    registry = _FixedRegistry(recognizers=recognizers, supported_languages=list(LANGUAGES))
    engine = RegexNlpEngine()
    enhancer = InPlaceContextEnhancer(context_similarity_factor=0.35, min_score_with_context_similarity=0.4,
                                         context_prefix_count=5, context_suffix_count=0)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=list(LANGUAGES),
                          context_aware_enhancer=enhancer)


def get_analyzer(*, names: bool) -> AnalyzerEngine:
    """The shared analyzer; ``names`` adds PERSON (Chinese only)."""
    with _lock:
        return _build(names)


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep one result per stretch of text: highest score, then type priority, then the longer span.

    Kept spans never overlap, so they are ordered by start and by end alike: one binary search finds
    the only two neighbours a candidate could collide with (O(n log n), not O(n²) on long texts).
    """
    ranked = sorted(results, key=lambda r: (-r.score, PRIORITY.get(r.entity_type, 99), r.start - r.end))
    starts: list[int] = []
    kept: list[RecognizerResult] = []
    for result in ranked:
        i = bisect_left(starts, result.start)
        if i > 0 and kept[i - 1].end > result.start:
            continue
        if i < len(kept) and kept[i].start < result.end:
            continue
        starts.insert(i, result.start)
        kept.insert(i, result)
    return kept
