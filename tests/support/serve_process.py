"""``outcomes serve`` as a test's own server: its own process group, so a SIGKILL takes master and workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from smtp_sink import free_port

OUTCOMES = [str(Path(sys.executable).with_name("outcomes"))]


class ServeProcess:
    """A running ``outcomes serve --workers N`` on 127.0.0.1; its output goes to ``folder/serve.log``."""

    def __init__(self, env: dict, folder: Path, workers: int = 1, port: int | None = None) -> None:
        self.env = env
        self.log = Path(folder) / "serve.log"
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server and wait until it listens; fail with its log when it exits or never listens."""
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [*OUTCOMES, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("outcomes serve exited:\n" + self.log.read_text()[-3000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError(f"outcomes serve did not listen within {timeout} s:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL master and workers at once (a crash: nothing gets to clean up); wait until they are gone."""
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.proc = None

    def stop(self) -> int | None:
        """Stop cleanly (SIGTERM), or kill after 30 s; returns the server's exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        code, self.proc = self.proc.returncode, None
        return code
