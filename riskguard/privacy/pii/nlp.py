"""A light Presidio NLP engine: no model from any hub, tokens and lemmas for context words.

Presidio's context enhancer needs tokens, their offsets and lemmas. Two modes:

* ``pos_tagging=False`` (structured entities only): a regular-expression tokenizer. A run of Han
  characters is one token, so a context word such as 身份证 is found inside 我的身份证号是 by the
  enhancer's substring matching; Latin words, digit runs and punctuation are tokens of their own.
* ``pos_tagging=True``: people and places for Chinese from jieba, as ``pos_entities`` for
  :class:`~.recognizers.person_location.JiebaEntityRecognizer`. By default (``windowed``) jieba cuts only
  a few characters around candidates (dictionary words tagged nr*/ns found by an automaton, names after
  收件人/联系人…, short clauses shaped like a name); ``windowed=False`` cuts every Han run and uses the
  words as tokens and lemmas (Chinese has no inflection: the lemma is the word). Either way a word's tag
  comes from jieba's own dictionary.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator

import ahocorasick_rs
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
_PERSON_CUE = regex.compile("(?P<cue>" + "|".join(w for w in _PERSON_WORDS if len(w) > 1)
                            + r")[:：\s]*(?P<name>\p{Han}{1,4})")
_SHORT_RUN = regex.compile(r"(?<!\p{Han})\p{Han}{2,4}(?!\p{Han})")  # a clause that may be just a name
_HAN_RUN = regex.compile(r"\p{Han}+")
_PAD = 3  # characters of context jieba sees on each side of a candidate
_init_lock = threading.Lock()


_automaton: ahocorasick_rs.AhoCorasick | None = None


def _candidate_automaton(tags: dict[str, str]) -> ahocorasick_rs.AhoCorasick:
    """Every word jieba's dictionary tags as a person or place (about 96,000), built once per process."""
    global _automaton
    if _automaton is None:
        words = [w for w, t in tags.items() if (t in _PERSON_TAGS or t in _PLACE_TAGS) and len(w) >= 2]
        _automaton = ahocorasick_rs.AhoCorasick(words)
    return _automaton


