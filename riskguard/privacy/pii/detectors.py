"""Contact-detail detectors for the rules engine: CN_MOBILE, WECHAT_ID, QQ_NUMBER, EMAIL_ADDRESS.

Importing this module registers them in :mod:`riskguard.rulebook.detectors` (the rulebook imports it on
first use). Each detector runs one recognizer straight on the original text, without the analyzer or an
NLP engine, and yields spans at or above ``THRESHOLD``; the recognizers' own validation (phone ranges,
public suffixes, the contact word before a WeChat ID or QQ number) is what keeps them precise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ...rulebook.detectors import register
from .recognizers import (
    CnEmailRecognizer,
    CnMobileRecognizer,
    CnPatternRecognizer,
    CnQqNumberRecognizer,
    CnWechatIdRecognizer,
)
from .recognizers._tld import install_offline_extractor

__all__ = ["DETECTORS", "THRESHOLD", "detector_for"]

THRESHOLD = 0.5


def detector_for(recognizer: CnPatternRecognizer) -> Callable[[str], Iterator[tuple[int, int, str]]]:
    entity = recognizer.ENTITY

    def detect(text: str) -> Iterator[tuple[int, int, str]]:
        for result in recognizer.analyze(text, [entity]):
            if result.score >= THRESHOLD:
                yield result.start, result.end, entity

    detect.__name__ = f"detect_{entity.lower()}"
    return detect


install_offline_extractor()
DETECTORS = {cls.ENTITY: detector_for(cls("zh")) for cls in (
    CnMobileRecognizer, CnWechatIdRecognizer, CnQqNumberRecognizer, CnEmailRecognizer)}
for _name, _fn in DETECTORS.items():
    register(_name, _fn)
