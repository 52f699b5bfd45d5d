"""LOCATION: whole Chinese addresses (province to room, or a place where a person is), see :mod:`..addresses`.

The grammar needs no NLP engine, so the recognizer runs in both analyzers (with and without names). An
address with a street, number, building or landmark scores 0.85; a place named alone after a cue (我在成都,
寄到杭州) 0.7.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..addresses import find_addresses
from ._spans import SpanRecognizer

__all__ = ["CnAddressRecognizer"]


class CnAddressRecognizer(SpanRecognizer):
    ENTITY = "LOCATION"
    EXPLANATION = "address grammar"
    STREET_SCORE = 0.85
    PLACE_SCORE = 0.7

    def spans(self, text: str) -> Iterator[tuple[int, int, float]]:
        for address in find_addresses(text):
            yield address.start, address.end, self.STREET_SCORE if address.street else self.PLACE_SCORE
