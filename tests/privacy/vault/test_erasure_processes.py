"""Erasure is immediate across processes, on SQLite and PostgreSQL.

Two server processes (each its own app, engine and vault key cache) on one database serve clear
reveals of a merchant representative to reader threads, so both hold the subject's data key in their
caches; then the subject is erased through one of them. Every read that starts after the DELETE has
answered, through either server, must come back erased with no clear value. Before the vault checked
the key row on every decrypt, the other server kept decrypting from its cache for up to 30 s.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from riskguard import create_app
from riskguard.auth import Role, create_key
from riskguard.onboarding.models import MerchantApplication
from tests.onboarding.builders import application

pytestmark = pytest.mark.slow
_CTX = multiprocessing.get_context("fork")  # the servers start without reloading the rule packs
REASON = {"X-Reveal-Reason": "fraud_investigation:CASE-1"}


class _Quiet(WSGIRequestHandler):
    def log(self, *args: Any) -> None:  # no access log lines on the test's stderr
        pass


def _serve(settings: Any, ports: Any) -> None:
    app = create_app(settings)  # after the fork: this process's own engine, vault and key cache
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    ports.put(server.server_port)
    server.serve_forever()


@pytest.fixture
def servers(app: Any) -> Iterator[list[str]]:
    ports = _CTX.Queue()
    procs = [_CTX.Process(target=_serve, args=(app.extensions["riskguard"].settings, ports), daemon=True)
             for _ in range(2)]
    for proc in procs:
        proc.start()
    try:
        yield [f"http://127.0.0.1:{ports.get(timeout=120)}" for _ in procs]
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(timeout=10)


def _call(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    import json

    req = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_no_server_decrypts_after_the_erasure_answered(app: Any, servers: list[str]) -> None:
    rg = app.extensions["riskguard"]
    with rg.db.transaction() as session:
        _, onboarding = create_key(session, role=Role.ONBOARDING, name="submitter")
        _, officer = create_key(session, role=Role.PRIVACY_OFFICER, name="officer")
    body = application()
    res = app.test_client().post("/v1/merchants/applications", json=body,
                                 headers={"Authorization": f"Bearer {onboarding}"})
    assert res.status_code == 201, res.get_json()
    with rg.db.sessions() as session:
        subject = session.scalar(select(MerchantApplication.legal_rep_subject_id)
                                 .where(MerchantApplication.id == body["id"]))
    auth = {"Authorization": f"Bearer {officer}"}
    path = f"/v1/privacy/records/merchant_application/{body['id']}?fields=legal_rep_phone,legal_rep_name"
    clear = {body["legal_rep"]["phone"], body["legal_rep"]["name"]}

    reads: list[tuple[int, float, int, dict[str, Any]]] = []  # (server, started, status, body)
    stop = threading.Event()

    def reader(n: int) -> None:
        while not stop.is_set():
            started = time.monotonic()
            status, answer = _call("GET", servers[n] + path, {**auth, **REASON})
            reads.append((n, started, status, answer))

    threads = [threading.Thread(target=reader, args=(n % 2,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while {n for n, _, status, _ in reads if status == 200} != {0, 1} and time.monotonic() < deadline:
            time.sleep(0.05)  # until both servers have revealed (and so cached the key)
        time.sleep(0.3)
        status, erased = _call("DELETE", f"{servers[0]}/v1/privacy/subjects/{subject}", auth)
        answered = time.monotonic()
        assert status == 200 and erased["status"] == "erased", erased
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    before = [r for r in reads if r[1] < answered]
    after = [r for r in reads if r[1] > answered]
    assert {n for n, _, status, answer in before if status == 200 and set(answer["fields"].values()) == clear} \
        == {0, 1}, "both servers revealed the clear fields before the erasure"
    assert {n for n, *_ in after} == {0, 1} and len(after) >= 10, len(after)
    leaked = [(n, answer) for n, _, status, answer in after
              if status != 200 or answer["subject_status"] != "erased" or set(answer["fields"].values()) != {"ERASED"}]
    assert not leaked, f"{len(leaked)} of {len(after)} reads after the erasure: {leaked[:3]}"
