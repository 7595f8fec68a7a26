"""`FakeLLMServer`: a fake OpenAI-compatible server, queue-driven, with latency and faults."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

from summarizer.testing.batch_routes import is_batch_route, route_batch_api
from summarizer.testing.batches import FakeBatches
from summarizer.testing.completions import chat_completion, model_list
from summarizer.testing.faults import FAULT_KINDS, FaultModel
from summarizer.testing.files import FakeFiles
from summarizer.testing.http import ConnectionServer, RequestHandler
from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply
from summarizer.testing.responders import Responder

__all__ = ["FakeLLMServer"]


class FakeLLMServer:
    """A fake OpenAI-compatible server on 127.0.0.1, queue-driven, with fault injection.

    Args:
        responder: answers chat requests when the queue is empty.
        latency: seconds added before every chat reply, fixed or sampled by a callable.
        fault_rate: chance (0..1) that a chat request gets a fault drawn from `faults`
            instead of its reply; the queued reply is then kept for the next request.
        faults: kinds to draw from, each one of `FAULT_KINDS`.
        seed: seeds the `random.Random` that draws faults, for reproducible runs.
        hang: seconds a "timeout" fault hangs before closing the connection (bounded; it
            ends earlier when the client disconnects or the server stops).
        host, port: where to listen; port 0 picks a free one.
        models: ids listed by `GET /v1/models`.

    It also speaks the Files and Batch APIs (`/v1/files`: upload, list, retrieve, content,
    delete; `/v1/batches`: create, list, retrieve, cancel). `files` (`FakeFiles`) holds the
    files, `batches` (`FakeBatches`) the batches, moved by a deterministic clock: one step per
    `GET /v1/batches/{id}` (validating → in_progress → half the requests run → all run,
    finalizing → completed), or by `batches.advance(id)` with `batches.auto_advance = False`.
    Batch requests are answered like chat requests (queue, then responder), and
    `batches.reply_to(custom_id, reply)`, `batches.expire_next(after=N)`,
    `batches.fail_next()` and `batches.cancel(id)` script failed requests, expiry, failure and
    cancellation:

        server.batches.reply_to("req-3", FakeReply.error(500, "boom"))
        file = client.files.create(file=("in.jsonl", jsonl), purpose="batch")
        batch = client.batches.create(input_file_id=file.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        while (batch := client.batches.retrieve(batch.id)).status != "completed": ...
        lines = client.files.content(batch.output_file_id).text.splitlines()
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        latency: float | Callable[[], float] = 0.0,
        fault_rate: float = 0.0,
        faults: Sequence[str] = FAULT_KINDS,
        seed: int | None = None,
        hang: float = 30.0,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Sequence[str] = ("fake-model",),
    ) -> None:
        self.fault_model = FaultModel(fault_rate, faults, seed)
        if hang < 0:
            raise ValueError("hang must be >= 0")
        self.responder = responder
        self.latency = latency
        self.hang = hang
        self.models: tuple[str, ...] = tuple(models)
        self.stopping = threading.Event()
        self._host = host
        self._requested_port = port
        self._lock = threading.Lock()
        self._queue: deque[FakeReply] = deque()
        self._requests: list[RecordedRequest] = []
        self._errors: list[BaseException] = []
        self._answering = 0
        self._peak_answering = 0
        self._ids = itertools.count(1)
        self._httpd: ConnectionServer | None = None
        self._serve_thread: threading.Thread | None = None
        self.files = FakeFiles()
        self.batches = FakeBatches(self.files, self._scripted_reply, lambda: self.models)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind, then serve from a background thread; returns self."""
        if self._httpd is not None or self.stopping.is_set():
            raise RuntimeError("a FakeLLMServer can be started only once")
        self._httpd = ConnectionServer((self._host, self._requested_port), self)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-llm-accept",
            daemon=True,
        )
        self._serve_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, drop open connections and join every server thread.

        Pending delays and hangs end at once; only a responder stuck in its own code can
        hold a thread, and then for at most `timeout` seconds (it is a daemon thread).
        """
        httpd = self._httpd
        if httpd is None or self.stopping.is_set():
            self.stopping.set()
            return
        self.stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        deadline = time.monotonic() + timeout
        if self._serve_thread is not None:
            self._serve_thread.join(max(0.0, deadline - time.monotonic()))
        while True:
            with httpd.conn_lock:
                threads = list(httpd.handler_threads)
            if not threads or time.monotonic() >= deadline:
                break
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            httpd.close_connections()  # any accepted while we were shutting down
        httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- public state ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` (no /v1)."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`, the value for `openai.OpenAI(base_url=...)`."""
        return f"{self.url}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """A snapshot of the `POST /v1/chat/completions` requests only."""
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def batch_requests(self) -> list[RecordedRequest]:
        """A snapshot of the Files and Batches API requests (`/v1/files...`, `/v1/batches...`);
        the requests inside a batch are in `batches.get(id).records`."""
        return [r for r in self.requests if is_batch_route(r.path)]

    @property
    def peak_in_flight(self) -> int:
        """The most chat requests answered at once: each counts from its arrival until its
        reply starts to be written (a client's next request on that slot comes later)."""
        with self._lock:
            return self._peak_answering

    @property
    def pending(self) -> int:
        """How many queued replies have not been served yet."""
        with self._lock:
            return len(self._queue)

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the server or the responder (should stay empty)."""
        with self._lock:
            return list(self._errors)

    @property
    def fault_rate(self) -> float:
        """The chance (0..1) that a chat request gets a drawn fault."""
        return self.fault_model.rate

    @property
    def faults(self) -> tuple[str, ...]:
        """The fault kinds drawn from."""
        return self.fault_model.kinds

    def enqueue(self, *replies: FakeReply) -> None:
        """Append replies; each chat request (not hit by a drawn fault) takes the next one."""
        for reply in replies:
            if not isinstance(reply, FakeReply):
                raise TypeError(f"enqueue takes FakeReply objects, not {type(reply).__name__}")
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        """Forget queued replies, recorded requests and errors, files, batches and what
        `batches` had scripted."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._errors.clear()
            self._peak_answering = 0
        self.batches.reset()
        self.files.clear()

    def record_error(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)

    # -- request handling (runs on connection threads) ---------------------------------------

    def handle(self, handler: RequestHandler, method: str) -> None:
        raw = handler.read_body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        path, _, query = handler.path.partition("?")
        record = RecordedRequest(
            method=method,
            path=path,
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=body,
            raw_body=raw,
            time=time.monotonic(),
            connection=handler.conn_id,
        )
        with self._lock:
            self._requests.append(record)
        if self.stopping.is_set():
            handler.close_connection = True

        if method == "GET" and path.rstrip("/") == "/v1/models":
            record.outcome = "models"
            handler.send_bytes(200, json.dumps(model_list(self.models)).encode(), {})
            return
        if is_batch_route(path):
            content_type = handler.headers.get("Content-Type", "")
            record.outcome, reply = route_batch_api(
                self.files, self.batches, method, path, query, content_type, raw
            )
            self._send_reply(handler, record, reply)
            return
        if method != "POST" or path.rstrip("/") != "/v1/chat/completions":
            record.outcome = "not_found"
            self._send_reply(
                handler, record, FakeReply.error(404, f"Unknown route: {method} {path}")
            )
            return
        if not isinstance(body, dict):
            record.outcome = "bad_request"
            self._send_reply(
                handler, record, FakeReply.error(400, "The request body is not a JSON object.")
            )
            return

        with self._lock:
            self._answering += 1
            self._peak_answering = max(self._peak_answering, self._answering)
        try:
            reply, latency = self._choose_reply(record)
            waited = self._wait(latency + reply.delay)
        finally:
            with self._lock:
                self._answering -= 1
        if not waited:
            handler.close_connection = True
            return
        self._send_reply(handler, record, reply)

    def _choose_reply(self, record: RecordedRequest) -> tuple[FakeReply, float]:
        with self._lock:
            latency = self.latency() if callable(self.latency) else self.latency
            kind = self.fault_model.draw()
            if kind is not None:
                record.outcome = f"fault:{kind}"
                return FakeReply.for_fault(kind), latency
        return self._scripted_reply(record), latency

    def _scripted_reply(self, record: RecordedRequest) -> FakeReply:
        """The next queued reply, else the responder's (also answers batch requests)."""
        with self._lock:
            if self._queue:
                record.outcome = "queue"
                return self._queue.popleft()
        if self.responder is None:
            record.outcome = "empty"
            message = (
                "FakeLLMServer: the reply queue is empty and there is no responder "
                f"(unexpected request #{len(self.requests)})."
            )
            return FakeReply.error(500, message, code="fake_queue_empty")
        record.outcome = "responder"
        try:
            return self.responder(record)
        except Exception as exc:
            self.record_error(exc)
            message = f"FakeLLMServer: the responder raised {type(exc).__name__}: {exc}"
            return FakeReply.error(500, message, code="fake_responder_error")

    def _wait(self, seconds: float) -> bool:
        """Sleep `seconds`; False if the server began stopping meanwhile."""
        if seconds > 0:
            return not self.stopping.wait(seconds)
        return not self.stopping.is_set()

    def _send_reply(
        self, handler: RequestHandler, record: RecordedRequest, reply: FakeReply
    ) -> None:
        if reply.fault == "reset":
            handler.reset_connection()
            return
        if reply.fault == "timeout":
            deadline = time.monotonic() + self.hang
            while not self.stopping.is_set() and not handler.client_gone():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.stopping.wait(min(0.05, remaining))
            handler.close_connection = True
            return
        if reply.fault == "invalid_json":
            bad = b'{"id": "chatcmpl-broken", "choices": [{"message": <not json>'
            handler.send_bytes(200, bad, {"Content-Type": "application/json", **reply.headers})
            return

        if reply.body is not None:
            payload = reply.body
        elif reply.status >= 400:
            error = FakeReply.error(reply.status, f"HTTP {reply.status} (fake)")
            payload = error.body or b""
        else:
            payload = json.dumps(chat_completion(record, reply, self._ids, self.models)).encode()
        headers = {"x-request-id": f"req_fake_{next(self._ids)}", **reply.headers}

        if reply.fault == "truncate":
            handler.close_connection = True
            cut = payload[: len(payload) // 2]
            handler.send_bytes(reply.status, cut, headers, content_length=len(payload) + 64)
            return
        handler.send_bytes(reply.status, payload, headers)
