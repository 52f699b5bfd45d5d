"""Do two versions of the engine code decide alike? Screens the same texts with both and compares.

    python bench/same_findings.py --base 4f5a4a3            # engine code of that commit vs. the work tree
    python bench/same_findings.py --write var/findings-before.json   # save the work tree's findings ...
    python bench/same_findings.py --against var/findings-before.json # ... and compare with them later

A speed change to the matcher, the normaliser or the clause step must not change a single finding. The
texts: every line of eval/corpus/*.jsonl, every rule's and library exemption's must_match /
must_not_match example, and the generated listings of bench/screening.py. Each is screened with its
kind's default policy (``evaluate``, as the API does) and with the all-rules engine (as ``rules test``
does), on a fixed day. Compared per text: the decision and every finding's rule id, span, matched text,
article and action. Both sides use this work tree's rules/ and policies/; only the code differs (for
``--base``, the commit's ``riskguard/`` package, taken with ``git archive``).
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package

import argparse
import importlib.util
import json
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 12, 1)
GENERATED = 3000


def _inputs(book: Any, ScreenInput: Any) -> list[tuple[str, Any]]:  # noqa: N803 - the class, imported late
    """(key, ScreenInput) for every text screened."""
    out: list[tuple[str, Any]] = []
    for path in sorted((ROOT / "eval" / "corpus").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append((f"corpus:{row['id']}", ScreenInput(
                    text=row["text"], kind=row["kind"], category=row["category"],
                    has_purchase_link=row["has_purchase_link"], labelled_as_ad=row["labelled_as_ad"])))
    from riskguard.rulebook.selfcheck import example_input

    for rule in book.rules.values():
        for expectation in ("must_match", "must_not_match"):
            for i, example in enumerate(getattr(rule, expectation)):
                out.append((f"rule:{rule.id}:{expectation}:{i}", example_input(example)))
    for ex_id, lib in book.library.items():
        for expectation in ("must_match", "must_not_match"):
            for i, example in enumerate(getattr(lib, expectation)):
                out.append((f"library:{ex_id}:{expectation}:{i}", example_input(example)))
    spec = importlib.util.spec_from_file_location("_bench_screening", ROOT / "bench" / "screening.py")
    assert spec is not None and spec.loader is not None
    screening = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screening)
    categories = ["general", "apparel", "food", "cosmetics"]
    for i, text in enumerate(screening.make_texts(GENERATED)):
        out.append((f"generated:{i}", ScreenInput(text=text, kind="listing", category=categories[i % 4])))
    return out


def dump(code_root: Path) -> dict[str, Any]:
    """Every text's decisions under the engine code found at ``code_root``."""
    sys.path.insert(0, str(code_root))
    from riskguard.logging import configure_logging
    from riskguard.rulebook import ScreenInput, evaluate, load_rulebook
    from riskguard.rulebook.loader import ALL

    if not Path(sys.modules["riskguard"].__file__ or "").resolve().is_relative_to(code_root.resolve()):
        sys.exit(f"riskguard was imported from {sys.modules['riskguard'].__file__}, not {code_root}")
    configure_logging("WARNING")
    book = load_rulebook(ROOT / "rules", ROOT / "policies")
    everything = book.engine(ALL)
    out: dict[str, Any] = {}
    for key, item in _inputs(book, ScreenInput):
        day = item.published_at or AS_OF
        decision = evaluate(book, item, as_of=AS_OF)
        out[key] = {
            "decision": decision.decision,
            "policy": [[f.rule_id, f.start, f.end, f.matched, f.article, f.action] for f in decision.findings],
            "all": [[f.rule_id, f.start, f.end, f.matched, f.article, f.action] for f in everything.findings(item, day)],
        }
    return out


def _run_dump(code_root: Path, out: Path) -> dict[str, Any]:
    subprocess.run([sys.executable, __file__, "--dump", str(out), "--code", str(code_root)], check=True)
    return json.loads(out.read_text("utf-8"))


def compare(old: dict[str, Any], new: dict[str, Any], show: int = 20) -> int:
    """Prints the differences; returns how many texts differ."""
    differ = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for key in differ[:show]:
        print(f"{key}:\n  old {json.dumps(old.get(key), ensure_ascii=False)}\n"
              f"  new {json.dumps(new.get(key), ensure_ascii=False)}")
    findings = sum(len(v["policy"]) + len(v["all"]) for v in new.values())
    flagged = sum(v["decision"] != "allow" for v in new.values())
    print(f"{len(new)} texts ({sum(k.startswith('corpus:') for k in new)} corpus, "
          f"{sum(k.startswith(('rule:', 'library:')) for k in new)} examples, "
          f"{sum(k.startswith('generated:') for k in new)} generated), {findings} findings, {flagged} not allowed; "
          f"{len(differ)} texts differ")
    return len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--base", help="a git revision whose riskguard/ package is the old code")
    what.add_argument("--write", type=Path, help="save the work tree's findings here")
    what.add_argument("--against", type=Path, help="compare the work tree with findings saved by --write")
    what.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        args.dump.write_text(json.dumps(dump(args.code), ensure_ascii=False), "utf-8")
        return
    with tempfile.TemporaryDirectory() as tmp:
        new = _run_dump(ROOT, Path(tmp) / "new.json")
        if args.write:
            args.write.parent.mkdir(parents=True, exist_ok=True)
            args.write.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
            print(f"{len(new)} texts written to {args.write}")
            return
        if args.base:
            old_root = Path(tmp) / "old"
            old_root.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "riskguard"],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive, check=True)
            old = _run_dump(old_root, Path(tmp) / "old.json")
        else:
            old = json.loads(args.against.read_text("utf-8"))
    sys.exit(1 if compare(old, new) else 0)


if __name__ == "__main__":
    main()
