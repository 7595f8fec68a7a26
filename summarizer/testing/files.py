"""The fake server's file store (`/v1/files`): `FakeFile`, `FakeFiles` and multipart parsing."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from email.message import Message
from typing import Any, NamedTuple

__all__ = ["FakeAPIError", "FakeFile", "FakeFiles", "FormField", "parse_multipart"]


class FakeAPIError(Exception):
    """An API error the fake server answers with an OpenAI-style error body."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@dataclass(frozen=True)
class FakeFile:
    """One stored file: uploaded by a client (purpose "batch") or written by a batch
    ("batch_output", for both its output and its error file)."""

    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int

    def to_json(self) -> dict[str, Any]:
        """The OpenAI `file` object describing this file."""
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }

    def text(self) -> str:
        """The content decoded as UTF-8."""
        return self.content.decode("utf-8")


class FakeFiles:
    """The files the fake server holds, by id (thread-safe); `FakeLLMServer.files`.

    Clients add them with `POST /v1/files`; tests may `add` them directly, and look at what a
    batch wrote with `get(batch.output_file_id)`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, FakeFile] = {}
        self._ids = itertools.count(1)

    def add(self, content: bytes, filename: str, purpose: str = "batch") -> FakeFile:
        """Store `content` as a new file and return it."""
        with self._lock:
            file = FakeFile(
                id=f"file-fake{next(self._ids):06d}",
                filename=filename,
                purpose=purpose,
                content=bytes(content),
                created_at=int(time.time()),
            )
            self._files[file.id] = file
        return file

    def get(self, file_id: str) -> FakeFile:
        """The file `file_id`; `FakeAPIError` (404) if there is none."""
        with self._lock:
            file = self._files.get(file_id)
        if file is None:
            raise FakeAPIError(404, f"No such File object: {file_id}")
        return file

    def delete(self, file_id: str) -> FakeFile:
        """Remove the file `file_id` and return it; `FakeAPIError` (404) if there is none."""
        with self._lock:
            file = self._files.pop(file_id, None)
        if file is None:
            raise FakeAPIError(404, f"No such File object: {file_id}")
        return file

    def all(self) -> list[FakeFile]:
        """A snapshot of every stored file, oldest first."""
        with self._lock:
            return list(self._files.values())

    def __contains__(self, file_id: object) -> bool:
        with self._lock:
            return file_id in self._files

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)

    def clear(self) -> None:
        """Forget every file."""
        with self._lock:
            self._files.clear()


class FormField(NamedTuple):
    """One field of a multipart/form-data body: its filename (None for a plain field)."""

    filename: str | None
    content: bytes


def parse_multipart(content_type: str, body: bytes) -> dict[str, FormField]:
    """The fields of a multipart/form-data `body`, by name (the last one wins).

    `FakeAPIError` (400) if `content_type` is not multipart/form-data with a boundary.
    """
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise FakeAPIError(400, "Expected a multipart/form-data body with a boundary.")
    fields: dict[str, FormField] = {}
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        part = part.removeprefix(b"\r\n")
        head, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip()] = value.strip()
        field_name = headers.get_param("name", header="content-disposition")
        if isinstance(field_name, str):
            fields[field_name] = FormField(headers.get_filename(), content)
    return fields
