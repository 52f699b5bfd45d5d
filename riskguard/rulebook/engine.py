"""Matching and deciding for one set of rules: one automaton over every term, compiled regexes, detectors.

Terms of all rules go into ONE Aho-Corasick automaton (ahocorasick-rs, overlapping matches, character
offsets) run over the compact view, so the cost of a text is flat in the number of terms. Patterns run
over both views, detectors over the original text. Each candidate then passes the rule's scope,
``when``, ``context`` and ``exemptions`` before it becomes a :class:`Finding` with original offsets.

The same scan also reports which regex literals and exemption words occur at all (they are keys of the
automaton without owners; a second, small automaton looks in the full view for the literals the compact
view cannot show, such as ``%`` or ``gb/t``). A regex runs only when each of its required literal sets
occurs, and an exemption part is checked only when one of its words or literals occurs: absent from the
whole text means absent from every window of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

import ahocorasick_rs
from pypinyin import lazy_pinyin

from . import detectors
from .clauses import ClauseAnalyser, ClauseSpec, TextClauses
from .model import CATEGORIES, Exemption, Finding, Rule, ScreenInput, action_for
from .normalise import _SEPARATORS, Normalised, Normaliser, View, _t2s, spans_gap, squeeze
from .prefilter import required_literal_sets
from .sound import SoundTable, SoundView

__all__ = ["Engine", "pinyin_spelling", "REGISTRATION_NUMBER", "MEDICAL_IDENTITY"]

EXEMPTION_WINDOW = 20
_FIRST = itemgetter(0)
_HAN = re.compile(r"[\u3400-\u9fff]")
# Drug, medical-device and health-food approval numbers written into the copy count as carrying one.
REGISTRATION_NUMBER = re.compile(
    r"国药准字\s*[a-z]\d{8}|械注[准进许]\s*\d{8,11}|械备\s*\d{8}|国食健[注字]\s*[a-z]?\d{8,}|食健备\s*[a-z]?\d{8,}")
# What only a drug's, a medical institution's or a medical device's text carries: an approval or
# registration number, the OTC class, an ad-review number, the institution's licence or its 诊疗科目. A text
# that shows one, sent with no category or one of the caller's own, is that kind of goods, and the rules for
# it apply: a drug's indications are AdLaw-16's business, not AdLaw-17's (non-medical goods claiming
# medical effects), and a clinic's guarantee of no side effects is AdLaw-16's too.
MEDICAL_IDENTITY = (
    ("drug", re.compile(r"国药准字\s*[a-z]\s?[\dx]{8}|otc\s?[(（]?[甲乙]类|非处方药\s?[(（]?[甲乙]类|药品广告审查(?:批准)?文号|药广审")),
    ("medical_service", re.compile(r"医疗机构执业许可证|诊疗科目|医疗广告审查证明|医疗美容(?:门诊部|诊所|医院)")),
    ("medical_device", re.compile(r"医疗器械注册证|械注[准进许]")),
)

LiteralSets = tuple[frozenset[int], ...]  # key ids; each set needs one present


@lru_cache(maxsize=65536)
def pinyin_spelling(term: str) -> str | None:
    """``最好`` / ``最好`` → ``zuihao``; None for terms with fewer than two Chinese characters.

    Cached: a pure function of the term, asked for every term by the loader and again by each engine."""
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


@dataclass(frozen=True, slots=True)
class _Gate:
    """What must occur somewhere in a text before each part of an exemption can apply to it."""

    exemption: Exemption
    words: frozenset[int]                                   # whole_term words
    terms: frozenset[int]
    patterns: tuple[tuple[re.Pattern[str], LiteralSets], ...]
    # Some part can apply only if one of these occurs: a rule's four or five default exemptions are
    # asked about every candidate, and most of them are out of the question for the whole text.
    needs: frozenset[int]
    always: bool                                            # a pattern without a required literal


@dataclass(frozen=True, slots=True)
class _LiteralScan:
    """An automaton over some literals and the key id of each."""

    automaton: ahocorasick_rs.AhoCorasick
    ids: list[int]

    @classmethod
    def of(cls, literals: list[tuple[str, int]]) -> _LiteralScan | None:
        if not literals:
            return None
        return cls(ahocorasick_rs.AhoCorasick([k for k, _ in literals]), [i for _, i in literals])


@dataclass(frozen=True, slots=True)
class _RuleChecks:
    """A rule's ``when``, ``context`` and exemptions, looked up once per engine instead of per candidate."""

    rule: Rule
    when: tuple[tuple[str, bool], ...]
    context: bool  # the rule has a context condition
    gates: tuple[_Gate, ...]
    clause: ClauseSpec | None  # None: the rule asks nothing of its candidates' clauses


