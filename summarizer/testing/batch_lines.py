"""Lines of a fake batch: validating the JSONL input, and the JSONL output and error lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BatchLine",
    "batch_error",
    "error_line",
    "expired_line",
    "output_line",
    "parse_batch_input",
]

EXPIRED_MESSAGE = "This request could not be executed before the completion window expired."


@dataclass(frozen=True)
class BatchLine:
    """One valid request of a batch input file: its 1-based line number, id and body."""

    line: int
    custom_id: str
    body: dict[str, Any]


def batch_error(
    code: str, message: str, *, line: int | None = None, param: str | None = None
) -> dict[str, Any]:
    """One entry of a batch's `errors.data`."""
    return {"code": code, "message": message, "param": param, "line": line}


def parse_batch_input(
    content: bytes, endpoint: str
) -> tuple[list[BatchLine], list[dict[str, Any]]]:
    """The requests of a batch input file, and the errors that make the batch fail (if any).

    Each non-blank line must be a JSON object `{custom_id, method: "POST", url: endpoint,
    body: {model, ...}}`, custom_ids unique, and every body naming the same model (as OpenAI
    checks). Errors carry the 1-based line number.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return [], [batch_error("invalid_file_format", "The input file is not valid UTF-8.")]
    lines: list[BatchLine] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    model: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            request = json.loads(raw)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            message = "This line is not parseable as valid JSON."
            errors.append(batch_error("invalid_json_line", message, line=number))
            continue
        problem = _problem(request, endpoint)
        if problem is None:
            custom_id, body = request["custom_id"], request["body"]
            if custom_id in seen:
                message = (
                    "The custom_id for this request is a duplicate of another request. "
                    "The custom_id parameter must be unique for each request in a batch."
                )
                problem = batch_error("duplicate_custom_id", message, param="custom_id")
            elif model is not None and body["model"] != model:
                message = f"The model {body['model']!r} differs from the batch's model {model!r}."
                problem = batch_error("mismatched_model", message, param="body.model")
        if problem is not None:
            errors.append({**problem, "line": number})
            continue
        model = model or request["body"]["model"]
        seen.add(request["custom_id"])
        lines.append(BatchLine(number, request["custom_id"], request["body"]))
    if not lines and not errors:
        errors.append(batch_error("empty_file", "The input file has no requests."))
    return lines, errors


def _problem(request: dict[str, Any], endpoint: str) -> dict[str, Any] | None:
    custom_id = request.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        message = "Missing required parameter: 'custom_id'."
        return batch_error("missing_required_parameter", message, param="custom_id")
    if request.get("method") != "POST":
        message = "The method of every request must be POST."
        return batch_error("invalid_method", message, param="method")
    if request.get("url") != endpoint:
        message = f"The URL of this request does not match the batch endpoint {endpoint}."
        return batch_error("mismatched_endpoint", message, param="url")
    body = request.get("body")
    if not isinstance(body, dict):
        message = "Missing required parameter: 'body' (a JSON object)."
        return batch_error("missing_required_parameter", message, param="body")
    if not isinstance(body.get("model"), str) or not body["model"]:
        message = "Missing required parameter: 'body.model'."
        return batch_error("missing_required_parameter", message, param="body.model")
    return None


def output_line(
    line_id: str, custom_id: str, status: int, request_id: str, body: Any
) -> dict[str, Any]:
    """A line of an output or error file: the request's HTTP answer (`error` is null)."""
    return {
        "id": line_id,
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": request_id, "body": body},
        "error": None,
    }


def error_line(line_id: str, custom_id: str, code: str, message: str) -> dict[str, Any]:
    """A line of an error file for a request that got no HTTP answer (`response` is null)."""
    return {
        "id": line_id,
        "custom_id": custom_id,
        "response": None,
        "error": {"code": code, "message": message},
    }


def expired_line(line_id: str, custom_id: str) -> dict[str, Any]:
    """The error-file line of a request left undone when its batch expired."""
    return error_line(line_id, custom_id, "batch_expired", EXPIRED_MESSAGE)
