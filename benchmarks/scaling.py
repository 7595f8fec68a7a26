"""Benchmark: does the cost per article stay flat from 100 to 10,000 articles?

For each size, a fresh child process summarizes that many synthetic articles against the fake
server (no latency, its own process) with 32 requests in flight and a fresh cache, and reports
its wall time and peak resident memory (`ru_maxrss`), and the largest peak of its worker
processes (2 at 32 in flight on 2 cores: `summarizer.workers`). The child also reports its resident
memory after imports and one warm-up article, so the growth with the batch size is visible
apart from the interpreter and libraries. Flat per-article time and flat peak memory mean
nothing in the batch path grows with the number of articles. `--no-cache` separates the
cache's share of memory (SQLite page cache and mmap: diskcache defaults allow 32 + 64 MB);
`--tracemalloc` adds the Python heap's peak.

    python benchmarks/scaling.py                      # 100, 1000 and 10000 articles
    python benchmarks/scaling.py --sizes 100,1000     # a quicker run
    python benchmarks/scaling.py --sizes 100,3000 --no-cache --tracemalloc
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import write_corpus

CONCURRENCY = 32


def _rss_mb() -> float:
    """Current resident memory of this process, MB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def worker(
    base_url: str, folder: Path, count: int, cache: Path, *, use_cache: bool, trace: bool
) -> None:
    """Child process: summarize the first `count` articles of `folder`; print a JSON line."""
    import tracemalloc

    from summarizer import ArticleResult, Settings, Summarizer

    paths = sorted(folder.glob("*.txt"))
    warmup, batch = paths[-1], paths[:count]
    settings = Settings(
        model="fake-model",
        base_url=base_url,
        api_key="bench",
        mode="json_schema",
        cache_dir=cache,
        concurrency=CONCURRENCY,
        use_cache=use_cache,
        claim_picks=True,  # the fake answers the claims call (its English is German)
    )
    ok = requests = 0
    with Summarizer(settings) as s:
        s.summarize_file(warmup)
        baseline = _rss_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        for item in s.summarize_paths(batch):
            if isinstance(item, ArticleResult):
                ok += 1
                requests += item.provenance.attempts.requests
        elapsed = time.perf_counter() - started
        heap_mb = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000  # KB on Linux
    # The worker processes (summarizer.workers), waited for when the Summarizer closed.
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000
    print(
        json.dumps(
            {
                "articles": count,
                "ok": ok,
                "requests": requests,
                "seconds": elapsed,
                "baseline_mb": baseline,
                "peak_mb": peak,
                "worker_peak_mb": worker_peak,
                "python_heap_peak_mb": heap_mb,
            }
        )
    )


def run_size(
    count: int, folder: Path, root: Path, *, use_cache: bool, trace: bool
) -> dict[str, float]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "summarizer.testing",
            "--responder",
            "tests.responders:article_responder",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                base_url,
                str(folder),
                str(count),
                str(root / f"cache{count}"),
                str(int(use_cache)),
                str(int(trace)),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(30)
    if child.returncode != 0:
        raise SystemExit(f"size {count} failed:\n{child.stderr[-3000:]}")
    report: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    if report["ok"] != count:
        raise SystemExit(f"size {count}: only {report['ok']} articles succeeded")
    return report


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        base_url, folder, count, cache, use_cache, trace = sys.argv[2:8]
        worker(
            base_url,
            Path(folder),
            int(count),
            Path(cache),
            use_cache=use_cache == "1",
            trace=trace == "1",
        )
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated sizes")
    parser.add_argument("--no-cache", action="store_true", help="run without the LLM cache")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also report the Python heap peak (slower)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "articles"
        write_corpus(folder, max(sizes) + 1)  # +1: the warm-up article, never in a batch
        reports = []
        print(
            f"{'articles':>8} {'seconds':>8} {'ms/article':>10} {'requests/s':>10} "
            f"{'base MB':>8} {'peak MB':>8} {'growth MB':>9} {'worker MB':>9}"
        )
        for count in sizes:
            r = run_size(count, folder, root, use_cache=not args.no_cache, trace=args.tracemalloc)
            reports.append(r)
            print(
                f"{count:8d} {r['seconds']:8.1f} {1000 * r['seconds'] / count:10.2f} "
                f"{r['requests'] / r['seconds']:10.0f} {r['baseline_mb']:8.1f} "
                f"{r['peak_mb']:8.1f} {r['peak_mb'] - r['baseline_mb']:9.1f} "
                f"{r['worker_peak_mb']:9.1f}"
                + (
                    f"  python heap peak {heap:.1f} MB"
                    if (heap := r["python_heap_peak_mb"])
                    else ""
                ),
                flush=True,
            )
    first, last = reports[0], reports[-1]
    per_first = 1000 * first["seconds"] / first["articles"]
    per_last = 1000 * last["seconds"] / last["articles"]
    print(
        f"per-article time {last['articles']:.0f} vs {first['articles']:.0f}: "
        f"{per_last / per_first:.2f}x; peak memory {last['peak_mb'] / first['peak_mb']:.2f}x"
    )
    fields = [
        f"per_article_ms_{r['articles']:.0f}={1000 * r['seconds'] / r['articles']:.2f}"
        for r in (first, last)
    ]
    fields += [f"peak_mb_{r['articles']:.0f}={r['peak_mb']:.1f}" for r in (first, last)]
    print("scaling " + " ".join(fields))


if __name__ == "__main__":
    main()
