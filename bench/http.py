"""HTTP load: POST /v1/screen/ad on gunicorn (2 workers, every decision recorded) vs. a minimal Flask
endpoint that only parses JSON and returns it (the framework's own ceiling), in the same run.

    .venv/bin/python bench/http.py [--seconds 12] [--rounds 3] [--clients 4] [--parts] [--shadow]
                                   [--shadow-sample 1.0] [--shadow-candidate policy|rules] [--batch]

Both servers listen on 127.0.0.1 only and run side by side; the load alternates between them in
``--rounds`` rounds (echo, then screening), ``--seconds`` of load per endpoint in all (default 12; the
whole run stays under 30 s of load). Alternating matters on a shared machine whose speed drifts from
minute to minute: both endpoints see the same moments, and each round's ratio is printed. The screening
rows (with ``--shadow``, ``--batch`` or ``--parts``) swap their order every round, with a pause after each
burst for that server's audit sequencer to integrate its entries, so no row pays for another's tail; an
even ``--rounds`` balances the order. The client is
Python (threads in two processes, a new connection per request: gunicorn's sync workers close
connections), on the same 2-core machine as the servers, so both lines of the table pay the same client
cost. The screening server uses a throw-away data directory (SQLite, dev keyring, one screener key) and,
like every ``riskguard serve``, its own audit sequencer process; afterwards the audit entries are counted
to show every answered decision was recorded, and a second later those not yet integrated into the log.
The screening servers run the shipped policies with the per-key API rate limit raised beyond any load of
this script: every request still passes the rate-limit check, none is answered 429.

Each row also gives the servers' CPU time per answered request (user + system seconds of the server's
whole process tree, gunicorn master, workers and the audit sequencer, read from /proc around each burst;
Linux only, blank elsewhere). On a loaded machine requests per second drift with the neighbours; CPU per
request drifts much less, so it is the figure to compare between runs.

``--shadow`` adds the product's server with shadow mode on (``riskguard rules shadow`` with a candidate whose
ad policy differs from the shipped one, sample ``--shadow-sample``, default 1 = 100 %): each sampled
answered item is also decided by the candidate after the answer and stored as a shadow record. Its p99
against the product's row is the cost of shadow mode; the per-round p99 of both rows and the median of
their per-round ratios are printed too. With ``--shadow-candidate rules`` the candidate also adds a term
to a rule, so its rule files differ and every sample is screened in full (the costly case); with the
default ``policy`` only the policy differs and the active findings are reused. The window starts once
the shadow server has stored its warm-up samples (a rule-changing candidate's screening process starts
and loads the candidate then), and its stored and dropped counts are read once every answered sample
is one or the other (at most two minutes after the load: a shadow at low priority catches up then).

``--batch`` adds ``POST /v1/screen/ad/batch`` with 100 items a request (the same texts, the product's
server) and, in the same alternating rounds, the engine in one process of its own (``evaluate`` on the
same texts, the same rules and policies, no HTTP, no audit): texts per second of each, and texts per
CPU-second (the servers' whole process tree against the engine process), with their ratios. On a shared
machine the CPU-second ratio is the one to read: the server runs two workers and the engine one process,
and both share the cores with the clients and the neighbours.

``--parts`` is an analysis, not a figure of the product: it adds, in the same alternating rounds, the same
server with parts of a screening request's work taken out (the audit write; the engine, whose first
decision is then answered again; and both with the API key lookup too), each on a data directory of its
own. Their rows show what each part costs in requests per second, and how close to the ceiling the
request handling alone comes. The load then stays at about 28 s in all, shared by the five servers.
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

from bench.proctree import cpu_by_pid  # noqa: E402


def _texts(n: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_screening", ROOT / "bench" / "screening.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.make_texts(n)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 240) -> None:
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


SHADOW = "+ shadow mode"
BATCH = "POST /v1/screen/ad/batch, 100 items"
BATCH_ITEMS = 100


def _engine(policies: str, texts: list[str], commands: mp.Queue, results: mp.Queue) -> None:  # type: ignore[type-arg]
    """The in-process baseline for ``--batch``: the same rules and policies as the server, loaded once;
    each command is a number of seconds to screen the texts in turn; answers (texts, wall s, CPU s)."""
    from riskguard._data import packaged_dir
    from riskguard.rulebook import evaluate, load_rulebook
    from riskguard.screening.service import to_input

    book = load_rulebook(packaged_dir("rules"), Path(policies))
    items = [to_input(kind="ad", text=t, id=f"b{i}") for i, t in enumerate(texts)]
    evaluate(book, items[0])
    results.put("ready")
    i = 0
    while (seconds := commands.get()) is not None:
        begun, cpu = time.perf_counter(), time.process_time()
        done = 0
        while time.perf_counter() - begun < seconds:
            evaluate(book, items[i % len(items)])
            i += 1
            done += 1
        results.put((done, time.perf_counter() - begun, time.process_time() - cpu))
PARTS = {"audit": "without the audit write", "engine": "without the engine",
         "audit,auth,engine": "without engine, audit, key lookup"}


def serve_without(parts: str, port: int) -> None:
    """``riskguard serve`` with parts of the screening request replaced, for ``--parts`` only."""
    import riskguard.auth as auth
    import riskguard.screening.service as service
    from riskguard.serving import run_gunicorn

    if "engine" in parts:
        evaluate, first = service.evaluate, {}

        def first_decision(book, item, policy=None):  # type: ignore[no-untyped-def]
            if not first:
                first["decision"] = evaluate(book, item, policy=policy)
            return first["decision"]

        service.evaluate = first_decision
    if "audit" in parts:
        from riskguard.audit.recorder import AuditTransaction, Receipt
        from riskguard.ids import new_id, utcnow

        def unrecorded(self, event):  # type: ignore[no-untyped-def]
            return Receipt(entry_id=new_id("aud"), time=utcnow(), action=str(event.action))

        AuditTransaction.record = unrecorded  # type: ignore[method-assign]
        AuditTransaction._commit = lambda self: None  # type: ignore[method-assign]
    if "auth" in parts:
        actor = auth.Actor(key_id="kbench", name="bench", role=auth.Role.SCREENER)
        auth.authenticate = lambda conn, token: actor  # type: ignore[assignment]
    run_gunicorn(host="127.0.0.1", port=port, workers=2)


def _client(port: int, path: str, token: str, bodies: list[bytes], seconds: float, threads: int,
            out: mp.Queue) -> None:  # type: ignore[type-arg]
    lat: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    begun = time.perf_counter()
    stop = begun + seconds

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
    out.put((lat, errors[0], statuses, time.perf_counter() - begun))


def _tree_cpu(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` and all its descendants (Linux /proc), or None."""
    times = cpu_by_pid(pid)
    return sum(times.values()) if times else None


