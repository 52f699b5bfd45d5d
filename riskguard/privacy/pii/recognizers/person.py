"""PERSON: Chinese names (and Chinese names in Latin script after a cue), see :mod:`..persons`.

Scores: 0.9 after a cue or in a list, 0.8 where only the character model and the words around the name
say it is one.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..persons import find_names
from ._spans import SpanRecognizer

__all__ = ["CnPersonRecognizer"]


class CnPersonRecognizer(SpanRecognizer):
    ENTITY = "PERSON"
    EXPLANATION = "name cue or character model"

    def spans(self, text: str) -> Iterator[tuple[int, int, float]]:
        for name in find_names(text):
            yield name.start, name.end, name.score
