"""CPU per POST /v1/screen/ad inside one process: the WSGI app called directly (no network, no gunicorn),
next to the screening engine alone on the same texts, so the request handling around the engine shows.

    .venv/bin/python bench/request_cpu.py [--rounds 12] [--per-round 500]

The app is the product's (``create_app``, SQLite in a throw-away directory, every decision recorded,
audit sequencer in ``process`` mode as under ``riskguard serve``, so no sequencer runs here; the shipped
policies with, as in ``bench/http.py``, a per-key API limit beyond this script's load: the rate-limit check
still runs on every request, none is answered 429). CPU time
(``time.process_time``) is less sensitive than requests per second to other load on the machine; the
minimum over rounds is the least disturbed figure, the median says how noisy the machine was.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _rounds(work: Any, rounds: int, per_round: int) -> list[float]:
    """CPU milliseconds per call, one figure per round."""
    out = []
    for _ in range(rounds):
        started = time.process_time()
        for i in range(per_round):
            work(i)
        out.append((time.process_time() - started) / per_round * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--per-round", type=int, default=500)
    args = parser.parse_args()

    from werkzeug.test import EnvironBuilder

    from riskguard import create_app, migrate
    from riskguard.auth import Role, create_key
    from riskguard.config import Settings
    from riskguard.db import Database
    from riskguard.keyring import Keyring
    from riskguard.rulebook import evaluate
    from riskguard.screening.service import to_input

    texts = _bench_module("screening").make_texts(2000)
    with tempfile.TemporaryDirectory() as tmp:
        Keyring.generate(Path(tmp) / "keyring.json").save()
        policies = _bench_module("http").unthrottled_policies(Path(tmp) / "policies")
        settings = Settings.from_env(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/riskguard.db",
                                     policies_dir=policies,
                                     keyring_path=Path(tmp) / "keyring.json", master_key=None,
                                     log_level="WARNING", extra={"audit_sequencer": "process"})
        db = Database(settings.sqlalchemy_url)
        migrate.upgrade(db)
        db.dispose()
        app = create_app(settings)
        services = app.extensions["riskguard"]
        with services.db.transaction() as session:
            token = create_key(session, role=Role.SCREENER, name="bench")[1]
        bodies = [json.dumps({"id": f"b{i}", "text": t, "category": "general"}, ensure_ascii=False).encode()
                  for i, t in enumerate(texts)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        environs = [EnvironBuilder(path="/v1/screen/ad", method="POST", data=b, headers=headers).get_environ()
                    for b in bodies]

        def answered(status: str, _headers: Any, _exc: Any = None) -> None:
            if not status.startswith("200"):
                raise RuntimeError(f"answered {status}")

        def request(i: int) -> None:
            environ = dict(environs[i % len(environs)])
            environ["wsgi.input"] = io.BytesIO(bodies[i % len(bodies)])
            body = app(environ, answered)
            b"".join(body)
            body.close()  # type: ignore[attr-defined]

        items = [to_input(kind="ad", text=t, category="general") for t in texts]
        for i in range(300):  # warm-up: caches, the first connections
            request(i)
        figures = {"POST /v1/screen/ad (whole request)": _rounds(request, args.rounds, args.per_round),
                   "engine alone (evaluate)": _rounds(lambda i: evaluate(services.rulebook, items[i % len(items)]),
                                                      args.rounds, args.per_round)}
        services.db.dispose()
    print(f"CPU ms per call, {args.rounds} rounds of {args.per_round}: min (median)")
    for name, values in figures.items():
        print(f"  {name:<38}{min(values):>8.3f} ({statistics.median(values):.3f})")
    whole, engine = (min(v) for v in figures.values())
    print(f"  {'request handling around the engine':<38}{whole - engine:>8.3f}")


if __name__ == "__main__":
    main()