def load(port: int, token: str, bodies: list[bytes], seconds: float, clients: int,
         server: int | None = None, path: str = "/v1/screen/ad") -> dict[str, object]:
    """One burst of load: latencies of the 200s, errors, statuses, the clients' own elapsed time and
    the CPU seconds the ``server`` process tree spent meanwhile."""
    cpu_before = _tree_cpu(server) if server is not None else None
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    procs = [mp.Process(target=_client, args=(port, path, token, bodies[n::2], seconds,
                                               max(1, clients // 2), queue)) for n in range(2)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    cpu_after = _tree_cpu(server) if server is not None else None
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return {"lat": [x for r in results for x in r[0]], "errors": sum(r[1] for r in results),
            "statuses": _added([r[2] for r in results]), "elapsed": max(r[3] for r in results), "cpu": cpu}


def _added(counts: list[dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return total


def summary(bursts: list[dict[str, object]]) -> dict[str, object]:
    lat = sorted(x for b in bursts for x in b["lat"])  # type: ignore[attr-defined]
    statuses = _added([b["statuses"] for b in bursts])  # type: ignore[misc]
    elapsed = sum(b["elapsed"] for b in bursts)  # type: ignore[misc]
    cpu = [b.get("cpu") for b in bursts]
    cpu_ms = round(sum(cpu) / len(lat) * 1000, 3) if lat and None not in cpu else None  # type: ignore[arg-type]
    return {"ok": len(lat), "errors": sum(b["errors"] for b in bursts), "statuses": statuses,  # type: ignore[misc]
            "rps": round(len(lat) / elapsed, 1), "cpu_ms": cpu_ms,
            "p50_ms": round(lat[len(lat) // 2] * 1000, 2) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 2) if lat else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="seconds of load per endpoint, in all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--parts", action="store_true", help="also the analysis servers (see above)")
    parser.add_argument("--shadow", action="store_true", help="also the product with shadow mode on")
    parser.add_argument("--shadow-sample", type=float, default=1.0, help="its sample rate (default 1: 100 %%)")
    parser.add_argument("--shadow-candidate", choices=["policy", "rules"], default="policy",
                        help="what the shadow candidate changes (see above)")
    parser.add_argument("--batch", action="store_true",
                        help="also /batch with 100 items against the engine in one process (see above)")
    parser.add_argument("--serve-echo", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--serve-without", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return
    if args.serve_without:
        serve_without(args.serve_without[0], int(args.serve_without[1]))
        return
    # Each screening server's row name and the parts its server leaves out (None: the product).
    screening = {"POST /v1/screen/ad": None, **({SHADOW: SHADOW} if args.shadow else {}),
                 **({label: parts for parts, label in PARTS.items()} if args.parts else {})}
    names = ["flask echo (ceiling)", *screening, *([BATCH] if args.batch else [])]
    args.seconds = min(args.seconds, 28.0 / len(names))  # at most ~30 s of load in all
    args.rounds = max(1, args.rounds)
    burst = args.seconds / args.rounds
    texts = _texts(2000)
    bodies = [json.dumps({"id": f"b{i}", "text": t, "category": "general"}, ensure_ascii=False).encode()
              for i, t in enumerate(texts)]
    batches = [json.dumps({"items": [{"id": f"b{i + j}", "text": t, "category": "general"}
                                     for j, t in enumerate(texts[i:i + BATCH_ITEMS])]}, ensure_ascii=False).encode()
               for i in range(0, len(texts), BATCH_ITEMS)]
    payloads = {name: batches if name == BATCH else bodies for name in names}
    paths = {name: "/v1/screen/ad/batch" if name == BATCH else "/v1/screen/ad" for name in names}
    engine_runs: list[tuple[int, float, float]] = []
    bursts: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        riskguard = str(Path(sys.executable).with_name("riskguard"))
        ports = {name: _free_port() for name in names if name != BATCH}
        tokens = {names[0]: ""}
        servers = [subprocess.Popen([sys.executable, __file__, "--serve-echo", str(ports[names[0]])],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        policies = unthrottled_policies(Path(tmp) / "policies")
        for n, (name, parts) in enumerate(screening.items()):
            data = Path(tmp) / str(n)  # the product's server is 0
            env = {**os.environ, "RISKGUARD_DATA_DIR": str(data), "RISKGUARD_LOG_LEVEL": "WARNING",
                   "RISKGUARD_DATABASE_URL": "", "RISKGUARD_POLICIES_DIR": str(policies)}
            subprocess.run([riskguard, "init"], env=env, check=True, capture_output=True)
            tokens[name] = subprocess.run([riskguard, "keys", "create", "--role", "screener", "--name", "bench"],
                                          env=env, check=True, capture_output=True, text=True).stdout.strip()
            if parts == SHADOW:
                subprocess.run([riskguard, "rules", "shadow", str(_candidate(Path(tmp) / "candidate", args.shadow_candidate)), "--sample",
                                str(args.shadow_sample)], env=env, check=True, capture_output=True)
            command = [riskguard, "serve", "--host", "127.0.0.1", "--port", str(ports[name]), "--workers", "2"] \
                if parts in (None, SHADOW) else [sys.executable, __file__, "--serve-without", parts, str(ports[name])]
            servers.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        pids = {name: server.pid for name, server in zip([n for n in names if n != BATCH], servers, strict=True)}
        engine = None
        if args.batch:  # the batch row is the product's server, on another endpoint
            product = names[1]
            ports[BATCH], tokens[BATCH], pids[BATCH] = ports[product], tokens[product], pids[product]
            commands: mp.Queue = mp.Queue()  # type: ignore[type-arg]
            results: mp.Queue = mp.Queue()  # type: ignore[type-arg]
            engine = mp.Process(target=_engine, args=(str(policies), texts, commands, results), daemon=True)
            engine.start()
        try:
            for name in names:
                _wait(ports[name])
                load(ports[name], tokens[name], payloads[name], 1.0, args.clients,
                     path=paths[name])  # warm-up (loads the rulebook)
            if engine is not None:
                assert results.get(timeout=600) == "ready"
            from riskguard.db import Database
            db = Database(f"sqlite:///{Path(tmp) / '0' / 'riskguard.db'}")
            shadow_db = Database(f"sqlite:///{Path(tmp) / '1' / 'riskguard.db'}") if args.shadow else None
            time.sleep(0.5)
            before = _count(db)
            started = time.perf_counter()
            shadow_before = _settled(shadow_db, 300) if shadow_db is not None else (0, 0)
            shadow_start = time.perf_counter() - started
            for round_ in range(args.rounds):
                # The screening rows swap order every round, and each burst starts after the previous
                # server's sequencer has integrated its entries: a row that always came second would pay
                # for the first one's tail.
                order = [names[0], *(names[1:] if round_ % 2 == 0 else names[:0:-1])]
                for name in order:
                    bursts[name].append(load(ports[name], tokens[name], payloads[name], burst, args.clients,
                                             server=pids[name], path=paths[name]))
                    if name != names[0]:
                        time.sleep(0.5)
                if engine is not None:  # the in-process engine at the same moments of the run
                    commands.put(burst)
                    engine_runs.append(results.get())
            recorded = _count(db) - before
            time.sleep(1.0)  # the server's sequencer process integrates every 0.1 s
            pending = _count(db, pending=True)
            db.dispose()
            if shadow_db is not None:  # what the shadow threads stored or dropped of the window's samples
                started = time.perf_counter()
                answered = sum(len(b["lat"]) for b in bursts[SHADOW])  # type: ignore[arg-type]
                shadow_after = _settled(shadow_db, 120, until=sum(shadow_before) + answered)
                shadow_tail = time.perf_counter() - started + 1.0
                shadowed_counts = [a - b for a, b in zip(shadow_after, shadow_before, strict=True)]
                shadow_db.dispose()
        finally:
            if engine is not None:
                commands.put(None)
                engine.join(10)
            for server in servers:
                server.terminate()
                server.wait()

    rows = {name: summary(bursts[name]) for name in names}
    print(f"\ngunicorn, 2 sync workers, 127.0.0.1; {args.clients} client threads in 2 processes on the same "
          f"machine; {args.seconds:.0f} s each in {args.rounds} alternating rounds; bodies: generated listing "
          f"texts of 50-500 chars\n")
    print(f"{'endpoint':<36}{'ok':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'/ ceiling':>11}"
          f"{'CPU ms/req':>12}")
    ceiling = rows[names[0]]
    for name, r in rows.items():
        print(f"{name:<36}{r['ok']:>8}{r['errors']:>8}{r['rps']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}"
              f"{r['rps'] / ceiling['rps']:>11.2f}{r['cpu_ms'] if r['cpu_ms'] is not None else '':>12}")  # type: ignore[operator]
    screen = rows[names[1]]
    answered = screen["ok"] + (rows[BATCH]["ok"] * BATCH_ITEMS if args.batch else 0)  # type: ignore[operator]
    rounds = ", ".join(f"{summary([s])['rps'] / summary([e])['rps']:.2f}"  # type: ignore[operator]
                       for e, s in zip(bursts[names[0]], bursts[names[1]], strict=True))
    print(f"\nscreening / ceiling: {screen['rps'] / ceiling['rps']:.2f} (rounds: {rounds}); "  # type: ignore[operator]
          f"decisions answered 200: {answered}, audit entries written in the window: {recorded} "
          f"({pending} not yet integrated 1 s later); statuses: {screen['statuses']}")
    if args.shadow:
        shadowed = rows[SHADOW]
        print(f"shadow mode at {args.shadow_sample:.0%}: p99 {shadowed['p99_ms']} ms vs {screen['p99_ms']} ms "
              f"({(shadowed['p99_ms'] / screen['p99_ms'] - 1) * 100:+.0f} %), req/s "  # type: ignore[operator]
              f"{shadowed['rps']} vs {screen['rps']}; shadow records stored in the window {shadowed_counts[0]}, "
              f"dropped {shadowed_counts[1]}, of {shadowed['ok']} answered ({shadow_tail:.0f} s after the load; "
              f"before the window, the shadow took {shadow_start:.0f} s to store its first warm-up sample)")
        per_round = [(summary([a])["p99_ms"], summary([b])["p99_ms"])
                     for a, b in zip(bursts[names[1]], bursts[SHADOW], strict=True)]
        ratios = sorted(b / a for a, b in per_round)  # type: ignore[operator]
        median = (ratios[(len(ratios) - 1) // 2] + ratios[len(ratios) // 2]) / 2
        print(f"p99 ms per round without → with shadow ({args.shadow_candidate} candidate): "
              + ", ".join(f"{a} → {b}" for a, b in per_round) + f"; median of the rounds' ratios {median:.2f}")
    if args.batch:
        _batch_lines(bursts[BATCH], rows[BATCH], engine_runs)
    if args.parts:
        print("the rows below the product's are an analysis: those servers skip the work their names say")


def _batch_lines(bursts: list[dict[str, object]], row: dict[str, object],
                 engine: list[tuple[int, float, float]]) -> None:
    """``--batch``: texts per second and per CPU-second over HTTP and in process, and their ratios."""
    http_texts = row["ok"] * BATCH_ITEMS  # type: ignore[operator]
    http_rate = http_texts / sum(b["elapsed"] for b in bursts)  # type: ignore[misc]
    cpu = [b["cpu"] for b in bursts]
    http_cpu = http_texts / sum(cpu) if None not in cpu and sum(cpu) else None  # type: ignore[arg-type]
    done, wall, engine_cpu = (sum(r[k] for r in engine) for k in range(3))
    engine_rate, engine_per_cpu = done / wall, done / engine_cpu if engine_cpu else float("nan")
    rounds = ", ".join(f"{len(b['lat']) * BATCH_ITEMS / b['elapsed'] / (r[0] / r[1]):.2f}"  # type: ignore[arg-type,operator]
                       for b, r in zip(bursts, engine, strict=True))
    print(f"\n/batch with {BATCH_ITEMS} items: {http_rate:,.0f} texts/s over HTTP (2 workers, every decision "
          f"recorded; p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms a request) vs {engine_rate:,.0f} texts/s in "
          f"one engine process; ratio {http_rate / engine_rate:.2f} (rounds: {rounds})")
    if http_cpu is not None:
        print(f"per CPU-second: {http_cpu:,.0f} texts over HTTP (servers' whole process tree) vs "
              f"{engine_per_cpu:,.0f} in the engine process; ratio {http_cpu / engine_per_cpu:.2f} (goal ≥ 0.6)")


def _candidate(folder: Path, changes: str = "policy") -> Path:
    """The shipped rules with an ad policy that sends ``medium`` to block: a second revision to shadow.
    ``changes="rules"``: the superlative rule also knows 无敌, so the rule files differ too."""
    import shutil

    from riskguard._data import packaged_dir

    shutil.copytree(packaged_dir("rules"), folder / "rules")
    shutil.copytree(packaged_dir("policies"), folder / "policies")
    ad = folder / "policies" / "ad-prepublish.yaml"
    ad.write_text(ad.read_text("utf-8").replace("  medium: review", "  medium: block", 1), "utf-8")
    if changes == "rules":
        pack = folder / "rules" / "cn" / "adlaw.yaml"
        pack.write_text(pack.read_text("utf-8").replace("terms: [最佳,", "terms: [无敌, 最佳,", 1), "utf-8")
    return folder


def unthrottled_policies(folder: Path) -> Path:
    """The shipped policies, with a per-key API limit no load of this script reaches: the rate-limit check
    still runs on every request (its cost is in the figures), but never answers 429."""
    import shutil

    import yaml

    from riskguard._data import packaged_dir

    shutil.copytree(packaged_dir("policies"), folder)
    path = folder / "rate-limits.yaml"
    policy = yaml.safe_load(path.read_text("utf-8"))
    policy["api"] = {"per_key": {"default": "10000000/minute"}}
    path.write_text(yaml.safe_dump(policy), "utf-8")
    return folder


def _settled(db: object, timeout: float, until: int | None = None) -> tuple[int, int]:
    """The shadow server's counts once it has stored a record and then stands still for a second (the
    warm-up: its first samples may wait for a screening process to start), or, with ``until``, once
    records and drops reach that many; at most ``timeout`` seconds."""
    deadline, last = time.perf_counter() + timeout, None
    while time.perf_counter() < deadline:
        counts = _shadowed(db)
        if (until is not None and sum(counts) >= until) or (until is None and counts[0] and counts == last):
            break
        last = counts
        time.sleep(1.0)
    return _shadowed(db)


def _shadowed(db: object) -> tuple[int, int]:
    """Shadow records stored and samples dropped so far (the shadow server's database)."""
    from sqlalchemy import text

    with db.engine.connect() as conn:  # type: ignore[attr-defined]
        return (conn.execute(text("SELECT count(*) FROM rule_shadow_records")).scalar_one(),
                conn.execute(text("SELECT coalesce(sum(dropped), 0) FROM rule_shadow_drops")).scalar_one())


def _count(db: object, pending: bool = False) -> int:
    from sqlalchemy import text

    sql = "SELECT count(*) FROM audit_entries WHERE action = 'screening:content:decided'"
    with db.engine.connect() as conn:  # type: ignore[attr-defined]
        return conn.execute(text(sql + (" AND idx IS NULL" if pending else ""))).scalar_one()


if __name__ == "__main__":
    main()
