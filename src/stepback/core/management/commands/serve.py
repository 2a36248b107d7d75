"""``stepback serve``: the web server (gunicorn) and the background worker (huey) together.

Each runs as a child process in a session of its own, so the terminal's Ctrl-C
reaches only this supervisor, which passes it on: the first Ctrl-C or SIGTERM asks
both to finish what they are doing (SIGTERM), a second one stops them at once
(SIGINT). If the background worker dies, it is restarted after a pause that doubles
from one second up to a minute (and starts again at a second once it has run for a
minute), while the web server goes on serving; each death and restart is logged. If
the web server dies, the worker is stopped and the command exits non-zero, so a
process manager restarts the pair.
"""

from __future__ import annotations

import errno
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Seconds to wait for the children after the graceful signal; gunicorn's own grace is 30.
STOP_TIMEOUT_SECONDS = 40.0
POLL_SECONDS = 0.2
#: A restartable child that dies waits this long before its restart, doubled after each
#: death up to the maximum; once it has run STABLE_SECONDS, the pause is the first again.
FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 60.0
STABLE_SECONDS = 60.0
WEB = "web server"
WORKER = "background worker"


def _log_to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class Supervisor:
    """Run named commands side by side and stop them all together.

    A command named in ``restartable`` that dies is started again after a back-off pause
    (``first_pause`` doubling to ``max_pause``) instead of stopping the others; ``log``
    is told each time.
    """

    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        restartable: Collection[str] = (),
        log: Callable[[str], None] = _log_to_stderr,
        first_pause: float = FIRST_PAUSE_SECONDS,
        max_pause: float = MAX_PAUSE_SECONDS,
    ) -> None:
        self.commands = commands
        self.restartable = frozenset(restartable)
        self.log = log
        self.first_pause, self.max_pause = first_pause, max_pause
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = {}
        self.signals_received = 0
        self._previous: dict[int, Any] = {}
        self._started_at: dict[str, float] = {}
        self._pause: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}

    def start(self) -> None:
        """Take over SIGINT and SIGTERM, then start every command."""
        self._previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        for name in self.commands:
            self._spawn(name)
        if self.signals_received:
            self.send(signal.SIGTERM)

    def _spawn(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(self.commands[name], start_new_session=True)
        self._started_at[name] = time.monotonic()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_received += 1
        self.send(signal.SIGTERM if self.signals_received == 1 else signal.SIGINT)

    def send(self, signum: int) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signum)

    def wait(self, *, stop_timeout: float = STOP_TIMEOUT_SECONDS) -> tuple[int, str | None]:
        """Wait until a signal or a child's exit, stop the rest; (exit code, child that died)."""
        try:
            died = self._wait_for_first_exit()
            if died is not None:
                self.send(signal.SIGTERM)
            self._wait_for_all(stop_timeout)
        finally:
            for sig, handler in self._previous.items():
                signal.signal(sig, handler)
        if died is not None:
            return 1, died
        # A child still starting up when asked to stop dies of the signal itself: also clean.
        # One that died and was waiting to be restarted was logged already.
        clean = {0, -signal.SIGTERM, -signal.SIGINT}
        codes = [p.returncode for n, p in self.processes.items() if n not in self._restart_at]
        return (0 if all(code in clean for code in codes) else 1), None

    def _wait_for_first_exit(self) -> str | None:
        """Until a signal: restart restartable children that die; the name of another that
        dies."""
        while not self.signals_received:
            now = time.monotonic()
            for name, process in list(self.processes.items()):
                if name in self._restart_at:
                    if now >= self._restart_at[name] and not self.signals_received:
                        del self._restart_at[name]
                        self._spawn(name)
                        self.restarts[name] = self.restarts.get(name, 0) + 1
                        self.log(f"The {name} was restarted (pid {self.processes[name].pid}).")
                    continue
                code = process.poll()
                if code is None:
                    continue
                if name not in self.restartable:
                    return name
                self._schedule_restart(name, code, now)
            time.sleep(POLL_SECONDS)
        return None

    def _schedule_restart(self, name: str, code: int, now: float) -> None:
        if now - self._started_at[name] >= STABLE_SECONDS:
            self._pause[name] = self.first_pause
        pause = self._pause.get(name, self.first_pause)
        self._pause[name] = min(pause * 2, self.max_pause)
        self._restart_at[name] = now + pause
        how = f"signal {-code}" if code < 0 else f"exit code {code}"
        self.log(
            f"The {name} (pid {self.processes[name].pid}) stopped unexpectedly ({how}); "
            f"restarting it in {pause:g} s. The web server goes on serving."
        )

    def _wait_for_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from exc
    return False


def web_command(host: str, port: int, workers: int) -> list[str]:
    from gunicorn.config import KNOWN_SETTINGS

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # gunicorn 25.1+ opens a control socket in the home directory by default; not needed here.
    has_control_socket = any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS)
    return [
        sys.executable, "-m", "gunicorn",
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", "sync",
        "--access-logfile", "-",
        *(["--no-control-socket"] if has_control_socket else []),
        "stepback.wsgi:application",
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [sys.executable, "-m", "stepback.cli", "run_huey", "--graceful-signal", "TERM"]


def static_files_missing() -> bool:
    """True when pages would fail because ``stepback collectstatic`` has not been run."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return False
    return not (Path(settings.STATIC_ROOT) / storage.manifest_name).exists()


class Command(BaseCommand):
    help = "Start the web server and the background worker; Ctrl-C stops both."
    requires_migrations_checks = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Web server processes (gunicorn sync workers)."
        )

    def _log(self, message: str) -> None:
        self.stderr.write(f"stepback serve: {message}")
        self.stderr.flush()

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.")
        if static_files_missing():
            raise CommandError(
                "The static files are not collected: run `stepback collectstatic --noinput` "
                f"first (they go to {settings.STATIC_ROOT})."
            )
        if port_in_use(host, port):
            raise CommandError(
                f"Port {port} on {host} is already in use; choose another with --port."
            )

        commands = {WEB: web_command(host, port, workers)}
        if not HUEY.immediate:
            commands[WORKER] = worker_command()
        supervisor = Supervisor(commands, restartable={WORKER}, log=self._log)
        supervisor.start()
        processes = supervisor.processes
        url_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Stepback is starting at http://{url_host}:{port}/")
        self.stdout.write(f"  {WEB}: gunicorn, {workers} sync worker(s), pid {processes[WEB].pid}")
        if WORKER in processes:
            self.stdout.write(f"  {WORKER}: huey consumer, pid {processes[WORKER].pid}")
        else:
            self.stdout.write("  background tasks: run inside the web server (immediate mode)")
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()

        code, died = supervisor.wait()
        exits = ", ".join(f"{name} exit code {p.returncode}" for name, p in processes.items())
        if died is not None:
            raise CommandError(
                f"The {died} stopped unexpectedly, so Stepback stopped ({exits}).", returncode=1
            )
        if code != 0:
            raise CommandError(f"Stepback stopped, but not cleanly ({exits}).", returncode=code)
        self.stdout.write("Stepback stopped.")
