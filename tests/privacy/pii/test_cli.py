"""``riskguard pii detect|redact``: JSON lines in order, bad lines reported in place as ``screen`` does."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from riskguard.cli import main

from .cases import ID, MOBILE


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:  # type: ignore[no-untyped-def]
    from riskguard.keyring import Keyring

    Keyring.generate(tmp_path / "keyring.json").save()
    monkeypatch.setenv("RISKGUARD_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.delenv("RISKGUARD_MASTER_KEY", raising=False)
    return CliRunner()


def _lines(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_detect_json_lines(runner: CliRunner) -> None:
    src = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                    for i, t in enumerate([f"手机{MOBILE}", "无", f"身份证{ID}"]))
    result = runner.invoke(main, ["pii", "detect"], input=src + "\n")
    assert result.exit_code == 0, result.output
    out = _lines(result.stdout)
    assert [o["id"] for o in out] == [0, 1, 2]
    assert out[0]["entities"][0]["type"] == "CN_MOBILE" and out[1]["entities"] == []
    assert set(out[2]["entities"][0]) == {"type", "start", "end", "score"}
    assert MOBILE not in result.stdout


@pytest.mark.parametrize(("operator", "expect"), [
    ("replace", "手机<CN_MOBILE>"), ("mask", "手机*******8000"), ("hash", "手机<CN_MOBILE:"),
])
def test_redact_operators(runner: CliRunner, operator: str, expect: str) -> None:
    result = runner.invoke(main, ["pii", "redact", "--operator", operator],
                           input=json.dumps({"id": "a", "text": f"手机{MOBILE}"}, ensure_ascii=False) + "\n")
    assert result.exit_code == 0, result.output
    (out,) = _lines(result.stdout)
    assert out["id"] == "a" and out["text"].startswith(expect)


@pytest.mark.parametrize(("line", "code", "ident"), [
    (b"{not json", "malformed_json", None),
    (b"[1, 2]", "malformed_json", None),
    (b'{"id": 7}', "validation_error", 7),
    (b'{"id": 8, "text": 5}', "validation_error", 8),
    (b'{"id": 9, "text": "\xff\xfe"}', "invalid_utf8", None),
    (b'{"id": 10, "text": NaN}', "json_non_finite_number", None),  # the API's input rules (strictjson)
    (b'{"id": 11, "text": "\\ud800"}', "json_lone_surrogate", None),
    (b'{"id": 12, "text": ' + b"[" * 5000 + b"]" * 5000 + b"}", "json_too_deep", None),
    (b'{"id": 1' + b"0" * 5000 + b', "text": "x"}', "json_number_too_large", None),
])
def test_bad_lines_are_reported_in_place(runner: CliRunner, line: bytes, code: str, ident: object) -> None:
    good = json.dumps({"id": "ok", "text": f"手机{MOBILE}"}, ensure_ascii=False).encode()
    result = runner.invoke(main, ["pii", "detect"], input=good + b"\n" + line + b"\n" + good + b"\n")
    assert result.exit_code == 1 and result.stderr == "1 of 3 line(s) had errors\n"
    out = _lines(result.stdout)
    assert [o.get("id") for o in out] == ["ok", ident, "ok"]
    assert out[1]["error"]["code"] == code and "entities" not in out[1]
    assert out[0]["entities"][0]["type"] == "CN_MOBILE"


def test_unknown_entity_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["pii", "detect", "--entities", "SSN"], input="")
    assert result.exit_code == 2
