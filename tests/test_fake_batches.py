"""Tests for the fake server's Files and Batch APIs, driven by the real openai client."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any, Final

import openai
import pytest
from openai.types import Batch

from summarizer.testing import FakeLLMServer, FakeReply, RecordedRequest
from tests.responders import article_responder

ENDPOINT: Final = "/v1/chat/completions"
IDS = [f"req-{i}" for i in range(10)]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(responder=article_responder) as fake:
        yield fake


@pytest.fixture
def client(server: FakeLLMServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=server.base_url, api_key="x", max_retries=0, timeout=5
    ) as real_client:
        yield real_client


def paragraph(custom_id: str) -> str:
    return f"[1] Paragraph of {custom_id} to translate."


def request_line(custom_id: str, model: str = "fake-model", **changes: Any) -> dict[str, Any]:
    messages = [
        {"role": "system", "content": "You translate."},
        {"role": "user", "content": f"<paragraph>{paragraph(custom_id)}</paragraph>"},
    ]
    line = {
        "custom_id": custom_id,
        "method": "POST",
        "url": ENDPOINT,
        "body": {"model": model, "messages": messages},
    }
    return {**line, **changes}


def jsonl(lines: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def start_batch(client: openai.OpenAI, custom_ids: list[str] = IDS) -> Batch:
    upload = client.files.create(
        file=("requests.jsonl", jsonl([request_line(c) for c in custom_ids])), purpose="batch"
    )
    return client.batches.create(
        input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h"
    )


def poll(client: openai.OpenAI, batch_id: str) -> list[Batch]:
    """Every state seen by retrieving until the batch is finished (bounded)."""
    seen = []
    for _ in range(20):
        seen.append(client.batches.retrieve(batch_id))
        if seen[-1].status in ("completed", "failed", "expired", "cancelled"):
            return seen
    raise AssertionError(f"the batch did not finish: {[b.status for b in seen]}")


def read_lines(client: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def by_custom_id(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keyed = {line["custom_id"]: line for line in lines}
    assert len(keyed) == len(lines), "a custom_id appears more than once"
    return keyed


def counts(batch: Batch) -> tuple[int, int, int]:
    assert batch.request_counts is not None
    return batch.request_counts.total, batch.request_counts.completed, batch.request_counts.failed


# -- files ----------------------------------------------------------------------------------------


def test_file_upload_retrieve_download_list_and_delete(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    content = jsonl([request_line(c) for c in IDS[:3]])

    uploaded = client.files.create(file=("in.jsonl", content), purpose="batch")

    assert uploaded.id.startswith("file-")
    assert (uploaded.object, uploaded.purpose, uploaded.status) == ("file", "batch", "processed")
    assert (uploaded.filename, uploaded.bytes) == ("in.jsonl", len(content))
    assert client.files.retrieve(uploaded.id) == uploaded
    assert client.files.content(uploaded.id).content == content
    assert server.files.get(uploaded.id).content == content
    assert [f.id for f in client.files.list()] == [uploaded.id]
    assert list(client.files.list(purpose="batch_output")) == []

    deleted = client.files.delete(uploaded.id)

    assert (deleted.id, deleted.deleted, deleted.object) == (uploaded.id, True, "file")
    assert uploaded.id not in server.files
    with pytest.raises(openai.NotFoundError) as info:
        client.files.retrieve(uploaded.id)
    assert uploaded.id in info.value.message
    outcomes = [(r.method, r.path, r.outcome) for r in server.batch_requests]
    assert outcomes[0] == ("POST", "/v1/files", "files")
    assert outcomes[-1] == ("GET", f"/v1/files/{uploaded.id}", "not_found")
    assert server.chat_requests == []


def post_raw(url: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, body, {"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_upload_without_a_file_or_multipart_is_400(server: FakeLLMServer) -> None:
    url = f"{server.base_url}/files"
    status, body = post_raw(url, b"purpose=batch", "application/x-www-form-urlencoded")
    assert status == 400
    assert "multipart" in body["error"]["message"]
    form = (
        b'--XX\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="other"; filename="x.jsonl"\r\n\r\n'
        b"{}\r\n--XX--\r\n"
    )
    status, body = post_raw(url, form, "multipart/form-data; boundary=XX")
    assert status == 400
    assert "'file'" in body["error"]["message"]
    assert len(server.files) == 0
    form = form.replace(b'name="other"', b'name="file"')
    status, body = post_raw(url, form, "multipart/form-data; boundary=XX")
    assert (status, body["filename"], body["bytes"]) == (200, "x.jsonl", 2)
    assert server.files.get(body["id"]).content == b"{}"


# -- a batch run to completion --------------------------------------------------------------------


def test_batch_completes_with_the_responders_answers(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    batch = start_batch(client)
    assert batch.id.startswith("batch_")
    assert (batch.object, batch.status, batch.endpoint) == ("batch", "validating", ENDPOINT)
    assert batch.output_file_id is None

    seen = poll(client, batch.id)

    assert [b.status for b in seen] == ["in_progress", "in_progress", "finalizing", "completed"]
    assert [counts(b) for b in seen] == [(10, 0, 0), (10, 5, 0), (10, 10, 0), (10, 10, 0)]
    done = seen[-1]
    assert done.in_progress_at and done.finalizing_at and done.completed_at
    assert done.error_file_id is None
    assert done.errors is None
    assert done.model == "fake-model"
    lines = read_lines(client, done.output_file_id)
    assert [line["custom_id"] for line in lines] != IDS  # no promise of input order
    answers = by_custom_id(lines)
    assert sorted(answers) == sorted(IDS)
    for custom_id, line in answers.items():
        assert line["error"] is None
        assert line["response"]["status_code"] == 200
        completion = openai.types.chat.ChatCompletion.model_validate(line["response"]["body"])
        assert completion.choices[0].message.content == f"EN: {paragraph(custom_id)}"
    assert done.usage is not None and done.usage.input_tokens > 0
    output = server.files.get(done.output_file_id or "")
    assert (output.purpose, output.filename) == ("batch_output", f"{batch.id}_output.jsonl")
    records = server.batches.get(batch.id).records
    assert {r.outcome for r in records.values()} == {"responder"}
    assert paragraph("req-3") in records["req-3"].text()
    assert records["req-3"].connection == 0
    assert server.chat_requests == []
    assert server.errors == []


def test_queued_replies_answer_batch_requests_in_input_order(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    server.enqueue(*[FakeReply(content=f"queued {i}") for i in range(3)])
    done = poll(client, start_batch(client, IDS[:5]).id)[-1]
    answers = by_custom_id(read_lines(client, done.output_file_id))
    contents = {
        c: a["response"]["body"]["choices"][0]["message"]["content"] for c, a in answers.items()
    }
    assert contents == {
        "req-0": "queued 0",
        "req-1": "queued 1",
        "req-2": "queued 2",
        "req-3": f"EN: {paragraph('req-3')}",
        "req-4": f"EN: {paragraph('req-4')}",
    }
    assert server.pending == 0


# -- failing requests: a partial error file -------------------------------------------------------


def test_failing_requests_go_to_the_error_file(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    server.enqueue(FakeReply.error(429, "Slow down", code="rate_limit_exceeded"))  # req-0
    server.batches.reply_to("req-3", FakeReply.error(500, "boom"))
    server.batches.reply_to("req-7", FakeReply(fault="reset"))  # a wire fault: a 500

    done = poll(client, start_batch(client).id)[-1]

    assert done.status == "completed"
    assert counts(done) == (10, 7, 3)
    errors = by_custom_id(read_lines(client, done.error_file_id))
    assert sorted(errors) == ["req-0", "req-3", "req-7"]
    assert {c: e["response"]["status_code"] for c, e in errors.items()} == {
        "req-0": 429,
        "req-3": 500,
        "req-7": 500,
    }
    assert errors["req-0"]["response"]["body"]["error"]["code"] == "rate_limit_exceeded"
    assert errors["req-3"]["response"]["body"]["error"]["message"] == "boom"
    assert all(e["error"] is None for e in errors.values())
    answers = by_custom_id(read_lines(client, done.output_file_id))
    assert sorted(answers) == sorted(set(IDS) - {"req-0", "req-3", "req-7"})
    records = server.batches.get(done.id).records
    assert [records[c].outcome for c in ("req-0", "req-3", "req-5")] == [
        "queue",
        "scripted",
        "responder",
    ]

    # reply_to is used once: the same custom_id in the next batch succeeds.
    retry = poll(client, start_batch(client, ["req-3"]).id)[-1]
    assert counts(retry) == (1, 1, 0)
    assert retry.error_file_id is None


def test_responder_errors_fail_only_their_request() -> None:
    def responder(request: RecordedRequest) -> FakeReply:
        if "req-1" in request.text():
            raise RuntimeError("broken responder")
        return FakeReply(content="ok")

    with FakeLLMServer(responder=responder) as fake:
        client = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
        done = poll(client, start_batch(client, IDS[:3]).id)[-1]
        (error,) = read_lines(client, done.error_file_id)
        assert error["custom_id"] == "req-1"
        assert "broken responder" in error["response"]["body"]["error"]["message"]
        assert counts(done) == (3, 2, 1)
        assert len(fake.errors) == 1


# -- cancel, expire, fail -------------------------------------------------------------------------


def test_cancel_mid_way_keeps_the_partial_output(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    batch = start_batch(client)
    client.batches.retrieve(batch.id)  # in_progress
    assert counts(client.batches.retrieve(batch.id)) == (10, 5, 0)

    cancelling = client.batches.cancel(batch.id)

    assert cancelling.status == "cancelling"
    assert cancelling.cancelling_at is not None
    assert client.batches.cancel(batch.id).status == "cancelling"  # idempotent
    cancelled = client.batches.retrieve(batch.id)
    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at is not None
    assert counts(cancelled) == (10, 5, 0)
    assert sorted(by_custom_id(read_lines(client, cancelled.output_file_id))) == IDS[:5]
    assert cancelled.error_file_id is None
    assert client.batches.retrieve(batch.id).status == "cancelled"  # stays
    with pytest.raises(openai.ConflictError):
        client.batches.cancel(batch.id)


def test_scripted_expiry_keeps_done_requests_and_fails_the_rest(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    server.batches.expire_next(after=4)

    seen = poll(client, start_batch(client).id)

    assert [b.status for b in seen] == ["in_progress", "expired"]
    expired = seen[-1]
    assert expired.expired_at is not None
    assert counts(expired) == (10, 4, 6)
    assert sorted(by_custom_id(read_lines(client, expired.output_file_id))) == IDS[:4]
    errors = by_custom_id(read_lines(client, expired.error_file_id))
    assert sorted(errors) == IDS[4:]
    assert {e["error"]["code"] for e in errors.values()} == {"batch_expired"}
    assert all(e["response"] is None for e in errors.values())
    # Only the next batch was scripted.
    assert poll(client, start_batch(client, IDS[:2]).id)[-1].status == "completed"


def test_expire_now_and_default_expiry_after_half(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    server.batches.expire_next()
    assert counts(poll(client, start_batch(client).id)[-1]) == (10, 5, 5)

    server.batches.auto_advance = False
    batch = start_batch(client, IDS[:3])
    assert client.batches.retrieve(batch.id).status == "validating"  # the clock is held
    expired = server.batches.expire(batch.id)
    assert (expired.status, expired.done) == ("expired", 3)
    assert counts(client.batches.retrieve(batch.id)) == (3, 0, 3)


def test_scripted_batch_failure(server: FakeLLMServer, client: openai.OpenAI) -> None:
    server.batches.fail_next("Out of capacity.", code="capacity")

    seen = poll(client, start_batch(client).id)

    assert [b.status for b in seen] == ["failed"]
    failed = seen[-1]
    assert failed.failed_at is not None
    assert failed.errors is not None and failed.errors.data is not None
    assert [(e.code, e.message, e.line) for e in failed.errors.data] == [
        ("capacity", "Out of capacity.", None)
    ]
    assert (failed.output_file_id, failed.error_file_id) == (None, None)
    assert counts(failed) == (0, 0, 0)
    assert server.batches.get(failed.id).records == {}


def test_malformed_input_fails_with_line_numbered_errors(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    content = b"\n".join(
        [
            json.dumps(request_line("a")).encode(),
            b"{not json",
            json.dumps(request_line("")).encode(),
            json.dumps(request_line("a")).encode(),
            json.dumps(request_line("b", url="/v1/embeddings")).encode(),
            json.dumps(request_line("c", method="GET")).encode(),
            json.dumps(request_line("d", model="other-model")).encode(),
            b"",
            json.dumps(request_line("e", body=[])).encode(),
            json.dumps(request_line("f")).encode(),
        ]
    )
    upload = client.files.create(file=("bad.jsonl", content), purpose="batch")
    batch = client.batches.create(
        input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h"
    )
    assert batch.status == "validating"

    failed = client.batches.retrieve(batch.id)

    assert failed.status == "failed"
    assert failed.errors is not None and failed.errors.data is not None
    assert [(e.line, e.code) for e in failed.errors.data] == [
        (2, "invalid_json_line"),
        (3, "missing_required_parameter"),
        (4, "duplicate_custom_id"),
        (5, "mismatched_endpoint"),
        (6, "invalid_method"),
        (7, "mismatched_model"),
        (9, "missing_required_parameter"),
    ]
    assert failed.output_file_id is None
    assert server.batches.get(batch.id).records == {}  # nothing was run


def test_empty_input_file_fails(client: openai.OpenAI) -> None:
    upload = client.files.create(file=("empty.jsonl", b"\n"), purpose="batch")
    batch = client.batches.create(
        input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h"
    )
    failed = client.batches.retrieve(batch.id)
    assert failed.status == "failed"
    assert failed.errors is not None and failed.errors.data is not None
    assert [e.code for e in failed.errors.data] == ["empty_file"]


# -- bad ids and bad requests ---------------------------------------------------------------------


def test_unknown_ids_are_404(client: openai.OpenAI) -> None:
    calls: list[Callable[[], object]] = [
        lambda: client.files.retrieve("file-nope"),
        lambda: client.files.content("file-nope"),
        lambda: client.files.delete("file-nope"),
        lambda: client.batches.retrieve("batch_nope"),
        lambda: client.batches.cancel("batch_nope"),
        lambda: client.batches.create(
            input_file_id="file-nope", endpoint=ENDPOINT, completion_window="24h"
        ),
    ]
    for call in calls:
        with pytest.raises(openai.NotFoundError) as info:
            call()
        assert "nope" in info.value.message


def test_batch_create_rejects_bad_parameters(server: FakeLLMServer, client: openai.OpenAI) -> None:
    batch = poll(client, start_batch(client, IDS[:1]).id)[-1]
    assert batch.output_file_id is not None
    with pytest.raises(openai.BadRequestError):  # not a purpose="batch" file
        client.batches.create(
            input_file_id=batch.output_file_id, endpoint=ENDPOINT, completion_window="24h"
        )
    with pytest.raises(openai.BadRequestError):
        client.batches.create(
            input_file_id=batch.input_file_id, endpoint="/v1/embeddings", completion_window="24h"
        )
    assert len(server.batches.all()) == 1


# -- the clock, listing, recording, reset ---------------------------------------------------------


def test_manual_clock_and_progress_steps(server: FakeLLMServer, client: openai.OpenAI) -> None:
    server.batches.auto_advance = False
    server.batches.progress_steps = 5
    batch = start_batch(client)

    assert client.batches.retrieve(batch.id).status == "validating"
    assert server.batches.advance(batch.id).status == "in_progress"
    progress = [server.batches.advance(batch.id).done for _ in range(5)]
    assert progress == [2, 4, 6, 8, 10]
    assert client.batches.retrieve(batch.id).status == "finalizing"
    assert server.batches.run(batch.id).status == "completed"
    assert client.batches.retrieve(batch.id).output_file_id is not None


def test_batch_list_pages_newest_first(client: openai.OpenAI) -> None:
    ids = [start_batch(client, IDS[:1]).id for _ in range(3)]
    page = client.batches.list(limit=2)
    assert [b.id for b in page.data] == ids[::-1][:2]
    assert page.has_more is True
    assert [b.id for b in client.batches.list(limit=2)] == ids[::-1]  # auto-paginates


def test_reset_forgets_files_batches_and_scripts(
    server: FakeLLMServer, client: openai.OpenAI
) -> None:
    batch = start_batch(client)
    server.batches.expire_next()
    server.batches.reply_to("req-1", FakeReply.error(500, "boom"))
    assert len(server.batch_requests) == 2

    server.reset()

    assert server.batch_requests == []
    assert len(server.files) == 0
    assert server.batches.all() == []
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve(batch.id)
    done = poll(client, start_batch(client).id)[-1]
    assert (done.status, counts(done)) == ("completed", (10, 10, 0))
