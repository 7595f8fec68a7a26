"""Command line of the fake server: `python -m summarizer.testing`, run until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import importlib
import signal
import threading
from collections.abc import Sequence
from types import FrameType
from typing import cast

from summarizer.testing.faults import FAULT_KINDS
from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply
from summarizer.testing.responders import Responder, schema_responder
from summarizer.testing.server import FakeLLMServer

__all__ = ["main"]


def _load_responder(spec: str) -> Responder:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise SystemExit(f"--responder wants MODULE:ATTRIBUTE, got {spec!r}")
    responder = getattr(importlib.import_module(module_name), attr)
    if not callable(responder):
        raise SystemExit(f"--responder {spec!r} is not callable")
    return cast(Responder, responder)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a FakeLLMServer until SIGTERM/SIGINT; print its base_url once it listens."""
    parser = argparse.ArgumentParser(
        prog="python -m summarizer.testing",
        description="Fake OpenAI-compatible server for tests and benchmarks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every reply")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="0..1")
    parser.add_argument(
        "--faults",
        default=",".join(FAULT_KINDS),
        help=f"comma-separated kinds to draw from (default: all of {','.join(FAULT_KINDS)})",
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--hang", type=float, default=30.0, help="seconds a 'timeout' hangs")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--content", help="answer every request with this content")
    group.add_argument(
        "--responder",
        help="MODULE:ATTRIBUTE of a Responder (default: schema_responder)",
    )
    args = parser.parse_args(argv)

    responder: Responder = schema_responder
    if args.content is not None:
        content: str = args.content

        def fixed(_: RecordedRequest) -> FakeReply:
            return FakeReply(content=content)

        responder = fixed
    elif args.responder:
        responder = _load_responder(args.responder)

    faults = [kind.strip() for kind in args.faults.split(",") if kind.strip()]
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeLLMServer(
        responder=responder,
        latency=args.latency_ms / 1000.0,
        fault_rate=args.fault_rate,
        faults=faults,
        seed=args.seed,
        hang=args.hang,
        host=args.host,
        port=args.port,
    ) as server:
        print(server.base_url, flush=True)
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