class Engine:
    """The compiled form of a list of rules; built once per rulebook revision, shared by all requests."""

    def __init__(self, rules: Sequence[Rule], normaliser: Normaliser) -> None:
        self.rules = list(rules)
        self.normaliser = normaliser
        self._keys: dict[str, int] = {}  # compact-view automaton: rule terms first, then literals
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
                    owners = self._owners[self._key(key)]
                    if (ri, term) not in owners:
                        owners.append((ri, term))
        self.term_count = len(self._keys)
        # Terms of four or more Chinese characters are also matched by sound (接近姆乳 → 接近母乳).
        self._sounds = SoundTable()
        sound_owners: dict[str, list[tuple[int, str]]] = {}
        for ri, rule in enumerate(self.rules):
            for term in rule.terms if rule.pinyin else ():
                key = self._sounds.key(normaliser.term(term))
                if key and (ri, term) not in (owners := sound_owners.setdefault(key, [])):
                    owners.append((ri, term))
        self._sound_owners = list(sound_owners.values())
        self._sound_terms = [normaliser.term(owners[0][1]) for owners in self._sound_owners]
        self._sound_ids = [self._keys[term] for term in self._sound_terms]  # its key id in the compact view
        self._sound_ac = ahocorasick_rs.AhoCorasick(list(sound_owners)) if sound_owners else None
        # Two Chinese characters side by side in some term: only between such a pair is a lone letter or
        # digit taken for one inserted to hide the term (``normalise.squeeze``).
        self._joins = frozenset(key[k:k + 2] for key in self._keys for k in range(len(key) - 1)
                                if _HAN.fullmatch(key[k]) and _HAN.fullmatch(key[k + 1]))
        self._views: dict[int, set[str]] = {}  # literal id → the views it is looked for in
        self._patterns: list[tuple[int, re.Pattern[str]]] = [
            (ri, p) for ri, r in enumerate(self.rules) for p in r.patterns]
        # A pattern is looked up by the literals of its first required set (the best: its literals are the
        # longest, so the rarest); its other sets, which often hold common characters (吃, 用, 人), are
        # checked only for the few patterns found so.
        self._first_of_literal: dict[int, list[int]] = {}           # literal id → patterns
        self._other_sets: list[LiteralSets] = []                    # pattern → its sets but the first
        self._always: list[int] = []                                # patterns without a required literal
        for pi, (_, pattern) in enumerate(self._patterns):
            sets = self._literal_ids(_prefilter_sets(pattern), "full", "compact")
            for lid in sets[0] if sets else ():
                self._first_of_literal.setdefault(lid, []).append(pi)
            if not sets:
                self._always.append(pi)
            self._other_sets.append(sets[1:])
        self._first_literals = frozenset(self._first_of_literal)  # set & frozenset walks the smaller one
        self._checks = [_RuleChecks(rule, tuple(rule.when.items()), not rule.context.empty,
                                    tuple(self._gate(ex) for ex in rule.exemptions),
                                    None if rule.clause.inert else rule.clause) for rule in self.rules]
        self._analyser = ClauseAnalyser(normaliser.full_term)
        self._strings = list(self._keys)  # key id → string (all keys are known from here on)
        # The compact automaton lists keys in id order, terms first: an index below term_count is a term.
        # Full-view literals made of letters and digits only are looked for in the compact view as well:
        # unless a variant phrase was rewritten, such a string is in the full view only if it is in the
        # compact view, so the full view then needs scanning for the other literals only (":", "%", "gb/t").
        views = {k: self._views.get(i, set()) for k, i in self._keys.items()}
        full_keys = [k for k, v in views.items() if "full" in v]
        compact_keys = [k for k, i in self._keys.items() if i < self.term_count or "compact" in views[k]
                        or ("full" in views[k] and not _SEPARATORS.search(k))]
        self._compact_ids = [self._keys[k] for k in compact_keys]
        self._ac = ahocorasick_rs.AhoCorasick(compact_keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD) \
            if compact_keys else None
        self._full_scan = _LiteralScan.of([(k, self._keys[k]) for k in full_keys])
        self._separated_scan = _LiteralScan.of([(k, self._keys[k]) for k in full_keys if _SEPARATORS.search(k)])
        self._detector_rules = [i for i, r in enumerate(self.rules) if r.detectors]
        # rules/platform/: the platform's own rules, which bind every text posted, ad or not
        self._platform_rule = [r.source.startswith(f"{_PLATFORM_DIR}/") for r in self.rules]
        self._document_rules = [i for i, r in enumerate(self.rules) if r.document_level]
        self._document_set = frozenset(self._document_rules)
        self._applicable: dict[tuple[str, str, date], frozenset[int]] = {}
        self._covering: dict[tuple[int, str], tuple[str, ...]] = {}  # ids of this engine's own rules

    def _key(self, key: str) -> int:
        idx = self._keys.get(key)
        if idx is None:
            idx = self._keys[key] = len(self._owners)
            self._owners.append([])
            self._edges.append((_ascii_alnum(key[0]), _ascii_alnum(key[-1])))
        return idx

    def _literal_ids(self, sets: Iterable[Iterable[str]], *views: str) -> LiteralSets:
        """Key ids of literals whose presence is looked for in ``views`` (full, compact)."""
        out = tuple(frozenset(self._key(lit) for lit in s) for s in sets)
        for lid in frozenset().union(*out):
            self._views.setdefault(lid, set()).update(views)
        return out

    def _gate(self, ex: Exemption) -> _Gate:
        (words,), (terms,) = (self._literal_ids([strings], "compact") for strings in (ex.whole_term, ex.terms))
        patterns = tuple((p, self._literal_ids(_prefilter_sets(p), "full")) for p in ex.patterns)
        return _Gate(ex, words, terms, patterns, words.union(terms, *(sets[0] for _, sets in patterns if sets)),
                     any(not sets for _, sets in patterns))

    def applicable(self, kind: str, category: str, day: date) -> frozenset[int]:
        key = (kind, category, day)
        found = self._applicable.get(key)
        if found is None:
            found = frozenset(i for i, r in enumerate(self.rules) if r.applies(kind, category, day))
            if len(self._applicable) > 4096:
                self._applicable.clear()
            self._applicable[key] = found
        return found

    def _as_shown(self, live: frozenset[int], kind: str, category: str, day: date) -> frozenset[int]:
        """The rules for a text that shows it is a drug, a clinic or a device (MEDICAL_IDENTITY) though not sent
        as one: those among ``live`` that apply to the shown category, and its rules about claims. What such
        a text must carry (a licence or approval number: document-level rules) is asked of a declared
        category only; read from the text, the category decides which law a claim breaks, not which papers
        are missing."""
        shown = self.applicable(kind, category, day)
        return (live & shown) | frozenset(i for i in shown if i not in self._document_set)

    # -- matching -----------------------------------------------------------------------------------
    def findings(self, item: ScreenInput, day: date, severity_actions: Mapping[str, str] | None = None
                 ) -> list[Finding]:
        """The findings of ``item``. With a policy's ``severity_actions`` each carries the action the policy
        gives it (the rule's own action first), so ``decide`` need not copy it; without, ``review``."""
        live = self.applicable(item.kind, item.category, day)
        if not live:
            return []
        norm = self.normaliser.normalise(item.text)
        if item.category not in CATEGORIES or item.category == "general":
            shown = next((c for c, pattern in MEDICAL_IDENTITY if pattern.search(norm.full.text)), None)
            if shown is not None:
                live = self._as_shown(live, item.kind, shown, day)
        # candidates: (rule index, original start, original end, compact span or None, via)
        cands: list[tuple[int, int, int, tuple[int, int] | None, str]] = []
        compact, full = norm.compact, norm.full
        present: set[int] = set()  # key ids found in either view
        if self._ac is not None and compact.text:
            matches = self._ac.find_matches_as_indexes(compact.text, overlapping=True)
            present.update(map(self._compact_ids.__getitem__, map(_FIRST, matches)))
            term_count, owners_of = self.term_count, self._owners
            for idx, s, e in matches:
                if idx >= term_count:
                    continue  # a literal: its presence is all that matters
                owners = owners_of[idx]
                if not any(ri in live for ri, _ in owners):
                    continue
                os_, oe = compact.original_span(s, e)
                if not self._edges_ok(idx, norm, os_, oe):
                    continue
                for ri, term in owners:
                    if ri in live:
                        cands.append((ri, os_, oe, (s, e), term))
            squeezed, gaps = squeeze(compact, item.text, self._joins)  # a letter or digit inserted into a word
            if squeezed is not None:
                cands.extend(self._squeezed_candidates(squeezed, gaps, norm, live))
            if self._sound_ac is not None:
                cands.extend(self._sound_candidates(norm, live, present))
        scan = self._full_scan if norm.rephrased else self._separated_scan
        if scan is not None:
            present.update(map(scan.ids.__getitem__,
                               map(_FIRST, scan.automaton.find_matches_as_indexes(full.text, overlapping=True))))
        # A pattern's ``claim`` group, where it has one, is the word that makes the claim (假货 in 「X家的…都是
        # 假货」): polarity, names and target are judged there (original offsets, by candidate index).
        focus: dict[int, tuple[int, int]] = {}
        for pi in self._patterns_to_run(present):
            ri, pattern = self._patterns[pi]
            if ri not in live:
                continue
            for m in pattern.finditer(full.text):  # both views: "最 低 价" and "治愈率100%" alike
                if m.end() > m.start():
                    os_, oe = full.original_span(m.start(), m.end())
                    _note_focus(focus, len(cands), m, full)
                    cands.append((ri, os_, oe, None, pattern.pattern))
            if compact.text != full.text:
                for m in pattern.finditer(compact.text):
                    if m.end() > m.start():
                        os_, oe = compact.original_span(m.start(), m.end())
                        # The compact view undoes marks inserted into a word (最.低.价); it must not join two
                        # sentences into one claim (…就是这个价。凡是有人冒充…).
                        if _SENTENCE_END.search(item.text, os_, oe):
                            continue
                        _note_focus(focus, len(cands), m, compact)
                        cands.append((ri, os_, oe, (m.start(), m.end()), pattern.pattern))
        if self._detector_rules:
            spans: dict[str, list[tuple[int, int, str]]] = {}
            disguised: bool | None = None  # found on first need
            for ri in self._detector_rules:
                if ri not in live:
                    continue
                for name in self.rules[ri].detectors:
                    if name not in spans:
                        detector = detectors.get(name)
                        spans[name] = _checked_spans(detector(item.text), len(item.text))
                        if disguised is None:
                            disguised = _has_disguised_digits(item.text, full)
                        if disguised:
                            spans[name] = _with_disguised(spans[name], detector, full)
                    cands.extend((ri, s, e, None, f"{name}:{label}") for s, e, label in spans[name])
        # A document-level rule asks what an ad must carry (a mandated warning, a number); a notice that
        # reports cases or warns consumers (【通报】…, no purchase path) is not an ad and owes none of it.
        # Nor does a correction, recall, platform or after-sales rule, judgment or news report that says so
        # in its heading and sells nothing (更正声明:, 召回公告:, 法院审理查明): it is not commercial promotion
        # (广告法 Art. 2), so no claim a law pack looks for is asserted in it either. The platform's own
        # rules (off-platform diversion) still apply: a fake 平台公告 that asks buyers to add a WeChat is one.
        # A claim the author makes of its own goods there (「售后说明:本品能根治…」, outside a quotation) is
        # still promotion: a heading must not be a way round the law packs.
        rep = self._analyser.reported
        units = _Units(self._analyser, norm)  # clauses and sentences, split on first need
        not_ad = not item.has_purchase_link and rep.not_an_ad(full.text)
        if not_ad:

            def own(start: int, end: int) -> bool:
                fs, fe = full.view_span(start, end)
                return rep.own_claim(full.text, fs, fe, units.clauses.sentence(fs))

            cands = [c for c in cands if self._platform_rule[c[0]] or own(c[1], c[2])]
        notice: bool | None = None
        for ri in self._document_rules:
            if ri in live:
                if notice is None:
                    notice = not_ad or (not item.has_purchase_link and rep.notice(full.text))
                if not notice:
                    cands.append((ri, 0, len(item.text), None, "document"))

        kept: list[tuple[str, int, int, str, int]] = []  # (rule id, start, end, via, rule index)
        flags: dict[str, bool] | None = None  # the request facts ``when`` looks at, found on first need
        for ci, (ri, os_, oe, cspan, via) in enumerate(cands):
            checks = self._checks[ri]
            if checks.when:
                if flags is None:
                    flags = _flags(item, full.text)
                if not all(flags[k] == v for k, v in checks.when):
                    continue
            if checks.context or checks.gates:
                span = cspan if cspan is not None else compact.view_span(os_, oe)
                if checks.context and not _context_ok(checks.rule, compact.text, span):
                    continue
                if checks.gates and self._exempt(checks.gates, present, norm, span, os_, oe, units):
                    continue
            if checks.clause is not None and not units.claim_ok(checks.clause, *focus.get(ci, (os_, oe))):
                continue
            kept.append((checks.rule.id, os_, oe, via, ri))
        return [self._finding(ri, start, end, via, item.text, day, severity_actions)
                for _, start, end, via, ri in _merge(kept)]

    def _squeezed_candidates(self, squeezed: View, gaps: list[int], norm: Normalised, live: frozenset[int]
                             ) -> Iterator[tuple[int, int, int, None, str]]:
        """Term matches in the squeezed view that span a character taken out (the others are the compact
        view's own matches), as candidates with original offsets."""
        assert self._ac is not None
        for idx, s, e in self._ac.find_matches_as_indexes(squeezed.text, overlapping=True):
            if idx < self.term_count and spans_gap(gaps, s, e):
                os_, oe = squeezed.original_span(s, e)
                if self._edges_ok(idx, norm, os_, oe):
                    yield from ((ri, os_, oe, None, term) for ri, term in self._owners[idx] if ri in live)

    def _sound_candidates(self, norm: Normalised, live: frozenset[int], present: set[int]
                          ) -> Iterator[tuple[int, int, int, tuple[int, int], str]]:
        """Long terms written with other characters of the same sound, as candidates. A term the compact
        view found as written is left to it (a text that writes it both ways is rare)."""
        assert self._sound_ac is not None
        compact = norm.compact
        sounds = SoundView(compact.text, self._sounds)
        text = sounds.text
        for idx, s, e in self._sound_ac.find_matches_as_indexes(text, overlapping=True):
            if (e < len(text) and text[e].islower()) or self._sound_ids[idx] in present:
                continue  # the match ends inside a syllable, or the term is there as written
            span = sounds.compact_span(s, e)
            if span is None or compact.text[span[0]:span[1]] == self._sound_terms[idx]:
                continue
            os_, oe = compact.original_span(*span)
            yield from ((ri, os_, oe, span, term) for ri, term in self._sound_owners[idx] if ri in live)

    def _exempt(self, gates: tuple[_Gate, ...], present: set[int], norm: Normalised, span: tuple[int, int],
                start: int, end: int, units: _Units) -> bool:
        """Whether an exemption applies. Each part is checked only if some word or literal it needs is
        ``present`` in the text, and only those words are looked for near the match."""
        compact = norm.compact.text
        s, e = span
        for gate in gates:
            if not gate.always and gate.needs.isdisjoint(present):
                continue
            ex = gate.exemption
            if ex.whole_term and not gate.words.isdisjoint(present):
                for word in _covering(ex, compact[s:e], self._covering):  # only words containing the match
                    if compact.find(word, max(0, e - len(word)), s + len(word)) >= 0:
                        return True
            if ex.terms and not gate.terms.isdisjoint(present):
                if isinstance(ex.window, str):
                    around = units.text(ex.window, start, end, compact=True)
                else:
                    around = _window(compact, span, ex.window)
                if any(self._strings[lid] in around for lid in gate.terms & present):
                    return True
            around = None
            for pattern, sets in gate.patterns:
                for ids in sets:  # a loop, not all(<generator>): this runs for every candidate and gate
                    if ids.isdisjoint(present):
                        break
                else:
                    if around is None:
                        if isinstance(ex.window, str):
                            around = units.text(ex.window, start, end, compact=False)
                        else:
                            full = norm.full
                            around = _window(full.text, full.view_span(start, end), ex.window)
                    if pattern.search(around):
                        return True
        return False

    def _finding(self, ri: int, start: int, end: int, via: str, text: str, day: date,
                 severity_actions: Mapping[str, str] | None) -> Finding:
        rule = self.rules[ri]
        action = "review" if severity_actions is None else action_for(rule.action, rule.severity, severity_actions)
        return Finding(rule_id=rule.id, law=rule.citation.law, article=rule.citation.article_on(day),
                       severity=rule.severity, start=start, end=end, matched=text[start:end],
                       message=rule.message, suggestion=rule.suggestion, action=action, via=via)

    def _patterns_to_run(self, present: set[int]) -> list[int]:
        """Patterns each of whose required literal sets has a hit in either view, plus those without any."""
        maybe = set(self._always)
        for lid in present & self._first_literals:
            maybe.update(self._first_of_literal[lid])
        others = self._other_sets
        return sorted(pi for pi in maybe if all(not ids.isdisjoint(present) for ids in others[pi]))

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


