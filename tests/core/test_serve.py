"""``stepback serve``: gunicorn and the huey worker start, serve, and stop together."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from stepback.core.management.commands.serve import Supervisor

PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def script(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def wait_for(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def supervisor_cleanup() -> Iterator[list[Supervisor]]:
    started: list[Supervisor] = []
    yield started
    for supervisor in started:
        for process in supervisor.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def test_it_stops_the_others_when_one_child_dies(supervisor_cleanup: list[Supervisor]) -> None:
    supervisor = Supervisor(
        {"sleeper": script("import time; time.sleep(60)"), "crasher": script("raise SystemExit(3)")}
    )
    supervisor_cleanup.append(supervisor)
    supervisor.start()

    code, died = supervisor.wait(stop_timeout=10)

    assert (code, died) == (1, "crasher")
    assert supervisor.processes["crasher"].returncode == 3
    assert supervisor.processes["sleeper"].returncode == -signal.SIGTERM


def signal_when(path: Path, signum: int = signal.SIGINT) -> threading.Thread:
    """Send this process ``signum`` once ``path`` exists (the supervisor's loop runs in the
    main thread, so whatever waits for its children must run beside it)."""

    def run() -> None:
        wait_for(path, timeout=60)
        os.kill(os.getpid(), signum)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_it_restarts_a_dead_worker_with_back_off_and_keeps_the_others(
    tmp_path: Path, supervisor_cleanup: list[Supervisor]
) -> None:
    flaky = (
        "import sys, time, pathlib\n"
        "starts = pathlib.Path(sys.argv[1])\n"
        "with starts.open('a') as f: f.write('started\\n')\n"
        "if len(starts.read_text().splitlines()) < 3: sys.exit(3)\n"
        "pathlib.Path(sys.argv[1] + '.ready').touch()\n"
        "time.sleep(60)\n"
    )
    starts = tmp_path / "starts"
    logged: list[str] = []
    supervisor = Supervisor(
        {"web": script("import time; time.sleep(60)"), "worker": [*script(flaky), str(starts)]},
        restartable={"worker"},
        log=logged.append,
        first_pause=0.05,
    )
    supervisor_cleanup.append(supervisor)
    supervisor.start()
    web_pid = supervisor.processes["web"].pid
    signal_when(Path(f"{starts}.ready"))

    code, died = supervisor.wait(stop_timeout=10)

    assert (code, died) == (0, None)
    assert supervisor.restarts == {"worker": 2}
    assert len(starts.read_text().splitlines()) == 3
    assert supervisor.processes["web"].pid == web_pid
    assert supervisor.processes["web"].returncode == -signal.SIGTERM
    pauses = [re.search(r"restarting it in ([\d.]+) s", line) for line in logged]
    assert [m.group(1) for m in pauses if m] == ["0.05", "0.1"]
    assert all("exit code 3" in line for line in logged if "stopped unexpectedly" in line)
    assert sum("was restarted" in line for line in logged) == 2


def test_it_forwards_a_signal_as_sigterm_and_exits_cleanly(
    tmp_path: Path, supervisor_cleanup: list[Supervisor]
) -> None:
    child = (
        "import signal, sys, time, pathlib\n"
        "def stop(signum, frame):\n"
        "    pathlib.Path(sys.argv[1] + '.stopped').write_text(signal.Signals(signum).name)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "pathlib.Path(sys.argv[1]).touch()\n"
        "time.sleep(60)\n"
    )
    markers = [tmp_path / "a", tmp_path / "b"]
    supervisor = Supervisor({m.name: [*script(child), str(m)] for m in markers})
    supervisor_cleanup.append(supervisor)
    supervisor.start()
    for marker in markers:
        wait_for(marker)

    os.kill(os.getpid(), signal.SIGINT)
    code, died = supervisor.wait(stop_timeout=10)

    assert (code, died) == (0, None)
    assert [Path(f"{m}.stopped").read_text() for m in markers] == ["SIGTERM", "SIGTERM"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_it_stops_at_once_on_a_second_signal(
    tmp_path: Path, supervisor_cleanup: list[Supervisor]
) -> None:
    stubborn = (
        "import signal, sys, time, pathlib\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "pathlib.Path(sys.argv[1]).touch()\n"
        "time.sleep(60)\n"
    )
    marker = tmp_path / "ready"
    supervisor = Supervisor({"stubborn": [*script(stubborn), str(marker)]})
    supervisor_cleanup.append(supervisor)
    supervisor.start()
    wait_for(marker)

    os.kill(os.getpid(), signal.SIGTERM)
    os.kill(os.getpid(), signal.SIGTERM)
    started = time.monotonic()
    code, _ = supervisor.wait(stop_timeout=30)

    assert time.monotonic() - started < 10
    assert code == 0
    assert supervisor.processes["stubborn"].returncode == -signal.SIGINT


def test_it_kills_a_child_that_will_not_stop(
    tmp_path: Path, supervisor_cleanup: list[Supervisor]
) -> None:
    deaf = (
        "import signal, sys, time, pathlib\n"
        "for s in (signal.SIGTERM, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\n"
        "pathlib.Path(sys.argv[1]).touch()\n"
        "time.sleep(60)\n"
    )
    marker = tmp_path / "ready"
    supervisor = Supervisor({"deaf": [*script(deaf), str(marker)]})
    supervisor_cleanup.append(supervisor)
    supervisor.start()
    wait_for(marker)

    os.kill(os.getpid(), signal.SIGTERM)
    code, _ = supervisor.wait(stop_timeout=0.5)

    assert code == 1
    assert supervisor.processes["deaf"].returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": 0}, "--port must be between 1 and 65535"),
        ({"port": 70000}, "--port must be between 1 and 65535"),
        ({"workers": 0}, "--workers must be at least 1"),
    ],
)
def test_it_refuses_bad_options(db: None, options: dict[str, int], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("serve", **options)


def test_it_says_when_the_port_is_taken(db: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(CommandError, match=f"Port {port} on 127.0.0.1 is already in use"):
            call_command("serve", port=port)


def test_it_asks_for_collectstatic_when_production_files_are_missing(
    db: None, tmp_path: Path
) -> None:
    manifest_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with (
        override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=manifest_storage),
        pytest.raises(CommandError, match="run `stepback collectstatic --noinput` first"),
    ):
        call_command("serve", port=free_port())


def wait_for_line(lines: list[str], pattern: str, timeout: float = 120.0) -> re.Match[str]:
    """The first line (read so far, or soon) of a child's output that matches ``pattern``."""
    deadline = time.monotonic() + timeout
    while True:
        for line in list(lines):
            if match := re.search(pattern, line):
                return match
        assert time.monotonic() < deadline, f"no line matched {pattern!r}: {''.join(lines)}"
        time.sleep(0.1)


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


