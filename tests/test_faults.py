"""Fault tolerance against the fake server: injected faults, re-asks, fail-fast errors, run-wide
backoff and a broken cache. Every count is checked against what the server recorded."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import openai
import pytest

from summarizer import (
    ArticleResult,
    AuthError,
    ItemError,
    QuotaError,
    Settings,
    Summarizer,
    TransportError,
)
from summarizer.testing import FAULT_KINDS, FakeLLMServer, FakeReply, RecordedRequest
from tests.conftest import load, without_translation_check, write_corpus
from tests.responders import article_responder as respond


@pytest.fixture
def make_settings(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    return without_translation_check(make_settings)


_ARTICLE_NO = re.compile(r"Meldung Nummer (\d+):")


def article_of(request: RecordedRequest) -> str:
    """The synthetic article (`a00042`) a request is about: its text names the number."""
    numbers = set(_ARTICLE_NO.findall(request.text()))
    assert len(numbers) == 1, f"a request should carry exactly one article, got {numbers}"
    return f"a{int(numbers.pop()):05d}"


def requests_per_article(server: FakeLLMServer) -> Counter[str]:
    return Counter(article_of(r) for r in server.chat_requests)


class _Unsent(httpx2.AsyncHTTPTransport):
    """Counts, per article, attempts that never reached the server (no connection made)."""

    def __init__(self) -> None:
        super().__init__()
        self.per_article: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            return await super().handle_async_request(request)
        except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout):
            (number,) = set(_ARTICLE_NO.findall(request.content.decode()))
            self.per_article[f"a{int(number):05d}"] += 1
            raise


@pytest.fixture
def corpus(tmp_path: Path) -> Callable[[int], list[Path]]:
    def make(n: int) -> list[Path]:
        return write_corpus(tmp_path / f"articles{n}", n)

    return make


# -- 30 % faults of every kind ---------------------------------------------------------------


@pytest.mark.slow
def test_every_fault_kind_at_30_percent_loses_nothing_and_counts_every_request(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]]
) -> None:
    paths = corpus(200)
    max_retries = 3  # low enough that some items do exhaust the budget at this fault rate
    with FakeLLMServer(
        responder=respond, fault_rate=0.3, faults=list(FAULT_KINDS), seed=11, hang=2.0
    ) as server:
        settings = make_settings(
            server, timeout=0.5, max_retries=max_retries, retry_max_wait=0.02, concurrency=16
        )
        # The client as the backend builds it, plus a transport that sees connect failures.
        unsent = _Unsent()
        client = openai.AsyncOpenAI(
            base_url=server.base_url,
            api_key="sk-test",
            max_retries=0,
            timeout=settings.timeout,
            http_client=openai.DefaultAsyncHttpxClient(transport=unsent),
        )
        with Summarizer(settings, client=client) as s:
            items = list(s.summarize_paths(paths))
            s.run_async(client.close())  # the caller's client: closed on the loop that used it
        per_article = requests_per_article(server)
        outcomes = Counter(r.outcome.split(":")[0] for r in server.chat_requests)
        fault_kinds = {r.outcome for r in server.chat_requests if r.outcome.startswith("fault:")}
        assert server.errors == []

    # Nothing lost, nothing duplicated, input order kept.
    assert [i.id for i in items] == [p.stem for p in paths]
    results = [i for i in items if isinstance(i, ArticleResult)]
    failed = [i for i in items if not isinstance(i, ArticleResult)]
    assert all(isinstance(i, ItemError) for i in failed)
    # Every injected fault is a transport fault: after the budget it is a TransportError,
    # never a validation error or an unclassified exception.
    assert {type(i.error).__name__ for i in failed if isinstance(i, ItemError)} <= {
        "TransportError"
    }
    assert len(results) >= 150, f"only {len(results)} of 200 survived 30 % faults"
    assert fault_kinds == {f"fault:{k}" for k in FAULT_KINDS}, "every kind was injected"
    assert outcomes["fault"] > 200

    # Retries are counted exactly: per article, provenance == what the server received.
    # provenance also counts tries that never connected (a 0.5 s connect timeout trips when
    # the busy event loop stalls): those are added from the client's side.
    for r in results:
        a = r.provenance.attempts
        assert a.requests == per_article[r.id] + unsent.per_article[r.id], r.id
        assert a.requests == a.calls + a.transport_retries + a.reasks, r.id
        assert a.reasks == 0  # the responder is always valid; faults must not become re-asks
        assert set(r.provenance.cache.values()) == {"miss"}
    total = len(server.chat_requests)
    unsent_total = sum(unsent.per_article.values())
    assert sum(per_article.values()) == total  # every request belongs to one article
    from_results = sum(r.provenance.attempts.requests for r in results)
    # A failed item reports what it spent too (its finished calls and the failing one).
    for item in failed:
        assert isinstance(item, ItemError) and isinstance(item.error, TransportError)
        assert item.requests == per_article[item.id] + unsent.per_article[item.id], item.id
        assert item.error.requests >= max_retries + 1  # the last call spent the whole budget
        assert f"after {max_retries + 1} requests" in item.message
    spent_by_failed = sum(i.requests for i in failed if isinstance(i, ItemError))
    assert from_results + spent_by_failed == total + unsent_total


def test_every_fault_kind_in_two_worker_processes_loses_nothing(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]]
) -> None:
    """The same faults with the backend's own client in 2 worker processes: every article
    comes back once, in order, summarized or failed with a classified cause, and what the
    workers report spending is what the server received."""
    paths = corpus(60)
    with FakeLLMServer(
        responder=respond, fault_rate=0.3, faults=list(FAULT_KINDS), seed=5, hang=2.0
    ) as server:
        settings = make_settings(
            server, timeout=0.5, max_retries=3, retry_max_wait=0.02, concurrency=8, workers=2
        )
        with Summarizer(settings) as s:
            items = list(s.summarize_paths(paths))
        per_article = requests_per_article(server)
        injected = {r.outcome for r in server.chat_requests if r.outcome.startswith("fault:")}
        assert server.errors == []
    assert injected == {f"fault:{k}" for k in FAULT_KINDS}
    assert [i.id for i in items] == [p.stem for p in paths]
    results = [i for i in items if isinstance(i, ArticleResult)]
    failed = [i for i in items if isinstance(i, ItemError)]
    assert len(results) + len(failed) == len(paths) and len(results) >= 40
    assert all(isinstance(i.error, TransportError) for i in failed)
    for r in results:
        a = r.provenance.attempts
        assert a.requests == a.calls + a.transport_retries + a.reasks, r.id
        assert a.requests == per_article[r.id], r.id  # counted in the worker, seen here
    for item in failed:
        assert item.requests == per_article[item.id], item.id
    assert sum(per_article.values()) == len(server.chat_requests)


def test_a_garbled_body_after_the_budget_is_a_transport_error_not_a_crash(
    strict_fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
) -> None:
    """invalid_json on every try of a plain-text (translate) call: the item fails with a
    TransportError after max_retries + 1 requests, and the batch goes on."""
    paths = corpus(2)
    strict_fake.enqueue(*[FakeReply(fault="invalid_json")] * 3)
    with Summarizer(make_settings(strict_fake, max_retries=2, concurrency=1)) as s:
        first = next(iter(s.summarize_paths(paths[:1])))
    assert isinstance(first, ItemError) and isinstance(first.error, TransportError)
    assert len(strict_fake.chat_requests) == 3
    assert first.error.attempts == 1  # one logical attempt, three requests


def test_a_failed_plain_text_call_reports_its_attempt(
    strict_fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
) -> None:
    """Errors carry `attempts`: a translate call that made requests made at least one."""
    (path,) = corpus(1)
    strict_fake.enqueue(*[FakeReply.error(500, "boom")] * 3)
    with Summarizer(make_settings(strict_fake, max_retries=2)) as s:
        (item,) = s.summarize_paths([path])
    assert isinstance(item, ItemError) and isinstance(item.error, TransportError)
    assert len(strict_fake.chat_requests) == 3
    assert item.error.attempts == 1


def test_a_garbled_body_on_a_structured_call_is_not_reasked(
    strict_fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
) -> None:
    """A body that is not JSON is a transport fault: retried by the transport policy only,
    never multiplied by instructor's validation re-asks."""
    (path,) = corpus(1)
    n = len(load(path).paragraphs)
    strict_fake.enqueue(
        *[FakeReply(content=f"Paragraph {i} in English.") for i in range(n)],
        *[FakeReply(fault="invalid_json")] * 9,  # enough for 3 attempts x 3 requests
    )
    with Summarizer(make_settings(strict_fake, max_retries=2, max_reasks=2)) as s:
        (item,) = s.summarize_paths([path])
    assert isinstance(item, ItemError) and isinstance(item.error, TransportError)
    assert len(strict_fake.chat_requests) == n + 3, "3 transport tries, no re-asks"


