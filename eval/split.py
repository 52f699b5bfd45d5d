"""Give every corpus line without a split its split, once: ``python eval/split.py [DIR]``.

DIR is the corpus directory (default ``eval/corpus``); ``python eval/split.py eval/corpus2`` splits the
second-round corpus.

Within each (family, label) the lines without a split are ordered by the SHA-256 of their id and dealt
alternately to ``dev`` and ``test``, so each half gets about half of every family's violations and hard
negatives. A line that has a split keeps it: running this again after adding texts never moves a text
from one half to the other. Rules are written from the law and checked on ``dev``; ``test`` is only
reported (bench/quality.py --split test). The onboarding corpus (eval/onboarding) uses ``assign_splits``
with its own grouping.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Hashable
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def assign_splits(rows: list[dict], key: Callable[[dict], Hashable]) -> dict[Hashable, dict[str, int]]:
    """Deal the rows without a ``split`` to dev/test in SHA-256-of-id order within each ``key`` group;
    rows that have one keep it. Returns the counts per group."""
    todo: dict[Hashable, list[dict]] = defaultdict(list)
    counts: dict[Hashable, dict[str, int]] = defaultdict(lambda: {"dev": 0, "test": 0})
    for row in rows:
        if "split" in row:
            counts[key(row)][row["split"]] += 1
        else:
            todo[key(row)].append(row)
    for group_key, group in todo.items():
        group.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        for row in group:
            c = counts[group_key]
            row["split"] = "dev" if c["dev"] <= c["test"] else "test"
            c[row["split"]] += 1
    return counts


def main(corpus: Path = CORPUS) -> None:
    if not corpus.is_dir():
        raise SystemExit(f"not a directory: {corpus}")
    for path in sorted(corpus.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        counts = assign_splits(rows, lambda r: (r["family"], r["label"]))
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        print(f"{path.name}: " + ", ".join(f"{k[1]} {v['dev']}/{v['test']}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
