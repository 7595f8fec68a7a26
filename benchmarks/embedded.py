"""Benchmark: our pipeline against the raw embedded server, on the real embedded model.

1. Start the embedded server (fresh, prompt cache empty) and summarize the articles through
   the pipeline with a fresh result cache, recording every request body it sends.
2. Restart the server, then send the very same request bodies one after another with a bare
   HTTP client (no openai, no instructor, no pipeline): the raw server's time for the same
   prompts and token counts.

    ratio = pipeline wall time / raw replay wall time      (goal <= 1.05)

Both exclude server start-up. Completion tokens are printed for both sides: the replay must
generate what the pipeline did (same prompts, greedy sampling with a fixed seed).

    python benchmarks/embedded.py [--model qwen2.5-coder-1.5b] [--articles 1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _embedded import SEEDS, Embedded, Exchange, exchange

from summarizer import ArticleResult, Settings


async def replay(server: Embedded, bodies: list[Exchange]) -> tuple[list[Exchange], float]:
    """Send each recorded body in order, as the pipeline did; returns the answers and time."""
    answers: list[Exchange] = []
    async with server.http() as http:
        started = time.perf_counter()
        for sent in bodies:
            response = await http.post(
                f"{server.base_url}/chat/completions", json=sent.body, headers=server.headers()
            )
            response.raise_for_status()
            answers.append(exchange(sent.body, response.json()))
        return answers, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=Settings().model)
    parser.add_argument("--articles", type=int, default=1, help="seeds to use, shortest first")
    args = parser.parse_args()
    paths = sorted(SEEDS, key=lambda p: p.stat().st_size)[: args.articles]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(model=args.model, cache_dir=Path(tmp) / "cache")
        with Embedded(settings) as server:
            items, sent, ours = server.run_pipeline(paths)
        failed = [i for i in items if not isinstance(i, ArticleResult)]
        assert not failed, failed
        with Embedded(settings) as server:
            answers, raw = asyncio.run(replay(server, sent))
    ratio = ours / raw
    print(f"model={args.model} articles={len(paths)} requests={len(sent)}")
    print(
        f"completion tokens: pipeline {sum(e.completion_tokens for e in sent)}, "
        f"replay {sum(e.completion_tokens for e in answers)}; prompt tokens: pipeline "
        f"{sum(e.prompt_tokens for e in sent)}, replay {sum(e.prompt_tokens for e in answers)}"
    )
    print(f"pipeline {ours:8.2f} s  ({ours / len(sent):.2f} s per request)")
    print(f"raw      {raw:8.2f} s  (same bodies, bare HTTP, restarted server)")
    print(f"ratio vs raw: {ratio:.3f} (goal <= 1.05)")
    print(f"embedded ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