class _Units:
    """One text's clause analysis, made on first need (most texts have no candidate that asks)."""

    __slots__ = ("_analyser", "_norm", "_clauses")

    def __init__(self, analyser: ClauseAnalyser, norm: Normalised) -> None:
        self._analyser, self._norm = analyser, norm
        self._clauses: TextClauses | None = None

    @property
    def clauses(self) -> TextClauses:
        if self._clauses is None:
            self._clauses = self._analyser.analyse(self._norm.full.text)
        return self._clauses

    def text(self, unit: str, start: int, end: int, *, compact: bool) -> str:
        """The clause or sentence of original ``[start, end)``, in the compact or the full view."""
        full = self._norm.full
        us, ue = self.clauses.unit(unit, full.view_span(start, end)[0])
        if not compact:
            return full.text[us:ue]
        view = self._norm.compact
        cs, ce = view.view_span(*full.original_span(us, ue))
        return view.text[cs:ce]

    def claim_ok(self, spec: ClauseSpec, start: int, end: int) -> bool:
        """Whether a candidate at original ``[start, end)`` is a claim the rule's ``clause`` accepts."""
        tc, full = self.clauses, self._norm.full
        fs, fe = full.view_span(start, end)
        if spec.negated != "keep" and (tc.negated(fs, fe) != (spec.negated == "only") or tc.reported(fs, fe)):
            return False
        if spec.names == "suppress":
            original = self._norm.original
            if tc.in_name(fs, fe, original, start, end, pinyin=original[start:end].isascii()):
                return False
        if spec.target != "any":
            target = tc.target(fs, fe)
            if (spec.target == "third_party") != (target == "third_party"):
                return False
        if spec.requires_any or spec.forbids_any:
            around = self.text(spec.unit, start, end, compact=True)
            if spec.forbids_any and any(t in around for t in spec.forbids_any):
                return False
            if spec.requires_any and not any(t in around for t in spec.requires_any):
                return False
        return True


