from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from stepback.accounts.models import User
from stepback.accounts.ratelimit import ADDRESS_FACTOR
from tests.conftest import PASSWORD, make_member, make_org, make_user

LOGIN = "/accounts/login/"
LOCKED = "Too many failed sign-ins"
WRONG = "That email address and password do not match an account."


def sign_in(client: Client, email: str, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def person(db: None) -> User:
    user = make_user("sam@example.org")
    make_member(make_org("Riverside", "riverside"), email="other@example.org")
    return user


def test_it_signs_in_with_email_and_password(person: User) -> None:
    client = Client()
    response = sign_in(client, "sam@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_it_accepts_the_email_in_any_case(person: User) -> None:
    response = sign_in(Client(), "Sam@Example.ORG", PASSWORD)
    assert response.status_code == 302


def test_it_refuses_a_wrong_password_with_a_message(person: User) -> None:
    client = Client()
    response = sign_in(client, "sam@example.org", "not the password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_gives_the_same_message_for_an_unknown_email(person: User) -> None:
    response = sign_in(Client(), "nobody@example.org", PASSWORD)
    assert WRONG in response.content.decode()


def test_it_refuses_a_malformed_email(person: User) -> None:
    response = sign_in(Client(), "not an email", PASSWORD)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_it_refuses_an_inactive_account(person: User) -> None:
    person.is_active = False
    person.save()
    assert sign_in(Client(), "sam@example.org", PASSWORD).status_code == 200


def test_it_follows_a_safe_next_and_ignores_an_outside_one(person: User) -> None:
    response = Client().post(
        LOGIN, {"username": "sam@example.org", "password": PASSWORD, "next": "/o/riverside/"}
    )
    assert response["Location"] == "/o/riverside/"
    response = Client().post(
        LOGIN,
        {"username": "sam@example.org", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


def test_it_signs_out_only_by_post(person: User) -> None:
    client = Client()
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


# --- the rate limit -------------------------------------------------------------------------


def test_it_refuses_even_the_right_password_after_too_many_failures(
    person: User, settings: object
) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    client = Client()
    for _ in range(3):
        assert WRONG in sign_in(client, "sam@example.org", "wrong").content.decode()
    response = sign_in(client, "sam@example.org", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_the_email_from_any_address(person: User, settings: object) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    for n in range(3):
        sign_in(Client(), "sam@example.org", "wrong", address=f"10.0.0.{n + 10}")
    response = sign_in(Client(), "sam@example.org", PASSWORD, address="10.9.9.9")
    assert LOCKED in response.content.decode()


def test_it_locks_an_address_that_tries_many_emails(person: User, settings: object) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    for n in range(3 * ADDRESS_FACTOR):
        sign_in(Client(), f"guess{n}@example.org", "wrong", address="10.6.6.6")
    response = sign_in(Client(), "sam@example.org", PASSWORD, address="10.6.6.6")
    assert LOCKED in response.content.decode()
    assert sign_in(Client(), "sam@example.org", PASSWORD, address="10.0.0.2").status_code == 302


def test_it_lets_a_shared_address_keep_signing_in_after_a_few_typos(
    person: User, settings: object
) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    for _ in range(2):
        sign_in(Client(), "sam@example.org", "wrong", address="10.7.7.7")
    assert sign_in(Client(), "sam@example.org", PASSWORD, address="10.7.7.7").status_code == 302
    sign_in(Client(), "sam@example.org", "wrong", address="10.7.7.7")
    assert sign_in(Client(), "sam@example.org", PASSWORD, address="10.7.7.7").status_code == 302


def test_it_lets_people_in_again_when_the_window_passes(person: User, settings: object) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    settings.SIGN_IN_LOCKOUT_SECONDS = 60  # type: ignore[attr-defined]
    for _ in range(3):
        sign_in(Client(), "sam@example.org", "wrong")
    assert LOCKED in sign_in(Client(), "sam@example.org", PASSWORD).content.decode()
    later = time.time() + 61
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later):
        assert sign_in(Client(), "sam@example.org", PASSWORD).status_code == 302


def test_it_clears_the_email_count_on_success(person: User, settings: object) -> None:
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    for n in range(2):
        sign_in(Client(), "sam@example.org", "wrong", address=f"10.1.0.{n}")
    assert sign_in(Client(), "sam@example.org", PASSWORD, address="10.1.1.1").status_code == 302
    for n in range(2):
        sign_in(Client(), "sam@example.org", "wrong", address=f"10.2.0.{n}")
    assert sign_in(Client(), "sam@example.org", PASSWORD, address="10.2.1.1").status_code == 302


def test_it_counts_failures_per_forwarded_client_behind_a_proxy(
    person: User, settings: object
) -> None:
    settings.SIGN_IN_MAX_FAILURES = 1  # type: ignore[attr-defined]
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"  # type: ignore[attr-defined]

    def via_proxy(client_ip: str, email: str):  # type: ignore[no-untyped-def]
        return Client().post(
            LOGIN,
            {"username": email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_ip}",
        )

    for n in range(ADDRESS_FACTOR):
        via_proxy("203.0.113.7", f"guess{n}@example.org")
    blocked = Client().post(
        LOGIN,
        {"username": "sam@example.org", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert LOCKED in blocked.content.decode()
    other_client = Client().post(
        LOGIN,
        {"username": "sam@example.org", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9",
    )
    assert other_client.status_code == 302


def test_it_locks_the_site_admins_sign_in_too(db: None, settings: object) -> None:
    """/admin/login/ is a second door to the most powerful accounts: same rate limit."""
    settings.SIGN_IN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    User.objects.create_superuser("root@example.org", PASSWORD)
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": "root@example.org", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_a_site_admin_in_but_not_a_member(db: None) -> None:
    User.objects.create_superuser("root@example.org", PASSWORD)
    make_user("sam@example.org")
    client = Client()
    response = client.post("/admin/login/", {"username": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    data = {"username": "root@example.org", "password": PASSWORD, "next": "/admin/"}
    response = client.post("/admin/login/", data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
