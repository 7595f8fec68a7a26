"""HTTP/1.1 plumbing of the fake server: a thread per kept-alive connection, raw reply writes."""

from __future__ import annotations

import contextlib
import io
import itertools
import select
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Protocol

__all__ = ["App", "ConnectionServer", "RequestHandler"]


class App(Protocol):
    """What the HTTP layer needs from the server it serves (`FakeLLMServer`)."""

    stopping: threading.Event

    def record_error(self, exc: BaseException) -> None: ...

    def handle(self, handler: RequestHandler, method: str) -> None: ...


class ConnectionServer(HTTPServer):
    """An HTTPServer with one tracked daemon thread per connection, stoppable on demand."""

    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self.conn_lock = threading.Lock()
        self.connections: dict[int, socket.socket] = {}
        self.handler_threads: set[threading.Thread] = set()
        self._conn_ids = itertools.count(1)
        super().__init__(address, RequestHandler)

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


class RequestHandler(BaseHTTPRequestHandler):
    """Parses HTTP and hands each request to the owning `FakeLLMServer`."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeLLM/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300  # idle keep-alive connections are dropped after this many seconds
    server: ConnectionServer
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

    def do_DELETE(self) -> None:
        self.server.app.handle(self, "DELETE")

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
