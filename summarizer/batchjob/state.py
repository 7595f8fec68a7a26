"""The state of a Batch API job, kept in the cache directory: what a resume needs, on any day.

`<cache_dir>/batches/<job>/state.json` holds the job's inputs, options, status, rounds (batch
and file ids, counts, tokens), the articles finished and the failed requests; `answers.jsonl`
(append-only) holds every answer a batch returned, by request id. Both are written before the
job moves on, so a job killed anywhere resumes without losing an answer it downloaded.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from summarizer.batchjob.answers import RequestFailure
from summarizer.errors import BatchJobError
from summarizer.render import write_atomic
from summarizer.schema import Usage

__all__ = ["JobState", "JobStatus", "RoundState", "job_dir", "new_job_id"]

JobStatus = Literal["running", "completed", "cancelled", "failed"]

TERMINAL_BATCH = frozenset({"completed", "failed", "expired", "cancelled"})
"""Batch statuses that never change again (as in the OpenAI Batch API)."""


def new_job_id() -> str:
    """A fresh job id: the UTC time it started and a random suffix."""
    return time.strftime("job-%Y%m%dT%H%M%SZ-", time.gmtime()) + secrets.token_hex(3)


def job_dir(cache_dir: Path, job: str) -> Path:
    """Where a job's state lives."""
    if not job or "/" in job or "\\" in job or job.startswith("."):
        raise BatchJobError(f"not a batch job id: {job!r}")
    return cache_dir / "batches" / job


class RoundState(BaseModel):
    """One round: the requests it sent in one batch, and what came back."""

    number: int
    requests: int
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "uploading"
    """The batch's last known status; "uploading" before it exists."""
    collected: bool = False
    """Its output and error files are read into the answers."""
    answered: int = 0
    failed: int = 0
    usage: Usage = Field(default_factory=Usage)


class JobState(BaseModel):
    """Everything a Batch API job needs to go on (see the module docstring)."""

    id: str
    created_at: float
    inputs: list[str]
    out_dir: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    """The settings that shape the results (model, endpoint, mode, ...), to resume with."""
    status: JobStatus = "running"
    error: str | None = None
    rounds: list[RoundState] = Field(default_factory=list)
    finished: dict[str, str] = Field(default_factory=dict)
    """Input (its origin) → "ok", "failed" or "duplicate": not replayed again."""
    failures: dict[str, RequestFailure] = Field(default_factory=dict)
    failed_batches: int = 0

    @property
    def in_flight(self) -> RoundState | None:
        """The round whose batch has not been read back yet."""
        if self.rounds and not self.rounds[-1].collected:
            return self.rounds[-1]
        return None

    @property
    def usage(self) -> Usage:
        """Tokens the job's batches spent."""
        total = Usage()
        for one in self.rounds:
            total = total + one.usage
        return total

    def save(self, folder: Path) -> None:
        """Write the state (atomically)."""
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "state.json", self.model_dump_json(indent=1) + "\n")

    @classmethod
    def load(cls, folder: Path) -> JobState:
        """The state saved in `folder`; `BatchJobError` if there is none or it is unreadable."""
        path = folder / "state.json"
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BatchJobError(f"no batch job {folder.name!r} in {folder.parent}") from None
        except (OSError, ValidationError, ValueError) as exc:
            raise BatchJobError(f"batch job {folder.name!r}: unreadable state: {exc}") from None


def load_answers(folder: Path) -> dict[str, dict[str, Any]]:
    """The answers the job's batches returned so far, by request id (a torn last line, from a
    job killed while appending, is skipped: that batch is read again)."""
    answers: dict[str, dict[str, Any]] = {}
    path = folder / "answers.jsonl"
    if not path.exists():
        return answers
    with path.open(encoding="utf-8") as lines:
        for raw in lines:
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if isinstance(line, dict) and isinstance(line.get("body"), dict):
                answers[str(line["id"])] = line["body"]
    return answers


def append_answers(folder: Path, answers: dict[str, dict[str, Any]]) -> None:
    """Append answers (by request id) to the job's answers file, flushed to disk."""
    if not answers:
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "answers.jsonl").open("a", encoding="utf-8") as out:
        for rid, body in answers.items():
            out.write(json.dumps({"id": rid, "body": body}, ensure_ascii=False) + "\n")
        out.flush()
