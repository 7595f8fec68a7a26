"""Benchmark: `--engine ray` against the local engine, both against the ideal set by latency alone.

Summarizes N synthetic articles (default 500) twice against the fake server (in its own
process) answering every request after `latency` seconds (0.1), each time with a fresh cache
and `concurrency` requests in flight in all (32): with the local engine (`summarize_paths`: 2
worker processes on 2 cores) and on a local Ray cluster (`summarize_dataset`: `actors` actors,
default one per core, each with concurrency / actors in flight). For each,

    ideal = requests x latency / concurrency        ratio = measured / ideal

and Ray's overhead per article = (Ray's time - the local engine's) / articles (goal < 20 ms).
A Ray run starts its actors anew (Ray Data makes an actor pool per run: each actor imports
summarizer and builds its client, 2-4 s on 2 cores); that start is in Ray's time, and is also
shown apart ("actors up"), with the overhead once they are up. Ray itself (`ray.init`) starts
before both runs and is not counted. Eight warm-up articles run first on each engine.

    python benchmarks/ray_engine.py [--articles 500] [--latency 0.1] [--concurrency 32]
                                    [--actors N] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import write_corpus
from throughput import start_server

from summarizer import ArticleResult, Settings, Summarizer
from summarizer.engines import RayEngine


def settings(base_url: str, cache: Path, concurrency: int) -> Settings:
    return Settings(
        model="fake-model",
        base_url=base_url,
        api_key="bench",
        mode="json_schema",
        cache_dir=cache,
        concurrency=concurrency,
        claim_picks=True,  # the fake answers the claims call (its English is German)
    )


def run_local(base_url: str, root: Path, paths: list[Path], concurrency: int) -> tuple[float, int]:
    """Seconds and requests of the local engine over `paths` (after its warm-up)."""
    with Summarizer(settings(base_url, root / "local-cache", concurrency)) as s:
        warm = list(s.summarize_paths(paths[-8:]))
        assert all(isinstance(w, ArticleResult) for w in warm), warm
        started = time.perf_counter()
        items = list(s.summarize_paths(paths[:-8]))
        elapsed = time.perf_counter() - started
    return elapsed, _requests(items)


def run_ray(
    base_url: str, root: Path, paths: list[Path], concurrency: int, actors: int
) -> tuple[float, int, float]:
    """Seconds and requests of the Ray engine over `paths`, and when its last actor was up
    (seconds from the start)."""
    config = settings(base_url, root / "ray-cache", concurrency // actors)
    warm = list(RayEngine(config, actors=actors).items(paths[-8:]))
    assert all(isinstance(w, ArticleResult) for w in warm), warm
    engine = RayEngine(config, actors=actors)
    wall, started = time.time(), time.perf_counter()
    items = list(engine.items(paths[:-8]))
    elapsed = time.perf_counter() - started
    assert engine.last_view is not None
    return elapsed, _requests(items), max(engine.last_view.ready) - wall


def _requests(items: list[object]) -> int:
    ok = [i for i in items if isinstance(i, ArticleResult)]
    assert len(ok) == len(items), f"only {len(ok)} of {len(items)} succeeded"
    return sum(r.provenance.attempts.requests for r in ok)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=32, help="in flight, in all")
    parser.add_argument("--actors", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1, help="local and Ray runs, alternated")
    args = parser.parse_args()
    import ray

    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="ERROR")
    server, base_url = start_server(args.latency)
    n = args.articles
    try:
        for round in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                paths = write_corpus(root / "articles", n + 8)
                local, local_requests = run_local(base_url, root, paths, args.concurrency)
                remote, requests, up = run_ray(base_url, root, paths, args.concurrency, args.actors)
            assert requests == local_requests, (requests, local_requests)
            ideal = requests * args.latency / args.concurrency
            overhead = 1000 * (remote - local) / n
            steady = 1000 * (remote - up - local) / n
            print(f"round {round + 1}: articles={n} requests={requests} latency={args.latency} s")
            print(
                f"  concurrency={args.concurrency} in all; ray: {args.actors} actors x "
                f"{args.concurrency // args.actors}; cores={os.cpu_count()}"
            )
            print(f"  ideal    {ideal:7.2f} s  (requests x latency / concurrency)")
            print(f"  local    {local:7.2f} s  ratio {local / ideal:.3f}")
            print(
                f"  ray      {remote:7.2f} s  ratio {remote / ideal:.3f}  (actors up at {up:.1f} s)"
            )
            print(
                f"  ray overhead per article {overhead:.1f} ms ({steady:.1f} ms once the actors "
                "are up; goal < 20 ms)"
            )
            print(
                f"ray_engine ratio={remote / ideal:.3f} local_ratio={local / ideal:.3f} "
                f"overhead_ms={overhead:.1f} steady_overhead_ms={steady:.1f}"
            )
    finally:
        server.terminate()
        server.wait(10)
        ray.shutdown()


if __name__ == "__main__":
    main()
