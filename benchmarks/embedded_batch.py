"""A batch on the embedded model: one slot against two (issue 18's goal: two ≥ 1.3× one).

Writes WMT20 news documents of 120–300 words (the first `--articles` by id, from the shared
data) to a folder, then summarizes them twice with `summarizer run DIR --refresh` (a cold LLM
cache), with `-j 1` and with `-j 2`, one after the other, and prints both wall times and
`ratio = one slot ÷ two slots` (throughput of two slots against one).

First it measures what batching can give on this machine at most: on one server with four
slots, the decode speed of 1, 2 and 4 sequences generated together (short prompts, 128 tokens
each, the server's own clock), as tokens/s of all of them. Decoding is the only part slots can
share; prompt reading is compute-bound and reads no faster for two. So `ceiling = aggregate
decode of 2 ÷ of 1` bounds the two-slot ratio even for a batch that only decoded.

    .venv/bin/python benchmarks/embedded_batch.py [--articles 20] [--model qwen2.5-coder-1.5b]
    .venv/bin/python benchmarks/embedded_batch.py --ceiling-only   # the first part, ~1 minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _embedded import Embedded

from summarizer import Settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt20_de_en" / "documents.jsonl"


def write_documents(folder: Path, articles: int, data: Path = DATA) -> int:
    """The first `articles` documents of 120–300 words, by id, as `<doc_id>.txt` files."""
    docs = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    chosen = [
        d for d in sorted(docs, key=lambda d: d["id"]) if 120 <= len(d["source_de"].split()) <= 300
    ]
    for doc in chosen[:articles]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["source_de"], encoding="utf-8")
    return len(chosen[:articles])


def timed_run(folder: Path, out: Path, slots: int, model: str) -> float:
    """Seconds of one cold `summarizer run` over `folder` with `slots` requests in flight."""
    cli = Path(sys.executable).with_name("summarizer")  # the venv's console script
    command = [str(cli), "run", str(folder), "-o", str(out)]
    command += ["-j", str(slots), "--refresh", "--model", model]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


CEILING_TOKENS = 128


async def aggregate_decode(server: Embedded, together: int) -> float:
    """Tokens/s of `together` sequences decoded at once (each CEILING_TOKENS long)."""

    async def one(http: Any, i: int) -> None:
        body = {
            "model": server.settings.model,
            "messages": [{"role": "user", "content": f"Write a long story about ship {i}."}],
            "max_tokens": CEILING_TOKENS,
            "temperature": 0,
            "ignore_eos": True,
        }
        response = await http.post(
            f"{server.base_url}/chat/completions", json=body, headers=server.headers()
        )
        response.raise_for_status()

    async with server.http() as http:
        started = time.perf_counter()
        await asyncio.gather(*(one(http, i) for i in range(together)))
        return together * CEILING_TOKENS / (time.perf_counter() - started)


def decode_ceiling(model: str, sizes: tuple[int, ...] = (1, 2, 4)) -> dict[int, float]:
    """Aggregate decode tokens/s for each number of sequences decoded together."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(model=model, cache_dir=Path(tmp) / "cache")
        with Embedded(settings, slots=max(sizes)) as server:
            asyncio.run(aggregate_decode(server, 1))  # warm the server up, once
            return {k: asyncio.run(aggregate_decode(server, k)) for k in sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--ceiling-only", action="store_true", help="skip the two batch runs")
    args = parser.parse_args()
    speeds = decode_ceiling(args.model)
    for k, speed in speeds.items():
        print(f"{k} decoding together: {speed:5.1f} tokens/s in all ({speed / speeds[1]:.2f}x)")
    print(f"embedded_batch ceiling={speeds[2] / speeds[1]:.3f} (two sequences' decode ÷ one's)")
    if args.ceiling_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        n = write_documents(folder, args.articles, args.data)
        one = timed_run(folder, Path(tmp) / "out1", 1, args.model)
        two = timed_run(folder, Path(tmp) / "out2", 2, args.model)
    print(f"articles={n} model={args.model}")
    print(f"one slot  {one:8.1f} s  ({one / n:.1f} s an article)")
    print(f"two slots {two:8.1f} s  ({two / n:.1f} s an article)")
    print(f"embedded_batch ratio={one / two:.3f} (goal >= 1.3)")


if __name__ == "__main__":
    main()
