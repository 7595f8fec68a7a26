"""The fake server's batches, `FakeBatches`: create, cancel, and a deterministic clock."""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from summarizer.testing.batch_lines import (
    BatchLine,
    batch_error,
    expired_line,
    output_line,
    parse_batch_input,
)
from summarizer.testing.batch_state import TERMINAL_STATUSES, FakeBatch
from summarizer.testing.completions import chat_completion
from summarizer.testing.files import FakeAPIError, FakeFile, FakeFiles
from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply

__all__ = ["FakeBatches"]


class FakeBatches:
    """The batches of a fake server (`FakeLLMServer.batches`), moved by a deterministic clock.

    A batch is created "validating". Each step (`advance`, or by default each
    `GET /v1/batches/{id}` of that batch, before answering) moves it on: validating →
    in_progress (or → failed if its input is malformed or `fail_next` scripted it) → each
    further step runs the next `ceil(total / progress_steps)` requests (so with the default
    2, half of them per step) → finalizing once all ran → completed, when its output file
    (successes) and error file (failed requests; absent if none) are written, both in reverse
    order of the input. `cancel` makes it "cancelling", the next step "cancelled" with the
    results so far; a batch scripted by `expire_next(after=N)` expires once N requests ran:
    the results so far are written and the rest go to the error file as "batch_expired".

    Requests are answered like live chat requests (the server's queue, else its responder;
    no latency, no drawn faults), unless `reply_to` scripted a reply for their custom_id. A
    reply with status >= 400, or with a wire `fault` (taken as a 500), fails that request.
    """

    def __init__(
        self,
        files: FakeFiles,
        answer: Callable[[RecordedRequest], FakeReply],
        models: Callable[[], Sequence[str]],
    ) -> None:
        self.files = files
        self.auto_advance = True
        """Whether `GET /v1/batches/{id}` advances that batch one step before answering."""
        self.progress_steps = 2
        """How many in_progress steps it takes to run all requests of a batch."""
        self._answer = answer
        self._models = models
        self._lock = threading.RLock()
        self._batches: dict[str, FakeBatch] = {}
        self._replies: dict[str, FakeReply] = {}
        self._fates: deque[tuple[str, int | None, str, str]] = deque()
        self._ids = itertools.count(1)
        self._batch_ids = itertools.count(1)
        self._line_ids = itertools.count(1)

    # -- scripting -----------------------------------------------------------------------------

    def reply_to(self, custom_id: str, reply: FakeReply) -> None:
        """Answer the next batch request with this custom_id by `reply` (once), instead of the
        queue or responder; e.g. `FakeReply.error(500, "boom")` to fail it."""
        if not isinstance(reply, FakeReply):
            raise TypeError(f"reply_to takes a FakeReply, not {type(reply).__name__}")
        with self._lock:
            self._replies[custom_id] = reply

    def expire_next(self, after: int | None = None) -> None:
        """Make the next batch created expire once `after` of its requests ran (default: half,
        rounded down); if `after` >= its size it completes instead."""
        if after is not None and after < 0:
            raise ValueError("after must be >= 0")
        with self._lock:
            self._fates.append(("expire", after, "", ""))

    def fail_next(
        self,
        message: str = "The batch failed (scripted by the fake server).",
        code: str = "batch_failed",
    ) -> None:
        """Make the next batch created fail at validation with this error."""
        with self._lock:
            self._fates.append(("fail", None, code, message))

    # -- the clock -----------------------------------------------------------------------------

    def advance(self, batch_id: str, steps: int = 1) -> FakeBatch:
        """Move the batch `steps` steps on (a finished batch stays as it is); return it."""
        with self._lock:
            batch = self.get(batch_id)
            for _ in range(steps):
                self._step(batch)
            return batch

    def run(self, batch_id: str, max_steps: int = 1000) -> FakeBatch:
        """Advance the batch until it is finished; return it."""
        with self._lock:
            batch = self.get(batch_id)
            for _ in range(max_steps):
                if batch.status in TERMINAL_STATUSES:
                    break
                self._step(batch)
            return batch

    def expire(self, batch_id: str) -> FakeBatch:
        """Expire an unfinished batch now (results so far kept, the rest "batch_expired")."""
        with self._lock:
            batch = self._unfinished(batch_id, "expire")
            self._finish(batch, "expired")
            return batch

    def fail(
        self,
        batch_id: str,
        message: str = "The batch failed (scripted by the fake server).",
        code: str = "batch_failed",
    ) -> FakeBatch:
        """Fail an unfinished batch now, with this error and no output or error file."""
        with self._lock:
            batch = self._unfinished(batch_id, "fail")
            batch.errors.append(batch_error(code, message))
            self._finish(batch, "failed")
            return batch

    # -- what the HTTP routes call -------------------------------------------------------------

    def create(
        self,
        input_file: FakeFile,
        endpoint: str = "/v1/chat/completions",
        completion_window: str = "24h",
        metadata: dict[str, Any] | None = None,
    ) -> FakeBatch:
        """Create a batch of the requests in `input_file` (taking the next scripted fate)."""
        lines, errors = parse_batch_input(input_file.content, endpoint)
        with self._lock:
            batch = FakeBatch(
                id=f"batch_fake{next(self._batch_ids):06d}",
                input_file_id=input_file.id,
                endpoint=endpoint,
                completion_window=completion_window,
                metadata=metadata,
                lines=lines,
                errors=errors,
                created_at=int(time.time()),
            )
            if self._fates:
                kind, after, code, message = self._fates.popleft()
                if kind == "fail":
                    batch.errors.append(batch_error(code, message))
                else:
                    batch.expire_after = len(lines) // 2 if after is None else after
            self._batches[batch.id] = batch
            return batch

    def retrieve(self, batch_id: str) -> FakeBatch:
        """The batch, advanced one step first if `auto_advance` is on."""
        with self._lock:
            batch = self.get(batch_id)
            if self.auto_advance:
                self._step(batch)
            return batch

    def cancel(self, batch_id: str) -> FakeBatch:
        """Start cancelling an unfinished batch (it is "cancelled" after its next step)."""
        with self._lock:
            batch = self.get(batch_id)
            if batch.status == "cancelling":
                return batch
            if batch.status in TERMINAL_STATUSES:
                message = f"Cannot cancel a batch with status '{batch.status}'."
                raise FakeAPIError(409, message)
            self._set_status(batch, "cancelling")
            return batch

    def describe(self, batch: FakeBatch) -> dict[str, Any]:
        """`batch.to_json()`, taken while no step runs."""
        with self._lock:
            return batch.to_json()

    def get(self, batch_id: str) -> FakeBatch:
        """The batch `batch_id` as it is; `FakeAPIError` (404) if there is none."""
        with self._lock:
            batch = self._batches.get(batch_id)
        if batch is None:
            raise FakeAPIError(404, f"No such Batch object: {batch_id}")
        return batch

    def all(self) -> list[FakeBatch]:
        """Every batch, oldest first."""
        with self._lock:
            return list(self._batches.values())

    def reset(self) -> None:
        """Forget every batch, scripted reply and scripted fate."""
        with self._lock:
            self._batches.clear()
            self._replies.clear()
            self._fates.clear()

    # -- internals -----------------------------------------------------------------------------

    def _unfinished(self, batch_id: str, verb: str) -> FakeBatch:
        batch = self.get(batch_id)
        if batch.status in TERMINAL_STATUSES:
            raise FakeAPIError(409, f"Cannot {verb} a batch with status '{batch.status}'.")
        return batch

    def _set_status(self, batch: FakeBatch, status: str) -> None:
        batch.status = status
        batch.times[status] = int(time.time())

    def _step(self, batch: FakeBatch) -> None:
        if batch.status in TERMINAL_STATUSES:
            return
        if batch.status == "validating":
            if batch.errors:
                self._finish(batch, "failed")
            else:
                self._set_status(batch, "in_progress")
            return
        if batch.status == "cancelling":
            self._finish(batch, "cancelled")
            return
        if batch.status == "finalizing":
            self._finish(batch, "completed")
            return
        pending = batch.pending
        count = math.ceil(len(batch.lines) / max(1, self.progress_steps))
        if batch.expire_after is not None:
            count = min(count, max(0, batch.expire_after - batch.done))
        for line in pending[:count]:
            self._run_line(batch, line)
        if batch.expire_after is not None and batch.done >= batch.expire_after and batch.pending:
            self._finish(batch, "expired")
        elif not batch.pending:
            self._set_status(batch, "finalizing")

    def _run_line(self, batch: FakeBatch, line: BatchLine) -> None:
        record = RecordedRequest(
            method="POST",
            path=batch.endpoint,
            headers={},
            body=line.body,
            raw_body=json.dumps(line.body).encode(),
            time=time.monotonic(),
            connection=0,
        )
        reply = self._replies.pop(line.custom_id, None)
        if reply is None:
            reply = self._answer(record)
        else:
            record.outcome = "scripted"
        batch.records[line.custom_id] = record
        status, body = self._render(record, reply)
        number = next(self._line_ids)
        result = output_line(
            f"batch_req_fake{number:06d}", line.custom_id, status, f"req_fake_batch{number}", body
        )
        if status >= 400:
            batch.failures[line.custom_id] = result
            return
        batch.outputs[line.custom_id] = result
        usage = body.get("usage") if isinstance(body, dict) else None
        if isinstance(usage, dict):
            batch.input_tokens += int(usage.get("prompt_tokens") or 0)
            batch.output_tokens += int(usage.get("completion_tokens") or 0)

    def _render(self, record: RecordedRequest, reply: FakeReply) -> tuple[int, Any]:
        if reply.fault is not None:
            message = f"The server had an error (fake fault {reply.fault!r})."
            return 500, _error_body(500, message)
        if reply.body is not None:
            try:
                return reply.status, json.loads(reply.body)
            except ValueError:
                return 500, _error_body(500, "The reply body is not JSON (fake).")
        if reply.status >= 400:
            return reply.status, _error_body(reply.status, f"HTTP {reply.status} (fake)")
        return 200, chat_completion(record, reply, self._ids, self._models())

    def _finish(self, batch: FakeBatch, status: str) -> None:
        self._set_status(batch, status)
        if status == "failed":
            return
        if status == "expired":
            for line in batch.pending:
                number = next(self._line_ids)
                batch.failures[line.custom_id] = expired_line(
                    f"batch_req_fake{number:06d}", line.custom_id
                )
        if batch.outputs:
            output = self._write(batch, "output", list(batch.outputs.values()))
            batch.output_file_id = output.id
        if batch.failures:
            errors = self._write(batch, "error", list(batch.failures.values()))
            batch.error_file_id = errors.id

    def _write(self, batch: FakeBatch, kind: str, results: list[dict[str, Any]]) -> FakeFile:
        # In reverse order of the input: OpenAI does not keep it, so clients key by custom_id.
        content = "".join(json.dumps(result) + "\n" for result in reversed(results))
        return self.files.add(content.encode(), f"{batch.id}_{kind}.jsonl", "batch_output")


def _error_body(status: int, message: str) -> Any:
    return json.loads(FakeReply.error(status, message).body or b"{}")
