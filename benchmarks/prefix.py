"""Benchmark: prompt tokens the embedded model actually reads per article, vs the minimum.

Summarizes the seeds one by one through the pipeline on the embedded server (fresh result
cache) and sums, per article, the prompt tokens the model evaluated: llama.cpp's
`timings.prompt_n`, i.e. prompt tokens minus those served from its prompt cache. Every call
about an article is one growing conversation (the system message, then each paragraph and
its translation), each call's prompt starting with the previous call's prompt and answer, so
the server reads each paragraph once, not once per call.

The minimum an article needs read is the article itself once, the shared instructions once
and each call's own instructions:

    ideal = tokens(article text) + tokens(system message)
            + sum over calls of tokens(the call's own instructions, with no article content)
    ratio = evaluated / ideal                                       (goal <= 1.5)

A translate call's own instructions are its paragraph's wrapper and request. Whatever else is
read counts against us: the sentence numbers, the chat template's tokens around messages, a
model answer the server cannot match to what it generated, re-asks, and any prefix the
server's cache failed to reuse.

    python benchmarks/prefix.py [--model qwen2.5-coder-1.5b] [--articles 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _embedded import SEEDS, Embedded, Exchange
from jinja2.sandbox import SandboxedEnvironment

from summarizer import ArticleResult, Settings
from summarizer.boilerplate import load_rules
from summarizer.prompts import TASKS, load_prompt
from summarizer.sources import load_path

EMPTY: dict[str, Any] = {
    "turns": [],
    "turn": {"sentences": [], "translate": True},
    "hints": [],
    "max_claims": 5,
    "parts": [],
}


def static_text(messages: list[dict[str, str]]) -> list[str]:
    """The messages' own text: rendered with every variable empty."""
    env = SandboxedEnvironment()
    return [env.from_string(m["content"]).render(**EMPTY) for m in messages]


def task_of(request: Exchange, openers: dict[str, str]) -> str:
    """Which task a request is: by the opening of its task message (the first user message
    that is no paragraph of the article); with none, it translates its last paragraph."""
    for message in request.body["messages"][1:]:
        text = str(message.get("content", "")).strip()
        if message.get("role") != "user" or "<paragraph>" in text:
            continue
        for task, opener in openers.items():
            if text.startswith(opener):
                return task
        raise ValueError(f"unknown task: {text[:80]}")
    return "translate"


async def ideal_parts(server: Embedded) -> tuple[int, dict[str, int], dict[str, str]]:
    """Tokens of the shared instructions (the system message), of each task's own
    instructions, and each task's opening words (to recognise its requests). A translate
    call's own instructions are its paragraph's wrapper and request, with no sentences."""
    base = load_prompt("base")
    system = base.as_messages()  # no turns: the messages outside the repeated block
    turn = [m.model_dump() for m in base.messages if m.repeat and m.role == "user"]
    per_task = {"translate": sum([await server.tokens(t) for t in static_text(turn)])}
    openers: dict[str, str] = {}
    for task in TASKS:
        if task == "translate":
            continue
        messages = load_prompt(task).as_messages()  # no turns: the task's own messages
        own = messages[len(system) :] if messages[: len(system)] == system else messages
        per_task[task] = sum([await server.tokens(text) for text in static_text(own)])
        openers[task] = own[-1]["content"].split("{{")[0].split("{%")[0].strip()[:40]
    shared = sum([await server.tokens(text) for text in static_text(system)])
    return shared, per_task, openers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=Settings().model)
    parser.add_argument("--articles", type=int, default=len(SEEDS))
    parser.add_argument("--cache-dir", type=Path, help="keep the results (default: a temp dir)")
    args = parser.parse_args()
    rows = []
    cut_off = requests = 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(model=args.model, cache_dir=args.cache_dir or Path(tmp) / "cache")
        with Embedded(settings) as server:
            shared, per_task, openers = asyncio.run(ideal_parts(server))
            for path in SEEDS[: args.articles]:
                items, sent, seconds = server.run_pipeline([path])
                (item,) = items
                assert isinstance(item, ArticleResult), item
                article = asyncio.run(
                    server.tokens(load_path(path, max_chars=200_000, rules=load_rules()).text)
                )
                calls = sum(per_task[task_of(r, openers)] for r in sent)
                ideal = article + shared + calls
                evaluated = sum(r.evaluated for r in sent)
                prompt = sum(r.prompt_tokens for r in sent)
                rows.append((path.stem, len(sent), prompt, evaluated, ideal, seconds))
                cut_off += sum(r.finish_reason == "length" for r in sent)
                requests += len(sent)
    print(f"model={args.model} shared instructions={shared} tokens; per call: {per_task}")
    print(f"{'article':<22} calls  prompt  evaluated  ideal  ratio  seconds")
    for stem, calls, prompt, evaluated, ideal, seconds in rows:
        print(
            f"{stem:<22} {calls:5d} {prompt:7d} {evaluated:10d} {ideal:6d} "
            f"{evaluated / ideal:6.2f} {seconds:8.1f}"
        )
    total_eval = sum(r[3] for r in rows)
    total_ideal = sum(r[4] for r in rows)
    total_prompt = sum(r[2] for r in rows)
    ratio = total_eval / total_ideal
    print(
        f"all: prompt {total_prompt}, evaluated {total_eval} "
        f"({100 * (1 - total_eval / total_prompt):.0f}% served from the prompt cache), "
        f"ideal {total_ideal}"
    )
    print(f"requests cut off at max_tokens: {cut_off} of {requests}")
    print(f"ratio vs ideal: {ratio:.3f} (goal <= 1.5)")
    print(f"prefix ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
