"""Onboarding benchmarks: how long one merchant application takes to check and to submit, with a
same-run baseline for each, on SQLite (and PostgreSQL unless --no-pg).

    .venv/bin/python bench/onboarding.py [--n 300] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test
                                          | --no-pg]

* evaluate, baseline — ``ApplicationSchema().load`` only (what parsing costs)
* evaluate           — every check, content screening included, no database (the CLI dry run's path)
* submit, baseline   — POST of a body that fails validation (auth + JSON + schema, nothing stored)
* submit             — POST of a valid application: vault sealing + blind indexes, duplicate search
                       (blind index + decrypting candidates), decision, audit entry, one transaction;
                       reported for the first and the last fifth of the run (the table grows)
* dry run            — ``riskguard merchants review --no-duplicates`` over 20 x N lines, wall time
                       including process start-up (rulebook and PII models load once)

Figures depend on machine load; this 2-core machine is shared with other work.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself must not be on the path: bench/http.py would shadow the standard library's http
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

from onboarding.builders import application  # noqa: E402

from bench._app import make_app  # noqa: E402
from bench._pg import pg_schema  # noqa: E402
from riskguard.auth import Role, create_key  # noqa: E402
from riskguard.onboarding.schemas import ApplicationSchema  # noqa: E402


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {statistics.median(samples) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   n={len(samples)}"


def timed(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t0)
    return out


def bench_backend(name: str, url: str, tmp: Path, bodies: list[dict[str, Any]]) -> None:
    app = make_app(tmp, url)
    with app.extensions["riskguard"].db.transaction() as session:
        _, tok = create_key(session, role=Role.ONBOARDING, name="bench")
    headers = {"Authorization": f"Bearer {tok}"}
    client = app.test_client()
    bad = [{**b, "categories": ["weapons"]} for b in bodies]

    def post_bad(body: dict[str, Any]) -> None:
        assert client.post("/v1/merchants/applications", json=body, headers=headers).status_code == 400

    def post(body: dict[str, Any]) -> None:
        res = client.post("/v1/merchants/applications", json=body, headers=headers)
        assert res.status_code == 201, res.get_json()

    base = timed(post_bad, bad)
    real = timed(post, bodies)
    fifth = max(1, len(real) // 5)
    print(f"[{name}] submit, baseline   {ms(base)}")
    print(f"[{name}] submit, first 1/5  {ms(real[:fifth])}")
    print(f"[{name}] submit, last 1/5   {ms(real[-fifth:])}   (table then holds {len(real)} applications)")
    print(f"[{name}] submit, overall    {len(real) / sum(real):7.1f} applications/s")
    app.extensions["riskguard"].db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    bodies = [application() for _ in range(args.n)]
    for i, body in enumerate(bodies):  # a realistic mix: some duplicates, some content findings
        if i % 10 == 3:
            body["contact_phone"] = bodies[i - 1]["contact_phone"]
        if i % 10 == 7:
            body["store_description"] = "全网最低价，有问题加VX：shop8888"

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "eval").mkdir()
        app = make_app(tmp / "eval", f"sqlite:///{tmp / 'eval.db'}")
        schema = ApplicationSchema()
        with app.app_context():
            service = app.extensions["riskguard"].onboarding
            rulebook = app.extensions["riskguard"].rulebook
            key = app.extensions["riskguard"].keyring.secret("digest")
            loaded = [schema.load(b) for b in bodies]
            service.evaluate(loaded[0], as_of=date.today(), rulebook=rulebook, digest_key=key)  # warm up
            base = timed(schema.load, bodies)
            real = timed(lambda a: service.evaluate(a, as_of=date.today(), rulebook=rulebook, digest_key=key),
                         loaded)
        print(f"evaluate, baseline     {ms(base)}")
        print(f"evaluate               {ms(real)}   ({len(real) / sum(real):.0f} applications/s)")

        (tmp / "sqlite").mkdir()
        bench_backend("sqlite", f"sqlite:///{tmp / 'sqlite' / 'riskguard.db'}", tmp / "sqlite", bodies)
        if not args.no_pg:
            (tmp / "pg").mkdir()
            with pg_schema(args.pg) as url:
                bench_backend("postgres", url, tmp / "pg", [application() for _ in range(args.n)])

        lines = tmp / "apps.jsonl"
        many = bodies * 20  # enough lines that the checking outweighs start-up noise
        lines.write_text("\n".join(json.dumps(b, ensure_ascii=False) for b in many) + "\n", "utf-8")
        env = {"RISKGUARD_DATA_DIR": str(tmp / "eval"), "RISKGUARD_KEYRING": str(tmp / "eval" / "keyring.json"),
               "RISKGUARD_DATABASE_URL": f"sqlite:///{tmp / 'eval.db'}", "RISKGUARD_LOG_LEVEL": "WARNING",
               "PATH": "/usr/bin:/bin"}
        cli = [str(ROOT / ".venv" / "bin" / "riskguard"), "merchants", "review", "--no-duplicates", str(lines)]
        t0 = time.perf_counter()
        startup = subprocess.run([*cli[:-1], "/dev/null"], env=env, capture_output=True, check=True)
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = subprocess.run(cli, env=env, capture_output=True, check=True)
        t_all = time.perf_counter() - t0
        assert startup.returncode == 0 and len(out.stdout.splitlines()) == len(many)
        print(f"dry run, baseline      {t_start:7.2f} s  (CLI start-up with an empty input)")
        rate = f"{len(many) / (t_all - t_start):.0f} applications/s after start-up" if t_all > t_start \
            else "within start-up noise"
        print(f"dry run, {len(many)} lines  {t_all:7.2f} s  ({rate})")


if __name__ == "__main__":
    main()
