"""HTTP routes of the fake server's Files and Batches APIs (`/v1/files`, `/v1/batches`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

from summarizer.testing.batch_state import FakeBatch
from summarizer.testing.batches import FakeBatches
from summarizer.testing.files import FakeAPIError, FakeFile, FakeFiles, parse_multipart
from summarizer.testing.replies import FakeReply

__all__ = ["is_batch_route", "route_batch_api"]

_ENDPOINTS = frozenset({"/v1/chat/completions"})


def is_batch_route(path: str) -> bool:
    """Whether `path` (no query) belongs to the Files or Batches API."""
    path = path.rstrip("/")
    return any(path == root or path.startswith(root + "/") for root in ("/v1/files", "/v1/batches"))


def route_batch_api(
    files: FakeFiles,
    batches: FakeBatches,
    method: str,
    path: str,
    query: str,
    content_type: str,
    raw: bytes,
) -> tuple[str, FakeReply]:
    """The outcome ("files", "batches", "not_found", "bad_request" or "conflict") and the
    reply to a request on a Files or Batches route."""
    parts = path.strip("/").split("/")[1:]  # without "v1"
    params = {name: values[-1] for name, values in parse_qs(query).items()}
    try:
        reply = _route(files, batches, method, parts, params, content_type, raw)
    except FakeAPIError as exc:
        outcome = {404: "not_found", 409: "conflict"}.get(exc.status, "bad_request")
        return outcome, FakeReply.error(exc.status, exc.message, code=exc.code)
    if reply is None:
        return "not_found", FakeReply.error(404, f"Unknown route: {method} {path}")
    return parts[0], reply


def _route(
    files: FakeFiles,
    batches: FakeBatches,
    method: str,
    parts: list[str],
    params: dict[str, str],
    content_type: str,
    raw: bytes,
) -> FakeReply | None:
    match method, parts:
        case "POST", ["files"]:
            return _json(_upload(files, content_type, raw).to_json())
        case "GET", ["files"]:
            found = [f for f in files.all() if params.get("purpose") in (None, f.purpose)]
            if params.get("order", "desc") == "desc":
                found.reverse()
            return _json(_page([f.to_json() for f in found], params, default_limit=10000))
        case "GET", ["files", file_id]:
            return _json(files.get(file_id).to_json())
        case "DELETE", ["files", file_id]:
            return _json({"id": files.delete(file_id).id, "object": "file", "deleted": True})
        case "GET", ["files", file_id, "content"]:
            content = files.get(file_id).content
            return FakeReply(body=content, headers={"Content-Type": "application/octet-stream"})
        case "POST", ["batches"]:
            return _json(batches.describe(_create(files, batches, raw)))
        case "GET", ["batches"]:
            newest_first = [batches.describe(b) for b in reversed(batches.all())]
            return _json(_page(newest_first, params, default_limit=20))
        case "GET", ["batches", batch_id]:
            return _json(batches.describe(batches.retrieve(batch_id)))
        case "POST", ["batches", batch_id, "cancel"]:
            return _json(batches.describe(batches.cancel(batch_id)))
    return None


def _json(payload: Any) -> FakeReply:
    return FakeReply(body=json.dumps(payload).encode())


def _upload(files: FakeFiles, content_type: str, raw: bytes) -> FakeFile:
    fields = parse_multipart(content_type, raw)
    file, purpose = fields.get("file"), fields.get("purpose")
    if file is None or file.filename is None:
        raise FakeAPIError(400, "Missing required parameter: 'file'.", "missing_required_parameter")
    if purpose is None:
        message = "Missing required parameter: 'purpose'."
        raise FakeAPIError(400, message, "missing_required_parameter")
    return files.add(file.content, file.filename, purpose.content.decode("utf-8", "replace"))


def _create(files: FakeFiles, batches: FakeBatches, raw: bytes) -> FakeBatch:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise FakeAPIError(400, "The request body is not a JSON object.")
    for name in ("input_file_id", "endpoint", "completion_window"):
        if not isinstance(body.get(name), str):
            message = f"Missing required parameter: '{name}'."
            raise FakeAPIError(400, message, "missing_required_parameter")
    if body["endpoint"] not in _ENDPOINTS:
        message = f"The fake server batches only {sorted(_ENDPOINTS)}, not {body['endpoint']!r}."
        raise FakeAPIError(400, message, "invalid_value")
    if body["completion_window"] != "24h":
        raise FakeAPIError(400, "completion_window must be '24h'.", "invalid_value")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise FakeAPIError(400, "metadata must be an object.", "invalid_value")
    input_file = files.get(body["input_file_id"])
    if input_file.purpose != "batch":
        message = f"The input file must have purpose 'batch', not {input_file.purpose!r}."
        raise FakeAPIError(400, message, "invalid_value")
    return batches.create(input_file, body["endpoint"], body["completion_window"], metadata)


def _page(items: Sequence[dict[str, Any]], params: dict[str, str], default_limit: int) -> Any:
    after = params.get("after")
    if after is not None:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    try:
        limit = max(1, int(params.get("limit", default_limit)))
    except ValueError:
        raise FakeAPIError(400, "limit must be an integer.", "invalid_value") from None
    data = list(items[:limit])
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": len(items) > limit,
    }
