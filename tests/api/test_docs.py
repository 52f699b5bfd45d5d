"""``/docs``: the API explorer works offline (every script and stylesheet is served by the app itself),
and ``/openapi.json`` describes every operation with its responses."""

from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def test_docs_page_loads_only_local_assets(sclient: FlaskClient) -> None:
    res = sclient.get("/docs")
    assert res.status_code == 200 and res.mimetype == "text/html"
    page = res.get_data(as_text=True)
    assets = _Assets()
    assets.feed(page)
    assert len(assets.urls) >= 3
    assert "http://" not in page and "https://" not in page
    for url in assets.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = sclient.get(url)
        assert asset.status_code == 200, url
        assert asset.content_length or asset.get_data(), url
        asset.close()


def test_docs_serve_only_what_the_page_needs(sclient: FlaskClient) -> None:
    for name in ("index.html", "../__init__.py", "swagger-ui.js.map"):
        assert sclient.get(f"/docs/static/{name}").status_code == 404, name


def test_every_operation_documents_its_answers(sclient: FlaskClient) -> None:
    spec = sclient.get("/openapi.json").get_json()
    assert spec["info"]["version"] and spec["info"]["version"] != "1"
    assert set(spec["components"]["schemas"]["Error"]["properties"]) == {"error"}
    created = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            codes = set(op["responses"])
            success = {c for c in codes if c.startswith("2")}
            assert len(success) == 1, (method, path, codes)
            if "x-roles" in op:
                assert {"401", "403"} <= codes, (method, path)
            if "requestBody" in op:
                assert "400" in codes, (method, path)
            created |= {f"{method} {path}" for c in success if c == "201"}
    assert created == {"post /v1/merchants/applications", "post /v1/payouts/batches"}
    assert spec["paths"]["/v1/audit/entries/{index}"]["parameters"][0]["schema"]["type"] == "integer"
