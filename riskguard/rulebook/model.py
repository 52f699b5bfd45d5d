"""What the rule packs and policies say once loaded, and what screening produces.

``Rule`` and ``Policy`` are the validated, normalised form of the YAML; ``Finding`` and ``Decision``
are the engine's output. Nothing here knows about HTTP or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .clauses import ClauseSpec

__all__ = ["KINDS", "CATEGORIES", "CATEGORY_FAMILIES", "CATEGORY_PATTERN", "SEVERITIES", "ACTIONS", "Citation", "Exemption", "Context", "Rule",
           "Policy", "Finding", "Decision", "ScreenInput", "ENGINE_ERROR", "action_for"]

KINDS = ("ad", "listing", "livestream")
CATEGORIES = ("general", "apparel", "cosmetics", "food", "health_food", "medical_device", "medical_device_class2",
              "medical_device_class3", "drug", "medical_service", "publications", "education", "finance",
              "agriculture", "real_estate", "baby", "infant_food", "electronics", "pet", "alcohol")
# A category also counts as its families: a rule scoped to ``medical_device`` applies to class 2 and 3
# devices, one scoped to ``medical_device_class2`` applies to a device whose class is not given, and food
# rules apply to infant food. Any other well-formed category string is accepted and gets the rules that are
# not scoped to categories (an unknown value never fails a request or a batch).
CATEGORY_FAMILIES: dict[str, frozenset[str]] = {
    "medical_device": frozenset({"medical_device_class2", "medical_device_class3"}),
    "medical_device_class2": frozenset({"medical_device"}),
    "medical_device_class3": frozenset({"medical_device"}),
    "infant_food": frozenset({"food", "baby"}),
    # Callers' own names for the same goods (a shop's catalogue says 'beer' or 'property'): the law that
    # governs the goods does not change with the label, so each counts as the category it is a kind of.
    **dict.fromkeys(("wine", "beer", "baijiu", "huangjiu", "fruit_wine", "health_liquor", "liquor", "spirits"),
                    frozenset({"alcohol"})),
    "property": frozenset({"real_estate"}),
    "infant_formula": frozenset({"infant_food", "food", "baby"}),
    "maternal_baby": frozenset({"baby"}),
    **dict.fromkeys(("seeds", "pesticides", "feed", "fertilizer"), frozenset({"agriculture"})),
    "pets": frozenset({"pet"}),
    "books": frozenset({"publications"}),
    **dict.fromkeys(("haircare", "skincare", "personal_care"), frozenset({"cosmetics"})),
    **dict.fromkeys(("seafood", "fresh_produce", "condiments", "snacks"), frozenset({"food"})),
}
CATEGORY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
SEVERITIES = ("info", "low", "medium", "high", "critical")
ACTIONS = ("allow", "review", "block")  # in increasing order of strictness
ENGINE_ERROR = "ENGINE_ERROR"


def action_for(rule_action: str | None, severity: str, severity_actions: Mapping[str, str]) -> str:
    """What a policy does with a finding: the rule's own ``action`` wins over the policy's severity map."""
    return rule_action or severity_actions.get(severity, "review")


@dataclass(frozen=True)
class Numbering:
    article: str
    effective_from: date | None
    effective_to: date | None


@dataclass(frozen=True)
class Citation:
    law: str
    short: str
    article: str
    numbering: tuple[Numbering, ...] = ()

    def article_on(self, day: date) -> str:
        """The article number in force on ``day`` (renumbered laws), else the current one."""
        for n in self.numbering:
            if (n.effective_from is None or n.effective_from <= day) and (
                    n.effective_to is None or day <= n.effective_to):
                return n.article
        return self.article


@dataclass(frozen=True)
class Exemption:
    id: str
    window: int | str | None        # characters either side; "clause" / "sentence": the match's unit
    terms: tuple[str, ...]          # compact-normalised
    patterns: tuple[Any, ...]       # compiled, run on the full view
    whole_term: tuple[str, ...]     # compact-normalised (plus pinyin spellings)


@dataclass(frozen=True)
class Context:
    window: int | None = None
    requires_any: tuple[str, ...] = ()
    forbids_any: tuple[str, ...] = ()
    document_requires_any: tuple[str, ...] = ()
    document_forbids_any: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.requires_any or self.forbids_any or self.document_requires_any
                    or self.document_forbids_any)


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    source: str                          # file the rule came from, relative to rules/
    citation: Citation
    severity: str
    action: str | None
    kinds: frozenset[str]
    categories: frozenset[str] | None
    exclude_categories: frozenset[str]
    effective_from: date | None
    effective_to: date | None
    terms: tuple[str, ...]               # as written
    patterns: tuple[Any, ...]            # compiled; run over the full and the compact view
    detectors: tuple[str, ...]
    pinyin: bool
    when: dict[str, bool]
    context: Context
    exemptions: tuple[Exemption, ...]
    clause: ClauseSpec
    message: str
    suggestion: str
    must_match: tuple[dict[str, Any], ...]
    must_not_match: tuple[dict[str, Any], ...]
    lexicons: tuple[str, ...] = ()  # the rules/lexicons/ word lists its patterns use as {{slots}}

    @property
    def document_level(self) -> bool:
        return not (self.terms or self.patterns or self.detectors)

    def applies(self, kind: str, category: str, day: date) -> bool:
        if kind not in self.kinds:
            return False
        family = CATEGORY_FAMILIES.get(category, frozenset())
        if category in self.exclude_categories or not family.isdisjoint(self.exclude_categories):
            return False
        if self.categories is not None and category not in self.categories and family.isdisjoint(self.categories):
            return False
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


@dataclass(frozen=True)
class Policy:
    name: str
    source: str
    packs: tuple[str, ...]
    actions: dict[str, str]
    default_for: tuple[str, ...] = ()
    exclude_rules: frozenset[str] = frozenset()
    review_at_findings: int | None = None
    block_at_findings: int | None = None
    max_findings: int = 200
    model: str | None = None             # the claim model (rules/models/<name>.yaml), if any
    model_review_at: float | None = None


@dataclass(frozen=True, slots=True)
class ScreenInput:
    """One thing to screen, with the request-level facts rules may depend on."""

    text: str
    kind: str = "ad"
    category: str = "general"
    has_purchase_link: bool = False
    labelled_as_ad: bool = False
    registration_numbers: tuple[str, ...] = ()
    published_at: date | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    law: str
    article: str
    severity: str
    start: int
    end: int
    matched: str
    message: str
    suggestion: str
    action: str = "review"
    via: str = field(default="", compare=False)  # which term/pattern/detector fired (lint, not API)
    family: str | None = None         # claim model findings: the claim family the citation is for
    probability: float | None = None  # claim model findings: the model's probability for the text

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"rule_id": self.rule_id, "law": self.law, "article": self.article,
                                "severity": self.severity, "start": self.start, "end": self.end,
                                "matched": self.matched, "message": self.message, "suggestion": self.suggestion}
        if self.probability is not None:
            body.update(family=self.family, probability=self.probability)
        return body


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: str
    decision: str
    policy: str
    policy_revision: str
    kind: str
    category: str
    findings: tuple[Finding, ...]
    subject_id: str | None = None

    @property
    def rule_ids(self) -> list[str]:
        return sorted({f.rule_id for f in self.findings})

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"decision_id": self.decision_id}
        if self.subject_id is not None:
            body["id"] = self.subject_id
        body.update(decision=self.decision, policy=self.policy, policy_revision=self.policy_revision,
                    findings=[f.as_dict() for f in self.findings])
        return body
