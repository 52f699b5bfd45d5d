"""Catalogue re-screening throughput: one process, a process pool and Spark ``local[N]``.

    .venv/bin/python bench/rescreen.py [--rows 1000000] [--workers 2] [--master local[2]]

Generates listings with bench/screening.py's generator (seeded, 50–500 characters), writes them as one
Parquet file, then runs ``riskguard rescreen``'s job (no audit) for each engine in a fresh child process,
twice: on ``--probe`` rows and on all of them. The probe run's wall time is the engine's start-up cost
(interpreter, rule compilation, pool or Spark start, writing); the difference between the two runs gives
the steady rate, and the rate divided by the cores the engine uses gives texts/s per core. CPU seconds
are the child's and all its descendants' (a Spark run's JVM and Python workers included: the larger of
what was reaped and what /proc showed, sampled every 0.5 s); ``texts/CPU s`` is the steady
rate per CPU second (the two runs' differences), which a loaded machine moves less than wall time. Then a sizing table: hours for
100 M listings on K executors of ``--executor-cores`` cores at the measured per-core rates.

Figures move with machine load (``uptime`` is printed): on a shared machine compare engines measured in
the same run, not across runs.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package

import argparse
import importlib.util
import json
import resource
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proctree import cpu_by_pid  # noqa: E402

CATEGORIES = ("general", "apparel", "food", "cosmetics")
AS_OF = date(2026, 12, 1)
CATALOGUE = 100_000_000


def make_texts(n: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_screening", ROOT / "bench" / "screening.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_texts(n)


def write_catalogue(path: Path, n: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = make_texts(n)
    table = pa.table({"id": [f"L{i:09d}" for i in range(n)], "text": texts, "kind": ["listing"] * n,
                      "category": [CATEGORIES[i % 4] for i in range(n)]})
    pq.write_table(table, path, row_group_size=50_000)


def child(engine: str, source: Path, output: Path, workers: int, master: str) -> None:
    from riskguard._data import packaged_dir
    from riskguard.logging import configure_logging
    from riskguard.rescreen import RescreenJob, RulebookBundle, run_job

    configure_logging("WARNING")
    bundle = RulebookBundle.from_dirs(packaged_dir("rules"), packaged_dir("policies"))
    session = None
    if engine == "spark":
        from riskguard.rescreen.spark import spark_session

        session = spark_session(master)
    try:
        manifest = run_job(RescreenJob(input=source, format="parquet", output=output, bundle=bundle,
                                       as_of=AS_OF, engine=engine, workers=workers, master=master), session=session)
    finally:
        if session is not None:
            session.stop()
    print(json.dumps({"rows": manifest["output"]["rows"], "decisions": manifest["output"]["decisions"]}))


def measure(engine: str, source: Path, output: Path, workers: int, master: str) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", engine, "--input", str(source), "--output",
                                str(output), "--workers", str(workers), "--master", master],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    while process.poll() is None:
        for pid, cpu in cpu_by_pid(process.pid).items():  # Spark's Python workers are never reaped into ours
            seen[pid] = max(seen.get(pid, 0.0), cpu)
        time.sleep(0.5)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"{engine} failed:\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = json.loads(stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": max(reaped, sum(seen.values())), "rows": result["rows"]}


def cores_of(engine: str, workers: int, master: str) -> int:
    if engine == "local":
        return 1
    if engine == "pool":
        return workers
    inside = master.partition("[")[2].rstrip("]")
    return int(inside) if inside.isdigit() else os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--probe", type=int, default=200, help="rows of the start-up run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--engines", default="local,pool,spark")
    parser.add_argument("--executor-cores", type=int, default=4, help="cores per executor in the sizing table")
    parser.add_argument("--child", choices=("local", "pool", "spark"), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.input, args.output, args.workers, args.master)
        return

    print(f"machine: {os.cpu_count()} cores; uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    with tempfile.TemporaryDirectory(prefix="rescreen-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_catalogue(folder / "probe.parquet", args.probe)
        write_catalogue(folder / "all.parquet", args.rows)
        print(f"generated {args.rows:,} listings (+ a {args.probe}-row probe) in {time.perf_counter() - started:.1f}s\n")
        print(f"{'engine':<16} {'cores':>5} {'start-up s':>10} {'run s':>8} {'texts/s':>9} {'per core':>9} "
              f"{'CPU s':>8} {'texts/CPU s':>11}")
        per_core: dict[str, float] = {}
        per_cpu: dict[str, float] = {}
        for engine in args.engines.split(","):
            cores = cores_of(engine, args.workers, args.master)
            probe = measure(engine, folder / "probe.parquet", folder / f"{engine}-probe", args.workers, args.master)
            full = measure(engine, folder / "all.parquet", folder / f"{engine}-all", args.workers, args.master)
            steady = max(full["wall"] - probe["wall"], 1e-9)
            rate = (full["rows"] - probe["rows"]) / steady
            per_core[engine] = rate / cores
            per_cpu[engine] = (full["rows"] - probe["rows"]) / max(full["cpu"] - probe["cpu"], 1e-9)
            name = engine if engine != "spark" else f"spark {args.master}"
            print(f"{name:<16} {cores:>5} {probe['wall']:>10.1f} {full['wall']:>8.1f} {rate:>9,.0f} "
                  f"{rate / cores:>9,.0f} {full['cpu']:>8.1f} {per_cpu[engine]:>11,.0f}")
        if "spark" in per_core and "pool" in per_core:
            print(f"\nSpark / pool, per core of wall time: {per_core['spark'] / per_core['pool']:.2f}; per CPU "
                  f"second: {per_cpu['spark'] / per_cpu['pool']:.2f} (goal ≥ 0.80)")
        print(f"\nhours for {CATALOGUE:,} listings on K executors of {args.executor_cores} cores "
              "(measured per-core rate × cores; start-up not included):")
        ks = (1, 4, 16, 64)
        print(f"{'rate from':<16} " + " ".join(f"{'K=' + str(k):>8}" for k in ks))
        for label, rates in (("wall", per_core), ("CPU", per_cpu)):
            for engine, rate in rates.items():
                hours = [CATALOGUE / (rate * args.executor_cores * k) / 3600 for k in ks]
                print(f"{engine + ' (' + label + ')':<16} " + " ".join(f"{h:>8.2f}" for h in hours))


if __name__ == "__main__":
    main()
