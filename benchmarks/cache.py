"""Benchmark: the cost of a warm rerun, served entirely from the cache.

Summarizes N synthetic articles against the fake server (filling the cache), stops the server,
then reruns the same articles with a fresh Summarizer and times it in-process (interpreter
start excluded). A finished article is stored whole, under the SHA-256 of its raw input and a
fingerprint of the run's settings, so the rerun reads each file, hashes it and makes one
lookup: no loading, no sentence splitting, no per-call lookups. Goal: <= 1 ms per article,
with zero requests.

    python benchmarks/cache.py [--articles 500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import write_corpus

from summarizer import ArticleResult, Settings, Summarizer
from summarizer.testing import FakeLLMServer
from tests.responders import article_responder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "articles", args.articles)
        with FakeLLMServer(responder=article_responder) as server:
            settings = Settings(
                model="fake-model",
                base_url=server.base_url,
                api_key="bench",
                mode="json_schema",
                cache_dir=root / "cache",
                concurrency=32,
                claim_picks=True,  # the fake answers the claims call (its English is German)
            )
            with Summarizer(settings) as cold:
                done = sum(isinstance(r, ArticleResult) for r in cold.summarize_paths(paths))
            cold_requests = len(server.chat_requests)
        assert done == args.articles, f"cold run summarized {done} of {args.articles}"
        # The server is gone: any request now would fail the run.
        started = time.perf_counter()
        with Summarizer(settings) as warm:
            results = list(warm.summarize_paths(paths))
        elapsed = time.perf_counter() - started
        requests = sum(
            r.provenance.attempts.requests for r in results if isinstance(r, ArticleResult)
        )
        hits = all(
            isinstance(r, ArticleResult) and set(r.provenance.cache.values()) == {"hit"}
            for r in results
        )
    ms = 1000 * elapsed / args.articles
    print(f"articles={args.articles} cold_requests={cold_requests} warm_requests={requests}")
    print(f"warm rerun: {elapsed:.3f} s, all hits: {hits}")
    print(f"ratio vs goal (1 ms/article): {ms / 1.0:.2f}")
    print(f"cache ms_per_article={ms:.3f}")


if __name__ == "__main__":
    main()
