"""Tests for summarizer.testing.FakeLLMServer, driven by the real openai and instructor clients."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import instructor
import openai
import pytest
from instructor.core import InstructorRetryException
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from pydantic import BaseModel, Field

from summarizer.testing import FakeLLMServer, FakeReply, RecordedRequest, schema_responder

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "Summarize this article, please."
MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": PROMPT}]


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(hang=5.0) as fake:
        yield fake


def make_client(server: FakeLLMServer, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, timeout=timeout)


def chat(client: openai.OpenAI, model: str = "fake-model") -> ChatCompletion:
    return client.chat.completions.create(model=model, messages=MESSAGES)


def server_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("fake-llm")]


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)


# -- happy paths ----------------------------------------------------------------------------------


def test_queued_json_reply_round_trips(server: FakeLLMServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v1")
    server.enqueue(FakeReply.json({"title": "Hello", "points": [1, 2]}))

    completion = chat(make_client(server), model="my-model")

    assert json.loads(completion.choices[0].message.content or "") == {
        "title": "Hello",
        "points": [1, 2],
    }
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "my-model"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == len(PROMPT) // 4
    assert completion.usage.completion_tokens >= 1
    total = completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert completion.usage.total_tokens == total

    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/chat/completions"
    assert request.model == "my-model"
    assert request.messages == MESSAGES
    assert request.response_format is None
    assert request.headers["authorization"] == "Bearer test"
    assert request.redacted_headers["authorization"] == "<redacted>"
    assert request.outcome == "queue"
    assert server.pending == 0


def test_tool_call_reply(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply.tool("Person", {"name": "Ada", "age": 36}))

    completion = chat(make_client(server))

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert choice.message.tool_calls is not None
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == "Person"
    assert json.loads(call.function.arguments) == {"name": "Ada", "age": 36}


def test_finish_reason_length_is_passed_through(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply(content='{"title": "cut of', finish_reason="length"))
    assert chat(make_client(server)).choices[0].finish_reason == "length"


def test_models_endpoint(server: FakeLLMServer) -> None:
    assert [m.id for m in make_client(server).models.list()] == ["fake-model"]
    assert server.requests[0].outcome == "models"
    assert server.chat_requests == []


def test_keep_alive_reuses_one_connection(server: FakeLLMServer) -> None:
    client = make_client(server)
    for _ in range(3):
        server.enqueue(FakeReply(content="ok"))
        chat(client)
    assert len({r.connection for r in server.requests}) == 1


# -- error replies ------------------------------------------------------------------------------


def test_rate_limit_error_with_retry_after(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply.error(429, "Slow down", code="rate_limit_exceeded", retry_after=7))

    with pytest.raises(openai.RateLimitError) as info:
        chat(make_client(server))

    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "7"
    assert info.value.code == "rate_limit_exceeded"
    assert "Slow down" in info.value.message


def test_insufficient_quota_is_a_rate_limit_error_with_its_code(server: FakeLLMServer) -> None:
    server.enqueue(
        FakeReply.error(
            429, "You exceeded your quota", code="insufficient_quota", type="insufficient_quota"
        )
    )
    with pytest.raises(openai.RateLimitError) as info:
        chat(make_client(server))
    assert info.value.code == "insufficient_quota"
    assert info.value.type == "insufficient_quota"


def test_authentication_error(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply.error(401, "Incorrect API key provided", code="invalid_api_key"))
    with pytest.raises(openai.AuthenticationError) as info:
        chat(make_client(server))
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key"


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(server: FakeLLMServer, status: int) -> None:
    server.enqueue(FakeReply(status=status))
    with pytest.raises(openai.InternalServerError) as info:
        chat(make_client(server))
    assert info.value.status_code == status


def test_unknown_route_is_404(server: FakeLLMServer) -> None:
    with pytest.raises(openai.NotFoundError):
        make_client(server).embeddings.create(model="m", input="x")
    assert server.requests[0].outcome == "not_found"


# -- wire faults --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("reset", openai.APIConnectionError),  # cause: httpx ReadError (ECONNRESET)
        ("truncate", openai.APIConnectionError),  # cause: httpx RemoteProtocolError
        ("invalid_json", json.JSONDecodeError),  # openai 3.3 lets the decode error escape
    ],
)
def test_wire_faults_raise_client_errors(
    server: FakeLLMServer, fault: str, expected: type[Exception]
) -> None:
    client = make_client(server)
    server.enqueue(FakeReply(fault=fault), FakeReply(content="after"))

    with pytest.raises(expected) as info:
        chat(client)

    assert type(info.value) is expected
    # The same client recovers on the next call.
    assert chat(client).choices[0].message.content == "after"
    assert server.errors == []


def test_timeout_fault_raises_api_timeout_error(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply(fault="timeout"))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        chat(make_client(server, timeout=0.3))
    assert time.monotonic() - started < 2.0


def test_timeout_hang_is_bounded() -> None:
    with FakeLLMServer(hang=0.2) as fake:
        fake.enqueue(FakeReply(fault="timeout"))
        started = time.monotonic()
        with pytest.raises(openai.APIConnectionError) as info:
            chat(make_client(fake, timeout=5.0))
        assert type(info.value) is openai.APIConnectionError  # closed, not timed out
        assert time.monotonic() - started < 2.0


# -- queue, responder, records ------------------------------------------------------------------


def test_empty_queue_answers_500(server: FakeLLMServer) -> None:
    with pytest.raises(openai.InternalServerError) as info:
        chat(make_client(server))
    assert info.value.status_code == 500
    assert "queue is empty" in info.value.message
    assert server.requests[0].outcome == "empty"


def test_responder_answers_when_queue_is_empty() -> None:
    seen: list[RecordedRequest] = []

    def responder(request: RecordedRequest) -> FakeReply:
        seen.append(request)
        return FakeReply(content=f"echo: {request.messages[-1]['content']}")

    with FakeLLMServer(responder=responder) as fake:
        fake.enqueue(FakeReply(content="queued first"))
        client = make_client(fake)
        assert chat(client).choices[0].message.content == "queued first"
        assert chat(client).choices[0].message.content == f"echo: {PROMPT}"
    assert len(seen) == 1
    assert [r.outcome for r in fake.requests] == ["queue", "responder"]


def test_responder_exception_becomes_500() -> None:
    def broken(request: RecordedRequest) -> FakeReply:
        raise RuntimeError("boom")

    with FakeLLMServer(responder=broken) as fake:
        with pytest.raises(openai.InternalServerError) as info:
            chat(make_client(fake))
        assert "boom" in info.value.message
        assert len(fake.errors) == 1


def test_reset_clears_queue_and_records(server: FakeLLMServer) -> None:
    server.enqueue(FakeReply(content="a"), FakeReply(content="b"))
    chat(make_client(server))
    server.reset()
    assert server.pending == 0
    assert server.requests == []


def test_fake_reply_validates_fault() -> None:
    with pytest.raises(ValueError):
        FakeReply(fault="explode")
    with pytest.raises(ValueError):
        FakeLLMServer(faults=["explode"])


# -- fault injection by rate ----------------------------------------------------------------------


def test_fault_rate_one_yields_only_faults_and_keeps_the_queue() -> None:
    faults = ("429", "500", "503", "reset", "truncate", "invalid_json")

    def run() -> list[str]:
        with FakeLLMServer(fault_rate=1.0, faults=faults, seed=7) as fake:
            fake.enqueue(FakeReply(content="never served"))
            client = make_client(fake)
            for _ in range(20):
                with pytest.raises((openai.APIError, json.JSONDecodeError)):
                    chat(client)
            assert fake.pending == 1
            return [r.outcome for r in fake.requests]

    outcomes = run()
    assert len(outcomes) == 20
    assert all(o.startswith("fault:") for o in outcomes)
    assert len(set(outcomes)) > 1
    assert run() == outcomes  # same seed, same faults


def test_queued_reply_is_served_on_the_retry_after_a_drawn_fault() -> None:
    with FakeLLMServer(fault_rate=0.5, faults=["500"], seed=3) as fake:
        fake.enqueue(FakeReply(content="the answer"))
        client = make_client(fake)
        failures = 0
        while True:
            try:
                completion = chat(client)
                break
            except openai.InternalServerError:
                failures += 1
                assert failures < 20
        assert failures >= 1  # seed 3 draws a fault first
        assert completion.choices[0].message.content == "the answer"
        assert fake.pending == 0
        assert [r.outcome for r in fake.requests] == ["fault:500"] * failures + ["queue"]


def test_concurrent_requests_overlap() -> None:
    with FakeLLMServer(responder=lambda r: FakeReply(content="ok"), latency=0.1) as fake:
        client = make_client(fake)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda _: chat(client), range(50)))
        elapsed = time.monotonic() - started
    assert len(results) == 50
    assert all(r.choices[0].message.content == "ok" for r in results)
    assert elapsed < 2.5  # serial would be 5 s
    assert len(fake.requests) == 50
    assert 2 <= fake.peak_in_flight <= 50
    fake.reset()
    assert fake.peak_in_flight == 0


def test_peak_in_flight_counts_requests_answered_at_once() -> None:
    # The four concurrent requests are held until all four are being answered (a barrier,
    # not a latency that a loaded 2-core machine may outlast between two threads' starts).
    together = threading.Barrier(4, timeout=10)
    held = threading.Event()

    def responder(_: object) -> FakeReply:
        if held.is_set():
            together.wait()
        return FakeReply(content="ok")

    with FakeLLMServer(responder=responder, latency=0.05) as fake:
        client = make_client(fake)
        for _ in range(3):
            chat(client)  # one after another
        assert fake.peak_in_flight == 1
        held.set()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: chat(client), range(4)))
        assert fake.peak_in_flight == 4


def test_stop_is_quick_with_a_request_in_flight_and_leaves_no_threads() -> None:
    fake = FakeLLMServer().start()
    fake.enqueue(FakeReply(content="late", delay=30.0))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            chat(make_client(fake, timeout=20.0))
        except BaseException as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while not fake.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 1.0
    caller.join(5)
    assert not caller.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], openai.APIConnectionError)
    assert server_threads() == []


# -- instructor against the fake wire -----------------------------------------------------------


def test_instructor_json_schema_mode(server: FakeLLMServer) -> None:
    client = instructor.from_openai(make_client(server), mode=instructor.Mode.JSON_SCHEMA)
    server.enqueue(FakeReply.json({"name": "Ada", "age": 36}))

    person = client.chat.completions.create(
        model="fake-model", response_model=Person, messages=MESSAGES, max_retries=0
    )

    assert person.model_dump() == {"name": "Ada", "age": 36}
    response_format = server.requests[0].response_format
    assert response_format is not None
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"]["properties"]["age"]["minimum"] == 0


def test_instructor_tools_mode(server: FakeLLMServer) -> None:
    client = instructor.from_openai(make_client(server), mode=instructor.Mode.TOOLS)
    server.enqueue(FakeReply.tool("Person", {"name": "Ada", "age": 36}))
    person = client.chat.completions.create(
        model="fake-model", response_model=Person, messages=MESSAGES, max_retries=0
    )
    assert person.model_dump() == {"name": "Ada", "age": 36}
    assert server.requests[0].tools[0]["function"]["name"] == "Person"


def test_instructor_reasks_with_the_validation_error(server: FakeLLMServer) -> None:
    client = instructor.from_openai(make_client(server), mode=instructor.Mode.JSON_SCHEMA)
    server.enqueue(
        FakeReply.json({"name": "Ada", "age": -1}), FakeReply.json({"name": "Ada", "age": 36})
    )

    person = client.chat.completions.create(
        model="fake-model", response_model=Person, messages=MESSAGES, max_retries=2
    )

    assert person.age == 36
    first, second = server.requests
    assert first.messages == MESSAGES
    reask = json.dumps(second.messages)
    assert "greater than or equal to 0" in reask
    assert '\\"age\\": -1' in reask  # the failed answer is echoed back as the assistant turn


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_instructor_max_retries_counts_reasks_not_attempts(
    server: FakeLLMServer, max_retries: int
) -> None:
    """instructor 1.17: max_retries=N means N re-asks, i.e. N + 1 requests in total."""
    client = instructor.from_openai(make_client(server), mode=instructor.Mode.JSON_SCHEMA)
    server.enqueue(*[FakeReply.json({"name": "Ada", "age": -1}) for _ in range(5)])

    with pytest.raises(InstructorRetryException):
        client.chat.completions.create(
            model="fake-model", response_model=Person, messages=MESSAGES, max_retries=max_retries
        )

    assert len(server.requests) == max_retries + 1


class Claim(BaseModel):
    text: str = Field(min_length=12)
    speaker: str | None = None


class Summary(BaseModel):
    title: str
    claims: list[Claim] = Field(min_length=1)
    confidence: float = Field(ge=0.5, le=1.0)


@pytest.mark.parametrize("mode", [instructor.Mode.JSON_SCHEMA, instructor.Mode.TOOLS])
def test_schema_responder_satisfies_instructor(mode: instructor.Mode) -> None:
    with FakeLLMServer(responder=schema_responder) as fake:
        client = instructor.from_openai(make_client(fake), mode=mode)
        summary = client.chat.completions.create(
            model="fake-model", response_model=Summary, messages=MESSAGES, max_retries=0
        )
    assert len(summary.claims) == 1
    assert len(summary.claims[0].text) >= 12
    assert summary.confidence == 0.5


# -- subprocess mode ----------------------------------------------------------------------------


def test_runs_as_a_subprocess() -> None:
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    with subprocess.Popen(
        [sys.executable, "-m", "summarizer.testing", "--port", "0", "--content", "pong"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": pythonpath},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                assert selector.select(timeout=20), "the subprocess did not print its base_url"
            base_url = proc.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:"), base_url
            assert base_url.endswith("/v1")
            with openai.OpenAI(
                base_url=base_url, api_key="test", max_retries=0, timeout=5
            ) as client:
                assert chat(client).choices[0].message.content == "pong"
        finally:
            proc.terminate()
            _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr
