"""Throughput and the load check: gunicorn with 2 sync workers, driven from another process.

``serve`` starts gunicorn on the benchmark's database with the environment of the calling
process (its production settings). ``python -m benchmarks.load`` is the driver: it reads a
list of streams as JSON on stdin (a name, a path, how many clients, their headers, and for
writes a method and bodies), runs every client of every stream at once for a fixed time,
one request after another on a new connection each (gunicorn's sync workers close every
connection), and prints per stream its requests, errors (a non-2xx answer or a failed
connection), requests per second and the median and 95th percentile of latency.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

WORKERS = 2


@dataclass
class Stream:
    name: str
    path: str
    clients: int
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    #: For writes: bodies sent in turn, each once (a write that may not repeat).
    bodies: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(env: Mapping[str, str], *, workers: int = WORKERS) -> Iterator[str]:
    """gunicorn serving Stepback at the returned address until the block ends."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "stepback.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=dict(env))
    try:
        _wait_until_up("127.0.0.1", port, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(host: str, port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {process.returncode}")
        try:
            status, _ = _request(host, port, "GET", "/healthz", {}, None)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _request(
    host: str, port: int, method: str, path: str, headers: Mapping[str, str], body: str | None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def drive(address: str, streams: Sequence[Stream], seconds: float) -> dict[str, dict[str, Any]]:
    """Run every stream's clients at once for ``seconds``; the figures by stream name."""
    host, port = address.rsplit(":", 1)
    latencies: dict[str, list[float]] = {s.name: [] for s in streams}
    errors: dict[str, list[str]] = {s.name: [] for s in streams}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(stream: Stream, bodies: Iterator[str] | None) -> None:
        while time.monotonic() < stop:
            body = next(bodies, None) if bodies is not None else None
            if bodies is not None and body is None:
                return
            started = time.perf_counter()
            try:
                status, _ = _request(
                    host, int(port), stream.method, stream.path, stream.headers, body
                )
                problem = "" if 200 <= status < 300 else f"HTTP {status}"
            except OSError as error:
                problem = f"{type(error).__name__}: {error}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies[stream.name].append(elapsed)
                if problem:
                    errors[stream.name].append(problem)

    threads = []
    for stream in streams:
        shared = _locked(iter(stream.bodies)) if stream.bodies else None
        threads += [
            threading.Thread(target=client, args=(stream, shared), daemon=True)
            for _ in range(stream.clients)
        ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        s.name: _figures(latencies[s.name], errors[s.name], elapsed, s.clients) for s in streams
    }


def _locked(items: Iterator[str]) -> Iterator[str]:
    lock = threading.Lock()

    def take() -> Iterator[str]:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            yield item

    return take()


def _figures(
    latencies: list[float], errors: list[str], elapsed: float, clients: int
) -> dict[str, Any]:
    ordered = sorted(latencies)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else 0
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(ordered),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "requests_per_second": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(p95 * 1000, 1) if ordered else None,
    }


def run_driver(address: str, streams: Sequence[Stream], seconds: float) -> dict[str, Any]:
    """Drive the streams from a separate process (so the client's work is not the server's)."""
    spec = json.dumps(
        {"address": address, "seconds": seconds, "streams": [s.__dict__ for s in streams]}
    )
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load"],
        input=spec,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return dict(json.loads(done.stdout))


def main() -> int:
    spec = json.load(sys.stdin)
    streams = [Stream(**s) for s in spec["streams"]]
    print(json.dumps(drive(spec["address"], streams, float(spec["seconds"]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
