"""A fake OpenAI-compatible HTTP server for tests and benchmarks: fakes the wire, nothing else.

`FakeLLMServer` speaks real HTTP/1.1 (keep-alive) on 127.0.0.1 from a background thread and
serves `POST /v1/chat/completions` (non-streaming) and `GET /v1/models`. Replies come from a
queue of `FakeReply` objects (`enqueue`), then from an optional `responder` callable; with
neither, the server answers 500 so an unexpected extra call fails loudly. Every request is
recorded (`requests`). For soak tests and benchmarks it adds latency and draws faults at a
rate (429/500/503, connection reset, truncated body, invalid JSON, hang past the timeout).

    with FakeLLMServer() as server:
        server.enqueue(FakeReply.json({"title": "..."}))
        client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
        ...
        assert server.requests[0].response_format["type"] == "json_schema"

As a subprocess (prints the base_url on stdout once it is listening, runs until SIGTERM/SIGINT;
`--responder MODULE:ATTRIBUTE` picks the responder, default `schema_responder`):

    python -m summarizer.testing --port 0 --latency-ms 100 --fault-rate 0.05 --seed 1
"""

from summarizer.testing.faults import FAULT_KINDS, REPLY_FAULTS, FaultModel
from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply
from summarizer.testing.responders import Responder, example_for_schema, schema_responder
from summarizer.testing.server import FakeLLMServer

__all__ = [
    "FAULT_KINDS",
    "REPLY_FAULTS",
    "FakeLLMServer",
    "FakeReply",
    "FaultModel",
    "RecordedRequest",
    "Responder",
    "example_for_schema",
    "schema_responder",
]
