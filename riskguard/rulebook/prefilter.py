"""Required literals of a regex: a pattern runs only on texts that contain them.

Python's ``re`` scans every position for a pattern that does not start with a literal, so 80 such
patterns cost milliseconds per text. Most patterns nevertheless require some literal (``(?:\\d+|十)天
(?:见效|有效)`` cannot match without 见效 or 有效); those literals go into one Aho-Corasick automaton and
a pattern is run only when one of its literals occurs. Patterns with no such literal always run.

A pattern often requires several such sets at once (``天`` or ``日`` … AND ``见效`` or ``瘦`` …);
``required_literal_sets`` returns all of them, and a pattern runs only when each set has a hit: ``天``
alone is in every other listing ("七天无理由退换"), ``天`` together with ``见效`` is rare.

An alternation requires the union of one set of each alternative. That union may hold hundreds of
literals (a list of 150 disease names after ``吃了…``) and still be worth it: the automaton's cost does not
grow with its keys, while a pattern led by ``(?:吃|喝|用…)`` costs tens of microseconds per text to run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

try:  # Python 3.11+
    import re._constants as C  # noqa: N812
    import re._parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]  # noqa: N812
    import sre_parse  # type: ignore[no-redef]

__all__ = ["required_literals", "required_literal_sets"]

_MAX_SET = 64      # give up on literal sets larger than this
_MAX_UNION = 512  # a branch's union of literal sets, one per alternative: one automaton pass whatever its size
_MAX_CLASS = 12    # a character class of at most this many characters counts as literal alternatives

Strings = frozenset[str] | None


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """A set S such that every match of ``pattern`` contains some s in S; None if there is none."""
    return _best(required_literal_sets(pattern))


def required_literal_sets(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets S1 … Sn such that every match of ``pattern`` contains some s in each Si (none known: ``()``).

    Best first; a set implied by one before it is left out (``{be}`` after ``{best}``: every text with a
    hit of the first has a hit of the second). Cached per pattern: every policy's engine asks again."""
    return _literal_sets(pattern.pattern, pattern.flags)


@lru_cache(maxsize=8192)
def _literal_sets(source: str, flags: int) -> tuple[frozenset[str], ...]:
    # ``flags`` are a compiled pattern's own, so parsing needs no second compile (a rulebook has more
    # patterns than ``re``'s own cache holds, so that compile was a real one each time).
    try:
        parsed = sre_parse.parse(source, flags)
    except Exception:  # noqa: BLE001 - an unparseable pattern is simply never prefiltered
        return ()
    if flags & re.IGNORECASE:
        return ()
    kept: list[frozenset[str]] = []
    for s in sorted(dict.fromkeys(_factors(list(parsed))), key=_score, reverse=True):  # ties: pattern order
        if not any(_implies(k, s) for k in kept):
            kept.append(s)
    return tuple(kept)


def _implies(a: frozenset[str], b: frozenset[str]) -> bool:
    """Every string of ``a`` contains a string of ``b``."""
    return all(any(y in x for y in b) for x in a)


def _exact(item: tuple) -> Strings:  # type: ignore[type-arg]
    """The finite set of strings ``item`` matches, or None."""
    op, av = item
    if op is C.LITERAL:
        return frozenset({chr(av)})
    if op is C.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is C.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is C.RANGE and sub_av[1] - sub_av[0] < _MAX_CLASS:
                chars.update(chr(c) for c in range(sub_av[0], sub_av[1] + 1))
            else:
                return None
        return frozenset(chars) if 0 < len(chars) <= _MAX_CLASS else None
    if op is C.SUBPATTERN:
        return _exact_seq(list(av[-1]))
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            got = _exact_seq(list(branch))
            if got is None:
                return None
            out |= got
        return frozenset(out) if len(out) <= _MAX_SET else None
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, inner = av
        if lo == hi == 1:
            return _exact_seq(list(inner))
        if lo == 0 and hi == 1:
            got = _exact_seq(list(inner))
            return None if got is None else frozenset(got | {""})
        return None
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset({""})  # zero-width
    return None


def _exact_seq(items: list) -> Strings:  # type: ignore[type-arg]
    out: frozenset[str] = frozenset({""})
    for item in items:
        got = _exact(item)
        if got is None:
            return None
        combined = frozenset(a + b for a, b in product(out, got))
        if len(combined) > _MAX_SET:
            return None
        out = combined
    return out


def _score(s: frozenset[str]) -> tuple[int, int]:
    return (min(len(x) for x in s), -len(s))


def _smallest(sets: list[frozenset[str]]) -> frozenset[str]:
    """The set with the fewest strings (of those, the longest shortest string): 闭眼 rather than the 18
    ways 闭眼…不亏 can be written, when a union of the best sets of many branches grows too large."""
    return min(sets, key=lambda s: (len(s), -min(map(len, s))))


def _best(sets: list[frozenset[str]] | tuple[frozenset[str], ...]) -> Strings:
    return max(sets, key=_score) if sets else None


def _factors(items: list) -> list[frozenset[str]]:  # type: ignore[type-arg]
    """The required-literal sets of a sequence: from runs of exact items and from mandatory sub-items."""
    found: list[frozenset[str]] = []

    def consider(candidate: Strings | list[frozenset[str]]) -> None:
        for c in candidate if isinstance(candidate, list) else (candidate,):
            if c and "" not in c:
                found.append(c)

    run: frozenset[str] | None = frozenset({""})
    for item in items:
        got = _exact(item)
        if got is not None and run is not None:
            combined = frozenset(a + b for a, b in product(run, got))
            if len(combined) <= _MAX_SET:
                run = combined
                consider(run)
                continue
        if got is not None:
            run = got
            consider(run)
            continue
        consider(run)
        run = frozenset({""})
        consider(_inner_factors(item))
    consider(run)
    return found


def _inner_factors(item: tuple) -> list[frozenset[str]]:  # type: ignore[type-arg]
    op, av = item
    if op is C.SUBPATTERN:
        return _factors(list(av[-1]))
    if op is C.BRANCH:  # the union of one set of each branch: of the best sets, and of the smallest
        choices = [_factors(list(branch)) for branch in av[1]]
        if not all(choices):
            return []
        unions = (frozenset().union(*(max(c, key=_score) for c in choices)),
                  frozenset().union(*map(_smallest, choices)))
        return [u for u in dict.fromkeys(unions) if len(u) <= _MAX_UNION]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
        return _factors(list(av[2]))
    return []