# -- re-asks --------------------------------------------------------------------------------

SUMMARY = {
    "title_en": "A decision in June",
    "summary_sentences": ["The authority will decide by June.", "The agency reported it."],
    "entities": [{"name": "Die Kommission", "type": "organization"}],
}


def claim(sentence: int, **extra: object) -> dict[str, object]:
    return {
        "sentence": sentence,
        "speaker": "die Behörde",
        "attribution": "laut Angaben der Behörde",
        "kind": "report",
        "text_en": "The decision is due by 1 June.",
        **extra,
    }


def test_schema_invalid_and_made_up_quotes_are_reasked_with_exact_counts(
    strict_fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
) -> None:
    (path,) = corpus(1)
    article = load(path)
    n = len(article.paragraphs)
    quote = "soll die Entscheidung bis zum 1. Juni fallen"
    assert quote in article.sentences[2].text
    strict_fake.enqueue(
        FakeReply.error(503, "overloaded"),  # a transport retry, not a re-ask
        *[FakeReply(content=f"Paragraph {i} in English.") for i in range(n)],
        FakeReply(content="Sure! Here is the summary you asked for."),  # not JSON
        FakeReply.json({**SUMMARY, "summary_sentences": ["only one"]}),  # schema-invalid
        FakeReply.json(SUMMARY),
        FakeReply.json({"claims": [claim(3, quote="Die Behörde hat alles erfunden")]}),
        FakeReply.json({"claims": [claim(42)]}),  # no such sentence
        FakeReply.json({"claims": [claim(3, quote=quote)]}),
    )
    with Summarizer(make_settings(strict_fake, max_reasks=2)) as s:
        result = s.summarize_file(path)
    requests = strict_fake.chat_requests
    assert strict_fake.pending == 0
    assert len(requests) == 1 + n + 3 + 3
    a = result.provenance.attempts
    assert a.calls == n + 2
    assert a.requests == len(requests)
    assert a.transport_retries == 1
    assert a.reasks == 4
    assert a.first_attempt_valid == n  # every translation; summary and claims needed re-asks
    # Each re-ask carried the validation error back to the model.
    summary_reasks = [json.dumps(r.messages) for r in requests[n + 2 : n + 4]]
    assert "summary_sentences" in summary_reasks[1]
    claims_reasks = [json.dumps(r.messages) for r in requests[n + 5 :]]
    assert "is not in sentence [3]" in claims_reasks[0]
    assert "sentence 42 does not exist" in claims_reasks[1]
    # The model's pick (beside the claims code makes from aligned sentences, if any).
    (c,) = [c for c in result.claims if c.quote == quote]
    assert article.text[c.start : c.end] == quote
    assert result.rejected_claims == []


