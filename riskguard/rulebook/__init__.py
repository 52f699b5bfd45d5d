"""The rules engine: load and check rule packs and policies, normalise text, match, decide.

``load_rulebook(rules_dir, policies_dir)`` gives a :class:`Rulebook` (cached per content hash);
``evaluate(book, ScreenInput(...))`` gives a :class:`Decision`. See rules/FORMAT.md for the data.
"""

from __future__ import annotations

from .decisions import evaluate
from .loader import Rulebook, RulebookError, load_rulebook, rule_files
from .model import CATEGORIES, CATEGORY_PATTERN, ENGINE_ERROR, KINDS, Decision, Finding, ScreenInput

__all__ = ["load_rulebook", "rule_files", "Rulebook", "RulebookError", "evaluate", "Decision", "Finding", "ScreenInput",
           "KINDS", "CATEGORIES", "CATEGORY_PATTERN", "ENGINE_ERROR"]
