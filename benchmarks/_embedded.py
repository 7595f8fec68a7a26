"""Shared by embedded.py and prefix.py: the real embedded server, and pipeline runs on it that
record every request and what the server reports about it (usage and llama.cpp `timings`)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from summarizer import Settings, Summarizer
from summarizer.batch import Item
from summarizer.embedded import EmbeddedServer, get_model

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@dataclass
class Exchange:
    """One chat request of a run and the server's accounting of it."""

    body: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    evaluated: int  # prompt tokens the model actually read (not served from its prompt cache)
    finish_reason: str | None = None
    prompt_ms: float = 0.0  # the server's time reading the evaluated prompt tokens
    decode_ms: float = 0.0  # the server's time generating the completion tokens

    @property
    def task(self) -> str:
        """translate (plain text), or the response model's name (SummaryDraft, ClaimPicks)."""
        schema = (self.body.get("response_format") or {}).get("json_schema") or {}
        return str(schema.get("name") or ("translate" if "stop" in self.body else "text"))


def exchange(body: dict[str, Any], answer: dict[str, Any]) -> Exchange:
    """Pair a request body with its response JSON."""
    usage = answer.get("usage") or {}
    prompt = int(usage.get("prompt_tokens") or 0)
    timings = answer.get("timings") or {}
    if "prompt_n" in timings:
        evaluated = int(timings["prompt_n"])
    else:
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        evaluated = prompt - int(cached)
    choices = answer.get("choices") or [{}]
    return Exchange(
        body,
        prompt,
        int(usage.get("completion_tokens") or 0),
        evaluated,
        choices[0].get("finish_reason"),
        float(timings.get("prompt_ms") or 0.0),
        float(timings.get("predicted_ms") or 0.0),
    )


class Embedded:
    """A fresh embedded server (its prompt cache empty) for the benchmark's model, with
    `slots` sequences decoding together at most."""

    def __init__(self, settings: Settings, slots: int = 1) -> None:
        self.settings = settings
        self.server = EmbeddedServer(
            get_model(settings.model),
            models_dir=settings.models_dir,
            n_ctx=settings.n_ctx,
            n_parallel=slots,
            threads=settings.threads,
        )
        self.base_url = self.server.start()

    def __enter__(self) -> Embedded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def http(self, **kwargs: Any) -> Any:
        """An HTTP client for this loopback server (no proxies), as openai builds it."""
        return openai.DefaultAsyncHttpxClient(trust_env=False, timeout=600, **kwargs)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.api_key}"}

    def run_pipeline(self, paths: list[Path]) -> tuple[list[Item], list[Exchange], float]:
        """Summarize `paths` through our pipeline on this server; returns the items, every
        request with the server's accounting, and the wall time of the batch."""
        seen: list[Exchange] = []

        async def on_response(response: Any) -> None:
            if response.request.url.path.endswith("/chat/completions"):
                await response.aread()
                body = json.loads(response.request.content)
                seen.append(exchange(body, response.json()))

        client = openai.AsyncOpenAI(
            base_url=self.base_url,
            api_key=self.server.api_key,
            max_retries=0,
            http_client=self.http(event_hooks={"response": [on_response]}),
        )
        with Summarizer(self.settings, client=client) as summarizer:
            started = time.perf_counter()
            items = list(summarizer.summarize_paths(paths))
            elapsed = time.perf_counter() - started
            summarizer.run_async(client.close())
        return items, seen, elapsed

    async def tokens(self, text: str) -> int:
        """How many tokens the model's tokenizer makes of `text` (llama.cpp's /tokenize)."""
        root = self.base_url.removesuffix("/v1")
        async with self.http() as http:
            response = await http.post(
                f"{root}/tokenize", json={"content": text}, headers=self.headers()
            )
            response.raise_for_status()
            return len(response.json()["tokens"])