# The folder of rules/ that holds the platform's own rules (not a law's: they apply to notices too).
_PLATFORM_DIR = "platform"

# Where a sentence ends in the text as written (full-width and half-width).
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


def _note_focus(focus: dict[int, tuple[int, int]], index: int, m: re.Match[str], view: View) -> None:
    """Record the original span of ``m``'s ``claim`` group, if the pattern has one and it took part."""
    if "claim" in m.re.groupindex and m.start("claim") < m.end("claim"):
        focus[index] = view.original_span(*m.span("claim"))


def _flags(item: ScreenInput, full: str) -> dict[str, bool]:
    return {"has_purchase_link": item.has_purchase_link, "labelled_as_ad": item.labelled_as_ad,
            "has_registration_number": bool(item.registration_numbers) or bool(REGISTRATION_NUMBER.search(full))}


def _prefilter_sets(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """The pattern's best required-literal set, plus the others made of Chinese literals only.

    Each set must have a hit before the pattern runs. Sets with ASCII literals (digits, ``%``, ``kg``) are
    only worth it as the best one: they occur in most listings, and every occurrence costs a hit."""
    sets = required_literal_sets(pattern)
    return sets[:1] + tuple(s for s in sets[1:] if not any(lit.isascii() for lit in s))


_DIGIT_RUN = re.compile(r"\d{5,}")  # long enough for a QQ number; the full view's digits are ASCII


def _has_disguised_digits(text: str, full: View) -> bool:
    """Whether a run of five or more digits in the full view was written otherwise in the text: in
    Chinese numerals (一三八…, 壹叁捌…), circled or full-width digits. Detectors look at the text as
    written, so such a contact number needs a second look through the full view."""
    for m in _DIGIT_RUN.finditer(full.text):
        start, end = full.original_span(m.start(), m.end())
        if not text[start:end].isascii():
            return True
    return False


def _with_disguised(spans: list[tuple[int, int, str]], detector: detectors.Detector, full: View
                    ) -> list[tuple[int, int, str]]:
    """``spans`` plus what ``detector`` finds in the full view, mapped back to the text (once each)."""
    seen = {(s, e) for s, e, _ in spans}
    out = list(spans)
    for s, e, label in _checked_spans(detector(full.text), len(full.text)):
        start, end = full.original_span(s, e)
        if (start, end) not in seen:
            seen.add((start, end))
            out.append((start, end, label))
    return out


def _checked_spans(spans: Any, n: int) -> list[tuple[int, int, str]]:
    out = []
    for s, e, label in spans:
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n):
            raise ValueError("detector returned a span outside the text")
        out.append((s, e, str(label)))
    return out


def _window(text: str, span: tuple[int, int], window: int | str | None) -> str:
    if window is None:
        return text
    return text[max(0, span[0] - window):span[1] + window]


def _context_ok(rule: Rule, compact: str, span: tuple[int, int]) -> bool:
    ctx = rule.context
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


def _merge(kept: list[tuple[str, int, int, str, int]]) -> list[tuple[str, int, int, str, int]]:
    """One finding per rule and stretch of text: overlapping matches of the same rule (``全网最低`` and
    ``最低价``) become one finding over their union (``全网最低价``). In and out: (rule id, start, end,
    via, rule index); out in text order."""
    kept.sort(key=lambda k: (k[0], k[1], -k[2]))
    out: list[tuple[str, int, int, str, int]] = []
    for k in kept:
        last = out[-1] if out else None
        if last is not None and last[0] == k[0] and k[1] < last[2]:
            if k[2] > last[2]:
                out[-1] = (last[0], last[1], k[2], f"{last[3]}|{k[3]}", last[4])
            continue
        out.append(k)
    out.sort(key=lambda k: (k[1], k[2], k[0]))
    return out
