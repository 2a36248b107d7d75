"""The OpenAPI schema and the interactive docs: public, complete, offline, CSP-clean."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

EXPECTED = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/orgs"),
    ("get", "/api/v1/orgs/{org}"),
    ("get", "/api/v1/orgs/{org}/members"),
    ("get", "/api/v1/orgs/{org}/members/{member_id}"),
    ("patch", "/api/v1/orgs/{org}/members/{member_id}"),
    ("delete", "/api/v1/orgs/{org}/members/{member_id}"),
}


def test_it_serves_the_schema_publicly_with_every_route(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Stepback API"
    routes = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert routes >= EXPECTED
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op.get("x-stepback-capability"), f"{method} {path}"
            assert op["security"] == [{"OrgTokenAuth": []}], f"{method} {path}"
    assert schema["components"]["securitySchemes"]["OrgTokenAuth"]["scheme"] == "bearer"


def test_it_renders_the_docs_without_external_scripts(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), source
    assert "cdn" not in html.lower()
    assert "http://" not in html and "https://" not in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", html)
    executable = [s for s in scripts if 'type="application/json"' not in s]
    assert executable and all(f'nonce="{nonce}"' in s for s in executable)
    assert '"validatorUrl": null' in html


def test_it_describes_every_routes_error_answers(db: None) -> None:
    """Each route lists the errors it can give, all as RFC 9457 problem documents."""
    schema = Client().get("/api/v1/openapi.json").json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            expected = {"401", "403", "404", "422", "429", "500"}
            if "requestBody" in op:
                expected |= {"400", "413"}
            assert expected <= set(responses), f"{method} {path}"
            errors = {code: answer for code, answer in responses.items() if code >= "400"}
            for code, answer in errors.items():
                shape = answer["content"]["application/problem+json"]["schema"]
                assert {"type", "title", "status", "detail"} <= set(shape["required"]), code
            invalid = responses["422"]["content"]["application/problem+json"]["schema"]
            assert "errors" in invalid["required"], f"{method} {path}"
            item = invalid["properties"]["errors"]["items"]
            assert set(item["required"]) == {"field", "message"}, f"{method} {path}"
