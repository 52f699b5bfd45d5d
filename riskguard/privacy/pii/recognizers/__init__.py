"""The Chinese-aware recognizers, one per file; ``structured_recognizers`` builds one set per language."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from ._base import CnPatternRecognizer
from .address import CnAddressRecognizer
from .bank_card import CnBankCardRecognizer
from .credit_card import CnCreditCardRecognizer
from .email import CnEmailRecognizer
from .ip import CnIpRecognizer
from .landline import CnLandlineRecognizer
from .mobile import CnMobileRecognizer
from .passport import CnPassportRecognizer
from .person import CnPersonRecognizer
from .qq import CnQqNumberRecognizer
from .resident_id import CnResidentIdRecognizer
from .url import CnUrlRecognizer
from .uscc import CnUsccRecognizer
from .wechat import CnWechatIdRecognizer

__all__ = [
    "ADDRESS_ENTITIES",
    "CnAddressRecognizer",
    "CnBankCardRecognizer",
    "CnCreditCardRecognizer",
    "CnEmailRecognizer",
    "CnIpRecognizer",
    "CnLandlineRecognizer",
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
    "CnPersonRecognizer",
    "structured_recognizers",
]

PATTERN_RECOGNIZERS: tuple[type[CnPatternRecognizer], ...] = (
    CnResidentIdRecognizer,
    CnMobileRecognizer,
    CnLandlineRecognizer,
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
ADDRESS_ENTITIES: tuple[str, ...] = (CnAddressRecognizer.ENTITY,)
POS_ENTITIES: tuple[str, ...] = (CnPersonRecognizer.ENTITY,)  # the costlier analyzer runs only for these


def structured_recognizers(language: str) -> list[EntityRecognizer]:
    """The pattern recognizers, and for Chinese the address grammar (it needs no NLP engine either)."""
    out: list[EntityRecognizer] = [cls(supported_language=language) for cls in PATTERN_RECOGNIZERS]
    if language == "zh":
        out.append(CnAddressRecognizer(language))
    return out
