"""The ``stepback`` command line: its own commands, and every Django command behind it."""

from __future__ import annotations

import pytest

from stepback.cli import USAGE, main


def test_it_prints_the_usage_without_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stepback"]) == 0

    assert capsys.readouterr().out == USAGE


def test_it_names_its_own_commands_in_the_usage() -> None:
    for command in ("serve", "worker", "demo", "createadmin"):
        assert f"\n  {command} " in USAGE


def test_it_shows_a_commands_options_through_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stepback", "help", "serve"])

    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--port" in out
    assert "--workers" in out


def test_it_maps_worker_to_the_huey_consumer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["stepback", "help", "worker"])

    assert "--graceful-signal" in capsys.readouterr().out


def test_it_runs_any_django_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stepback", "check"]) == 0

    assert "System check identified no issues" in capsys.readouterr().out


def test_it_refuses_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stepback", "no-such-command"])

    assert exit_info.value.code == 1
    assert "Unknown command: 'no-such-command'" in capsys.readouterr().err
