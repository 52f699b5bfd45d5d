"""Type-check riskguard/ and fail if mypy reports more errors than the committed baseline.

The baseline (scripts/mypy-baseline.txt, one number) may only go down: when a change fixes errors,
this says so and the new count should be committed; a change that adds errors fails CI and lists them.
Configuration is ``[tool.mypy]`` in pyproject.toml; the cache is .mypy_cache/ (git-ignored).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
SUMMARY = re.compile(r"^Found (\d+) errors? in")


def main() -> int:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    errors = [line for line in run.stdout.splitlines() if ": error: " in line]
    if run.returncode not in (0, 1) or (run.returncode == 1 and not errors):
        sys.stderr.write(run.stdout + run.stderr)  # mypy itself failed (a crash, a bad config)
        return 2
    baseline = int(BASELINE.read_text().split()[0])
    count = len(errors)
    if count > baseline:
        print("\n".join(errors))
        print(f"mypy: {count} errors, more than the baseline of {baseline} in {BASELINE.relative_to(ROOT)}: "
              "fix the new ones (listed above)")
        return 1
    lower = f"; lower {BASELINE.relative_to(ROOT)} to {count}" if count < baseline else ""
    print(f"mypy: {count} errors, baseline {baseline}{lower}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
