"""Every API error is an RFC 9457 problem document; HEAD is answered wherever GET is."""

from __future__ import annotations

import logging

import pytest

from stepback.accounts.roles import Role
from stepback.core.api_errors import PROBLEM_CONTENT_TYPE, problem
from stepback.initiatives import api as initiatives_api
from tests.api.conftest import call, make_token
from tests.conftest import Tenant


def test_it_answers_a_fault_of_ours_with_a_problem_and_logs_it(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(initiatives_api, "_initiatives", broken)
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = call("get", "/orgs/riverside/initiatives", token)
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json() == problem(
        500, "Something went wrong on our side. It is logged; try again later."
    )
    assert "the database went away" not in response.content.decode()
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.exc_info is not None and "the database went away" in str(logged.exc_info[1])


@pytest.mark.parametrize("path", ["/nope", "/orgs/riverside/nothing/here", "/me/"])
def test_it_answers_an_unknown_path_with_a_problem(tenant: Tenant, path: str) -> None:
    response = call("get", path, make_token(tenant.user(Role.MEMBER), tenant.org))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["status"] == 404


def test_it_answers_a_method_a_path_does_not_take_with_a_problem(tenant: Tenant) -> None:
    response = call("delete", "/orgs/riverside/initiatives", None)
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["Allow"] == "GET, HEAD, POST"
    assert response.json()["title"] == "Method Not Allowed"


def test_it_answers_head_as_get_without_the_body(tenant: Tenant) -> None:
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    got = call("get", "/orgs/riverside/members", token)
    head = call("head", "/orgs/riverside/members", token)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(got.content))
    assert head["Content-Type"] == got["Content-Type"]


def test_it_checks_access_on_head_too(tenant: Tenant) -> None:
    assert call("head", "/orgs/riverside/members", None).status_code == 401
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    assert call("head", "/orgs/hillside/members", token).status_code == 404
