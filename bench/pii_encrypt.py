"""Cost of the ``encrypt`` redaction operator against ``replace`` and ``hash`` on the same texts.

    .venv/bin/python bench/pii_encrypt.py [--n 1000] [--rounds 3]

A temporary SQLite database and keyring; texts with four structured values each (ID, mobile, card,
e-mail). Detection is done once; the figures time only redaction (presidio-anonymizer plus the operator),
best of ``--rounds`` interleaved rounds, and then decrypting every token through the vault.
Figures taken on a shared 2-core machine are upper bounds on the cost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from riskguard import migrate  # noqa: E402
from riskguard.config import PROJECT_ROOT, Settings  # noqa: E402
from riskguard.db import Database  # noqa: E402
from riskguard.keyring import Keyring  # noqa: E402
from riskguard.privacy.pii.service import PiiService  # noqa: E402
from riskguard.privacy.pii.tokens import TOKEN_RE, TokenSealer, open_token, parse_token  # noqa: E402
from riskguard.privacy.vault import build_vault  # noqa: E402

TEXT = "客户身份证110101199003074514，手机13800138000，卡号6222021234567890128，邮箱zhang.wei@example.com，谢谢"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    ring = Keyring.generate(tmp / "keyring.json")
    ring.save()
    settings = Settings.from_env(data_dir=tmp, database_url=f"sqlite:///{tmp / 'b.db'}",
                                 keyring_path=tmp / "keyring.json", master_key=None,
                                 policies_dir=PROJECT_ROOT / "policies")
    db = Database(settings.sqlalchemy_url)
    migrate.upgrade(db)
    vault = build_vault(settings, ring)
    service = PiiService(ring.secret("digest"))
    texts = [f"{i:05d}{TEXT}" for i in range(args.n)]
    found = service.detect_many(texts, entities=["CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD", "EMAIL_ADDRESS"])
    spans = [[(d.type, d.start, d.end, d.score) for d in f] for f in found]
    values = sum(len(s) for s in spans)
    best: dict[str, float] = {}
    out: list[str] = []
    for _ in range(args.rounds):
        for kind in ("replace", "hash", "encrypt"):
            ops = {"DEFAULT": {"type": kind}}
            start = time.perf_counter()
            with db.transaction() as session:
                sealer = TokenSealer(vault, session.connection())
                result = [service.redactor.redact(t, s, ops, sealer)[0] for t, s in zip(texts, spans, strict=True)]
            best[kind] = min(best.get(kind, 1e9), time.perf_counter() - start)
            if kind == "encrypt":
                out = result
    tokens = [parse_token(m.group(0)) for text in out for m in TOKEN_RE.finditer(text)]
    start = time.perf_counter()
    with db.transaction() as session:
        conn = session.connection()
        opened = [open_token(vault, conn, t) for t in tokens]
    decrypt = time.perf_counter() - start
    assert len(opened) == values and all(opened)
    print(f"{args.n} texts, {values} values; redaction only (detection excluded), best of {args.rounds}")
    for kind, secs in best.items():
        print(f"  {kind:8s} {args.n / secs:9.0f} texts/s  {secs / values * 1e6:7.1f} µs/value")
    print(f"  decrypt  {len(tokens) / decrypt:9.0f} tokens/s (parse + vault open, one transaction)")
    db.dispose()


if __name__ == "__main__":
    main()
