"""The endpoint a run talks to: the embedded server (started lazily, stopped at exit) or a URL."""

from __future__ import annotations

import asyncio
import os
from typing import Any
from urllib.parse import urlparse

import instructor
import openai

from summarizer import budget
from summarizer.embedded import EmbeddedServer, get_model
from summarizer.errors import ConfigError
from summarizer.llm import LLMClient, RateGate, Transport, resolve_mode
from summarizer.settings import Settings

__all__ = ["Backend"]


class Backend:
    """Owns the openai client and, for the embedded default, the llama.cpp server process."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: openai.AsyncOpenAI | None = None,
        transport: Transport | None = None,
    ) -> None:
        """`transport`: what sends each chat request instead of HTTP (a Batch API job's)."""
        self.settings = settings
        self.transport = transport
        self.mode: instructor.Mode = resolve_mode(settings)
        self._client = client
        self._server: EmbeddedServer | None = None
        self._llm: LLMClient | None = None
        self._openai: openai.AsyncOpenAI | None = None
        self._lock = asyncio.Lock()
        self._gate = RateGate()
        self._gate.limit_to(self.default_concurrency)
        if settings.is_embedded:
            self._embedded = get_model(settings.model)
            if transport is not None:
                raise ConfigError(
                    "the Batch API needs an endpoint that serves /v1/files and /v1/batches "
                    "(OpenAI, vLLM, ...): pass --model with OPENAI_API_KEY, or --base-url"
                )
        elif client is None and settings.base_url is None and settings.api_key is None:
            raise ConfigError(
                f"model {settings.model!r} is not an embedded model and no API key is set: "
                "set OPENAI_API_KEY, or pass --base-url for a local server"
            )

    @property
    def endpoint_id(self) -> str:
        """What identifies the endpoint in cache keys (the embedded model's hash, not its port)."""
        if self.settings.is_embedded:
            return f"embedded:{self._embedded.sha256}"
        return self.settings.endpoint

    @property
    def extra_body(self) -> dict[str, Any]:
        """llama.cpp sampling extras, sent only to the embedded server."""
        if self.settings.is_embedded:
            return {"repeat_penalty": self.settings.repeat_penalty, "cache_prompt": True}
        return {}

    @property
    def context_tokens(self) -> int:
        """The context window each call must fit."""
        if self.settings.context_tokens is not None:
            return self.settings.context_tokens
        return self.settings.n_ctx if self.settings.is_embedded else budget.REMOTE_CONTEXT_TOKENS

    @property
    def chunk_chars(self) -> int:
        """Source characters per chunk of a long article."""
        return budget.chunk_chars(self.context_tokens)

    @property
    def merge_chars(self) -> int:
        """Characters of chunk summaries merged in one call (output and schema reserved)."""
        return budget.merge_chars(self.context_tokens)

    @property
    def default_concurrency(self) -> int:
        """Requests in flight: the embedded server's slots, or 8 for a remote endpoint."""
        if self.settings.concurrency is not None:
            return self.settings.concurrency
        return 1 if self.settings.is_embedded else budget.REMOTE_CONCURRENCY

    def lanes(self, concurrency: int) -> int:
        """Articles a batch keeps in progress for `concurrency` requests in flight (see
        `budget.lanes`: one per request, a few more on a remote endpoint from 16)."""
        return budget.lanes(concurrency, embedded=self.settings.is_embedded)

    def workers(self, concurrency: int) -> int:
        """Processes a batch with `concurrency` requests in flight runs in (see
        `summarizer.workers`): `settings.workers`, else one per 16 in flight up to the cores.
        Always 1 for the embedded server (one llama.cpp process serves every call) and for
        an injected client (it lives in this process)."""
        if self.settings.is_embedded or self._client is not None or os.name != "posix":
            return 1
        if self.settings.workers is not None:
            return self.settings.workers
        return budget.worker_processes(concurrency, os.cpu_count() or 1)

    @property
    def gate(self) -> RateGate:
        """The run-wide pause after a 429."""
        return self._gate

    async def llm(self) -> LLMClient:
        """The client, starting the embedded server on first use."""
        async with self._lock:
            if self._llm is None:
                client = await self.openai_client()
                self._llm = LLMClient(
                    self.settings,
                    client=client,
                    mode=self.mode,
                    extra_body=self.extra_body,
                    gate=self._gate,
                    transport=self.transport,
                )
            return self._llm

    async def openai_client(self) -> openai.AsyncOpenAI:
        """The openai client every call goes through (made, and the embedded server started,
        on first use)."""
        if self._openai is None:
            self._openai = self._client or await self._make_client()
        return self._openai

    async def _make_client(self) -> openai.AsyncOpenAI:
        settings = self.settings
        if settings.is_embedded:
            server = EmbeddedServer(
                self._embedded,
                models_dir=settings.models_dir,
                n_ctx=settings.n_ctx,
                n_parallel=self.default_concurrency,
                threads=settings.threads,
            )
            base_url = await asyncio.to_thread(server.start)
            self._server = server
            api_key = server.api_key
        else:
            base_url = settings.base_url or "https://api.openai.com/v1"
            secret = settings.api_key.get_secret_value() if settings.api_key else None
            api_key = secret or "no-key"  # local servers ignore it; openai needs one
        # A loopback endpoint must never go through HTTP(S)_PROXY from the environment.
        local = urlparse(base_url).hostname in ("127.0.0.1", "localhost", "::1")
        return openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key,
            max_retries=0,
            timeout=settings.timeout,
            # Loopback: openai's aiohttp transport (~0.5 ms less CPU a request than httpx,
            # benchmarks/throughput.py). Elsewhere: openai's default client, proxies and all.
            http_client=openai.DefaultAioHttpClient(trust_env=False) if local else None,
        )

    @property
    def server(self) -> EmbeddedServer | None:
        """The running embedded server, if one was started."""
        return self._server

    async def aclose(self) -> None:
        """Close the HTTP client this backend made (an injected one belongs to the caller)."""
        if self._openai is not None and self._client is None:
            await self._openai.close()

    def close(self) -> None:
        """Stop the embedded server if this backend started it."""
        if self._server is not None:
            self._server.stop()
            self._server = None
