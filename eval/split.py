"""Give every corpus line without a split its split, once: ``python eval/split.py``.

Within each (family, label) the lines without a split are ordered by the SHA-256 of their id and dealt
alternately to ``dev`` and ``test``, so each half gets about half of every family's violations and hard
negatives. A line that has a split keeps it: running this again after adding texts never moves a text
from one half to the other. Rules are written from the law and checked on ``dev``; ``test`` is only
reported (bench/quality.py --split test).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def main() -> None:
    for path in sorted(CORPUS.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        todo: dict[tuple[str, str], list[dict]] = defaultdict(list)
        counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"dev": 0, "test": 0})
        for row in rows:
            key = (row["family"], row["label"])
            if "split" in row:
                counts[key][row["split"]] += 1
            else:
                todo[key].append(row)
        for key, group in todo.items():
            group.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
            for row in group:
                c = counts[key]
                row["split"] = "dev" if c["dev"] <= c["test"] else "test"
                c[row["split"]] += 1
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        print(f"{path.name}: " + ", ".join(f"{k[1]} {v['dev']}/{v['test']}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
