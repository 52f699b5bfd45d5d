"""Catalogue re-screening throughput: one process, a process pool and Spark ``local[N]``.

    .venv/bin/python bench/rescreen.py [--rows 1000000] [--local-rows N] [--workers 2] [--master local[2]]
                                       [--engines pool,spark,local] [--data DIR]

Generates listings with bench/screening.py's generator (seeded, 50–500 characters), writes them as one
Parquet file, then runs ``riskguard rescreen``'s job (no audit) for each engine in a fresh child process,
twice: on ``--probe`` rows and on all of them. The probe run's wall time is the engine's start-up cost
(interpreter, rule compilation, pool or Spark start, writing); the difference between the two runs gives
the steady rate, and the rate divided by the cores the engine uses gives texts/s per core. CPU seconds
are the child's and all its descendants' (a Spark run's JVM and Python workers included: the larger of
what was reaped and what /proc showed, sampled every 0.5 s); ``texts/CPU s`` is the steady
rate per CPU second (the two runs' differences), which a loaded machine moves less than wall time. Each
engine's line is printed as soon as it is measured, the Spark / pool ratio as soon as both are, so a run
cut short still reports what it finished. Then a sizing table: hours for 100 M listings on K executor
cores (``--cores``) at the measured per-core rates.

``--data DIR`` keeps the generated Parquet files there and reuses them (the generator is seeded), so a
timed run need not spend minutes generating; ``--engines`` sets the order (the pool and Spark first: their
ratio is the goal); ``--local-rows`` gives the one-process engine fewer rows when time is short.

Figures move with machine load (the load average is printed): on a shared machine compare engines measured in
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
import shutil
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

    if path.is_file() and pq.ParquetFile(path).metadata.num_rows == n:
        return  # kept from an earlier run (--data): the same seed gives the same rows
    texts = make_texts(n)
    table = pa.table({"id": [f"L{i:09d}" for i in range(n)], "text": texts, "kind": ["listing"] * n,
                      "category": [CATEGORIES[i % 4] for i in range(n)]})
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial, row_group_size=50_000)
    partial.rename(path)  # a run stopped while writing leaves no file that looks complete


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
    parser.add_argument("--local-rows", type=int, help="rows for the one-process engine (default --rows): it "
                        "takes as long as the other two together, and its steady rate does not depend on the size")
    parser.add_argument("--probe", type=int, default=200, help="rows of the start-up run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--engines", default="pool,spark,local")
    parser.add_argument("--cores", default="1,2,8,32,128", help="executor cores in the sizing table")
    parser.add_argument("--data", type=Path, help="keep the generated Parquet files here and reuse them")
    parser.add_argument("--child", choices=("local", "pool", "spark"), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.input, args.output, args.workers, args.master)
        return

    with tempfile.TemporaryDirectory(prefix="rescreen-bench-") as tmp:
        folder = Path(tmp)
        data = args.data or folder
        data.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        sizes = {engine: args.local_rows if engine == "local" and args.local_rows else args.rows
                 for engine in args.engines.split(",")}
        probe_file = data / f"listings-{args.probe}.parquet"
        write_catalogue(probe_file, args.probe)
        for rows in sorted(set(sizes.values())):
            write_catalogue(data / f"listings-{rows}.parquet", rows)
        say(f"catalogue: {', '.join(f'{n:,}' for n in sorted(set(sizes.values())))} listings (+ a {args.probe}-row "
            f"probe), ready in {time.perf_counter() - started:.1f}s")
        say(f"machine: {os.cpu_count()} cores; {load()}\n")
        say(f"{'engine':<16} {'cores':>5} {'rows':>9} {'start-up s':>10} {'wall s':>8} {'texts/s':>9} "
            f"{'per core':>9} {'CPU s':>8} {'texts/CPU s':>11}  load at end")
        per_core: dict[str, float] = {}
        per_cpu: dict[str, float] = {}
        for engine, rows in sizes.items():
            cores = cores_of(engine, args.workers, args.master)
            probe = measure(engine, probe_file, folder / f"{engine}-probe", args.workers, args.master)
            full = measure(engine, data / f"listings-{rows}.parquet", folder / f"{engine}-all", args.workers,
                           args.master)
            shutil.rmtree(folder / f"{engine}-all", ignore_errors=True)  # a 1 M-row output is large
            name = engine if engine != "spark" else f"spark {args.master}"
            steady, steady_cpu = full["wall"] - probe["wall"], full["cpu"] - probe["cpu"]
            if full["rows"] <= probe["rows"] or steady <= 0 or steady_cpu <= 0:  # start-up noise exceeds the work
                say(f"{name:<16} {cores:>5} {int(full['rows']):>9,} {probe['wall']:>10.1f} {full['wall']:>8.1f}  "
                    "too few rows to tell the steady rate from start-up")
                continue
            rate = (full["rows"] - probe["rows"]) / steady
            per_core[engine] = rate / cores
            per_cpu[engine] = (full["rows"] - probe["rows"]) / steady_cpu
            say(f"{name:<16} {cores:>5} {int(full['rows']):>9,} {probe['wall']:>10.1f} {full['wall']:>8.1f} "
                f"{rate:>9,.0f} {rate / cores:>9,.0f} {full['cpu']:>8.1f} {per_cpu[engine]:>11,.0f}  "
                f"{load(short=True)}")
            if engine in ("pool", "spark") and {"pool", "spark"} <= per_core.keys():
                say(f"  Spark / pool, per core of wall time: {per_core['spark'] / per_core['pool']:.2f}; per CPU "
                    f"second: {per_cpu['spark'] / per_cpu['pool']:.2f} (goal >= 0.80)")
        ks = [int(k) for k in args.cores.split(",")]
        say(f"\nhours for {CATALOGUE:,} listings on K executor cores (measured per-core rate x K; start-up, "
            "distributed reads and writes not included):")
        say(f"{'rate from':<16} " + " ".join(f"{'K=' + str(k):>8}" for k in ks))
        for label, rates in (("wall", per_core), ("CPU", per_cpu)):
            for engine, rate in rates.items():
                hours = [CATALOGUE / (rate * k) / 3600 for k in ks]
                say(f"{engine + ' (' + label + ')':<16} " + " ".join(f"{h:>8.2f}" for h in hours))


def say(line: str) -> None:
    print(line, flush=True)  # a run cut short (or piped to tee) still shows every finished engine


def load(short: bool = False) -> str:
    """The load average: figures on a shared machine are only comparable beside it."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}" if short else f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


if __name__ == "__main__":
    main()
