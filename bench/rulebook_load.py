"""Loading the rulebook: what a process pays for the shipped rules, and for another policy set over them.

    PYTHONPATH=. .venv/bin/python bench/rulebook_load.py [--variants 3]

Each step is timed in wall-clock and in the process's own CPU time (the machine is shared; CPU time moves
less with other people's load):

* ``cold``       — the first ``load_rulebook(rules/, policies/)`` of the process (imports excluded);
* ``policy N``   — a copy of policies/ whose ad policy sends ``high`` findings to review instead of
  blocking (a test's lenient copy, a promoted policy revision): another revision over the same packs;
* ``pack edit``  — the same-run baseline: a copy of rules/ with a comment added to one pack, so nothing
  compiled before applies (what every ``policy N`` cost before compiled packs were shared).

Prints one line per step and the ratio of ``policy N`` to ``pack edit``. Uses only ``load_rulebook``, so
the same script measures an older checkout too.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _timed(step: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=3, help="policy sets over the same packs")
    args = parser.parse_args()
    import riskguard.privacy  # noqa: F401 - the detectors' imports, which an app has made before loading
    from riskguard.rulebook import load_rulebook

    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="rg-bench-load-") as tmp:
        rows.append(("cold", *_timed(lambda: load_rulebook(ROOT / "rules", ROOT / "policies"))))
        for n in range(1, args.variants + 1):
            policies = Path(tmp) / f"policies-{n}"
            shutil.copytree(ROOT / "policies", policies)
            ad = policies / "ad-prepublish.yaml"
            source = ad.read_text("utf-8")
            assert "  high: block\n" in source
            ad.write_text(source.replace("  high: block\n", "  high: review\n") + f"# variant {n}\n", "utf-8")
            rows.append((f"policy {n}", *_timed(lambda p=policies: load_rulebook(ROOT / "rules", p))))
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        pack = rules / "cn" / "adlaw.yaml"
        pack.write_text(pack.read_text("utf-8") + "\n# bench: another pack file\n", "utf-8")
        rows.append(("pack edit", *_timed(lambda: load_rulebook(rules, ROOT / "policies"))))
    print(f"{'step':<10} {'wall s':>8} {'CPU s':>8}")
    for name, wall, cpu in rows:
        print(f"{name:<10} {wall:>8.3f} {cpu:>8.3f}")
    base_wall, base_cpu = rows[-1][1], rows[-1][2]
    variants = rows[1:-1]
    if variants:
        wall = sum(r[1] for r in variants) / len(variants)
        cpu = sum(r[2] for r in variants) / len(variants)
        print(f"policy set over compiled packs / pack edit: wall {wall / base_wall:.3f}, CPU {cpu / base_cpu:.3f}")


if __name__ == "__main__":
    main()
