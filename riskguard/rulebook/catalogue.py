"""The rule catalogue in docs/rules.md, made from the packs so it cannot drift from them.

``riskguard rules table`` prints it; ``--write docs/rules.md`` replaces the part between the two
markers. A test compares the two, so a rule change that is not in the docs fails the suite.
"""

from __future__ import annotations

from pathlib import Path

from .loader import Rulebook
from .model import Rule

__all__ = ["markdown", "replace_section", "section", "START", "END"]

START = "<!-- rules-table:start (riskguard rules table --write docs/rules.md) -->"
END = "<!-- rules-table:end -->"


def _scope(rule: Rule) -> str:
    parts = []
    if len(rule.kinds) < 3:
        parts.append("kinds: " + ", ".join(sorted(rule.kinds)))
    if rule.categories is not None:
        parts.append("categories: " + ", ".join(sorted(rule.categories)))
    if rule.exclude_categories:
        parts.append("not: " + ", ".join(sorted(rule.exclude_categories)))
    if rule.when:
        parts.append("when: " + ", ".join(f"{k}={str(v).lower()}" for k, v in sorted(rule.when.items())))
    return "; ".join(parts) or "all"


def _clause(rule: Rule) -> str:
    c = rule.clause
    if c.inert:
        return "—"
    parts = []
    if c.negated != "suppress":
        parts.append(f"negated: {c.negated}")
    if c.names != "suppress":
        parts.append(f"names: {c.names}")
    if c.target != "any":
        parts.append(f"target: {c.target}")
    if c.requires_any:
        parts.append(f"{c.unit} requires {len(c.requires_any)}")
    if c.forbids_any:
        parts.append(f"{c.unit} forbids {len(c.forbids_any)}")
    return ", ".join(parts) or "defaults"


def markdown(book: Rulebook) -> str:
    """One table per pack, rules in file order; then the exemption library."""
    lines: list[str] = [START, ""]
    packs: dict[str, list[Rule]] = {}
    for rule in book.rules.values():
        packs.setdefault(rule.pack, []).append(rule)
    for pack, rules in sorted(packs.items()):
        files = sorted({r.source for r in rules})
        laws = sorted({r.citation.law for r in rules})
        lines += [f"### `{pack}` — {'、'.join(laws)} ({', '.join(f'`rules/{f}`' for f in files)})", "",
                  "| rule id | article | what it catches | severity | action | scope | clause | terms / patterns "
                  "/ detectors |", "|---|---|---|---|---|---|---|---|"]
        for r in rules:
            match = "document" if r.document_level else f"{len(r.terms)} / {len(r.patterns)} / {len(r.detectors)}"
            law = "" if r.citation.law == laws[0] else f"{r.citation.short} "
            lines.append(f"| `{r.id}` | {law}{r.citation.article} | {r.message.replace('|', '/')} | {r.severity} "
                         f"| {r.action or '—'} | {_scope(r)} | {_clause(r)} | {match} |")
        lines.append("")
    lines += ["### Exemption library (`rules/exemptions/`)", "",
              "| id | default | what it exempts | basis | used by |", "|---|---|---|---|---|"]
    for ex_id, lib in sorted(book.library.items()):
        users = sorted(r.id for r in book.rules.values() if any(e is lib.exemption for e in r.exemptions))
        used = "every term and pattern rule" if lib.default else ", ".join(f"`{u}`" for u in users) or "—"
        lines.append(f"| `{ex_id}` | {'yes' if lib.default else 'no'} | {lib.note} | {lib.basis} | {used} |")
    if book.lexicons:
        lines += ["", "### Lexicons (`rules/lexicons/`): open slots of claim patterns", "",
                  "| slot | words | what it lists | basis | used by |", "|---|---|---|---|---|"]
        for name, lex in sorted(book.lexicons.items()):
            users = sorted(r.id for r in book.rules.values() if name in r.lexicons)
            lines.append(f"| `{{{{{name}}}}}` | {len(lex.words)} | {lex.title} | {lex.basis} | "
                         f"{', '.join(f'`{u}`' for u in users) or '—'} |")
    lines += ["", END]
    return "\n".join(lines)


def replace_section(doc: str, table: str) -> str:
    """``doc`` with the part between the markers (markers included) replaced by ``table``."""
    start, end = doc.find(START), doc.find(END)
    if start < 0 or end < start:
        raise ValueError("the rules-table markers are missing")
    return doc[:start] + table + doc[end + len(END):]


def section(path: Path) -> str:
    doc = path.read_text("utf-8")
    return doc[doc.find(START):doc.find(END) + len(END)]
