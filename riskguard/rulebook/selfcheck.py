"""The rule packs' own tests and lint: ``riskguard rules test`` and ``riskguard rules lint``.

Every rule carries ``must_match`` / ``must_not_match`` examples; ``run_examples`` screens each through
the full engine (normalisation, automaton, patterns, detectors, scope, context, exemptions) with all
packs loaded, and reports the ones that do not behave.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .decisions import today
from .loader import ALL, Rulebook
from .model import KINDS, Finding, Rule, ScreenInput

__all__ = ["ExampleFailure", "run_examples", "run_library_examples", "library_users", "static_warnings", "example_input", "lint", "MIN_EXAMPLES"]

MIN_EXAMPLES = 10


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    source: str
    expectation: str     # must_match | must_not_match
    index: int
    text: str
    got: tuple[str, ...]  # the findings of this rule (must_not_match) or of any rule (must_match)

    def __str__(self) -> str:
        if self.expectation.startswith("exemption"):
            what = ("a finding of a rule using it" if self.expectation.endswith("must_match")
                    else "no finding of any rule using it")
            return (f"{self.source}: {self.rule_id} {self.expectation}[{self.index}]: got {what}: "
                    f"{self.text!r} (findings: {', '.join(self.got) or 'none'})")
        what = "no finding of this rule" if self.expectation == "must_match" else "a finding of this rule"
        return (f"{self.source}: {self.rule_id} {self.expectation}[{self.index}]: got {what}: "
                f"{self.text!r} (findings: {', '.join(self.got) or 'none'})")


def example_input(example: dict[str, Any]) -> ScreenInput:
    published = example.get("published_at")
    return ScreenInput(text=example["text"], kind=example.get("kind", "ad"),
                       category=example.get("category", "general"),
                       has_purchase_link=example.get("has_purchase_link", False),
                       labelled_as_ad=example.get("labelled_as_ad", False),
                       registration_numbers=tuple(example.get("registration_numbers", ())),
                       published_at=date.fromisoformat(published) if published else None)


def screen_example(book: Rulebook, example: dict[str, Any]) -> list[Finding]:
    item = example_input(example)
    return book.engine(ALL).findings(item, item.published_at or today())


def run_examples(book: Rulebook, rules: list[Rule] | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[int, list[ExampleFailure]]:
    """(number of examples run, failures); ``progress`` is told of each rule done."""
    failures: list[ExampleFailure] = []
    count = 0
    for rule in rules if rules is not None else book.rules.values():
        if progress is not None:
            progress(1)
        for expectation, examples in (("must_match", rule.must_match), ("must_not_match", rule.must_not_match)):
            for i, example in enumerate(examples):
                count += 1
                findings = screen_example(book, example)
                mine = [f for f in findings if f.rule_id == rule.id]
                if (expectation == "must_match") != bool(mine):
                    shown = mine if mine else findings
                    failures.append(ExampleFailure(rule.id, rule.source, expectation, i, example["text"],
                                                   tuple(f"{f.rule_id}@{f.start}:{f.matched}" for f in shown)))
    if rules is None:
        library_count, library_failures = run_library_examples(book)
        count += library_count
        failures.extend(library_failures)
    return count, failures


def library_users(book: Rulebook, exemption_id: str) -> frozenset[str]:
    """The ids of the rules that use a library exemption (by ``use`` or as a default)."""
    ex = book.library[exemption_id].exemption
    return frozenset(r.id for r in book.rules.values() if any(e is ex for e in r.exemptions))


def run_library_examples(book: Rulebook) -> tuple[int, list[ExampleFailure]]:
    """A library exemption's ``must_match`` texts draw no finding from the rules using it; each of its
    ``must_not_match`` texts draws one from some rule using it (so the exemption is not everything)."""
    failures: list[ExampleFailure] = []
    count = 0
    for ex_id, lib in book.library.items():
        users = library_users(book, ex_id)
        for expectation, examples in (("must_match", lib.must_match), ("must_not_match", lib.must_not_match)):
            for i, example in enumerate(examples):
                count += 1
                findings = screen_example(book, example)
                mine = [f for f in findings if f.rule_id in users]
                if (expectation == "must_match") == bool(mine) or not users:
                    shown = mine if mine else findings
                    failures.append(ExampleFailure(ex_id, lib.source, f"exemption {expectation}", i, example["text"],
                                                   tuple(f"{f.rule_id}@{f.start}:{f.matched}" for f in shown)))
    return count, failures


def static_warnings(book: Rulebook) -> list[str]:
    """The lint warnings that need no screening (loading counts them in ``rulebook.loaded``)."""
    warnings: list[str] = []
    for rule in book.rules.values():
        if not rule.id.startswith(rule.pack + "."):
            warnings.append(f"{rule.source}: {rule.id}: id does not start with its pack id {rule.pack!r}")
        if not rule.must_match:
            warnings.append(f"{rule.source}: {rule.id}: no must_match example")
        for term, n in Counter(book.normaliser.term(t) for t in rule.terms).items():
            if n > 1:
                warnings.append(f"{rule.source}: {rule.id}: term {term!r} listed {n} times (after normalisation)")
        for p in rule.patterns:
            for key in book.normaliser.phrase_keys:
                if key in p.pattern:
                    warnings.append(f"{rule.source}: {rule.id}: pattern {p.pattern!r} contains {key!r}, which "
                                    "the variant map rewrites: write its canonical form")
        for example in (*rule.must_match, *rule.must_not_match):
            if example.get("kind", "ad") not in rule.kinds:
                warnings.append(f"{rule.source}: {rule.id}: example of kind {example.get('kind', 'ad')!r} is "
                                "outside the rule's scope (it cannot fire)")
    for ex_id, lib in book.library.items():
        if not library_users(book, ex_id):
            warnings.append(f"{lib.source}: {ex_id}: no rule uses this exemption")
    for name, lex in book.lexicons.items():
        if not any(name in r.lexicons for r in book.rules.values()):
            warnings.append(f"{lex.source}: {{{{{name}}}}}: no rule pattern uses this lexicon")
        for word, n in Counter(book.normaliser.term(w) for w in lex.words).items():
            if n > 1:
                warnings.append(f"{lex.source}: {{{{{name}}}}}: word {word!r} listed {n} times (after normalisation)")
    return warnings


def lint(book: Rulebook) -> tuple[list[str], list[str]]:
    """(errors, warnings) beyond what loading already enforces (schema, ids, regexes, detectors)."""
    errors: list[str] = list(book.warnings)
    warnings = static_warnings(book)
    for kind in KINDS:
        if not any(kind in p.default_for for p in book.policies.values()):
            errors.append(f"policies: no policy has default_for: [{kind}]")
    per_pack: dict[str, Counter[str]] = {}
    for rule in book.rules.values():
        c = per_pack.setdefault(rule.pack, Counter())
        c["must_match"] += len(rule.must_match)
        c["must_not_match"] += len(rule.must_not_match)
        unused = _unexercised_terms(book, rule)
        if unused:
            warnings.append(f"{rule.source}: {rule.id}: {len(unused)} of {len(rule.terms)} terms exercised by "
                            f"no must_match example: {', '.join(unused[:12])}{' …' if len(unused) > 12 else ''}")
    for pack, counts in sorted(per_pack.items()):
        for expectation in ("must_match", "must_not_match"):
            if counts[expectation] < MIN_EXAMPLES:
                errors.append(f"pack {pack}: {counts[expectation]} {expectation} examples (at least "
                              f"{MIN_EXAMPLES} required)")
    return errors, warnings


def _unexercised_terms(book: Rulebook, rule: Rule) -> list[str]:
    if not rule.terms:
        return []
    fired: set[str] = set()
    for example in rule.must_match:
        fired.update(f.via for f in screen_example(book, example) if f.rule_id == rule.id)
    return [t for t in rule.terms if t not in fired]
