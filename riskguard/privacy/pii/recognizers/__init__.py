"""The Chinese-aware recognizers, one per file; ``structured_recognizers`` builds one set per language."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from ._base import CnPatternRecognizer
from .bank_card import CnBankCardRecognizer
from .credit_card import CnCreditCardRecognizer
from .email import CnEmailRecognizer
from .ip import CnIpRecognizer
from .mobile import CnMobileRecognizer
from .passport import CnPassportRecognizer
from .person_location import POS_ENTITIES, JiebaEntityRecognizer
from .qq import CnQqNumberRecognizer
from .resident_id import CnResidentIdRecognizer
from .url import CnUrlRecognizer
from .uscc import CnUsccRecognizer
from .wechat import CnWechatIdRecognizer

__all__ = [
    "CnBankCardRecognizer",
    "CnCreditCardRecognizer",
    "CnEmailRecognizer",
    "CnIpRecognizer",
    "CnMobileRecognizer",
    "CnPassportRecognizer",
    "CnQqNumberRecognizer",
    "CnResidentIdRecognizer",
    "CnUrlRecognizer",
    "CnUsccRecognizer",
    "CnWechatIdRecognizer",
    "PATTERN_RECOGNIZERS",
    "POS_ENTITIES",
    "STRUCTURED_ENTITIES",
    "CnPatternRecognizer",
    "JiebaEntityRecognizer",
    "structured_recognizers",
]

PATTERN_RECOGNIZERS: tuple[type[CnPatternRecognizer], ...] = (
    CnResidentIdRecognizer,
    CnMobileRecognizer,
    CnUsccRecognizer,
    CnPassportRecognizer,
    CnBankCardRecognizer,
    CnCreditCardRecognizer,
    CnWechatIdRecognizer,
    CnQqNumberRecognizer,
    CnEmailRecognizer,
    CnIpRecognizer,
    CnUrlRecognizer,
)
STRUCTURED_ENTITIES: tuple[str, ...] = tuple(cls.ENTITY for cls in PATTERN_RECOGNIZERS)


def structured_recognizers(language: str) -> list[EntityRecognizer]:
    return [cls(supported_language=language) for cls in PATTERN_RECOGNIZERS]
