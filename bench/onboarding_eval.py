"""Onboarding decisions on the evaluation corpus (eval/onboarding), which is not the tests' applications.

    python bench/onboarding_eval.py                 # the dev split: what checks are changed on
    python bench/onboarding_eval.py --split test    # the held-back split: what the docs report
    python bench/onboarding_eval.py --split all --json onboarding.json

Every line is checked the way ``riskguard merchants review --no-duplicates`` checks it (schema, every
check, content through the rules engine) on the corpus's evaluation date, in file order, so the
duplicate check sees the earlier lines of both splits; then the chosen split is reported. A line is
*right* when its decision is the expected one, every expected failure kind was found, and no finding is
unexplained by them (content findings are explained by any expected content kind: one store text may fire
several rules). Printed: accuracy overall and per failure kind, category and expected decision; the
clean applications held and by which checks; then every mismatch with its findings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose http.py would hide the standard library's

from marshmallow import ValidationError  # noqa: E402

from riskguard.onboarding.checks import BatchLookup, Finding  # noqa: E402
from riskguard.onboarding.policy import load_policy  # noqa: E402
from riskguard.onboarding.schemas import ApplicationSchema  # noqa: E402
from riskguard.onboarding.service import OnboardingService  # noqa: E402
from riskguard.review import ReviewService  # noqa: E402
from riskguard.rulebook import load_rulebook  # noqa: E402

AS_OF = date(2026, 12, 1)  # the corpus's evaluation date (eval/onboarding/README.md)
DIGEST_KEY = b"onboarding-eval-digest-key-32byt"  # block lists are not in the corpus


@dataclass(frozen=True)
class Signature:
    """What a finding of one failure kind looks like: its check, and optionally its field and rules."""

    check: str
    field: str | None = None
    rules: tuple[str, ...] = ()

    def matches(self, f: Finding) -> bool:
        return (f.check == self.check and (self.field is None or f.field == self.field)
                and (not self.rules or (f.rule_id or "").startswith(self.rules)))


_MISSING = Signature("qualification_missing")
DIVERSION = "platform.diversion."
KINDS: dict[str, Signature] = {
    "uscc_check_character": Signature("uscc_invalid"), "uscc_malformed": Signature("uscc_invalid"),
    "uscc_org_code_check": Signature("uscc_invalid"), "uscc_unknown_registrant": Signature("uscc_unknown_type"),
    "rep_id_check_character": Signature("rep_id_invalid"), "rep_id_birth_date": Signature("rep_id_invalid"),
    "rep_minor": Signature("rep_minor"),
    "licence_expired": Signature("licence_expired"), "licence_expiring": Signature("licence_expiring"),
    "food_licence_missing": _MISSING, "drug_licence_missing": _MISSING, "drug_online_info_missing": _MISSING,
    "device_qualification_missing": _MISSING, "publication_licence_missing": _MISSING,
    "pesticide_licence_missing": _MISSING, "regulated_service_licence_missing": _MISSING,
    "qualification_expired": Signature("qualification_expired"),
    "qualification_expiring": Signature("qualification_expiring"),
    "qualification_unverifiable": Signature("qualification_unverifiable"),
    "card_check_digit": Signature("card_luhn"),
    "account_number_length": Signature("account_invalid", "bank_account.number"),
    "account_not_a_bank": Signature("account_invalid", "bank_account.bank"),
    "holder_not_business": Signature("holder_mismatch"), "holder_not_operator": Signature("holder_mismatch"),
    "contact_not_mobile": Signature("phone_invalid", "contact_phone"),
    "rep_phone_invalid": Signature("phone_invalid", "legal_rep.phone"),
    "content_absolute_terms": Signature("content", rules=("adlaw.9-3.",)),
    "content_diversion_im": Signature("content", rules=(DIVERSION + "wechat", DIVERSION + "qq",
                                                        DIVERSION + "contact-details")),
    "content_diversion_mobile": Signature("content", rules=(DIVERSION + "contact-details",
                                                            DIVERSION + "phone-wording")),
    "content_diversion_landline": Signature("content", rules=(DIVERSION + "landline",)),
    "content_private_deal": Signature("content", rules=(DIVERSION + "private-deal", DIVERSION + "other-platform")),
    "content_medical_claim": Signature("content", rules=("adlaw.16.", "adlaw.17.", "adlaw.18.")),
    "content_education_promise": Signature("content", rules=("adlaw.24.",)),
    "content_investment_promise": Signature("content", rules=("adlaw.25.",)),
    "duplicate_uscc": Signature("duplicate", "uscc"),
    "duplicate_rep_id": Signature("duplicate", "legal_rep.id_number"),
    "duplicate_phone": Signature("duplicate", "contact_phone"),
    "duplicate_bank_account": Signature("duplicate", "bank_account.number"),
}


def load_corpus(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    unknown = sorted({k for r in rows for k in r["expected_failures"] if k not in KINDS})
    if unknown:
        sys.exit(f"failure kinds without a signature in {__file__}: {', '.join(unknown)}")
    return rows


def judge(row: dict[str, Any], decision: str, findings: list[Finding]) -> dict[str, Any]:
    expected = row["expected_failures"]
    found = [k for k in expected if any(KINDS[k].matches(f) for f in findings)]
    content_expected = any(KINDS[k].check == "content" for k in expected)
    unexplained = [f for f in findings if not any(KINDS[k].matches(f) for k in expected)
                   and not (f.check == "content" and content_expected)]
    right = decision == row["expected_decision"] and len(found) == len(expected) and not unexplained
    return {"decision": decision, "found": found, "unexplained": [_label(f) for f in unexplained],
            "findings": [_label(f) for f in findings], "right": right}


def _label(f: Finding) -> str:
    return ":".join(x for x in (f.check, f.field, f.rule_id) if x)


def evaluate(rows: list[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    # evaluate() records nothing: the review queue and audit log are never reached here
    service = OnboardingService(load_policy(root / "policies"), ReviewService(None), None)  # type: ignore[arg-type]
    rulebook = load_rulebook(root / "rules", root / "policies")
    schema, lookup = ApplicationSchema(), BatchLookup()
    out = []
    for row in rows:
        try:
            application = schema.load(row["application"])
        except ValidationError as exc:
            out.append({**row, "decision": "invalid", "found": [], "findings": [],
                        "unexplained": [f"schema:{sorted(exc.normalized_messages())}"], "right": False})
            continue
        result = service.evaluate(application, as_of=AS_OF, rulebook=rulebook, digest_key=DIGEST_KEY,
                                  duplicates=lookup)
        lookup.remember(application)
        out.append({**row, **judge(row, result.decision, result.findings)})
    return out


def _line(name: str, rows: list[dict[str, Any]], width: int = 34) -> str:
    right = sum(r["right"] for r in rows)
    return f"  {name:<{width}} {right / len(rows):.3f} ({right:>3}/{len(rows):<3})"


def report(results: list[dict[str, Any]]) -> None:
    right = sum(r["right"] for r in results)
    clean = [r for r in results if not r["expected_failures"]]
    held = [r for r in clean if r["decision"] != "allow" or r["findings"]]
    print(f"applications {len(results)}: {len(clean)} clean, {len(results) - len(clean)} with failures")
    print(f"accuracy {right / len(results):.3f} ({right}/{len(results)})   decisions right "
          f"{sum(r['decision'] == r['expected_decision'] for r in results)}/{len(results)}   "
          f"clean applications held {len(held)}/{len(clean)}")
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        for k in r["expected_failures"] or ["(clean)"]:
            by_kind[k].append(r)
    print("\nby failure kind (right / lines expecting it; found = the kind was reported):")
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        found = sum(kind in r["found"] for r in rows) if kind != "(clean)" else 0
        extra = f"   found {found}/{len(rows)}" if kind != "(clean)" else ""
        print(_line(kind, rows) + extra)
    for title, key in (("category", lambda r: r["application"]["categories"]),
                       ("expected decision", lambda r: [r["expected_decision"]])):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in results:
            for name in key(r):
                groups[name].append(r)
        print(f"\nby {title}:")
        for name in sorted(groups):
            print(_line(name, groups[name]))
    held_by: dict[str, int] = defaultdict(int)
    for r in held:
        for label in r["findings"]:
            held_by[label.split(":")[0]] += 1
    print(f"\nclean applications held: {len(held)}" + "".join(f"\n  {k}: {v}" for k, v in sorted(held_by.items())))
    misses = [r for r in results if not r["right"]]
    print(f"\nmismatches: {len(misses)}")
    for r in misses:
        print(f"  {r['id']} expected {r['expected_decision']} {r['expected_failures'] or '[]'}, got "
              f"{r['decision']} found {r['found'] or '[]'}; {r['note']}")
        if r["unexplained"]:
            print(f"      unexplained: {', '.join(r['unexplained'][:6])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--root", type=Path, default=ROOT, help="the tree whose policies/ and rules/ to use")
    parser.add_argument("--corpus", type=Path, default=ROOT / "eval" / "onboarding" / "applications.jsonl")
    parser.add_argument("--json", type=Path, help="write per-application results here")
    args = parser.parse_args(argv)
    rows = load_corpus(args.corpus)
    started = time.perf_counter()
    results = [r for r in evaluate(rows, args.root) if args.split == "all" or r["split"] == args.split]
    print(f"split {args.split}, policy and rules from {args.root}, evaluated on {AS_OF}, "
          f"{len(rows)} applications checked in {time.perf_counter() - started:.1f}s\n")
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
