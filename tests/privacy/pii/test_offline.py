"""Nothing is downloaded: no spaCy model, no public-suffix list; detection works with the network cut."""

from __future__ import annotations

import socket

import pytest
import tldextract.tldextract as tld_impl

from riskguard.privacy.pii.analyzer import build_analyzer
from riskguard.privacy.pii.nlp import RegexNlpEngine
from riskguard.privacy.pii.recognizers._tld import OFFLINE


@pytest.fixture
def no_network(monkeypatch):  # type: ignore[no-untyped-def]
    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("names", [False, True])
def test_analyzers_build_and_run_without_network(no_network, names: bool) -> None:  # type: ignore[no-untyped-def]
    analyzer = build_analyzer(names=names)
    assert isinstance(analyzer.nlp_engine, RegexNlpEngine)
    text = "收件人李娜，邮箱lina@example.co.uk，官网https://shop.example.cn/a"
    found = {r.entity_type for r in analyzer.analyze(text, language="zh")}
    assert {"EMAIL_ADDRESS", "URL"} <= found
    assert ("PERSON" in found) is names


def test_presidio_module_extractor_is_the_offline_one() -> None:
    build_analyzer(names=False)
    assert tld_impl.TLD_EXTRACTOR is OFFLINE
    assert OFFLINE.suffix_list_urls == () and OFFLINE.fallback_to_snapshot


def test_no_spacy_pipeline_is_loaded() -> None:
    engine = build_analyzer(names=True).nlp_engine
    assert not hasattr(engine, "nlp")  # spaCy-based engines keep their pipelines there
