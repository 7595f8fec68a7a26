"""Benchmark: our pipeline against the raw embedded server, on the real embedded model.

1. Start the embedded server (fresh, prompt cache empty) and summarize the articles through
   the pipeline with a fresh result cache, recording every request body it sends.
2. Restart the server, then send the very same request bodies one after another with a bare
   HTTP client (no openai, no instructor, no pipeline): the raw server's time for the same
   prompts and token counts.

    ratio = pipeline wall time / raw replay wall time      (goal <= 1.05)

3. The roofline (issue 18): on the same server, the bare decode speed (one short prompt, 256
   tokens generated, nothing else running) and the bare prompt speed (a ~1000-token prompt,
   one token generated). Per task of the pipeline, its decode and prompt tokens/s from the
   server's own timings, and where the pipeline's wall time went: prompt evaluation, decoding,
   and the rest (client, HTTP, the pipeline's code, the server between requests).

    decode efficiency = pipeline decode tokens/s / bare decode tokens/s   (goal >= 0.9)

The bare decode speed is also measured after a prompt as long as the pipeline's mean context
(weighted by the tokens decoded), which tells how much of the gap is attention over a longer
context rather than anything the pipeline does.

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


BARE_DECODE_TOKENS = 256


def _filler(tokens: int) -> str:
    """A German prompt of about `tokens` tokens (one numbered sentence is about ten)."""
    return " ".join(f"Satz {i}: Die Regierung beriet am Montag." for i in range(tokens // 10))


async def bare(server: Embedded, context: int) -> tuple[float, float, float]:
    """The server's bare decode and prompt speeds, tokens/s (its own timings), and its bare
    decode speed after a prompt of about `context` tokens (the pipeline's mean)."""
    asks = [
        ("Write a long story about a lighthouse keeper.", BARE_DECODE_TOKENS),
        (_filler(1200), 1),
        (f"{_filler(context)}\nWrite a long story about a lighthouse keeper.", 128),
    ]
    speeds: list[float] = []
    async with server.http() as http:
        for i, (text, max_tokens) in enumerate(asks):
            body = {
                "model": server.settings.model,
                "messages": [{"role": "user", "content": text}],
                "max_tokens": max_tokens,
                "temperature": 0,
                "cache_prompt": False,
                "ignore_eos": True,
            }
            response = await http.post(
                f"{server.base_url}/chat/completions", json=body, headers=server.headers()
            )
            response.raise_for_status()
            timings = response.json()["timings"]
            if i == 1:
                speeds.append(timings["prompt_n"] / timings["prompt_ms"] * 1000)
            else:
                speeds.append(timings["predicted_n"] / timings["predicted_ms"] * 1000)
    return speeds[0], speeds[1], speeds[2]


def mean_context(sent: list[Exchange]) -> int:
    """The prompt length the pipeline decoded after, weighted by the tokens decoded."""
    out = sum(e.completion_tokens for e in sent)
    return round(sum(e.prompt_tokens * e.completion_tokens for e in sent) / max(out, 1))


def roofline(
    sent: list[Exchange], wall: float, decode: float, prompt: float, context: int, at_context: float
) -> None:
    """Print the pipeline's speeds per task against the bare ones, and its time shares;
    `at_context`: the bare decode speed after `context` prompt tokens (`mean_context`)."""
    print(f"bare decode {decode:.1f} tokens/s, bare prompt {prompt:.1f} tokens/s")
    print(
        f"{'task':<14}{'calls':>6}{'decode tok':>11}{'decode t/s':>11}{'prompt tok':>11}"
        f"{'prompt t/s':>11}"
    )
    tasks = sorted({e.task for e in sent})
    for task in [*tasks, "all"]:
        chosen = [e for e in sent if task in ("all", e.task)]
        out = sum(e.completion_tokens for e in chosen)
        read = sum(e.evaluated for e in chosen)
        decode_s = sum(e.decode_ms for e in chosen) / 1000
        prompt_s = sum(e.prompt_ms for e in chosen) / 1000
        print(
            f"{task:<14}{len(chosen):>6}{out:>11}{out / max(decode_s, 1e-9):>11.1f}"
            f"{read:>11}{read / max(prompt_s, 1e-9):>11.1f}"
        )
    decode_s = sum(e.decode_ms for e in sent) / 1000
    prompt_s = sum(e.prompt_ms for e in sent) / 1000
    rest = wall - decode_s - prompt_s
    print(
        f"time: prompt {prompt_s:.1f} s ({prompt_s / wall:.0%}), decode {decode_s:.1f} s "
        f"({decode_s / wall:.0%}), rest {rest:.1f} s ({rest / wall:.0%}) of {wall:.1f} s"
    )
    pipeline_decode = sum(e.completion_tokens for e in sent) / max(decode_s, 1e-9)
    efficiency = pipeline_decode / decode
    print(
        f"decode efficiency: {efficiency:.3f} (pipeline decode {pipeline_decode:.1f} / bare "
        f"{decode:.1f} tokens/s; goal >= 0.9)"
    )
    print(
        f"bare decode after {context} prompt tokens (the pipeline's mean context, "
        f"weighted by tokens decoded): {at_context:.1f} tokens/s; pipeline decode / that: "
        f"{pipeline_decode / at_context:.3f}"
    )
    wall_speed = sum(e.completion_tokens for e in sent) / wall
    print(
        f"end to end: {wall_speed:.1f} completion tokens per wall second "
        f"({wall_speed / decode:.3f} of bare decode; prompt reading and the rest included)"
    )
    print(f"embedded decode_efficiency={efficiency:.3f}")


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
            context = mean_context(sent)
            decode, prompt, at_context = asyncio.run(bare(server, context))
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
    roofline(sent, ours, decode, prompt, context, at_context)


if __name__ == "__main__":
    main()