@pytest.mark.slow
def test_it_serves_pages_and_static_files_and_stops_both_children_on_ctrl_c(
    tmp_path: Path,
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "STEPBACK_DATABASE_URL", "STEPBACK_REDIS_URL"}
        and not key.startswith("STEPBACK_")
    }
    env |= {
        "STEPBACK_ENV": "development",
        "STEPBACK_DEBUG": "true",
        "STEPBACK_DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [PYTHON, "-m", "stepback.cli", "migrate", "-v0"], env=env, check=True, timeout=300
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen(
        [PYTHON, "-m", "stepback.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(serve.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"{base}/healthz")
                break
            except OSError:
                assert serve.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        assert status == 200
        assert json.loads(body)["database"] == {"status": "ok"}

        # The worker dies: the web server goes on serving, and the worker comes back.
        started = wait_for_line(lines, r"background worker: huey consumer, pid (\d+)")
        first_worker = int(started.group(1))
        os.kill(first_worker, signal.SIGKILL)
        restarted = wait_for_line(lines, r"The background worker was restarted \(pid (\d+)\)")
        second_worker = int(restarted.group(1))
        assert second_worker != first_worker
        assert alive(second_worker)
        assert get(f"{base}/healthz")[0] == 200
        assert any("stopped unexpectedly (signal 9)" in line for line in lines)

        status, css = get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css")
        assert status == 200
        assert b"Bootstrap" in css[:200]
        status, page = get(f"{base}/accounts/login/")
        assert status == 200
        assert b"/static/vendor/bootstrap/css/bootstrap.min.css" in page

        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if serve.poll() is None:
            serve.kill()

    output = "".join(lines)
    assert serve.returncode == 0, output
    assert f"Stepback is starting at {base}/" in output
    pids = {int(pid) for pid in re.findall(r"pid (\d+)", output)}
    assert len(pids) == 3, output  # the web server and both workers
    assert not any(alive(pid) for pid in pids)
    assert "Stepback stopped." in output
