"""HTTP load: POST /v1/screen/ad on gunicorn (2 workers, every decision recorded) vs. a minimal Flask
endpoint that only parses JSON and returns it (the framework's own ceiling), in the same run.

    .venv/bin/python bench/http.py [--seconds 10] [--clients 4]

Both servers listen on 127.0.0.1 only and run one after the other, each for ``--seconds`` (default 10;
the whole run stays under 30 s of load). The client is Python (threads in two processes, a new
connection per request: gunicorn's sync workers close connections), on the same 2-core machine as the
server, so both lines of the table pay the same client cost. The screening server uses a throw-away
data directory (SQLite, dev keyring, one screener key); afterwards the audit entries are counted to
show every answered decision was recorded.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # this file is named http.py: never shadow the standard library's http package

import argparse  # noqa: E402
import http.client  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _texts(n: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_screening", ROOT / "bench" / "screening.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.make_texts(n)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def serve_echo(port: int) -> None:
    """A minimal Flask app under gunicorn with 2 workers: parse the JSON body, return it."""
    from flask import Flask, jsonify, request
    from gunicorn.app.base import BaseApplication

    app = Flask("echo")

    @app.post("/v1/screen/ad")
    def echo():  # type: ignore[no-untyped-def]
        return jsonify(request.get_json())

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return "ok"

    class Echo(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": 2, "accesslog": None}.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Echo().run()


def _client(port: int, path: str, token: str, bodies: list[bytes], seconds: float, threads: int,
            out: mp.Queue) -> None:  # type: ignore[type-arg]
    lat: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        i = offset
        mine: list[float] = []
        while time.perf_counter() < stop:
            body = bodies[i % len(bodies)]
            i += threads
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json",
                                                               "Authorization": f"Bearer {token}"})
                res = conn.getresponse()
                res.read()
                conn.close()
                with lock:
                    statuses[res.status] = statuses.get(res.status, 0) + 1
                if res.status == 200:
                    mine.append(time.perf_counter() - started)
                else:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
        with lock:
            lat.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((lat, errors[0], statuses))


def load(port: int, token: str, bodies: list[bytes], seconds: float, clients: int) -> dict[str, object]:
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [mp.Process(target=_client, args=(port, "/v1/screen/ad", token, bodies[n::2], seconds,
                                               max(1, clients // 2), queue)) for n in range(2)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    lat = sorted(x for r in results for x in r[0])
    statuses: dict[int, int] = {}
    for r in results:
        for k, v in r[2].items():
            statuses[k] = statuses.get(k, 0) + v
    return {"ok": len(lat), "errors": sum(r[1] for r in results), "statuses": statuses,
            "rps": round(len(lat) / elapsed, 1),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 2) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 2) if lat else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--serve-echo", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return
    args.seconds = min(args.seconds, 14.0)  # two runs: at most ~30 s of load in all
    bodies = [json.dumps({"id": f"b{i}", "text": t, "category": "general"}, ensure_ascii=False).encode()
              for i, t in enumerate(_texts(2000))]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RISKGUARD_DATA_DIR": tmp, "RISKGUARD_LOG_LEVEL": "WARNING",
               "RISKGUARD_DATABASE_URL": ""}
        riskguard = str(Path(sys.executable).with_name("riskguard"))
        subprocess.run([riskguard, "init"], env=env, check=True, capture_output=True)
        token = subprocess.run([riskguard, "keys", "create", "--role", "screener", "--name", "bench"], env=env,
                               check=True, capture_output=True, text=True).stdout.strip()

        port = _free_port()
        echo = subprocess.Popen([sys.executable, __file__, "--serve-echo", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(port)
            load(port, "", bodies, 1.0, args.clients)  # warm-up
            rows["flask echo (ceiling)"] = load(port, "", bodies, args.seconds, args.clients)
        finally:
            echo.terminate()
            echo.wait()

        port = _free_port()
        server = subprocess.Popen([riskguard, "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            _wait(port)
            load(port, token, bodies, 1.0, args.clients)  # warm-up (loads the rulebook in each worker)
            from riskguard.db import Database
            db = Database(f"sqlite:///{Path(tmp) / 'riskguard.db'}")
            before = _count(db)
            rows["POST /v1/screen/ad"] = load(port, token, bodies, args.seconds, args.clients)
            time.sleep(0.5)
            recorded = _count(db) - before
            db.dispose()
        finally:
            server.terminate()
            server.wait()

    print(f"\ngunicorn, 2 sync workers, 127.0.0.1; {args.clients} client threads in 2 processes on the same "
          f"machine; {args.seconds:.0f} s each; bodies: generated listing texts of 50-500 chars\n")
    print(f"{'endpoint':<24}{'ok':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for name, r in rows.items():
        print(f"{name:<24}{r['ok']:>8}{r['errors']:>8}{r['rps']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}")
    screen, ceiling = rows["POST /v1/screen/ad"], rows["flask echo (ceiling)"]
    print(f"\nscreening / ceiling: {screen['rps'] / ceiling['rps']:.2f}; decisions answered 200: {screen['ok']}, "
          f"audit entries written in the window: {recorded}; statuses: {screen['statuses']}")


def _count(db: object) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:  # type: ignore[attr-defined]
        return conn.execute(text("SELECT count(*) FROM audit_entries WHERE action = 'screening:content:decided'")
                            ).scalar_one()


if __name__ == "__main__":
    main()
