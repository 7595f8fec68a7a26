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

As a subprocess (prints the base_url on stdout once it is listening, runs until SIGTERM/SIGINT):

    python -m summarizer.testing --port 0 --latency-ms 100 --fault-rate 0.05 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import itertools
import json
import random
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import FrameType, TracebackType
from typing import Any, Self, cast

__all__ = [
    "DEFAULT_FAULTS",
    "FAULT_KINDS",
    "REPLY_FAULTS",
    "FakeLLMServer",
    "FakeReply",
    "RecordedRequest",
    "Responder",
    "main",
    "schema_responder",
]

REPLY_FAULTS: frozenset[str] = frozenset({"reset", "truncate", "invalid_json", "timeout"})
"""Faults a `FakeReply` can carry in its `fault` field (wire-level misbehaviour)."""

FAULT_KINDS: tuple[str, ...] = ("429", "500", "503", "reset", "timeout", "truncate", "invalid_json")
"""Every kind `fault_rate` can draw from: three HTTP errors plus the `REPLY_FAULTS`."""

DEFAULT_FAULTS: tuple[str, ...] = FAULT_KINDS

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"}
)

_DEFAULT_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
}


def _approx_tokens(text: str) -> int:
    """Approximate a token count as len(text) // 4, at least 1."""
    return max(1, len(text) // 4)


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer to a chat completion request.

    `content` or `tool_call` (`{"name": ..., "arguments": "<json string>"}`) make a 200
    chat.completion; `status` >= 400 makes an OpenAI-style error body unless `body` overrides
    the raw bytes. `delay` seconds pass before answering (on top of the server's latency).
    `fault` is one of `REPLY_FAULTS`: "reset" closes the connection with an RST and no response,
    "truncate" sends a Content-Length larger than the body and closes, "invalid_json" answers
    200 with a body that is not JSON, "timeout" hangs for the server's `hang` seconds (ending
    early if the client disconnects or the server stops) and then closes without a response.
    """

    content: str | None = None
    tool_call: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    fault: str | None = None

    def __post_init__(self) -> None:
        if self.fault is not None and self.fault not in REPLY_FAULTS:
            raise ValueError(
                f"unknown fault {self.fault!r}; expected one of {sorted(REPLY_FAULTS)}"
            )
        if self.tool_call is not None and "name" not in self.tool_call:
            raise ValueError("tool_call needs a 'name' (and usually 'arguments')")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")

    @classmethod
    def json(cls, obj: Any, **kwargs: Any) -> FakeReply:
        """A reply whose content is `json.dumps(obj)`."""
        return cls(content=json.dumps(obj), **kwargs)

    @classmethod
    def tool(cls, name: str, arguments: str | dict[str, Any], **kwargs: Any) -> FakeReply:
        """A reply carrying one tool call (TOOLS mode); dict arguments are JSON-encoded."""
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls(tool_call={"name": name, "arguments": args}, **kwargs)

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        code: str | None = None,
        type: str | None = None,
        retry_after: float | str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> FakeReply:
        """An OpenAI-style error: `{"error": {"message", "type", "param", "code"}}`.

        `retry_after` sets the Retry-After header (seconds, or an HTTP date string).
        """
        if type is None:
            type = _DEFAULT_ERROR_TYPES.get(status, "server_error" if status >= 500 else "error")
        payload = {"error": {"message": message, "type": type, "param": None, "code": code}}
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if retry_after is not None:
            if isinstance(retry_after, float) and retry_after.is_integer():
                retry_after = int(retry_after)
            all_headers["Retry-After"] = str(retry_after)
        return cls(
            status=status, headers=all_headers, body=json.dumps(payload).encode(), delay=delay
        )

    @classmethod
    def for_fault(cls, kind: str) -> FakeReply:
        """The reply a fault of `kind` (one of `FAULT_KINDS`) produces."""
        if kind == "429":
            return cls.error(
                429, "Rate limit reached (injected fault).", code="rate_limit_exceeded"
            )
        if kind == "500":
            return cls.error(500, "The server had an error (injected fault).")
        if kind == "503":
            return cls.error(503, "The engine is currently overloaded (injected fault).")
        if kind in REPLY_FAULTS:
            return cls(fault=kind)
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")


@dataclass
class RecordedRequest:
    """One request as the server received it.

    `headers` has lower-cased names (e.g. `headers["authorization"]`); `body` is the parsed
    JSON (None if absent or not JSON, see `raw_body`); `time` is `time.monotonic()` on arrival;
    `connection` numbers the TCP connection (equal numbers mean a kept-alive connection);
    `outcome` says what answered: "queue", "responder", "empty", "fault:KIND", "models",
    "not_found" or "bad_request".
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw_body: bytes
    time: float
    connection: int
    outcome: str = ""

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages sent, or [] if there are none."""
        if isinstance(self.body, dict):
            messages = self.body.get("messages")
            if isinstance(messages, list):
                return messages
        return []

    @property
    def response_format(self) -> dict[str, Any] | None:
        """The request's `response_format`, if any."""
        if isinstance(self.body, dict):
            value = self.body.get("response_format")
            if isinstance(value, dict):
                return value
        return None

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The request's `tools`, or [] if there are none."""
        if isinstance(self.body, dict):
            value = self.body.get("tools")
            if isinstance(value, list):
                return value
        return []

    @property
    def model(self) -> str | None:
        """The requested model name, if any."""
        if isinstance(self.body, dict):
            value = self.body.get("model")
            if isinstance(value, str):
                return value
        return None

    @property
    def redacted_headers(self) -> dict[str, str]:
        """`headers` with credentials masked, safe to log or print."""
        return {
            name: ("<redacted>" if name in _SENSITIVE_HEADERS else value)
            for name, value in self.headers.items()
        }

    def text(self) -> str:
        """All message text joined by newlines (string contents and text parts)."""
        parts: list[str] = []
        for message in self.messages:
            parts.extend(_message_texts(message))
        return "\n".join(parts)


Responder = Callable[[RecordedRequest], FakeReply]
"""Answers a request when the queue is empty."""


def _message_texts(message: Any) -> list[str]:
    if not isinstance(message, dict):
        return []
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    texts: list[str] = []
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return texts


class _HTTPServer(HTTPServer):
    """An HTTPServer with one tracked daemon thread per connection, stoppable on demand."""

    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: FakeLLMServer) -> None:
        self.app = app
        self.conn_lock = threading.Lock()
        self.connections: dict[int, socket.socket] = {}
        self.handler_threads: set[threading.Thread] = set()
        self._conn_ids = itertools.count(1)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        conn_id = next(self._conn_ids)
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address, conn_id),
            name=f"fake-llm-conn-{conn_id}",
            daemon=True,
        )
        with self.conn_lock:
            self.connections[conn_id] = request
            self.handler_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: socket.socket, client_address: Any, conn_id: int) -> None:
        try:
            if not self.app.stopping.is_set():
                self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self.conn_lock:
                self.connections.pop(conn_id, None)
                self.handler_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or exc is None:
            return  # the client went away, or we are stopping: not a server bug
        self.app.record_error(exc)
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.conn_lock:
            sockets = list(self.connections.values())
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def conn_id_for(self, sock: socket.socket) -> int:
        with self.conn_lock:
            for conn_id, candidate in self.connections.items():
                if candidate is sock:
                    return conn_id
        return 0


