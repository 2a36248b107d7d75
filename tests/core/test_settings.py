"""Production settings: safe when configured, refused when the secret key is missing.

Each case runs ``stepback`` in a fresh process with a clean environment, as a
server would, so nothing from the test settings leaks in.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path


def run_stepback(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": env["STEPBACK_DATA_DIR"]}
    return subprocess.run(
        [sys.executable, "-m", "stepback.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "STEPBACK_ENV": "production",
        "STEPBACK_DATA_DIR": str(tmp_path),
        "STEPBACK_ALLOWED_HOSTS": "stepback.example.org",
        "STEPBACK_SITE_URL": "https://stepback.example.org",
        **extra,
    }


def test_it_passes_the_deployment_checks_in_production(tmp_path: Path) -> None:
    env = production_env(tmp_path, STEPBACK_SECRET_KEY=secrets.token_urlsafe(64))
    assert run_stepback("migrate", "--noinput", env=env).returncode == 0

    result = run_stepback("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = run_stepback("check", env=production_env(tmp_path))

    assert result.returncode == 2
    assert "STEPBACK_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_refuses_a_short_secret_key_in_production(tmp_path: Path) -> None:
    result = run_stepback("check", env=production_env(tmp_path, STEPBACK_SECRET_KEY="too-short"))

    assert result.returncode == 2
    assert "at least 50 characters" in result.stderr


def test_it_refuses_an_unknown_environment_name(tmp_path: Path) -> None:
    result = run_stepback("check", env={"STEPBACK_ENV": "prod", "STEPBACK_DATA_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "STEPBACK_ENV must be development, production or test" in result.stderr


def test_it_creates_the_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "var"

    result = run_stepback("check", env={"STEPBACK_DATA_DIR": str(data_dir)})

    assert result.returncode == 0, result.stderr
    assert data_dir.is_dir()