# -- errors that must not be retried ----------------------------------------------------------


def test_401_fails_fast_with_one_request_per_article(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]]
) -> None:
    paths = corpus(3)

    def refuse(_: RecordedRequest) -> FakeReply:
        return FakeReply.error(401, "Incorrect API key provided", code="invalid_api_key")

    with FakeLLMServer(responder=refuse) as server:
        with Summarizer(make_settings(server, concurrency=1)) as s:
            items = list(s.summarize_paths(paths))
        assert len(server.chat_requests) == len(paths)  # one each: never retried
    for item in items:
        assert isinstance(item, ItemError) and isinstance(item.error, AuthError)
        assert item.error.status_code == 401
        assert "sk-test" not in item.message


def test_quota_429_is_not_retried_and_does_not_pause_the_run(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]]
) -> None:
    paths = corpus(3)

    def out_of_quota(_: RecordedRequest) -> FakeReply:
        return FakeReply.error(
            429, "You exceeded your current quota", code="insufficient_quota", retry_after=30
        )

    with FakeLLMServer(responder=out_of_quota) as server:
        with Summarizer(make_settings(server, concurrency=1, retry_max_wait=60)) as s:
            items = list(s.summarize_paths(paths))
        times = [r.time for r in server.chat_requests]
    assert len(times) == len(paths)
    assert times[-1] - times[0] < 5, "a quota error must not honour Retry-After as a pause"
    for item in items:
        assert isinstance(item, ItemError) and isinstance(item.error, QuotaError)
        assert item.error.status_code == 429


