"""A light Presidio NLP engine: no model from any hub, tokens and lemmas for context words.

Presidio's context enhancer needs tokens, their offsets and lemmas; nothing else here needs an NLP
pipeline (names and addresses are found by their own recognizers, :mod:`.persons` and
:mod:`.addresses`). Tokens come from one regular expression: a run of Han characters is one token, so
a context word such as 身份证 is found inside 我的身份证号是 by the enhancer's substring matching; Latin
words, digit runs and punctuation are tokens of their own. Lemmas are the lower-cased tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

__all__ = ["RegexNlpEngine", "LANGUAGES"]

LANGUAGES = ("zh", "en")
_TOKEN = regex.compile(r"\p{Han}+|[A-Za-z]+(?:['’][A-Za-z]+)?|\d+|\S")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
_STOPWORDS = frozenset(["的", "了", "是", "在", "和", "与", "或", "及", "我", "你", "他", "她", "它", "们", "这", "那", "也", "就", "都", "而", "吧", "呢", "啊", "吗", "a", "an", "the", "is", "are", "was", "were", "be", "of", "to", "in", "on", "at", "and", "or", "for", "with", "my", "your"])


class RegexNlpEngine(NlpEngine):
    engine_name = "regex"
    is_available = True

    def __init__(self, *, languages: Iterable[str] = LANGUAGES) -> None:
        self.languages = tuple(languages)

    def load(self) -> None:
        """Nothing to load."""

    def is_loaded(self) -> bool:
        return True

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if language not in self.languages:
            raise ValueError(f"language {language!r} is not supported")
        tokens, starts = [], []
        for m in _TOKEN.finditer(text):
            tokens.append(m.group())
            starts.append(m.start())
        return NlpArtifacts(entities=[], tokens=tokens, tokens_indices=starts,  # type: ignore[arg-type]
                            lemmas=[t.lower() for t in tokens], nlp_engine=self, language=language)

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1,
                      n_process: int = 1, **kwargs: object) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return word in _STOPWORDS

    def is_punct(self, word: str, language: str) -> bool:
        # the tokenizer yields Han runs, Latin words and digit runs (all alphanumeric) or one other
        # character: a token is punctuation when it is that one character and a \p{P} or \p{S}
        return len(word) == 1 and not word.isalnum() and bool(_PUNCT.match(word))

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return list(self.languages)
