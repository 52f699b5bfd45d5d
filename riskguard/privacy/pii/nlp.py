"""A light Presidio NLP engine: no model from any hub, tokens and lemmas for context words.

Presidio's context enhancer needs tokens, their offsets and lemmas. Two modes:

* ``pos_tagging=False`` (structured entities only): a regular-expression tokenizer. A run of Han
  characters is one token, so a context word such as 身份证 is found inside 我的身份证号是 by the
  enhancer's substring matching; Latin words, digit runs and punctuation are tokens of their own.
* ``pos_tagging=True``: jieba's part-of-speech segmentation for Chinese. Words become tokens and
  lemmas (Chinese has no inflection, the lemma is the word), and person (nr*) and place (ns) tags become
  ``pos_entities`` for :class:`~.recognizers.person_location.JiebaEntityRecognizer`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator

import jieba
import jieba.posseg
import regex
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from .names import looks_like_person, looks_like_place

__all__ = ["JiebaNlpEngine", "LANGUAGES"]

LANGUAGES = ("zh", "en")
_TOKEN = regex.compile(r"\p{Han}+|[A-Za-z]+(?:['’][A-Za-z]+)?|\d+|\S")
_HAN = regex.compile(r"\p{Han}")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
_STOPWORDS = frozenset(["的", "了", "是", "在", "和", "与", "或", "及", "我", "你", "他", "她", "它", "们", "这", "那", "也", "就", "都", "而", "吧", "呢", "啊", "吗", "a", "an", "the", "is", "are", "was", "were", "be", "of", "to", "in", "on", "at", "and", "or", "for", "with", "my", "your"])
_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_PLACE_TAGS = frozenset({"ns"})
_PERSON_WORDS = ("收件人", "收货人", "联系人", "姓名", "客户", "买家", "卖家", "店主", "主播", "寄件人", "户名",
                 "持卡人", "经办人", "法人", "：", ":")
_init_lock = threading.Lock()


class JiebaNlpEngine(NlpEngine):
    engine_name = "jieba"
    is_available = True

    def __init__(self, *, pos_tagging: bool = False, hmm: bool = True,
                 languages: Iterable[str] = LANGUAGES) -> None:
        self.pos_tagging = pos_tagging
        self.hmm = hmm
        self.languages = tuple(languages)
        self._loaded = False
        self._tags: dict[str, str] = {}

    def load(self) -> None:
        if self.pos_tagging:
            with _init_lock:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                self._tags = jieba.posseg.dt.word_tag_tab  # word → part-of-speech, from jieba's dictionary
        self._loaded = True

    def is_loaded(self) -> bool:
        return self._loaded

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if language not in self.languages:
            raise ValueError(f"language {language!r} is not supported")
        if self.pos_tagging and language == "zh":
            tokens, starts, entities = self._segment(text)
        else:
            tokens, starts, entities = self._tokenize(text)
        artifacts = NlpArtifacts(entities=[], tokens=tokens, tokens_indices=starts,  # type: ignore[arg-type]
                                 lemmas=[t.lower() for t in tokens], nlp_engine=self, language=language)
        artifacts.pos_entities = entities  # type: ignore[attr-defined]
        return artifacts

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1,
                      n_process: int = 1, **kwargs: object) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    @staticmethod
    def _tokenize(text: str) -> tuple[list[str], list[int], list[tuple[int, int, str]]]:
        tokens, starts = [], []
        for m in _TOKEN.finditer(text):
            tokens.append(m.group())
            starts.append(m.start())
        return tokens, starts, []

    def _segment(self, text: str) -> tuple[list[str], list[int], list[tuple[int, int, str]]]:
        """jieba on the Han runs only (digits and Latin never reach it), tags from its dictionary.

        ``jieba.posseg`` re-runs a 256-state part-of-speech HMM over every unknown stretch, which cost
        six times the rest of the analysis. Here ``jieba.cut`` segments (its 4-state HMM still finds new
        words), known words take their tag from jieba's own dictionary, and a name the dictionary does not
        know is recognised by shape: a surname followed by a one- or two-character given name, either
        found whole by the HMM or split after a person word (收件人 向 玉兰 → 向玉兰).
        """
        tokens, starts, entities = [], [], []
        tags = self._tags
        for m in _TOKEN.finditer(text):
            piece = m.group()
            if not _HAN.match(piece):
                tokens.append(piece)
                starts.append(m.start())
                continue
            pos = m.start()
            words = jieba.lcut(piece, HMM=self.hmm)
            i = 0
            while i < len(words):
                word = words[i]
                start, pos = pos, pos + len(word)
                tokens.append(word)
                starts.append(start)
                flag = tags.get(word)
                if flag is None and looks_like_person(word) and len(word) <= 3:
                    flag = "nr"
                if (len(word) == 1 and i + 1 < len(words) and looks_like_person(word + words[i + 1])
                        and len(words[i + 1]) <= 2 and tokens[-2:-1] and tokens[-2].endswith(_PERSON_WORDS)):
                    nxt = words[i + 1]
                    tokens.append(nxt)
                    starts.append(pos)
                    entities.append((start, pos + len(nxt), "PERSON"))
                    pos += len(nxt)
                    i += 2
                    continue
                if flag in _PERSON_TAGS and looks_like_person(word):
                    entities.append((start, pos, "PERSON"))
                elif flag in _PLACE_TAGS or (flag is None and looks_like_place(word)):
                    joined = entities and entities[-1][2] == "LOCATION" and entities[-1][1] == start
                    if joined:
                        entities[-1] = (entities[-1][0], pos, "LOCATION")  # 广东省 + 深圳市 → one place
                    elif looks_like_place(word, tagged=flag in _PLACE_TAGS):
                        entities.append((start, pos, "LOCATION"))
                i += 1
        return tokens, starts, entities

    def is_stopword(self, word: str, language: str) -> bool:
        return word in _STOPWORDS

    def is_punct(self, word: str, language: str) -> bool:
        return bool(_PUNCT.match(word))

    def get_supported_entities(self) -> list[str]:
        return ["PERSON", "LOCATION"] if self.pos_tagging else []

    def get_supported_languages(self) -> list[str]:
        return list(self.languages)
