"""The embedded server's child process: serve one GGUF with xllamacpp on 127.0.0.1.

Started by `EmbeddedServer.start` (also runnable as `python -m summarizer.embedded`); only
this module imports xllamacpp, and only inside `serve`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from summarizer.embedded.assemble import model_path
from summarizer.embedded.catalog import EMBEDDED_MODELS, get_model
from summarizer.embedded.server import API_KEY_ENV, default_threads
from summarizer.errors import EmbeddedModelError

__all__ = ["main", "serve"]


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


def _parser() -> argparse.ArgumentParser:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m summarizer.embedded`: serve an embedded model (or a GGUF file) on 127.0.0.1.

    Prints `{"address": ...}` on stdout once ready, then serves until Ctrl-C/SIGTERM (or,
    with --watch-stdin / --parent-pid, until stdin closes or the parent process dies).
    """
    parser = _parser()
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
            api_key=os.environ.pop(API_KEY_ENV, None),
            ready=ready,
        )
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, EmbeddedModelError) as exc:
        print(f"embedded server failed: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0
