"""The health check answers 200 when the database does, 503 when it does not."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError
from django.test import Client


def test_it_answers_ok_when_the_database_answers(client: Client, db: None) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("error", [OperationalError, DatabaseError])
def test_it_answers_503_when_the_database_is_unreachable(
    client: Client, db: None, error: type[Exception]
) -> None:
    with mock.patch(
        "stepback.core.views.connection.cursor", side_effect=error("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_it_needs_no_sign_in(client: Client, db: None) -> None:
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200


def test_it_refuses_other_methods(client: Client, db: None) -> None:
    assert client.post("/healthz").status_code == 405
