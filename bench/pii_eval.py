"""Precision and recall per entity type: on the hand-written corpus (eval/pii/) or the generated set.

    .venv/bin/python bench/pii_eval.py --split dev          # eval/pii/corpus.jsonl, dev half (tune here)
    .venv/bin/python bench/pii_eval.py --split test         # the held-out half: report only
    .venv/bin/python bench/pii_eval.py --split extra        # eval/pii/extra_dev.txt, a second dev set
    .venv/bin/python bench/pii_eval.py --split extra2       # eval/pii/extra_dev2.txt, a third (chat logs)
    .venv/bin/python bench/pii_eval.py --split extra3       # eval/pii/extra_dev3.txt, a fourth (rare forms)
    .venv/bin/python bench/pii_eval.py --split extra3-batch2  # its second batch alone (extra3-batch1 too)
    .venv/bin/python bench/pii_eval.py --split round2       # eval/pii/round2.txt, all of it
    .venv/bin/python bench/pii_eval.py --split round2-dev   # its dev half (tune here)
    .venv/bin/python bench/pii_eval.py --split round2-test  # its test half: report only
    .venv/bin/python bench/pii_eval.py --split round3       # eval/pii/round3.txt, held out: report only
    .venv/bin/python bench/pii_eval.py --split round4       # eval/pii/round4.txt, all of it (measured once)
    .venv/bin/python bench/pii_eval.py --split round4-dev   # its dev half (tune here, since it was measured)
    .venv/bin/python bench/pii_eval.py --split round4-test  # its test half: report only
    .venv/bin/python bench/pii_eval.py [--n 3000] [--seed 20261126]   # bench/pii_evalset.py, generated

On the corpus a found span is a hit when it has the gold span's type and overlaps it (each gold span
matched once); the table also gives each type's character coverage (the share of gold characters that
found spans of the type cover: what a mask would hide) and exact-span hits, and lists every miss and
false alarm. On the generated set structured types count a hit only on the exact span; PERSON and
LOCATION on an overlapping span (jieba's word boundaries differ from Faker's, e.g. 广东省 vs 广东).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# bench/http.py must not shadow the standard library's http package: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.pii_evalset import NAMED, STRUCTURED, Sample, build  # noqa: E402
from eval.split import assign_splits  # noqa: E402
from riskguard.privacy.pii.service import PiiService  # noqa: E402

CORPUS = _HERE.parent / "eval" / "pii" / "corpus.jsonl"
# Sets written inline as ``[[TYPE|value]]``, by split name (round2 is all of round2.txt, HALVES deals it;
# round3 is held out: report only; round4, measured once, is dealt like round2).
EXTRA = {"extra": _HERE.parent / "eval" / "pii" / "extra_dev.txt",
         "extra2": _HERE.parent / "eval" / "pii" / "extra_dev2.txt",
         "extra3": _HERE.parent / "eval" / "pii" / "extra_dev3.txt",
         "round2": _HERE.parent / "eval" / "pii" / "round2.txt",
         "round3": _HERE.parent / "eval" / "pii" / "round3.txt",
         "round4": _HERE.parent / "eval" / "pii" / "round4.txt"}
# Halves of an inline set, dealt by ``split_halves``: split name -> (set, half).
HALVES = {"round2-dev": ("round2", "dev"), "round2-test": ("round2", "test"),
          "round4-dev": ("round4", "dev"), "round4-test": ("round4", "test")}
# Batches of an inline set, by the ``# Batch N`` comments in it: split name -> (set, batch number).
BATCHES = {"extra3-batch1": ("extra3", 1), "extra3-batch2": ("extra3", 2)}
_MARKED = re.compile(r"\[\[([A-Z_]+)\|([^\]]+)\]\]")


def score(samples: list[Sample], service: PiiService, entities: tuple[str, ...]) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: dict[str, list[str]] = {}
    found_all = service.detect_many([s.text for s in samples], entities=list(entities))
    for sample, found in zip(samples, found_all, strict=True):
        gold = [g for g in sample.spans if g[0] in entities]
        matched: set[int] = set()
        for d in found:
            hit = None
            for i, (label, start, end) in enumerate(gold):
                if label != d.type or i in matched:
                    continue
                exact = (start, end) == (d.start, d.end)
                if exact or (label in NAMED and d.start < end and start < d.end):
                    hit = i
                    break
            if hit is None:
                fp[d.type] += 1
                errors.setdefault(d.type, []).append(f"FP {sample.text[d.start:d.end]!r}")
            else:
                matched.add(hit)
                tp[d.type] += 1
        for i, (label, start, end) in enumerate(gold):
            if i not in matched:
                fn[label] += 1
                errors.setdefault(label, []).append(f"FN {sample.text[start:end]!r}")
    out = {}
    for e in entities:
        p = tp[e] / (tp[e] + fp[e]) if tp[e] + fp[e] else 1.0
        r = tp[e] / (tp[e] + fn[e]) if tp[e] + fn[e] else 1.0
        out[e] = {"precision": p, "recall": r, "support": tp[e] + fn[e], "tp": tp[e], "fp": fp[e], "fn": fn[e],
                  "examples": errors.get(e, [])[:3]}
    return out


def load_extra(split: str) -> list[dict]:
    """eval/pii/extra_dev*.txt or round2.txt: one text a line, gold spans written inline as ``[[TYPE|value]]``."""
    rows, genre, batch = [], "", 0
    for number, line in enumerate(EXTRA[split].read_text("utf-8").splitlines(), 1):
        if line.startswith("# Batch "):
            batch += 1
        if line.startswith("## "):
            genre = line[3:].strip()
        if not line.strip() or line.startswith("#"):
            continue
        parts, spans, pos = [], [], 0
        for m in _MARKED.finditer(line):
            parts.append(line[pos:m.start()])
            start = sum(map(len, parts))
            parts.append(m.group(2))
            spans.append([m.group(1), start, start + len(m.group(2))])
            pos = m.end()
        parts.append(line[pos:])
        rows.append({"id": f"{split}-{genre}-{number}", "genre": genre, "text": "".join(parts), "spans": spans,
                     "batch": batch})
    return rows


def split_halves(rows: list[dict]) -> list[dict]:
    """Deal an inline set's texts to dev and test once, as eval/split.py does for the other corpora.

    The id (set, genre, line number) is stable because the file is frozen once measured; within each
    genre the texts are ordered by the SHA-256 of their id and dealt alternately, so each half gets about
    half of every genre, the clean negatives included. Computed, not stored: the set's file stays as its
    author committed it.
    """
    assign_splits(rows, lambda r: r["genre"])
    return rows


def load_corpus(split: str) -> list[dict]:
    if split in HALVES:
        name, half = HALVES[split]
        return [r for r in split_halves(load_extra(name)) if r["split"] == half]
    if split in BATCHES:
        name, batch = BATCHES[split]
        return [r for r in load_extra(name) if r["batch"] == batch]
    if split in EXTRA:
        return load_extra(split)
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def score_corpus(rows: list[dict], found_all: list[list[tuple[str, int, int]]]) -> tuple[dict, list[str]]:
    """Per type: tp, fp, fn (overlap, one-to-one), exact hits, gold characters and those covered."""
    stats: dict[str, Counter[str]] = {}
    errors: list[str] = []
    for row, found in zip(rows, found_all, strict=True):
        text, gold = row["text"], [tuple(g) for g in row["spans"]]
        matched: set[int] = set()
        for label, s, e in found:
            st = stats.setdefault(label, Counter())
            hit = next((i for i, (gl, gs, ge) in enumerate(gold)
                        if gl == label and i not in matched and s < ge and gs < e), None)
            if hit is None:
                st["fp"] += 1
                errors.append(f"FP {label:<15}{text[s:e]!r}  in {row['id']}: {text}")
            else:
                matched.add(hit)
                st["tp"] += 1
                st["exact"] += (s, e) == gold[hit][1:]
        for i, (label, gs, ge) in enumerate(gold):
            st = stats.setdefault(label, Counter())
            st["chars"] += ge - gs
            st["covered"] += sum(1 for c in range(gs, ge) if any(
                fl == label and fs <= c < fe for fl, fs, fe in found))
            if i not in matched:
                st["fn"] += 1
                errors.append(f"FN {label:<15}{text[gs:ge]!r}  in {row['id']}: {text}")
            elif (label, gs, ge) not in found:
                got = [text[fs:fe] for fl, fs, fe in found if fl == label and fs < ge and gs < fe]
                errors.append(f"PART {label:<13}{text[gs:ge]!r} found {got}  in {row['id']}")
    return stats, errors


def print_corpus_table(split: str, rows: list[dict], stats: dict[str, Counter[str]]) -> None:
    clean = sum(not r["spans"] for r in rows)
    print(f"eval/pii corpus, split {split}: {len(rows)} texts ({clean} without personal data)")
    print(f"{'entity':<16}{'precision':>10}{'recall':>8}{'coverage':>10}{'exact':>7}{'support':>9}{'fp':>5}{'fn':>5}")
    total: Counter[str] = Counter()
    for label in sorted(stats, key=lambda k: -stats[k]["tp"] - stats[k]["fn"]):
        st = stats[label]
        total.update(st)
        print(_row(label, st))
    print(_row("all (micro)", total))


def _row(label: str, st: Counter[str]) -> str:
    p = st["tp"] / (st["tp"] + st["fp"]) if st["tp"] + st["fp"] else 1.0
    r = st["tp"] / (st["tp"] + st["fn"]) if st["tp"] + st["fn"] else 1.0
    cov = st["covered"] / st["chars"] if st["chars"] else 1.0
    support = st["tp"] + st["fn"]
    exact = st["exact"] / support if support else 1.0
    return f"{label:<16}{p:>10.3f}{r:>8.3f}{cov:>10.3f}{exact:>7.2f}{support:>9}{st['fp']:>5}{st['fn']:>5}"


def run_corpus(split: str, quiet: bool) -> None:
    rows = load_corpus(split)
    service = PiiService(b"\x00" * 32)
    started = time.perf_counter()
    found = [[(d.type, d.start, d.end) for d in ds] for ds in service.detect_many([r["text"] for r in rows])]
    elapsed = time.perf_counter() - started
    stats, errors = score_corpus(rows, found)
    print_corpus_table(split, rows, stats)
    print(f"({elapsed:.1f}s, all entity types)")
    if not quiet:
        print(f"misses (FN), false alarms (FP) and partial spans (PART): {len(errors)}")
        for line in sorted(errors):
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "test", "all", *EXTRA, *HALVES, *BATCHES),
                        help="score the hand-written corpus eval/pii/corpus.jsonl instead of the generated set")
    parser.add_argument("--quiet", action="store_true", help="with --split: the table only")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    if args.split:
        run_corpus(args.split, args.quiet)
        return
    samples = build(args.n, args.seed)
    service = PiiService(b"\x00" * 32)
    started = time.perf_counter()
    table = score(samples, service, STRUCTURED + NAMED)
    elapsed = time.perf_counter() - started
    print(f"evaluation set: {len(samples)} texts, seed {args.seed}, "
          f"{sum(len(s.text) for s in samples) / len(samples):.0f} characters on average")
    print(f"{'entity':<16}{'precision':>10}{'recall':>10}{'support':>9}{'fp':>6}{'fn':>6}")
    for e, row in table.items():
        print(f"{e:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['support']:>9}{row['fp']:>6}{row['fn']:>6}")
        if args.show_errors:
            for line in row["examples"]:
                print(f"    {line}")
    print(f"({elapsed:.1f}s including PERSON/LOCATION tagging)")


if __name__ == "__main__":
    main()
