"""The provider side of a Batch API job: upload a round's requests, create, read and cancel
its batch, download its output and error files, through the openai client (`/v1/files`,
`/v1/batches`: OpenAI, vLLM, or any server that implements them)."""

from __future__ import annotations

import json
from typing import Any, Final

import openai

from summarizer.errors import AuthError, BatchJobError, QuotaError

__all__ = ["BatchInfo", "Provider"]

ENDPOINT: Final = "/v1/chat/completions"
WINDOW: Final = "24h"


class BatchInfo:
    """What a batch's retrieve said: status, files, counts and errors."""

    def __init__(self, raw: Any) -> None:
        self.id: str = raw.id
        self.status: str = raw.status
        self.input_file_id: str = raw.input_file_id
        self.output_file_id: str | None = raw.output_file_id
        self.error_file_id: str | None = raw.error_file_id
        counts = raw.request_counts
        self.completed = int(getattr(counts, "completed", 0) or 0) if counts else 0
        self.failed = int(getattr(counts, "failed", 0) or 0) if counts else 0
        self.total = int(getattr(counts, "total", 0) or 0) if counts else 0
        errors = getattr(getattr(raw, "errors", None), "data", None) or []
        self.errors = [f"{e.code}: {e.message}" for e in errors]


class Provider:
    """Files and batches of one endpoint, errors classified like chat calls' (auth and quota
    are final; anything else is a `BatchJobError`, the job resumable)."""

    def __init__(self, client: openai.AsyncOpenAI) -> None:
        self._client = client

    async def upload(self, job: str, number: int, bodies: dict[str, dict[str, Any]]) -> str:
        """Upload one round's requests (custom_id → body) as a batch input file; its id."""
        lines = (
            json.dumps(
                {"custom_id": rid, "method": "POST", "url": ENDPOINT, "body": body},
                ensure_ascii=False,
            )
            for rid, body in bodies.items()
        )
        content = ("\n".join(lines) + "\n").encode("utf-8")
        name = f"{job}-round{number}.jsonl"
        made = await self._call(self._client.files.create(file=(name, content), purpose="batch"))
        return str(made.id)

    async def create(self, job: str, number: int, input_file_id: str) -> BatchInfo:
        """Create the batch of an uploaded input file."""
        metadata = {"summarizer_job": job, "round": str(number)}
        raw = await self._call(
            self._client.batches.create(
                input_file_id=input_file_id,
                endpoint=ENDPOINT,
                completion_window=WINDOW,
                metadata=metadata,
            )
        )
        return BatchInfo(raw)

    async def find(self, input_file_id: str) -> BatchInfo | None:
        """A batch already made of this input file (a job killed right after creating it)."""
        page = await self._call(self._client.batches.list(limit=100))
        for raw in page.data:
            if raw.input_file_id == input_file_id:
                return BatchInfo(raw)
        return None

    async def retrieve(self, batch_id: str) -> BatchInfo:
        """The batch as it is now."""
        return BatchInfo(await self._call(self._client.batches.retrieve(batch_id)))

    async def cancel(self, batch_id: str) -> BatchInfo:
        """Ask the provider to cancel the batch (it goes "cancelling", then "cancelled")."""
        return BatchInfo(await self._call(self._client.batches.cancel(batch_id)))

    async def lines(self, file_id: str | None) -> list[dict[str, Any]]:
        """The JSON lines of an output or error file (none for no file)."""
        if file_id is None:
            return []
        content = await self._call(self._client.files.content(file_id))
        out: list[dict[str, Any]] = []
        for raw in content.text.splitlines():
            if raw.strip():
                line = json.loads(raw)
                if isinstance(line, dict):
                    out.append(line)
        return out

    @staticmethod
    async def _call(request: Any) -> Any:
        try:
            return await request
        except openai.AuthenticationError as exc:
            raise AuthError(
                f"the Batch API refused the credentials: {exc}", status_code=401
            ) from None
        except openai.PermissionDeniedError as exc:
            raise AuthError(f"the Batch API refused access: {exc}", status_code=403) from None
        except openai.RateLimitError as exc:
            if "insufficient_quota" in str(exc):
                raise QuotaError(f"the Batch API: {exc}", status_code=429) from None
            raise BatchJobError(f"the Batch API is busy (429), resume later: {exc}") from None
        except openai.OpenAIError as exc:
            raise BatchJobError(f"the Batch API failed, resume later: {exc}") from None
