"""A fake OpenAI-compatible HTTP server for tests and benchmarks: fakes the wire, nothing else.

`FakeLLMServer` speaks real HTTP/1.1 (keep-alive) on 127.0.0.1 from a background thread and
serves `POST /v1/chat/completions` (non-streaming) and `GET /v1/models`. Replies come from a
queue of `FakeReply` objects (`enqueue`), then from an optional `responder` callable; with
neither, the server answers 500 so an unexpected extra call fails loudly. Every request is
recorded (`requests`). For soak tests and benchmarks it adds latency and draws faults at a
rate (429/500/503, connection reset, truncated body, invalid JSON, hang past the timeout).

It also fakes the Files and Batch APIs (`/v1/files`, `/v1/batches`) for the Batch API
client: uploads and downloads (`server.files`, a `FakeFiles`), batches create / retrieve /
list / cancel (`server.batches`, a `FakeBatches`) whose status moves one step per retrieve
(validating → in_progress → finalizing → completed, `request_counts` growing on the way),
with requests answered by the same queue and responder, partial error files
(`batches.reply_to`), expiry (`batches.expire_next`), failure (`batches.fail_next`, or a
malformed input file) and cancellation. `server.batch_requests` records those HTTP calls.

    with FakeLLMServer() as server:
        server.enqueue(FakeReply.json({"title": "..."}))
        client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
        ...
        assert server.requests[0].response_format["type"] == "json_schema"

As a subprocess (prints the base_url on stdout once it is listening, runs until SIGTERM/SIGINT;
`--responder MODULE:ATTRIBUTE` picks the responder, default `schema_responder`):

    python -m summarizer.testing --port 0 --latency-ms 100 --fault-rate 0.05 --seed 1
"""

from summarizer.testing.batch_state import BATCH_STATUSES, TERMINAL_STATUSES, FakeBatch
from summarizer.testing.batches import FakeBatches
from summarizer.testing.faults import FAULT_KINDS, REPLY_FAULTS, FaultModel
from summarizer.testing.files import FakeFile, FakeFiles
from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply
from summarizer.testing.responders import Responder, example_for_schema, schema_responder
from summarizer.testing.server import FakeLLMServer

__all__ = [
    "BATCH_STATUSES",
    "FAULT_KINDS",
    "REPLY_FAULTS",
    "TERMINAL_STATUSES",
    "FakeBatch",
    "FakeBatches",
    "FakeFile",
    "FakeFiles",
    "FakeLLMServer",
    "FakeReply",
    "FaultModel",
    "RecordedRequest",
    "Responder",
    "example_for_schema",
    "schema_responder",
]
