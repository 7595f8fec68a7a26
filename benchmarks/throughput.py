"""Benchmark: batch throughput against a slow endpoint, vs the ideal set by latency alone.

Summarizes N synthetic articles (default 500) with `concurrency` requests in flight (32) against
the fake server answering every request after `latency` seconds (0.1). An article's calls run
one after another (a translation per paragraph, then summary, then claims); at 32 a batch keeps
36 articles in progress so that a request slot never waits for an article between two calls
(`Backend.lanes`). At best the run keeps `concurrency` requests in flight all the time:

    ideal = total requests x latency / concurrency

and the ratio measured / ideal shows what the client itself costs (goal <= 1.10). The fake
server runs in its own process (it must not share our interpreter's GIL); the cache is fresh,
so every call is a request. Eight warm-up articles run first (imports, first connections,
each worker's first calls). The run uses the defaults a user gets: 32 in flight against a
remote endpoint is 2 worker processes on 2 cores (`summarizer.workers`).

Besides the ratio it prints CPU time per request (Linux): the parent's (reading articles,
duplicates, order, the memo) and the workers' (openai, instructor, the HTTP stack: one event
loop each, which cannot do more than 1 / cpu_per_request requests a second), and the fake
server's: on a 2-core machine all of them share the cores.

    python benchmarks/throughput.py [--articles 500] [--latency 0.1] [--concurrency 32]
                                    [--workers N] [--no-cache]
    py-spy record --subprocesses -o profile.svg -- .venv/bin/python benchmarks/throughput.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import write_corpus

from summarizer import ArticleResult, Settings, Summarizer


def start_server(
    latency: float, responder: str = "tests.responders:article_responder"
) -> tuple[subprocess.Popen[str], str]:
    """The fake server in a child process; returns it and its base_url."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "summarizer.testing",
            "--latency-ms",
            str(latency * 1000),
            "--responder",
            responder,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip()
    if not base_url.startswith("http"):
        proc.kill()
        raise SystemExit(f"the fake server did not start: {base_url!r}")
    return proc, base_url


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (Linux), else None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _cpu(fields: list[str]) -> float:
    """CPU seconds (user + system) in a `_stat` line."""
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far (Linux), else None."""
    fields = _stat(pid)
    return None if fields is None else _cpu(fields)


def children_cpu(exclude: int) -> float | None:
    """CPU seconds used so far by this process's children except `exclude` (the workers)."""
    if not Path("/proc").is_dir():
        return None
    me, total = str(os.getpid()), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(stat.parent.name)
        if fields is not None and fields[1] == me and int(stat.parent.name) != exclude:
            total += _cpu(fields)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default: auto")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    server, base_url = start_server(args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            warmup = 8  # one-time costs: imports, first connections, each worker's first calls
            paths = write_corpus(root / "articles", args.articles + warmup)
            settings = Settings(
                model="fake-model",
                base_url=base_url,
                api_key="bench",
                mode="json_schema",
                cache_dir=root / "cache",
                concurrency=args.concurrency,
                workers=args.workers,
                use_cache=not args.no_cache,
                claim_picks=True,  # the fake answers the claims call (its English is German)
            )
            with Summarizer(settings) as s:
                warm = list(s.summarize_paths(paths[args.articles :]))
                assert all(isinstance(w, ArticleResult) for w in warm), warm
                server_cpu0 = process_cpu(server.pid)
                workers_cpu0 = children_cpu(exclude=server.pid)
                cpu0, started = time.process_time(), time.perf_counter()
                results = list(s.summarize_paths(paths[: args.articles]))
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu0
                server_cpu1 = process_cpu(server.pid)
                workers_cpu1 = children_cpu(exclude=server.pid)
                workers = s.workers
    finally:
        server.terminate()
        server.wait(10)
    ok = [r for r in results if isinstance(r, ArticleResult)]
    assert len(ok) == args.articles, f"only {len(ok)} of {args.articles} succeeded"
    requests = sum(r.provenance.attempts.requests for r in ok)
    ideal = requests * args.latency / args.concurrency
    ratio = elapsed / ideal
    needed = args.concurrency / args.latency
    print(f"articles={args.articles} requests={requests} ({requests / args.articles:.1f}/article)")
    print(
        f"latency={args.latency:.3f} s concurrency={args.concurrency} workers={workers} "
        f"cores={os.cpu_count()}"
    )
    print(f"ideal    {ideal:7.2f} s  (requests x latency / concurrency)")
    print(f"measured {elapsed:7.2f} s  ({requests / elapsed:.0f} requests/s; needs {needed:.0f}/s)")
    print(f"parent CPU {1000 * cpu / requests:.2f} ms per request")
    if workers > 1 and workers_cpu0 is not None and workers_cpu1 is not None:
        per_worker = 1000 * (workers_cpu1 - workers_cpu0) / requests
        print(
            f"workers CPU {per_worker:.2f} ms per request: at most {1000 / per_worker:.0f} "
            f"requests/s per worker, {1000 * workers / per_worker:.0f} for {workers}"
        )
    if server_cpu0 is not None and server_cpu1 is not None:
        server_ms = 1000 * (server_cpu1 - server_cpu0) / requests
        print(f"fake server CPU {server_ms:.2f} ms per request (its own process)")
    print(f"ratio vs ideal: {ratio:.2f} (goal <= 1.10)")
    print(f"throughput ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
