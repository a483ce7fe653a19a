"""A real Steward Hub (uvicorn) on 127.0.0.1 for tests.

By default it serves from a thread of the test's own process: the same app, server and socket as `steward hub serve`,
without a second interpreter importing FastAPI (most of a hub test's time on a busy machine). A hub that a test must
SIGKILL, or that runs several workers, is a child process (`process=True`, tests/processes.py: its own process group;
conftest ends it if a test does not), as is one started with command-line options the thread cannot take.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests import processes

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Hubs serving from a thread of this process: conftest stops any a test left running (and fails the test for it).
THREADS: list[Hub] = []


class Hub:
    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        args: tuple[str, ...] = (),
        db_url: str | None = None,
        process: bool = False,
    ) -> None:
        """db_url: the hub's PostgreSQL database (None: hub.db in data_dir). process: a child process (to be killed,
        or for options other than --trusted-proxy) rather than a thread of the test's process."""
        self.data_dir, self.port, self.db_url = data_dir, port or free_port(), db_url
        self.trusted_proxy = _option(args, "--trusted-proxy")
        self.in_thread = not process and args in ((), ("--trusted-proxy", self.trusted_proxy))
        self.args = ("--db", db_url, *args) if db_url else args
        self.server: Any = None
        self.thread: threading.Thread | None = None

        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the hub writes to it for as long as it runs

    @property
    def storage_args(self) -> list[str]:
        """The hub's place for a `steward hub ...` command: its data directory, and its database if not hub.db."""
        return ["--data-dir", str(self.data_dir), *(["--db", self.db_url] if self.db_url else [])]

    def start(self) -> Hub:
        if self.in_thread:
            return self._start_thread()
        args = [sys.executable, "-m", "steward.cli.main", "hub", "serve", "--data-dir", str(self.data_dir)]
        self.process = processes.spawn(
            [*args, "--port", str(self.port), *self.args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=self.log,  # a file, not a pipe: a pipe nobody reads stops a chatty server once it is full
        )
        deadline = time.monotonic() + 60  # a guard against a hub that never comes up, not a measure of speed
        while time.monotonic() < deadline:
            try:
                # A small static answer: /openapi.json would have the child build the whole schema (~75 ms of CPU)
                urllib.request.urlopen(self.url + "/static/favicon.svg", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(self.log.read().decode(errors="replace") or "hub died") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("hub did not start")

    def _start_thread(self) -> Hub:
        """A new app on the same data and port, as a restarted process would build it."""
        import uvicorn

        from steward.hub.app import create_app

        config = uvicorn.Config(
            create_app(self.data_dir, self.db_url),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=bool(self.trusted_proxy),
            forwarded_allow_ips=self.trusted_proxy or None,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"hub:{self.port}", daemon=True)
        self.thread.start()
        THREADS.append(self)
        deadline = time.monotonic() + 60  # a guard against a hub that never comes up, not a measure of speed
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("hub did not start (see the test's log)")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("hub did not start")
            time.sleep(0.02)
        return self

    @property
    def running(self) -> bool:
        return bool(self.thread and self.thread.is_alive()) or bool(self.process and self.process.poll() is None)

    def kill(self) -> None:
        """SIGKILL, as a crash or power cut would."""
        if self.in_thread:
            raise RuntimeError("a hub serving from the test's own thread cannot be killed: make it with process=True")
        if self.process:
            processes.kill(self.process)

    def stop(self) -> None:
        if self.thread:
            self.server.should_exit = True
            self.thread.join(timeout=30)
            if self.thread.is_alive():
                raise RuntimeError(f"the hub on port {self.port} did not stop within 30 s")
            self.thread = None
            if self in THREADS:
                THREADS.remove(self)
        if self.process:
            processes.end(self.process)


def _option(args: tuple[str, ...], name: str) -> str:
    return args[args.index(name) + 1] if name in args[:-1] else ""


def stop_threads(keep: list[Hub]) -> list[Hub]:
    """Stop the thread hubs that run and are not in `keep` (those that ran before a test); returns them."""
    left = [hub for hub in THREADS if hub not in keep]
    for hub in left:
        hub.stop()
    return left


def plant_raw(store: object, entity: str, rid: str, body: dict) -> None:
    """Put a record on the hub as a hub from before validation, a damaged hub or a hostile one might hold it:
    straight into its table, past the models that guard the API, so the laptop's own defences are what is tested."""
    import json
    from datetime import UTC, datetime

    from steward.sync.wire import content_hash

    with store.transaction() as conn:  # type: ignore[attr-defined]
        conn.execute("DELETE FROM records WHERE entity = ? AND id = ?", [entity, rid])
        conn.execute(
            "INSERT INTO records (entity, id, owner, profile_id, content_hash, body, received_at) "
            "VALUES (?, ?, 0, 'hub', ?, ?, ?)",
            [entity, rid, content_hash(body), json.dumps(body, ensure_ascii=False), datetime.now(UTC).isoformat()],
        )
