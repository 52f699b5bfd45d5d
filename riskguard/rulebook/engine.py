"""Matching and deciding for one set of rules: one automaton over every term, compiled regexes, detectors.

Terms of all rules go into ONE Aho-Corasick automaton (ahocorasick-rs, overlapping matches, character
offsets) run over the compact view, so the cost of a text is flat in the number of terms. Patterns run
over both views, detectors over the original text. Each candidate then passes the rule's scope,
``when``, ``context`` and ``exemptions`` before it becomes a :class:`Finding` with original offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from operator import itemgetter
from typing import Any

import ahocorasick_rs
from pypinyin import lazy_pinyin

from . import detectors
from .model import Exemption, Finding, Rule, ScreenInput
from .normalise import Normalised, Normaliser, _t2s
from .prefilter import required_literal_sets

__all__ = ["Engine", "pinyin_spelling", "REGISTRATION_NUMBER"]

EXEMPTION_WINDOW = 20
_FIRST = itemgetter(0)
_HAN = re.compile(r"[\u3400-\u9fff]")
# Drug, medical-device and health-food approval numbers written into the copy count as carrying one.
REGISTRATION_NUMBER = re.compile(
    r"国药准字\s*[a-z]\d{8}|械注[准进许]\s*\d{8,11}|械备\s*\d{8}|国食健[注字]\s*[a-z]?\d{8,}|食健备\s*[a-z]?\d{8,}")


def pinyin_spelling(term: str) -> str | None:
    """``最好`` / ``最好`` → ``zuihao``; None for terms with fewer than two Chinese characters."""
    term = _t2s.convert(unicodedata.normalize("NFKC", term))
    if len(_HAN.findall(term)) < 2:
        return None
    spelled = "".join(c for c in "".join(lazy_pinyin(term)).casefold() if c.isalnum())
    return spelled if len(spelled) >= 4 else None


def _ascii_alnum(c: str) -> str:
    if c.isascii() and c.isalpha():
        return "a"
    if c.isascii() and c.isdigit():
        return "d"
    return ""


class Engine:
    """The compiled form of a list of rules; built once per rulebook revision, shared by all requests."""

    def __init__(self, rules: Sequence[Rule], normaliser: Normaliser) -> None:
        self.rules = list(rules)
        self.normaliser = normaliser
        keys: dict[str, int] = {}
        self._owners: list[list[tuple[int, str]]] = []
        self._edges: list[tuple[str, str]] = []
        for ri, rule in enumerate(self.rules):
            for term in rule.terms:
                spellings = [normaliser.term(term)]
                if rule.pinyin and (spelled := pinyin_spelling(term)):
                    spellings.append(spelled)
                for key in spellings:
                    if not key:
                        continue
                    if key not in keys:
                        keys[key] = len(self._owners)
                        self._owners.append([])
                        self._edges.append((_ascii_alnum(key[0]), _ascii_alnum(key[-1])))
                    owners = self._owners[keys[key]]
                    if (ri, term) not in owners:
                        owners.append((ri, term))
        self.term_count = len(keys)
        self._ac = ahocorasick_rs.AhoCorasick(list(keys), matchkind=ahocorasick_rs.MATCHKIND_STANDARD) \
            if keys else None
        self._patterns: list[tuple[int, re.Pattern[str]]] = [
            (ri, p) for ri, r in enumerate(self.rules) for p in r.patterns]
        self._always: list[int] = []
        self._sets_needed: list[int] = []  # per pattern: how many literal sets must each have a hit
        literal_ids: dict[str, int] = {}
        self._literal_owners: list[list[tuple[int, int]]] = []  # (pattern, which of its literal sets)
        for pi, (_, pattern) in enumerate(self._patterns):
            sets = _prefilter_sets(pattern)
            self._sets_needed.append(len(sets))
            if not sets:
                self._always.append(pi)
            for si, literals in enumerate(sets):
                for lit in literals:
                    if lit not in literal_ids:
                        literal_ids[lit] = len(self._literal_owners)
                        self._literal_owners.append([])
                    self._literal_owners[literal_ids[lit]].append((pi, si))
        self._prefilter = ahocorasick_rs.AhoCorasick(list(literal_ids)) if literal_ids else None
        self._detector_rules = [i for i, r in enumerate(self.rules) if r.detectors]
        self._document_rules = [i for i, r in enumerate(self.rules) if r.document_level]
        self._applicable: dict[tuple[str, str, date], frozenset[int]] = {}
        self._covering: dict[tuple[int, str], tuple[str, ...]] = {}  # ids of this engine's own rules

    def applicable(self, kind: str, category: str, day: date) -> frozenset[int]:
        key = (kind, category, day)
        found = self._applicable.get(key)
        if found is None:
            found = frozenset(i for i, r in enumerate(self.rules) if r.applies(kind, category, day))
            if len(self._applicable) > 4096:
                self._applicable.clear()
            self._applicable[key] = found
        return found

    # -- matching -----------------------------------------------------------------------------------
    def findings(self, item: ScreenInput, day: date) -> list[Finding]:
        live = self.applicable(item.kind, item.category, day)
        if not live:
            return []
        norm = self.normaliser.normalise(item.text)
        flags = {"has_purchase_link": item.has_purchase_link, "labelled_as_ad": item.labelled_as_ad,
                 "has_registration_number": bool(item.registration_numbers)
                 or bool(REGISTRATION_NUMBER.search(norm.full.text))}
        # candidates: (rule index, original start, original end, compact span or None, via)
        cands: list[tuple[int, int, int, tuple[int, int] | None, str]] = []
        compact, full = norm.compact, norm.full
        if self._ac is not None and compact.text:
            for idx, s, e in self._ac.find_matches_as_indexes(compact.text, overlapping=True):
                owners = self._owners[idx]
                if not any(ri in live for ri, _ in owners):
                    continue
                os_, oe = compact.original_span(s, e)
                if not self._edges_ok(idx, norm, os_, oe):
                    continue
                for ri, term in owners:
                    if ri in live:
                        cands.append((ri, os_, oe, (s, e), term))
        for pi in self._patterns_to_run(full.text, compact.text):
            ri, pattern = self._patterns[pi]
            if ri not in live:
                continue
            for m in pattern.finditer(full.text):  # both views: "最 低 价" and "治愈率100%" alike
                if m.end() > m.start():
                    os_, oe = full.original_span(m.start(), m.end())
                    cands.append((ri, os_, oe, None, pattern.pattern))
            if compact.text != full.text:
                for m in pattern.finditer(compact.text):
                    if m.end() > m.start():
                        os_, oe = compact.original_span(m.start(), m.end())
                        cands.append((ri, os_, oe, (m.start(), m.end()), pattern.pattern))
        if self._detector_rules:
            spans: dict[str, list[tuple[int, int, str]]] = {}
            for ri in self._detector_rules:
                if ri not in live:
                    continue
                for name in self.rules[ri].detectors:
                    if name not in spans:
                        spans[name] = _checked_spans(detectors.get(name)(item.text), len(item.text))
                    cands.extend((ri, s, e, None, f"{name}:{label}") for s, e, label in spans[name])
        for ri in self._document_rules:
            if ri in live:
                cands.append((ri, 0, len(item.text), None, "document"))

        out: list[Finding] = []
        when_ok: dict[int, bool] = {}
        for ri, os_, oe, cspan, via in cands:
            rule = self.rules[ri]
            ok = when_ok.get(ri)
            if ok is None:
                ok = when_ok[ri] = all(flags[k] == v for k, v in rule.when.items())
            if not ok:
                continue
            span = cspan if cspan is not None else compact.view_span(os_, oe)
            if not _context_ok(rule, compact.text, span):
                continue
            if _exempt(rule, norm, span, os_, oe, self._covering):
                continue
            out.append(Finding(rule_id=rule.id, law=rule.citation.law, article=rule.citation.article_on(day),
                               severity=rule.severity, start=os_, end=oe, matched=item.text[os_:oe],
                               message=rule.message, suggestion=rule.suggestion, via=via))
        return _merge(out, item.text)

    def _patterns_to_run(self, full: str, compact: str) -> list[int]:
        """Patterns each of whose required literal sets has a hit in either view, plus those without any."""
        if self._prefilter is None:
            return self._always
        found: set[int] = set()  # literal ids: a common literal ("天") may occur many times
        for text in (full, compact) if compact != full else (full,):
            found.update(map(_FIRST, self._prefilter.find_matches_as_indexes(text, overlapping=True)))
        hit: set[tuple[int, int]] = set()
        for idx in found:
            hit.update(self._literal_owners[idx])
        sets_hit = Counter(pi for pi, _ in hit)
        needed = self._sets_needed
        return sorted([*self._always, *(pi for pi, n in sets_hit.items() if n == needed[pi])])

    def _edges_ok(self, idx: int, norm: Normalised, start: int, end: int) -> bool:
        """A term that starts/ends with an ASCII letter or digit must not sit inside a longer word
        (``weiyi`` in "we I yield", ``第1`` in ``第10``): checked against the full view's neighbours."""
        first, last = self._edges[idx]
        if not (first or last):
            return True
        full = norm.full
        fs, fe = full.view_span(start, end)
        if first and fs > 0 and _ascii_alnum(full.text[fs - 1]) == first:
            return False
        return not (last and fe < len(full.text) and _ascii_alnum(full.text[fe]) == last)