class _Handler(BaseHTTPRequestHandler):
    """Parses HTTP and hands each request to the owning `FakeLLMServer`."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeLLM/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300  # idle keep-alive connections are dropped after this many seconds
    server: _HTTPServer
    conn_id: int = 0
    _headers_buffer: list[bytes]  # the base class's, filled by send_header

    def setup(self) -> None:
        super().setup()
        self.conn_id = self.server.conn_id_for(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output clean

    def do_GET(self) -> None:
        self.server.app.handle(self, "GET")

    def do_POST(self) -> None:
        self.server.app.handle(self, "POST")

    # -- wire helpers used by FakeLLMServer --------------------------------------------------

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        *,
        content_length: int | None = None,
    ) -> None:
        self.send_response(status)
        names = {name.lower() for name in headers}
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header(
            "Content-Length", str(len(body) if content_length is None else content_length)
        )
        if self.close_connection:
            self.send_header("Connection", "close")
        # Head and body in one write (one packet, where a real server's reply usually is);
        # two writes cost both sides a wake-up more per reply.
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def reset_connection(self) -> None:
        """Drop the connection with a TCP RST and no response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Close the buffered files first so that closing the socket really closes it (RST).
        with contextlib.suppress(OSError, ValueError):
            self.rfile.close()
        self.connection.close()
        # The base class flushes wfile after every request: give it something harmless.
        self.wfile = io.BytesIO()

    def client_gone(self) -> bool:
        """True if the client has closed its side of the connection."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            peeked: bytes = self.connection.recv(1, socket.MSG_PEEK)
            return peeked == b""
        except (OSError, ValueError):
            return True


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
    """

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        latency: float | Callable[[], float] = 0.0,
        fault_rate: float = 0.0,
        faults: Sequence[str] = DEFAULT_FAULTS,
        seed: int | None = None,
        hang: float = 30.0,
        host: str = "127.0.0.1",
        port: int = 0,
        models: Sequence[str] = ("fake-model",),
    ) -> None:
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        unknown = [kind for kind in faults if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; expected some of {FAULT_KINDS}")
        if fault_rate > 0 and not faults:
            raise ValueError("fault_rate > 0 needs at least one fault kind")
        if hang < 0:
            raise ValueError("hang must be >= 0")
        self.responder = responder
        self.latency = latency
        self.fault_rate = fault_rate
        self.faults: tuple[str, ...] = tuple(faults)
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
        self._rng = random.Random(seed)
        self._ids = itertools.count(1)
        self._httpd: _HTTPServer | None = None
        self._serve_thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind, then serve from a background thread; returns self."""
        if self._httpd is not None or self.stopping.is_set():
            raise RuntimeError("a FakeLLMServer can be started only once")
        self._httpd = _HTTPServer((self._host, self._requested_port), self)
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

    def enqueue(self, *replies: FakeReply) -> None:
        """Append replies; each chat request (not hit by a drawn fault) takes the next one."""
        for reply in replies:
            if not isinstance(reply, FakeReply):
                raise TypeError(f"enqueue takes FakeReply objects, not {type(reply).__name__}")
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        """Forget queued replies, recorded requests and recorded errors."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._errors.clear()
            self._peak_answering = 0

    def record_error(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)

    # -- request handling (runs on connection threads) ---------------------------------------

    def handle(self, handler: _Handler, method: str) -> None:
        raw = handler.read_body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        path = handler.path.split("?", 1)[0]
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
            handler.send_bytes(200, json.dumps(self._models_body()).encode(), {})
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
            if self.fault_rate > 0 and self._rng.random() < self.fault_rate:
                kind = self._rng.choice(self.faults)
                record.outcome = f"fault:{kind}"
                return FakeReply.for_fault(kind), latency
            if self._queue:
                record.outcome = "queue"
                return self._queue.popleft(), latency
        if self.responder is None:
            record.outcome = "empty"
            message = (
                "FakeLLMServer: the reply queue is empty and there is no responder "
                f"(unexpected request #{len(self.requests)})."
            )
            return FakeReply.error(500, message, code="fake_queue_empty"), latency
        record.outcome = "responder"
        try:
            return self.responder(record), latency
        except Exception as exc:
            self.record_error(exc)
            message = f"FakeLLMServer: the responder raised {type(exc).__name__}: {exc}"
            return FakeReply.error(500, message, code="fake_responder_error"), latency

    def _wait(self, seconds: float) -> bool:
        """Sleep `seconds`; False if the server began stopping meanwhile."""
        if seconds > 0:
            return not self.stopping.wait(seconds)
        return not self.stopping.is_set()

    def _send_reply(self, handler: _Handler, record: RecordedRequest, reply: FakeReply) -> None:
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
            payload = json.dumps(self._completion(record, reply)).encode()
        headers = {"x-request-id": f"req_fake_{next(self._ids)}", **reply.headers}

        if reply.fault == "truncate":
            handler.close_connection = True
            cut = payload[: len(payload) // 2]
            handler.send_bytes(reply.status, cut, headers, content_length=len(payload) + 64)
            return
        handler.send_bytes(reply.status, payload, headers)

    def _completion(self, record: RecordedRequest, reply: FakeReply) -> dict[str, Any]:
        content = reply.content
        finish_reason = reply.finish_reason
        stops = record.body.get("stop") if isinstance(record.body, dict) else None
        stops = [stops] if isinstance(stops, str) else stops or []
        for stop in stops:  # as a real server: the text ends before the first stop string
            if content is not None and isinstance(stop, str) and stop and stop in content:
                content, finish_reason = content.split(stop, 1)[0], "stop"
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        completion_text = content or ""
        if reply.tool_call is not None:
            arguments = reply.tool_call.get("arguments", "{}")
            if not isinstance(arguments, str):
                arguments = json.dumps(arguments)
            message["tool_calls"] = [
                {
                    "id": f"call_fake_{next(self._ids)}",
                    "type": "function",
                    "function": {"name": reply.tool_call["name"], "arguments": arguments},
                }
            ]
            completion_text += arguments
            if finish_reason == "stop":
                finish_reason = "tool_calls"
        prompt_tokens = _approx_tokens(record.text())
        completion_tokens = _approx_tokens(completion_text)
        return {
            "id": f"chatcmpl-fake{next(self._ids):08d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": record.model or (self.models[0] if self.models else "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    def _models_body(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": model, "object": "model", "created": 0, "owned_by": "fake"}
                for model in self.models
            ],
        }


# -- a generic responder ------------------------------------------------------------------------


def schema_responder(request: RecordedRequest) -> FakeReply:
    """Best-effort valid reply from the request alone: an example of the requested schema.

    Tools → a tool call whose arguments fit the (chosen or first) tool's parameters;
    `response_format` json_schema → JSON fitting that schema; json_object → `{}`; otherwise
    a short plain-text answer. Custom validators are not known, so they may still fail.
    """
    body = request.body if isinstance(request.body, dict) else {}
    tools = request.tools
    if tools:
        chosen = body.get("tool_choice")
        wanted = None
        if isinstance(chosen, dict):
            wanted = (chosen.get("function") or {}).get("name")
        functions = [t.get("function", {}) for t in tools if isinstance(t, dict)]
        function = next((f for f in functions if f.get("name") == wanted), functions[0])
        schema = function.get("parameters") or {"type": "object"}
        return FakeReply.tool(str(function.get("name", "tool")), example_for_schema(schema))
    response_format = request.response_format or {}
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        return FakeReply.json(example_for_schema(schema))
    if response_format.get("type") == "json_object":
        return FakeReply.json({})
    return FakeReply(content="This is a fake reply from FakeLLMServer.")


def article_responder(request: RecordedRequest) -> FakeReply:
    """Valid answers for summarizer's own three tasks, derived from the request alone.

    translate (the conversation ends with a paragraph to translate) → that paragraph,
    sentence numbers kept, prefixed with "EN:"; summary → a fixed-shape summary naming the
    article's sentence count; claims → the first three numbered sentences as claims. The reply
    is shaped for the request's mode (tool call, json_schema content, or a ```json block).
    """
    messages = [(str(m.get("role")), str(m.get("content", ""))) for m in request.messages[1:]]
    paragraphs = [
        c.split("<paragraph>", 1)[1].split("</paragraph>", 1)[0].strip()
        for _, c in messages
        if "<paragraph>" in c
    ]
    article_text = "\n".join(paragraphs)
    # The task is the first user message that is no paragraph (re-asks append more after it);
    # with none, the last paragraph is to be translated.
    tasks = [c for role, c in messages if role == "user" and "<paragraph>" not in c]
    if not tasks:
        return FakeReply(content=f"EN: {paragraphs[-1] if paragraphs else ''}")
    task_text = tasks[0]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", article_text)]
    sentence_texts = {  # names and numbers of each sentence, so claims refer to their own
        int(n): " ".join(re.findall(r"\d+|[A-ZÄÖÜ][\w\-]{4,}", text)[:3])
        for n, text in re.findall(r"\[(\d+)\] (.*?)(?= \[\d+\]|\n|$)", article_text)
    }
    if '"claims"' in task_text:
        answer: dict[str, Any] = {
            "claims": [
                {
                    "sentence": n,
                    "speaker": "the article",
                    "attribution": "",
                    "kind": "report",
                    "text_en": f"Claim made in sentence {n} about {sentence_texts.get(n, '')}.",
                }
                for n in numbers[:3]
            ]
        }
    else:
        answer = {
            "title_en": "A fake headline",
            "summary_sentences": [
                f"The article has {len(numbers)} sentences.",
                "This is a fake summary.",
            ],
            "key_points_en": ["first point", "second point", "third point"],
            "entities": [{"name": "Fake Person", "type": "person"}],
        }
    if request.tools:
        name = str((request.tools[0].get("function") or {}).get("name", "tool"))
        return FakeReply.tool(name, answer)
    if request.response_format:
        return FakeReply.json(answer)
    return FakeReply(content="```json\n" + json.dumps(answer) + "\n```")


def example_for_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """A small value valid against a JSON schema (types, $ref, enums, lengths, bounds)."""
    return _example(schema, root or schema, 0)


def _example(schema: Any, root: dict[str, Any], depth: int) -> Any:
    if not isinstance(schema, dict) or depth > 32:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _example(target, root, depth + 1)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return _example((non_null or options)[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {name: _example(sub, root, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 0)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [_example(schema.get("items") or {}, root, depth + 1) for _ in range(count)]
    if kind == "string":
        formats = {
            "date-time": "2024-01-01T00:00:00Z",
            "date": "2024-01-01",
            "uri": "https://example.com",
        }
        text = formats.get(str(schema.get("format")), "example")
        min_length = int(schema.get("minLength", 0))
        if len(text) < min_length:
            text = text + "x" * (min_length - len(text))
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text
    if kind in ("integer", "number"):
        value: float = 0
        if "minimum" in schema:
            value = schema["minimum"]
        elif "exclusiveMinimum" in schema:
            value = schema["exclusiveMinimum"] + 1
        elif "maximum" in schema and schema["maximum"] < 0:
            value = schema["maximum"]
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return False
    return None


# -- subprocess entry point ---------------------------------------------------------------------


def _load_responder(spec: str) -> Responder:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise SystemExit(f"--responder wants MODULE:ATTRIBUTE, got {spec!r}")
    responder = getattr(importlib.import_module(module_name), attr)
    if not callable(responder):
        raise SystemExit(f"--responder {spec!r} is not callable")
    return cast(Responder, responder)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a FakeLLMServer until SIGTERM/SIGINT; print its base_url once it listens."""
    parser = argparse.ArgumentParser(
        prog="python -m summarizer.testing",
        description="Fake OpenAI-compatible server for tests and benchmarks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every reply")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="0..1")
    parser.add_argument(
        "--faults",
        default=",".join(DEFAULT_FAULTS),
        help=f"comma-separated kinds to draw from (default: all of {','.join(FAULT_KINDS)})",
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--hang", type=float, default=30.0, help="seconds a 'timeout' hangs")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--content", help="answer every request with this content")
    group.add_argument(
        "--responder",
        help="MODULE:ATTRIBUTE of a Responder (default: schema_responder)",
    )
    args = parser.parse_args(argv)

    responder: Responder = schema_responder
    if args.content is not None:
        content: str = args.content

        def fixed(_: RecordedRequest) -> FakeReply:
            return FakeReply(content=content)

        responder = fixed
    elif args.responder:
        responder = _load_responder(args.responder)

    faults = [kind.strip() for kind in args.faults.split(",") if kind.strip()]
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeLLMServer(
        responder=responder,
        latency=args.latency_ms / 1000.0,
        fault_rate=args.fault_rate,
        faults=faults,
        seed=args.seed,
        hang=args.hang,
        host=args.host,
        port=args.port,
    ) as server:
        print(server.base_url, flush=True)
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