# -- Retry-After pauses the whole run ---------------------------------------------------------


def _one_429_after(n_before: int, *, reply_delay: float) -> Callable[[RecordedRequest], FakeReply]:
    """A responder: valid answers after `reply_delay` s, except one immediate 429 (Retry-After
    0.5 s) for request number `n_before + 1`."""
    lock = threading.Lock()
    count = [0]

    def respond_or_429(request: RecordedRequest) -> FakeReply:
        with lock:
            count[0] += 1
            n = count[0]
        if n == n_before + 1:
            return FakeReply.error(429, "Rate limit reached", retry_after=0.5)
        return dataclasses.replace(respond(request), delay=reply_delay)

    return respond_or_429


def _run_with_one_429(
    settings: Callable[..., Settings], paths: list[Path], *, reply_delay: float, workers: int = 1
) -> tuple[list[RecordedRequest], int]:
    with FakeLLMServer(responder=_one_429_after(30, reply_delay=reply_delay)) as server:
        # retry_max_wait caps a Retry-After: leave room for 0.5 s.
        config = settings(server, concurrency=8, retry_max_wait=2.0, workers=workers)
        with Summarizer(config) as s:
            items = list(s.summarize_paths(paths))
        requests = server.chat_requests
    assert all(isinstance(i, ArticleResult) for i in items)
    assert sum(i.provenance.attempts.transport_retries for i in items) == 1  # type: ignore[union-attr]
    return requests, 30


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
def test_retry_after_on_one_429_pauses_every_request_of_the_run(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]], workers: int
) -> None:
    """8 lanes busy (replies take 0.3 s); one 429 with Retry-After: 0.5 stops them all, in
    every worker process (the one that saw it tells the others through the parent)."""
    requests, i429 = _run_with_one_429(make_settings, corpus(12), reply_delay=0.3, workers=workers)
    t429 = requests[i429].time
    after = [r.time - t429 for r in requests[i429 + 1 :]]
    # The 429 is answered at once; the other 7 lanes are waiting for their replies, and
    # their next requests must wait out the pause too. 50 ms covers the client's reaction.
    in_pause = [round(t, 3) for t in after if 0.05 < t < 0.45]
    assert in_pause == [], f"requests sent during the 0.5 s pause: {in_pause}"
    assert len([t for t in after if t <= 0.05]) <= 7  # already on the wire: the other lanes
    retried = next(r for r in requests[i429 + 1 :] if r.raw_body == requests[i429].raw_body)
    assert 0.5 <= retried.time - t429 < 0.7


