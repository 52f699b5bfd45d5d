"""CPU seconds of a process and all its descendants, from Linux /proc (for the benchmarks).

Descendants that a process never reaps (gunicorn's workers while they run, Spark's Python workers under
the JVM's daemon) are not in ``getrusage(RUSAGE_CHILDREN)``; reading /proc counts them while they live.
"""

from __future__ import annotations

import os

__all__ = ["cpu_by_pid"]


def cpu_by_pid(root: int) -> dict[int, float]:
    """User + system CPU seconds of ``root`` and each live descendant, by pid (empty if ``root`` is gone
    or there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    if root not in times:
        return {}
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return {p: times.get(p, 0.0) for p in tree}