def _prefilter_sets(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """The pattern's best required-literal set, plus the others made of Chinese literals only.

    Each set must have a hit before the pattern runs. Sets with ASCII literals (digits, ``%``, ``kg``) are
    only worth it as the best one: they occur in most listings, and every occurrence costs a hit."""
    sets = required_literal_sets(pattern)
    return sets[:1] + tuple(s for s in sets[1:] if not any(lit.isascii() for lit in s))


def _checked_spans(spans: Any, n: int) -> list[tuple[int, int, str]]:
    out = []
    for s, e, label in spans:
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n):
            raise ValueError("detector returned a span outside the text")
        out.append((s, e, str(label)))
    return out


def _window(text: str, span: tuple[int, int], window: int | None) -> str:
    if window is None:
        return text
    return text[max(0, span[0] - window):span[1] + window]


def _context_ok(rule: Rule, compact: str, span: tuple[int, int]) -> bool:
    ctx = rule.context
    if ctx.empty:
        return True
    if ctx.document_forbids_any and any(t in compact for t in ctx.document_forbids_any):
        return False
    if ctx.document_requires_any and not any(t in compact for t in ctx.document_requires_any):
        return False
    if ctx.requires_any or ctx.forbids_any:
        around = _window(compact, span, ctx.window)
        if ctx.forbids_any and any(t in around for t in ctx.forbids_any):
            return False
        if ctx.requires_any and not any(t in around for t in ctx.requires_any):
            return False
    return True