def test_retry_after_pauses_the_run_even_when_the_client_is_saturated(
    make_settings: Callable[..., Settings], corpus: Callable[[int], list[Path]]
) -> None:
    """Instant replies keep the event loop busy: the client learns of the 429 late (requests
    keep going until it does), but from then on nothing is sent for Retry-After seconds."""
    requests, i429 = _run_with_one_429(make_settings, corpus(24), reply_delay=0.0)
    t429 = requests[i429].time
    retried = next(r for r in requests[i429 + 1 :] if r.raw_body == requests[i429].raw_body)
    learned = retried.time - 0.5 - t429  # the retry waited Retry-After from that moment
    assert learned < 0.4, f"the client took {learned:.3f} s to see the 429"
    after = [r.time - t429 for r in requests[i429 + 1 :]]
    in_pause = [round(t, 3) for t in after if learned + 0.05 < t < learned + 0.45]
    assert in_pause == [], f"requests sent during the 0.5 s pause: {in_pause}"


# -- a broken cache degrades to no cache --------------------------------------------------------


@pytest.fixture
def warnings_of_cache(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.WARNING, logger="summarizer.cache"):
        yield caplog


def _cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "summarizer.cache"]


def test_garbage_cache_db_is_moved_aside_and_a_new_cache_works(
    fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
    tmp_path: Path,
    warnings_of_cache: pytest.LogCaptureFixture,
) -> None:
    paths = corpus(3)
    db = tmp_path / "cache" / "llm" / "cache.db"
    db.parent.mkdir(parents=True)
    garbage = b"this is not a sqlite database\x00\xff" * 512
    db.write_bytes(garbage)
    runs = []
    for _ in range(2):  # the second run is served by the new cache
        with Summarizer(make_settings(fake)) as s:
            items = list(s.summarize_paths(paths))
        assert all(isinstance(i, ArticleResult) for i in items)
        runs.append({v for i in items for v in i.provenance.cache.values()})  # type: ignore[union-attr]
    assert runs == [{"miss"}, {"hit"}]
    (aside,) = db.parent.glob("cache.db.corrupt-*")
    assert aside.read_bytes() == garbage  # kept for inspection, not deleted
    warnings = _cache_warnings(warnings_of_cache)
    assert len(warnings) == 1 and "moved to" in warnings[0], warnings


def test_cache_corrupted_after_use_still_gives_results(
    fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
    tmp_path: Path,
    warnings_of_cache: pytest.LogCaptureFixture,
) -> None:
    paths = corpus(3)
    with Summarizer(make_settings(fake)) as s:
        first = list(s.summarize_paths(paths))
    db = tmp_path / "cache" / "llm" / "cache.db"
    data = bytearray(db.read_bytes())
    for offset in range(100, len(data), 997):  # header and pages, sparsely overwritten
        data[offset : offset + 64] = b"\xde\xad\xbe\xef" * 16
    db.write_bytes(bytes(data))
    with Summarizer(make_settings(fake)) as s:
        second = list(s.summarize_paths(paths))
    assert all(isinstance(i, ArticleResult) for i in first + second)
    for a, b in zip(first, second, strict=True):
        assert isinstance(a, ArticleResult) and isinstance(b, ArticleResult)
        assert a.model_dump(exclude={"provenance"}) == b.model_dump(exclude={"provenance"})
    assert _cache_warnings(warnings_of_cache), "a corrupt cache must say so"


def test_unopenable_cache_dir_degrades_to_no_cache_with_a_warning(
    fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    corpus: Callable[[int], list[Path]],
    tmp_path: Path,
    warnings_of_cache: pytest.LogCaptureFixture,
) -> None:
    paths = corpus(2)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    with Summarizer(make_settings(fake, cache_dir=blocker)) as s:
        items = list(s.summarize_paths(paths))
    assert all(isinstance(i, ArticleResult) for i in items)
    warnings = _cache_warnings(warnings_of_cache)
    assert len(warnings) == 1 and "cache disabled" in warnings[0], warnings
