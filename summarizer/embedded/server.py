"""The parent side of the embedded server: start, watch and stop the llama.cpp child process.

`EmbeddedServer` serves a model through xllamacpp (llama.cpp's own C++ server, OpenAI
compatible: /v1/chat/completions with `response_format` json_schema, prompt cache, parallel
slots, the GGUF's chat template, `usage` and `timings` in every response).

The server runs in a **child process** (`summarizer.embedded.child`), not in-process, because

- llama.cpp writes its logs straight to file descriptor 2; in a child they go to a log file
  (`log_file`, default `<models_dir>/logs/<name>.log`) and never reach our terminal;
- stopping is clean and certain: the process ends, the OS frees the port, the threads and
  the ~0.5-1.5 GB of weights; in-process, the server lives until the `xllamacpp.Server`
  object is garbage-collected, and a crash in native code would take the CLI down with it;
- importing `summarizer.embedded` stays cheap: only the child imports xllamacpp.

The child must never outlive us. Normal exit, exceptions and Ctrl-C are covered by
`stop()` (context manager plus an `atexit` hook); the child runs in its own session, so a
Ctrl-C in the terminal reaches only us and we stop it in order. For `kill -9` of the parent
the child watches a pipe: its stdin is the read end of a pipe whose only write end we hold,
so when our process dies for any reason the kernel closes it, the child reads EOF and exits
at once; a watchdog thread also exits when the parent pid changes (covers forked processes
that inherited the pipe). `PR_SET_PDEATHSIG` is deliberately not used: it fires when the
*thread* that spawned the child exits, which would kill the server if `start()` ran in a
short-lived worker thread.

The server binds 127.0.0.1 on a port the OS picks (port 0; the child reports the real
address through its stdout pipe, so there is no pick-then-bind race) and requires a random
per-server API key (`EmbeddedServer.api_key`), so other local users and web pages in a
browser cannot use it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from summarizer.embedded.assemble import model_path
from summarizer.embedded.catalog import EmbeddedModel, PartsLocator, installed_parts
from summarizer.errors import ConfigError, EmbeddedModelError

__all__ = ["API_KEY_ENV", "EmbeddedServer", "default_threads"]

API_KEY_ENV = "SUMMARIZER_EMBEDDED_API_KEY"
"""The environment variable that hands the child its API key (not its command line: `ps`)."""

_LOG_TAIL_CHARS = 3000
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
"""The directory holding the `summarizer` package, put on the child's sys.path."""
_BOOTSTRAP = (
    "import sys; sys.path.append(sys.argv.pop(1)); "
    "from summarizer.embedded.child import main; sys.exit(main())"
)


def default_threads() -> int:
    """Number of CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _log_tail(path: Path) -> str:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _LOG_TAIL_CHARS))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return "(no server log)"
    return text.strip() or "(server log is empty)"


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Talks to our own 127.0.0.1 server directly, whatever HTTP(S)_PROXY says."""

