from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from stepback.accounts import tasks
from stepback.accounts.models import User
from tests.accounts.conftest import link_path
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a brand new riverside password"


@pytest.fixture
def person(db: None) -> User:
    return make_user("sam@example.org")


def test_it_emails_a_reset_link_through_the_task_queue(
    person: User, mailoutbox: list[EmailMessage]
) -> None:
    with mock.patch("stepback.accounts.services.email_send", wraps=tasks.email_send) as task:
        response = Client().post("/accounts/password/reset/", {"email": "Sam@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    task.assert_called_once()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.org"]
    assert mailoutbox[0].subject == "Reset your Stepback password"


def test_it_sets_a_new_password_from_the_emailed_link(
    person: User, mailoutbox: list[EmailMessage]
) -> None:
    Client().post("/accounts/password/reset/", {"email": "sam@example.org"})
    client = Client()
    response = client.get(link_path(mailoutbox[0]))
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()

    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/done/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not person.check_password(PASSWORD)


def test_it_refuses_the_link_a_second_time(person: User, mailoutbox: list[EmailMessage]) -> None:
    Client().post("/accounts/password/reset/", {"email": "sam@example.org"})
    path = link_path(mailoutbox[0])
    client = Client()
    form_url = client.get(path)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = Client().get(path, follow=True)
    assert "This link does not work" in response.content.decode()


def test_it_refuses_a_tampered_reset_link(person: User) -> None:
    response = Client().get("/accounts/password/reset/MQ/not-a-token/", follow=True)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_it_sends_nothing_for_an_unknown_address_but_says_the_same(
    person: User, mailoutbox: list[EmailMessage]
) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mailoutbox == []


def test_it_refuses_a_malformed_address(person: User, mailoutbox: list[EmailMessage]) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


def test_it_builds_the_link_from_the_site_url_not_the_request_host(
    person: User, mailoutbox: list[EmailMessage], settings: Any
) -> None:
    """A forged Host header must not send someone a link to another site."""
    settings.SITE_URL = "https://stepback.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    Client().post(
        "/accounts/password/reset/", {"email": "sam@example.org"}, HTTP_HOST="evil.example"
    )
    body = str(mailoutbox[0].body)
    assert "https://stepback.example.org/accounts/password/reset/" in body
    assert "evil.example" not in body


def test_it_sends_at_most_a_few_reset_emails_an_hour_but_says_the_same(
    person: User, mailoutbox: list[EmailMessage], settings: Any
) -> None:
    settings.PASSWORD_RESETS_PER_HOUR = 2
    answers = [
        Client().post("/accounts/password/reset/", {"email": "sam@example.org"}) for _ in range(4)
    ]
    assert [a["Location"] for a in answers] == ["/accounts/password/reset/sent/"] * 4
    assert len(mailoutbox) == 2
