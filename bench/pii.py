"""Throughput of PII detection on 200-character mixed Chinese texts, with a same-run Presidio baseline.

    .venv/bin/python bench/pii.py [--n 1000] [--rounds 3]

Runs, interleaved for ``--rounds`` rounds on the same texts (best round reported, since other work on
the machine only ever slows a round down):

* baseline  — Presidio ``AnalyzerEngine`` with the ``no_op`` NLP engine and only its own default
              (English) pattern recognizers, ``language="en"`` (the only language they are registered for)
* structured — riskguard's recognizers, batch call, PERSON off (identifiers, contacts, cards, addresses)
* full       — every entity: the same plus PERSON (the service's default)
* log redactor — the structlog redaction pass over the same strings

It also counts how many of the e-mail addresses and card numbers planted in the texts each side finds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# bench/http.py must not shadow the standard library's http package: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.pii_evalset import FILLER, build  # noqa: E402
from riskguard.privacy.pii.analyzer import ALL_ENTITIES  # noqa: E402
from riskguard.privacy.pii.logredact import redact_text  # noqa: E402
from riskguard.privacy.pii.recognizers._tld import install_offline_extractor  # noqa: E402
from riskguard.privacy.pii.service import PiiService  # noqa: E402

LENGTH = 200


def texts_of(n: int, seed: int) -> tuple[list[str], list[list[tuple[str, int, int]]]]:
    texts, golds = [], []
    for i, sample in enumerate(build(n, seed)):
        text = sample.text
        k = i
        while len(text) < LENGTH:
            text += FILLER[k % len(FILLER)] + "。"
            k += 7
        texts.append(text[:LENGTH])
        golds.append([g for g in sample.spans if g[2] <= LENGTH])
    return texts, golds


def baseline_engine():  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    install_offline_extractor()  # Presidio's EmailRecognizer calls tldextract: no download here either
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])


def timed(fn: Callable[[], object], count: int) -> tuple[float, float]:
    """(texts per wall-clock second, texts per CPU second of this process): on a shared machine the
    second is the steadier figure, since waiting for a core is not counted."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def planted(golds: list[list[tuple[str, int, int]]], found: list[list[tuple[str, int, int]]],
            types: dict[str, set[str]]) -> dict[str, str]:
    out = {}
    for gold_type, accepted in types.items():
        total = hits = 0
        for gold, got in zip(golds, found, strict=True):
            for label, start, end in gold:
                if label != gold_type:
                    continue
                total += 1
                hits += any(t in accepted and s == start and e == end for t, s, e in got)
        out[gold_type] = f"{hits}/{total}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts, golds = texts_of(args.n, args.seed)
    service = PiiService(os.urandom(32))
    base = baseline_engine()
    structured = [e for e in ALL_ENTITIES if e != "PERSON"]
    # warm-up: builds both analyzers, loads jieba's dictionary, fills regex caches
    service.detect_many(texts[:20])
    service.detect_many(texts[:20], entities=structured)
    for t in texts[:20]:
        base.analyze(t, language="en")
    runs: dict[str, list[tuple[float, float]]] = {"baseline": [], "structured": [], "full": [],
                                                  "log_redactor": []}
    for _ in range(args.rounds):
        runs["baseline"].append(timed(lambda: [base.analyze(t, language="en") for t in texts], len(texts)))
        runs["structured"].append(timed(lambda: service.detect_many(texts, entities=structured), len(texts)))
        runs["full"].append(timed(lambda: service.detect_many(texts), len(texts)))
        runs["log_redactor"].append(timed(lambda: [redact_text(t) for t in texts], len(texts)))

    ours = [[(d.type, d.start, d.end) for d in found] for found in service.detect_many(texts)]
    theirs = [[(r.entity_type, r.start, r.end) for r in base.analyze(t, language="en")] for t in texts]
    kinds = {"EMAIL_ADDRESS": {"EMAIL_ADDRESS"}, "CREDIT_CARD": {"CREDIT_CARD"},
             "BANK_CARD": {"BANK_CARD", "CREDIT_CARD"}, "CN_MOBILE": {"CN_MOBILE", "PHONE_NUMBER"}}
    load = os.getloadavg()
    print(f"{len(texts)} texts of {LENGTH} characters (mixed Chinese, seed {args.seed}), best of "
          f"{args.rounds} interleaved rounds; load average {load[0]:.1f} on {os.cpu_count()} cores "
          f"(other work was running: absolute figures are low, compare within the run)")
    print(f"{'run':<46}{'texts/s':>9}{'x base':>8}{'texts/CPU-s':>13}{'x base':>8}")
    labels = {"baseline": "Presidio no_op + default recognizers (en)",
              "structured": "riskguard, PERSON off (addresses on)",
              "full": "riskguard all entities (names, addresses on)",
              "log_redactor": "riskguard log redactor (same strings)"}
    base_wall = max(w for w, _ in runs["baseline"])
    base_cpu = max(c for _, c in runs["baseline"])
    for name, rates in runs.items():
        wall, cpu = max(w for w, _ in rates), max(c for _, c in rates)
        print(f"{labels[name]:<46}{wall:>9.0f}{wall / base_wall:>8.2f}{cpu:>13.0f}{cpu / base_cpu:>8.2f}")
    print("planted values found (exact span):")
    print(f"  {'type':<16}{'riskguard':>12}{'baseline':>12}")
    ours_p, theirs_p = planted(golds, ours, kinds), planted(golds, theirs, kinds)
    for k in kinds:
        print(f"  {k:<16}{ours_p[k]:>12}{theirs_p[k]:>12}")


if __name__ == "__main__":
    main()