class JiebaNlpEngine(NlpEngine):
    engine_name = "jieba"
    is_available = True

    def __init__(self, *, pos_tagging: bool = False, hmm: bool = True, windowed: bool = True,
                 languages: Iterable[str] = LANGUAGES) -> None:
        self.pos_tagging = pos_tagging
        self.windowed = windowed
        self.hmm = hmm
        self.languages = tuple(languages)
        self._loaded = False
        self._tags: dict[str, str] = {}
        self._automaton: ahocorasick_rs.AhoCorasick | None = None

    def load(self) -> None:
        if self.pos_tagging:
            with _init_lock:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                self._tags = jieba.posseg.dt.word_tag_tab  # word → part-of-speech, from jieba's dictionary
                self._automaton = _candidate_automaton(self._tags)
        self._loaded = True

    def is_loaded(self) -> bool:
        return self._loaded

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if language not in self.languages:
            raise ValueError(f"language {language!r} is not supported")
        if self.pos_tagging and language == "zh":
            tokens, starts, entities = self._windows(text) if self.windowed else self._segment(text)
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
        """Whole-text mode: jieba on every Han run (digits and Latin never reach it)."""
        tokens: list[str] = []
        starts: list[int] = []
        entities: list[tuple[int, int, str]] = []
        for m in _TOKEN.finditer(text):
            piece = m.group()
            if not _HAN.match(piece):
                tokens.append(piece)
                starts.append(m.start())
                continue
            self._tag(jieba.lcut(piece, HMM=self.hmm), m.start(), tokens, starts, entities)
        return tokens, starts, entities

    def _windows(self, text: str) -> tuple[list[str], list[int], list[tuple[int, int, str]]]:
        """Window mode: jieba only where a person or place can be.

        An Aho-Corasick automaton over jieba's own dictionary words tagged nr*/ns finds candidates
        (about one per 200-character text), person words (收件人, 联系人 …) open a window for names the
        dictionary does not know; jieba then segments a few characters around each candidate, within
        its Han run, and the candidate counts only if jieba cuts it out as a word there. Tokens for
        context words come from the fast tokenizer.
        """
        tokens, starts, _ = self._tokenize(text)
        assert self._automaton is not None
        spans: list[tuple[int, int]] = []
        candidates = self._automaton.find_matches_as_indexes(text, overlapping=True)
        if candidates:
            runs = [(m.start(), m.end()) for m in _HAN_RUN.finditer(text)]
            run_starts = [r[0] for r in runs]
            for _, s, e in candidates:
                rs, re_ = runs[bisect_right(run_starts, s) - 1]  # the Han run holding the candidate
                spans.append((max(s - _PAD, rs), min(e + _PAD, re_)))
        spans.extend(m.span() for m in _SHORT_RUN.finditer(text) if looks_like_person(m.group()))
        entities: list[tuple[int, int, str]] = []
        for m in _PERSON_CUE.finditer(text):
            # jieba would glue a surname to the cue (客户王 芳); cut the name part alone, after the cue
            self._tag(jieba.lcut(m.group("name"), HMM=self.hmm), m.start("name"), [m.group("cue")],
                      [m.start("cue")], entities)
        if not spans:
            return tokens, starts, entities
        windows: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if windows and s <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(e, windows[-1][1]))
            else:
                windows.append((s, e))
        for s, e in windows:
            self._tag(jieba.lcut(text[s:e], HMM=self.hmm), s, [], [], entities)
        return tokens, starts, entities

    def _tag(self, words: list[str], pos: int, tokens: list[str], starts: list[int],
             entities: list[tuple[int, int, str]]) -> None:
        """Append ``words`` (jieba's cut of text starting at ``pos``) as tokens, and their people and places.

        Known words take their tag from jieba's dictionary (``jieba.posseg`` would re-run a 256-state
        HMM over every unknown stretch, six times the rest of the analysis); a name the dictionary does
        not know is recognised by shape: a surname and a one- or two-character given name, found whole
        by jieba's segmentation HMM, or split after a person word (收件人 向 玉兰 → 向玉兰).
        """
        tags = self._tags
        prev = tokens[-1] if tokens else ""
        i = 0
        while i < len(words):
            word = words[i]
            start, pos = pos, pos + len(word)
            tokens.append(word)
            starts.append(start)
            flag = tags.get(word)
            if flag is None and looks_like_person(word) and len(word) <= 3:
                flag = "nr"
            if (len(word) == 1 and i + 1 < len(words) and len(words[i + 1]) <= 2
                    and looks_like_person(word + words[i + 1]) and prev.endswith(_PERSON_WORDS)):
                nxt = words[i + 1]
                tokens.append(nxt)
                starts.append(pos)
                entities.append((start, pos + len(nxt), "PERSON"))
                pos += len(nxt)
                prev = nxt
                i += 2
                continue
            if flag in _PERSON_TAGS and looks_like_person(word):
                entities.append((start, pos, "PERSON"))
            elif flag in _PLACE_TAGS or (flag is None and looks_like_place(word)):
                if entities and entities[-1][2] == "LOCATION" and entities[-1][1] == start:
                    entities[-1] = (entities[-1][0], pos, "LOCATION")  # 广东省 + 深圳市 → one place
                elif looks_like_place(word, tagged=flag in _PLACE_TAGS):
                    entities.append((start, pos, "LOCATION"))
            prev = word
            i += 1

    def is_stopword(self, word: str, language: str) -> bool:
        return word in _STOPWORDS

    def is_punct(self, word: str, language: str) -> bool:
        return bool(_PUNCT.match(word))

    def get_supported_entities(self) -> list[str]:
        return ["PERSON", "LOCATION"] if self.pos_tagging else []

    def get_supported_languages(self) -> list[str]:
        return list(self.languages)