_RUNNING: set[EmbeddedServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


class EmbeddedServer:
    """An OpenAI-compatible llama.cpp server for one embedded model, in a child process."""

    def __init__(
        self,
        model: EmbeddedModel,
        *,
        models_dir: Path,
        n_ctx: int = 8192,
        n_parallel: int = 1,
        threads: int | None = None,
        log_file: Path | None = None,
        startup_timeout: float = 180.0,
        locate_parts: PartsLocator = installed_parts,
    ) -> None:
        """Configure the server; nothing runs until `start()`.

        `n_ctx` is the context window of each of the `n_parallel` slots (the KV cache holds
        n_ctx * n_parallel tokens). `threads` defaults to the number of usable cores.
        """
        if n_ctx < 1 or n_parallel < 1 or (threads is not None and threads < 1):
            raise ConfigError("n_ctx, n_parallel and threads must be positive")
        self.model = model
        self.models_dir = models_dir
        self.n_ctx = n_ctx
        self.n_parallel = n_parallel
        self.threads = threads if threads is not None else default_threads()
        self.log_file = log_file or models_dir / "logs" / f"{model.name}.log"
        self.startup_timeout = startup_timeout
        self._locate_parts = locate_parts
        self._api_key = secrets.token_urlsafe(24)
        self._proc: subprocess.Popen[bytes] | None = None
        self._base_url: str | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, `http://127.0.0.1:<port>/v1`; EmbeddedModelError if not started."""
        if self._base_url is None:
            raise EmbeddedModelError(f"the embedded server for {self.model.name!r} is not running")
        return self._base_url

    @property
    def api_key(self) -> str:
        """The random key clients must send (`OpenAI(api_key=...)`); /health needs none."""
        return self._api_key

    @property
    def pid(self) -> int | None:
        """Process id of the server, or None when it is not running."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> str:
        """Assemble the model if needed, start the server, wait until ready; return base_url."""
        with self._lock:
            if self._base_url is not None:
                return self._base_url
            path = model_path(self.model, self.models_dir, locate_parts=self._locate_parts)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            deadline = time.monotonic() + self.startup_timeout
            proc = self._spawn(path)
            self._proc = proc
            _RUNNING.add(self)
            try:
                address = self._wait_for_address(proc, deadline)
                self._wait_for_health(proc, address, deadline)
            except BaseException:
                self._stop_locked()
                raise
            self._base_url = f"{address}/v1"
            return self._base_url

    def _command(self, path: Path) -> list[str]:
        """The child's command line: `summarizer.embedded.child` serving the GGUF at `path`."""
        return [
            sys.executable,
            "-c",
            _BOOTSTRAP,
            _PACKAGE_ROOT,
            "--model-path",
            str(path),
            "--alias",
            self.model.name,
            "--n-ctx",
            str(self.n_ctx),
            "--n-parallel",
            str(self.n_parallel),
            "--threads",
            str(self.threads),
            "--parent-pid",
            str(os.getpid()),
            "--watch-stdin",
        ]

    def _spawn(self, path: Path) -> subprocess.Popen[bytes]:
        """Start the child in its own session, stderr to the log file, stdin our pipe."""
        env = {**os.environ, API_KEY_ENV: self._api_key}
        with self.log_file.open("wb") as log:
            try:
                return subprocess.Popen(
                    self._command(path),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                raise EmbeddedModelError(f"cannot start the embedded server: {exc}") from exc

    def _failure(self, what: str) -> EmbeddedModelError:
        return EmbeddedModelError(
            f"the embedded server for {self.model.name!r} {what}; "
            f"server log {self.log_file} ends with:\n{_log_tail(self.log_file)}"
        )

    def _wait_for_address(self, proc: subprocess.Popen[bytes], deadline: float) -> str:
        assert proc.stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = proc.stdout
        threading.Thread(
            target=lambda: lines.put(stdout.readline()), name="embedded-server-ready", daemon=True
        ).start()
        while True:
            try:
                line = lines.get(timeout=0.1)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise self._failure(
                        f"did not start within {self.startup_timeout:.0f} s"
                    ) from None
        try:
            address = str(json.loads(line)["address"])
        except (ValueError, KeyError, TypeError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            raise self._failure(f"failed to start (exit code {proc.returncode})") from None
        return address

    def _wait_for_health(
        self, proc: subprocess.Popen[bytes], address: str, deadline: float
    ) -> None:
        while True:
            if proc.poll() is not None:
                raise self._failure(f"exited during start-up (exit code {proc.returncode})")
            try:
                with _NO_PROXY.open(f"{address}/health", timeout=5) as resp:
                    if json.loads(resp.read()).get("status") == "ok":
                        return
            except (OSError, ValueError):
                pass  # 503 while loading, or not listening yet
            if time.monotonic() > deadline:
                raise self._failure(f"was not ready within {self.startup_timeout:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server and wait for it to exit; does nothing when it is not running."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        proc, self._proc, self._base_url = self._proc, None, None
        _RUNNING.discard(self)
        if proc is None:
            return
        # EOF on its stdin makes the child exit at once; escalate if it does not.
        for step in (proc.stdin.close if proc.stdin else None, proc.terminate, proc.kill):
            if proc.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if step is not None:
                    step()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self._base_url or "stopped"
        return f"EmbeddedServer({self.model.name!r}, {state})"
