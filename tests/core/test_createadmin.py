"""``stepback createadmin``: a site administrator from a prompt or from the environment."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from stepback.accounts.models import User

STRONG = "a long and unusual passphrase"


def createadmin(*args: str, env: dict[str, str] | None = None) -> str:
    out = StringIO()
    with mock.patch.dict("os.environ", env or {}):
        call_command("createadmin", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_superuser_without_asking(db: None) -> None:
    output = createadmin(
        "--noinput", "--email", "Boss@Example.org", env={"STEPBACK_ADMIN_PASSWORD": STRONG}
    )

    admin = User.objects.get()
    assert admin.email == "boss@example.org"
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.check_password(STRONG)
    assert "Created the site administrator boss@example.org" in output


def test_it_takes_the_password_and_name_from_options(db: None) -> None:
    createadmin("--no-input", "--email", "boss@example.org", "--password", STRONG, "--name", "Bo")

    admin = User.objects.get()
    assert admin.check_password(STRONG)
    assert admin.name == "Bo"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--noinput"], {"STEPBACK_ADMIN_PASSWORD": STRONG}, "An email address is needed"),
        (["--noinput", "--email", "not-an-email"], {}, "'not-an-email' is not a valid email"),
        (["--noinput", "--email", "boss@example.org"], {}, "No password: set STEPBACK_ADMIN"),
        (
            ["--noinput", "--email", "boss@example.org", "--password", "12345678"],
            {},
            "The password is too weak: .*too common.*entirely numeric",
        ),
        (
            ["--noinput", "--email", "boss@example.org", "--password", "short"],
            {},
            "too short",
        ),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(
    db: None, args: list[str], env: dict[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        createadmin(*args, env={"STEPBACK_ADMIN_PASSWORD": "", **env})

    assert not User.objects.exists()


def test_it_refuses_an_email_that_already_has_an_account(db: None) -> None:
    User.objects.create_user("boss@example.org", STRONG)

    with pytest.raises(CommandError, match=r"already has an account.*changepassword"):
        createadmin("--noinput", "--email", "BOSS@example.org", "--password", STRONG)

    assert User.objects.filter(is_superuser=True).count() == 0


def test_it_asks_at_a_terminal(db: None) -> None:
    with (
        mock.patch("sys.stdin.isatty", return_value=True),
        mock.patch("builtins.input", return_value="boss@example.org"),
        mock.patch("getpass.getpass", side_effect=[STRONG, STRONG]),
    ):
        createadmin(env={"STEPBACK_ADMIN_PASSWORD": ""})

    assert User.objects.get().check_password(STRONG)


def test_it_refuses_two_different_passwords_at_a_terminal(db: None) -> None:
    with (
        mock.patch("sys.stdin.isatty", return_value=True),
        mock.patch("builtins.input", return_value="boss@example.org"),
        mock.patch("getpass.getpass", side_effect=[STRONG, STRONG + "!"]),
        pytest.raises(CommandError, match="The two passwords differ"),
    ):
        createadmin(env={"STEPBACK_ADMIN_PASSWORD": ""})

    assert not User.objects.exists()


def test_it_refuses_to_ask_without_a_terminal(db: None) -> None:
    with (
        mock.patch("sys.stdin.isatty", return_value=False),
        pytest.raises(CommandError, match="No terminal to ask at: pass --noinput"),
    ):
        createadmin()