def _exempt(rule: Rule, norm: Normalised, span: tuple[int, int], start: int, end: int,
            cache: dict[tuple[int, str], tuple[str, ...]]) -> bool:
    if not rule.exemptions:
        return False
    compact = norm.compact.text
    s, e = span
    matched = compact[s:e]
    for ex in rule.exemptions:
        if ex.whole_term:
            for word in _covering(ex, matched, cache):  # only words containing the match can cover it
                if compact.find(word, max(0, e - len(word)), s + len(word)) >= 0:
                    return True
        if ex.terms:
            around = _window(compact, span, ex.window)
            if any(t in around for t in ex.terms):
                return True
        if ex.patterns:
            full = norm.full
            around = _window(full.text, full.view_span(start, end), ex.window)
            if any(p.search(around) for p in ex.patterns):
                return True
    return False


def _covering(ex: Exemption, matched: str, cache: dict[tuple[int, str], tuple[str, ...]]) -> tuple[str, ...]:
    """The whole-term words that contain ``matched`` (cached per engine: its rules outlive the cache)."""
    key = (id(ex), matched)
    words = cache.get(key)
    if words is None:
        words = tuple(w for w in ex.whole_term if matched and matched in w)
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = words
    return words


def _merge(findings: list[Finding], text: str) -> list[Finding]:
    """One finding per rule and stretch of text: overlapping matches of the same rule (``全网最低`` and
    ``最低价``) become one finding over their union (``全网最低价``)."""
    findings.sort(key=lambda f: (f.rule_id, f.start, -f.end))
    out: list[Finding] = []
    for f in findings:
        last = out[-1] if out else None
        if last is not None and last.rule_id == f.rule_id and f.start < last.end:
            if f.end > last.end:
                out[-1] = replace(last, end=f.end, matched=text[last.start:f.end], via=f"{last.via}|{f.via}")
            continue
        out.append(f)
    out.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return out
