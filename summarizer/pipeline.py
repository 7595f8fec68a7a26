"""The pipeline: article -> translate (per paragraph) -> summary -> claims -> `ArticleResult`.

The calls about an article (about each chunk of a long one) form one conversation: paragraph,
its translation, next paragraph, ..., then the summary task, or instead the claims task. Each
call's prompt extends the previous call's prompt and answer, so a llama.cpp server reads every
paragraph and translation once (see `summarizer.prompts`).

Every LLM call goes through `Summarizer._call`, which looks the result up in the cache first
(key = everything that shapes the output) and records hit/miss, attempts and usage for the
article's provenance. The sync API runs the async pipeline on a private event-loop thread, so
one client and one embedded server serve every call of a `Summarizer`.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from summarizer import __version__
from summarizer.article import PREPROCESSING_VERSION, Article, Sentence, from_text
from summarizer.attribution import find_cues
from summarizer.backend import Backend
from summarizer.boilerplate import load_rules
from summarizer.cache import ResultCache, cache_key
from summarizer.chunking import TURN_CHARS, Chunk, plan_chunks
from summarizer.errors import (
    BudgetExhaustedError,
    CacheMissError,
    LLMError,
    OutputTruncatedError,
    SummarizerError,
    ValidationFailedError,
    WorkersUnavailable,
)
from summarizer.grounding import locate_quote
from summarizer.language import detect_language
from summarizer.llm import CallStats, mode_name, request_params
from summarizer.prompts import TASKS, PromptTemplate, load_prompt
from summarizer.schema import (
    ArticleResult,
    Attempts,
    Claim,
    Entity,
    Provenance,
    RejectedClaim,
    Usage,
    schema_hash,
)
from summarizer.settings import Settings
from summarizer.sources import Source, fingerprint, iter_sources, load_path, load_source
from summarizer.tasks import (
    TRANSLATION_PIECE_CHARS,
    ClaimPick,
    ClaimPicks,
    SummaryDraft,
    claims_budget,
    max_claims_for,
    summary_budget,
    translation_budget,
)
from summarizer.workers import WorkerPool

__all__ = ["Duplicate", "Item", "ItemError", "Summarizer", "summarize"]

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

_MARKERS = re.compile(r"\[\d{1,4}\]\s*|</?(?:paragraph|translation|article)>")


@dataclass(frozen=True)
class ItemError:
    """One input that failed; the batch goes on without it."""

    id: str
    path: str | None
    error: SummarizerError
    usage: Usage = field(default_factory=Usage)
    requests: int = 0

    @property
    def message(self) -> str:
        """A one-line, human-readable reason."""
        return str(self.error)

    @property
    def kind(self) -> str:
        """The error class name, e.g. 'InputError'."""
        return type(self.error).__name__


@dataclass(frozen=True)
class Duplicate:
    """An input whose cleaned text equals an earlier input's: summarized once, not twice."""

    id: str
    path: str | None
    of: str

    @property
    def message(self) -> str:
        """A one-line note for reports."""
        return f"{self.path or self.id}: duplicate of {self.of}, not summarized again"


Item = ArticleResult | ItemError | Duplicate
"""What a batch yields per input."""


@dataclass
class _Recorder:
    """Collects per-call cache status, attempts and usage for one article's provenance."""

    preprocessing: str
    cache: dict[str, str] = field(default_factory=dict)
    attempts: Attempts = field(default_factory=Attempts)
    usage: Usage = field(default_factory=Usage)
    saved: Usage = field(default_factory=Usage)

    def hit(self, name: str, usage: Usage) -> None:
        self.cache[name] = "hit"
        self.saved = self.saved + usage
        self.attempts = self.attempts + Attempts(calls=1)

    def miss(self, name: str, stats: CallStats, *, valid_first: bool, truncated: int = 0) -> None:
        self.cache[name] = "miss"
        self.usage = self.usage + stats.usage
        self.attempts = self.attempts + Attempts(
            calls=1,
            requests=stats.http_requests,
            reasks=stats.reasks,
            transport_retries=stats.transport_retries,
            first_attempt_valid=int(valid_first),
            truncated=truncated,
        )


def _clean_translation(text: str) -> str:
    """One paragraph of English: markers the model echoed removed, whitespace folded."""
    return " ".join(_MARKERS.sub("", text).split()).strip()


class _LoopThread:
    """A private event loop on a daemon thread, so sync callers can share async clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Awaitable[T]) -> T:
        async def wrapper() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


class Summarizer:
    """Summarize, translate and extract grounded claims from news articles.

    >>> with Summarizer() as s:  # doctest: +SKIP
    ...     result = s.summarize_file(Path("seeds/001_921c84898896e6e9.txt"))
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._backend = Backend(self.settings, client=client)
        self._cache = ResultCache(self.settings.llm_cache_dir, enabled=self.settings.use_cache)
        self._prompts: dict[str, PromptTemplate] = {
            task: load_prompt(task, prompts_dir) for task in TASKS
        }
        self._prompts_dir = prompts_dir
        self._loop: _LoopThread | None = None
        self._pool: WorkerPool | None = None
        self._load_thread: ThreadPoolExecutor | None = None
        self._warned_workers = False
        extra_rules = [self.settings.rules_file] if self.settings.rules_file else []
        self._rules = load_rules(*extra_rules)

    # -- public sync API -------------------------------------------------------------------

    def summarize_text(self, text: str, *, id: str = "article") -> ArticleResult:
        """Summarize one article given as text."""
        article = from_text(text, id=id, max_chars=self.settings.max_chars, rules=self._rules)
        return self.run_async(self.asummarize(article))

    def summarize_file(self, path: Path | str) -> ArticleResult:
        """Summarize one article file."""
        article = self.load(path)
        return self.run_async(self.asummarize(article))

    def translate_text(self, text: str, *, id: str = "article") -> list[str]:
        """Translate an article into English, one string per cleaned source paragraph."""
        article = from_text(text, id=id, max_chars=self.settings.max_chars, rules=self._rules)
        return self.run_async(
            self.atranslate(article, _Recorder(preprocessing=article.preprocessing))
        )

    def summarize_paths(
        self, paths: Iterable[Path | str], *, concurrency: int | None = None
    ) -> Iterator[Item]:
        """Yield a result, `ItemError` or `Duplicate` per input, in input order; never stops."""
        agen = self.asummarize_paths(paths, concurrency=concurrency)
        loop = self._ensure_loop()
        try:
            while True:
                try:
                    item: Item = loop.run(agen.__anext__())
                except StopAsyncIteration:
                    return
                yield item
        finally:  # a caller that stops early stops the batch's work in flight too
            loop.run(agen.aclose())

    def load(self, path: Path | str) -> Article:
        """Read and clean one article with this summarizer's limits and boilerplate rules."""
        return load_path(Path(path), max_chars=self.settings.max_chars, rules=self._rules)

    @property
    def prompt_versions(self) -> dict[str, str]:
        """Each task's template versions and fingerprint, as recorded in provenance."""
        return {t: f"{p.version}#{p.fingerprint}" for t, p in self._prompts.items()}

    @property
    def concurrency(self) -> int:
        """Requests in flight at once (`summarize_paths` unless told otherwise, and this
        process's own calls)."""
        return self._backend.default_concurrency

    @property
    def workers(self) -> int:
        """Processes `summarize_paths` runs articles in at the default concurrency."""
        return self._backend.workers(self.concurrency)

    def close(self) -> None:
        """Stop the worker processes and the embedded server (if started) and the loop
        thread, and close the cache."""
        if self._loop is not None:
            self._loop.run(self._backend.aclose())
            self._loop.close()
            self._loop = None
        self._release()

    async def aclose(self) -> None:
        """`close` for async code: what it started, on a loop of the caller's."""
        await self._backend.aclose()
        self._release()

    def _release(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._load_thread is not None:
            self._load_thread.shutdown(wait=False, cancel_futures=True)
            self._load_thread = None
        self._backend.close()
        self._cache.close()

    def _loader(self) -> ThreadPoolExecutor:
        """One thread reads and splits a batch's articles, in input order. Loading is
        pure-Python CPU work: more threads would only share the GIL and finish every
        article late instead of the first ones early."""
        if self._load_thread is None:
            self._load_thread = ThreadPoolExecutor(1, thread_name_prefix="summarizer-load")
        return self._load_thread

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_loop(self) -> _LoopThread:
        if self._loop is None:
            self._loop = _LoopThread()
        return self._loop

    def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of this summarizer (e.g. `asummarize`) from sync code."""
        return self._ensure_loop().run(coro)

    # -- async API -------------------------------------------------------------------------

    async def asummarize_paths(
        self, paths: Iterable[Path | str], *, concurrency: int | None = None
    ) -> AsyncGenerator[Item, None]:
        """Bounded-concurrency batch; yields in input order with a bounded reorder window.

        At most `concurrency` requests are in flight (default: the backend's); a few more
        articles than that are in progress (`Backend.lanes`), so that a request slot never
        waits for an article between two of its calls.

        Inputs are files, folders (walked recursively), JSON/JSONL record files and '-' for
        standard input (see `summarizer.sources`).
        """
        limit = concurrency or self.concurrency  # requests in flight
        pool = self._worker_pool(limit)
        lanes = self._backend.lanes(limit)  # articles in progress
        window = max(lanes * 4, 8)
        semaphore = asyncio.Semaphore(lanes)
        self._backend.gate.limit_to(limit)
        pending: list[asyncio.Task[Item]] = []
        source = iter(iter_sources(paths))
        seen: dict[str, str] = {}  # sha256 of cleaned text -> id of its first input

        budget = self.settings.max_tokens_total
        spent = 0
        previous_loaded: asyncio.Event | None = None

        async def one(src: Source, after: asyncio.Event | None, loaded: asyncio.Event) -> Item:
            try:
                item = await guarded(src, after, loaded)
            finally:
                loaded.set()
            # The cache writes so far (this article's memo among them) are on disk before the
            # item is handed out: a run killed after writing it reruns it from the memo.
            if not (written := self._cache.flushed()).done():
                await asyncio.wrap_future(written)
            return item

        async def first_seen(
            src: Source, digest: str, after: asyncio.Event | None
        ) -> Duplicate | None:
            """Judged in input order: a Duplicate if an earlier input had the same cleaned
            text (`digest`), else None, and this input is remembered as its first."""
            if after is not None:
                await after.wait()
            if digest in seen:
                return Duplicate(id=src.id, path=src.origin, of=seen[digest])
            seen[digest] = src.id
            return None

        async def guarded(src: Source, after: asyncio.Event | None, loaded: asyncio.Event) -> Item:
            """Load, check for a duplicate (in input order), summarize; errors become items.

            Loading runs ahead of the `lanes` (within the reorder window): only the
            summarizing holds a lane, so a lane never waits for a file to be read and split."""
            nonlocal spent
            rec: _Recorder | None = None
            try:
                started = time.perf_counter()
                lookup = self._cache.enabled and not self.settings.refresh
                memo = self._memo_key(fingerprint(src)) if lookup else None
                if memo is not None and (done := self._recall(memo)) is not None:
                    result, digest = done  # a finished article: no loading, no lookups
                    if duplicate := await first_seen(src, digest, after):
                        return duplicate
                    return _as_rerun(result, id=src.id, path=src.origin, started=started)
                article = await asyncio.get_running_loop().run_in_executor(
                    self._loader(),
                    functools.partial(
                        load_source, src, max_chars=self.settings.max_chars, rules=self._rules
                    ),
                )
                digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
                if duplicate := await first_seen(src, digest, after):
                    return duplicate
                loaded.set()
                async with semaphore:
                    if budget is not None and spent >= budget:
                        raise BudgetExhaustedError(
                            f"{src.origin}: not started, the run's token budget of {budget:,} "
                            "is spent; rerun to resume (finished work is cached)",
                            budget=budget,
                        )
                    rec = _Recorder(preprocessing=article.preprocessing)
                    if pool is None:
                        result = await self._summarize(article, rec)
                    else:
                        result = await self._summarize_in(pool, article, rec, limit)
                if (key := self._memo_key(fingerprint(src, article.sha256))) is not None:
                    entry = {"result": result.model_dump(mode="json"), "text_sha256": digest}
                    self._cache.set(key, {"task": "article", **entry})
                return result
            except Exception as exc:  # one item's failure, however unexpected, is its own
                failure = (
                    exc
                    if isinstance(exc, SummarizerError)
                    else SummarizerError(f"{src.origin}: unexpected {type(exc).__name__}: {exc}")
                )
                return ItemError(
                    id=src.id,
                    path=src.origin,
                    error=failure,
                    usage=rec.usage if rec else Usage(),
                    requests=rec.attempts.requests if rec else 0,
                )
            finally:
                if rec is not None:
                    spent += rec.usage.prompt_tokens + rec.usage.completion_tokens

        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < window:
                    try:
                        src = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    loaded = asyncio.Event()
                    pending.append(asyncio.ensure_future(one(src, previous_loaded, loaded)))
                    previous_loaded = loaded
                if not pending:
                    return
                yield await pending.pop(0)
        finally:
            for task in pending:
                task.cancel()

    def _worker_pool(self, concurrency: int) -> WorkerPool | None:
        """The worker processes for a batch of `concurrency` (kept for later batches; they
        start with the first article to summarize); None to run in this process."""
        size = self._backend.workers(concurrency)
        if size > 1 and self._pool is None:
            self._pool = WorkerPool(
                self.settings, size=size, prompts_dir=self._prompts_dir, cache=self._cache
            )
        return self._pool if size > 1 else None

    async def _summarize_in(
        self, pool: WorkerPool, article: Article, rec: _Recorder, requests: int
    ) -> ArticleResult:
        """`_summarize` in a worker process, its spending recorded in `rec`; here if the
        workers cannot start (a warning says why, once)."""
        if pool.start_error is not None:
            return await self._summarize(article, rec)
        try:
            outcome = await pool.summarize(article, requests=requests)
        except WorkersUnavailable as exc:
            if not self._warned_workers:
                self._warned_workers = True
                log.warning("%s; summarizing in this process instead", exc)
            return await self._summarize(article, rec)
        rec.usage, rec.attempts = outcome.usage, outcome.attempts
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result

    async def asummarize(self, article: Article) -> ArticleResult:
        """Run the tasks for one loaded article, chunk by chunk if it is long."""
        return await self._summarize(article, _Recorder(preprocessing=article.preprocessing))

    async def _summarize(self, article: Article, rec: _Recorder) -> ArticleResult:
        started = time.perf_counter()
        talks = self._conversations(article)
        translations = await self._translate_chunks(article, talks, rec)
        translation_en = "\n\n".join(translations)
        draft = _without_source_copies(await self._summarize_chunks(talks, rec), article)
        claims: list[Claim] = []
        rejected: list[RejectedClaim] = []
        for talk in talks:
            found, dropped = await self._claims(article, talk, rec, multi=len(talks) > 1)
            claims.extend(
                c for c in found if (c.start, c.end) not in {(x.start, x.end) for x in claims}
            )
            rejected.extend(dropped)
        title_en = translations[0] if article.title else draft.title_en
        return ArticleResult(
            id=article.id,
            source_path=article.source_path,
            sha256=article.sha256,
            language=article.language,
            title_original=article.title,
            title_en=title_en,
            summary_en=draft.summary_en,
            key_points_en=draft.key_points_en,
            entities=_unique_entities(draft.entities),
            claims=claims,
            translation_en=translation_en,
            removed=list(article.removed),
            rejected_claims=rejected,
            provenance=Provenance(
                model=self.settings.model,
                endpoint_host=self.settings.endpoint_host,
                mode=mode_name(self._backend.mode),
                prompt_versions=self.prompt_versions,
                schema_hash=schema_hash(),
                cache={k: "hit" if v == "hit" else "miss" for k, v in rec.cache.items()},
                attempts=rec.attempts,
                usage=rec.usage,
                saved_usage=rec.saved,
                seconds=round(time.perf_counter() - started, 3),
                summarizer_version=__version__,
                preprocessing_version=article.preprocessing,
                agency_tags=list(article.agency_tags),
            ),
        )

    # -- tasks -----------------------------------------------------------------------------

    async def atranslate(self, article: Article, rec: _Recorder) -> list[str]:
        """English paragraphs, one per source paragraph (English sources pass through)."""
        talks = self._conversations(article)
        return await self._translate_chunks(article, talks, rec)

    def _conversations(self, article: Article) -> list[_Conversation]:
        """An empty conversation per chunk of the article."""
        return [_Conversation(chunk) for chunk in plan_chunks(article, self._backend.chunk_chars)]

    async def _translate_chunks(
        self, article: Article, talks: list[_Conversation], rec: _Recorder
    ) -> list[str]:
        """Build each chunk's conversation: its paragraphs in order, each translated in a call
        whose prompt is the conversation so far (English sources pass through, untranslated)."""
        pieces: dict[int, list[str]] = {}
        for talk in talks:
            for piece in talk.chunk.pieces(article, TRANSLATION_PIECE_CHARS):
                sentences = [s for s in talk.chunk.sentences if piece.start <= s.start < piece.end]
                if article.language == "en":
                    talk.turns.append(_turn(sentences, translate=False))
                    english = article.text[piece.start : piece.end]
                else:
                    part = len(pieces.get(piece.paragraph, []))
                    name = f"translate:{piece.paragraph}" + ("" if piece.whole else f".p{part}")
                    english = await self._translate(talk.turns, sentences, name, rec)
                pieces.setdefault(piece.paragraph, []).append(english)
                talk.english.append((piece.paragraph, english))
        if article.language == "en":
            return list(article.paragraphs)
        return [" ".join(pieces[i]) for i in range(len(article.paragraphs))]

    async def _translate(
        self, turns: list[dict[str, Any]], sentences: list[Sentence], name: str, rec: _Recorder
    ) -> str:
        """Translate `sentences` (a paragraph or part of one) as the next turn after `turns`,
        which then holds it with the model's answer as written; a cut-off or empty answer is
        retried as two halves. Returns the cleaned English."""
        turn = _turn(sentences, translate=True)
        try:
            raw = await self._call(
                name,
                "translate",
                {"turns": [*turns, turn]},
                None,
                translation_budget(" ".join(s.text for s in sentences)),
                rec,
                # One paragraph in, one line out: after a line break small models add notes
                # ("This translation keeps…") or loop over the article ("[1] …").
                stop=["\n"],
            )
        except OutputTruncatedError:
            rec.attempts = rec.attempts + Attempts(truncated=1)
            if len(sentences) < 2:
                raise
            return await self._translate_halves(turns, sentences, name, rec)
        assert isinstance(raw, str)
        cleaned = _clean_translation(raw)
        if not cleaned:  # e.g. "[1]" and a line break: try the halves, else give up
            if len(sentences) > 1:
                return await self._translate_halves(turns, sentences, name, rec)
            raise ValidationFailedError(
                f"{name}: the model returned an empty translation", task=name, last_output=raw
            )
        turns.append({**turn, "answer": raw})
        return cleaned

    async def _translate_halves(
        self, turns: list[dict[str, Any]], sentences: list[Sentence], name: str, rec: _Recorder
    ) -> str:
        """Translate two or more sentences as two turns of about equal length."""
        cut = _middle(sentences)
        parts = [
            await self._translate(turns, half, f"{name}.{i}", rec)
            for i, half in enumerate((sentences[:cut], sentences[cut:]))
        ]
        return " ".join(parts)

    async def _summarize_chunks(self, talks: list[_Conversation], rec: _Recorder) -> SummaryDraft:
        """One summary call per chunk (after its conversation); several chunks are merged."""
        drafts: list[SummaryDraft] = []
        for talk in talks:
            draft = await self._draft(
                "summary" if len(talks) == 1 else f"summary:{talk.chunk.index}",
                "summary",
                {"turns": talk.turns},
                summary_budget(_join_pieces(talk.english)),
                rec,
            )
            drafts.append(draft)
        if len(drafts) == 1:
            return drafts[0]
        entities = [e for d in drafts for e in d.entities][:30]
        level = 0
        while len(drafts) > 1:  # merge in groups that fit the context, then merge the merges
            groups = _group_drafts(drafts, self._backend.merge_chars)
            merged_level: list[SummaryDraft] = []
            for g, group in enumerate(groups):
                if len(group) == 1:
                    merged_level.append(group[0])
                    continue
                parts = [
                    {"title": d.title_en, "summary": d.summary_en, "points": d.key_points_en}
                    for d in group
                ]
                name = "summary:merge" if len(groups) == 1 else f"summary:merge:{level}.{g}"
                merged_level.append(await self._draft(name, "merge", {"parts": parts}, 700, rec))
            drafts = merged_level
            level += 1
        return drafts[0].model_copy(update={"entities": entities})

    async def _draft(
        self, name: str, task: str, context: dict[str, Any], max_tokens: int, rec: _Recorder
    ) -> SummaryDraft:
        """A summary or merge call; an answer still too long after the re-asks is clipped
        (`SummaryDraft.salvage`) rather than losing the article."""
        try:
            draft = await self._call(name, task, context, SummaryDraft, max_tokens, rec)
        except ValidationFailedError as exc:
            salvaged = SummaryDraft.salvage(exc.last_output)
            if salvaged is None:
                raise
            self._store_salvage(task, context, max_tokens, salvaged, rec, exc)
            return salvaged
        assert isinstance(draft, SummaryDraft)
        return draft

    async def _claims(
        self, article: Article, talk: _Conversation, rec: _Recorder, *, multi: bool
    ) -> tuple[list[Claim], list[RejectedClaim]]:
        chunk = talk.chunk
        sentences = [asdict(s) for s in chunk.sentences]  # for the validator, not the prompt
        max_claims = max_claims_for(len(sentences))
        found = [
            (s.number, cue) for s in chunk.sentences for cue in find_cues(s.text, article.language)
        ]
        hints = [{"number": number, "cue": cue} for number, cue in found]
        context = {
            "turns": talk.turns,
            "sentences": sentences,
            "max_claims": max_claims,
            "hints": hints,
        }
        base_name = name = f"claims:{chunk.index}" if multi else "claims"
        picks: ClaimPicks | None = None
        while picks is None:
            budget = claims_budget(max_claims)
            try:
                answer = await self._call(name, "claims", context, ClaimPicks, budget, rec)
                assert isinstance(answer, ClaimPicks)
                picks = answer
            except ValidationFailedError as exc:
                picks = _salvage_claims(exc, context)
                self._store_salvage("claims", context, budget, picks, rec, exc)
            except OutputTruncatedError:  # never used cut off: ask for half as many claims
                rec.attempts = rec.attempts + Attempts(truncated=1)
                if max_claims == 1:
                    raise
                max_claims //= 2
                context = {**context, "max_claims": max_claims}
                name = f"{base_name}.n{max_claims}"
        chosen, rejected = picks.claims, list(picks.rejected)
        # Small models copy the source sentence instead of writing English, or describe a
        # neighbouring sentence (an injected one, say): then the claim's English is its own
        # sentence's, from the numbered translation, or else translated alone (a call).
        aligned = talk.aligned()
        untranslated: dict[int, str] = {}  # a claim whose English failed: rejected, not fatal
        for i, pick in enumerate(chosen):
            copied = _copied(pick.text_en, article.language)
            if not copied and _shares_anchor(pick.text_en, pick.quote or ""):
                continue
            english = aligned.get(pick.sentence, "")
            if not english or _copied(english, article.language):
                (sentence,) = [s for s in chunk.sentences if s.number == pick.sentence]
                try:
                    english = await self._translate(
                        list(talk.turns), [sentence], f"{name}.en:{pick.sentence}", rec
                    )
                except (OutputTruncatedError, ValidationFailedError) as exc:
                    untranslated[i] = f"no English for sentence {pick.sentence}: {exc}"
                    continue
            chosen[i] = pick.model_copy(update={"text_en": english})
        claims: list[Claim] = []
        seen: set[tuple[int, int]] = set()
        cues = dict(reversed(found))  # the first cue of each sentence
        for i, pick in enumerate(chosen[: max_claims + 2]):
            claim = Claim(
                text_en=pick.text_en.strip(),
                speaker=pick.speaker.strip(),
                attribution=_verbatim_attribution(pick, cues.get(pick.sentence, "")),
                kind=pick.kind,
                quote=pick.quote or "",
                start=pick.start,
                end=pick.end,
            )
            if i in untranslated:
                rejected.append(RejectedClaim(claim=claim.model_dump(), reason=untranslated[i]))
                continue
            # Independent check: the quote must be verbatim in the cleaned text at its offsets.
            span = locate_quote(claim.quote, article.text, within=(claim.start, claim.end))
            if span is None or article.text[claim.start : claim.end] != claim.quote:
                rejected.append(RejectedClaim(claim=claim.model_dump(), reason="quote not found"))
                continue
            if (claim.start, claim.end) in seen:
                continue
            seen.add((claim.start, claim.end))
            claims.append(claim)
        return claims, rejected

    # -- whole-article memo: a rerun of a finished article skips loading and every lookup ---

    @functools.cached_property
    def _run_fingerprint(self) -> str:
        """Everything besides the input that shapes an article's result."""
        sampling = request_params(self.settings, max_tokens=0, extra_body=self._backend.extra_body)
        return cache_key(
            {
                "version": __version__,
                "model": self.settings.model,
                "endpoint": self._backend.endpoint_id,
                "mode": self._backend.mode.value,
                "prompts": self.prompt_versions,
                "schema": schema_hash(),
                "sampling": sampling,
                "preprocessing": f"{PREPROCESSING_VERSION}+rules.{self._rules.fingerprint}",
                "chunk_chars": self._backend.chunk_chars,
                "turn_chars": TURN_CHARS,
                "merge_chars": self._backend.merge_chars,
                "max_chars": self.settings.max_chars,
            }
        )

    def _memo_key(self, raw: str | None) -> str | None:
        """The key of a finished result, from its input's `sources.fingerprint`; None without
        a fingerprint (standard input, unreadable input) or a cache."""
        if raw is None or not self._cache.enabled:
            return None
        return cache_key({"article": raw, "run": self._run_fingerprint})

    def _recall(self, key: str) -> tuple[ArticleResult, str] | None:
        """A memoized result and its cleaned text's SHA-256, or None (a bad entry is a miss)."""
        entry = self._cache.get(key)
        if entry is None:
            return None
        try:
            return ArticleResult.model_validate(entry["result"]), str(entry["text_sha256"])
        except (ValidationError, KeyError, TypeError):
            return None

    # -- the one place LLM calls happen ------------------------------------------------------

    def _key(
        self,
        task: str,
        context: dict[str, Any],
        schema: type[BaseModel] | None,
        max_tokens: int,
        preprocessing: str,
        stop: list[str] | None = None,
    ) -> str:
        template = self._prompts[task]
        sampling = request_params(
            self.settings, max_tokens=max_tokens, extra_body=self._backend.extra_body, stop=stop
        )
        sampling.pop("model")
        return cache_key(
            {
                "model": self.settings.model,
                "endpoint": self._backend.endpoint_id,
                "mode": self._backend.mode.value,
                "template": template.version,
                "messages": template.fingerprint,
                "context": context,
                "schema": schema.model_json_schema() if schema else None,
                "sampling": sampling,
                "preprocessing": preprocessing,
            }
        )

    async def _call(
        self,
        name: str,
        task: str,
        context: dict[str, Any],
        schema: type[M] | None,
        max_tokens: int,
        rec: _Recorder,
        stop: list[str] | None = None,
    ) -> M | str:
        key = self._key(task, context, schema, max_tokens, rec.preprocessing, stop)
        if not self.settings.refresh and (hit := self._cache.get(key)) is not None:
            if hit.get("truncated"):  # a cut-off answer is cached as such: split again, no call
                rec.hit(name, Usage.model_validate(hit.get("usage", {})))
                raise OutputTruncatedError(f"{name}: cut off at max_tokens (cached)", task=name)
            try:
                value = _decode(hit, schema, context)
            except (ValidationError, KeyError, TypeError, ValueError):
                value = None  # a stale or corrupt entry is a miss
            if value is not None:
                rec.hit(name, Usage.model_validate(hit.get("usage", {})))
                return value
        if self.settings.replay:
            raise CacheMissError(
                f"{name}: not in the cache and --replay forbids model calls", task=name
            )
        llm = await self._backend.llm()
        template = self._prompts[task]
        result: M | str
        try:
            if schema is None:
                completion_text = await llm.text(
                    task=name,
                    messages=template.as_messages(context),
                    context=context,
                    max_tokens=max_tokens,
                    stop=stop,
                )
                stats, result = completion_text.stats, completion_text.value
                stored: Any = result
            else:
                completion = await llm.structured(
                    task=name,
                    messages=template.as_messages(context),
                    context=context,
                    response_model=schema,
                    max_tokens=max_tokens,
                )
                stats, model_value = completion.stats, completion.value
                result, stored = model_value, model_value.model_dump(mode="json")
        except LLMError as exc:  # what a failed call spent still counts
            spent = CallStats(
                attempts=exc.attempts,
                http_requests=exc.requests,
                transport_retries=exc.transport_retries,
                usage=Usage(
                    prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens
                ),
            )
            rec.miss(name, spent, valid_first=False)
            if isinstance(exc, OutputTruncatedError):  # remember it, so a rerun makes no call
                usage = spent.usage.model_dump()
                self._cache.set(key, {"task": task, "truncated": True, "usage": usage})
            raise
        rec.miss(name, stats, valid_first=stats.attempts == 1)
        self._cache.set(
            key,
            {
                "task": task,
                "value": stored,
                "usage": stats.usage.model_dump(),
            },
        )
        return result

    def _store_salvage(
        self,
        task: str,
        context: dict[str, Any],
        max_tokens: int,
        value: BaseModel,
        rec: _Recorder,
        exc: ValidationFailedError,
    ) -> None:
        """Cache an answer kept in part after the re-asks, with the tokens its attempts cost:
        a rerun makes no call and reports them as saved."""
        key = self._key(task, context, type(value), max_tokens, rec.preprocessing)
        usage = Usage(prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens)
        self._cache.set(
            key,
            {"task": task, "value": value.model_dump(mode="json"), "usage": usage.model_dump()},
        )


def _as_rerun(result: ArticleResult, *, id: str, path: str, started: float) -> ArticleResult:
    """A memoized result as this run's: its id and path, and the provenance a rerun served
    call by call from the cache would show (every call a hit, its tokens saved, none spent)."""
    p = result.provenance
    provenance = p.model_copy(
        update={
            "cache": dict.fromkeys(p.cache, "hit"),
            "attempts": Attempts(calls=p.attempts.calls, truncated=p.attempts.truncated),
            "usage": Usage(),
            "saved_usage": p.usage + p.saved_usage,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
    return result.model_copy(update={"id": id, "source_path": path, "provenance": provenance})


def _decode(hit: dict[str, Any], schema: type[M] | None, context: dict[str, Any]) -> M | str:
    if schema is None:
        value = hit["value"]
        if not isinstance(value, str):
            raise TypeError("cached text is not a string")
        return value
    return schema.model_validate(hit["value"], context=context)


def _join_pieces(pieces: list[tuple[int, str]]) -> str:
    """A chunk's translation: a paragraph's pieces joined by spaces, paragraphs by blank lines."""
    out: list[str] = []
    last: int | None = None
    for paragraph, text in pieces:
        if out and paragraph == last:
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        last = paragraph
    return "\n\n".join(out)


def _draft_chars(draft: SummaryDraft) -> int:
    return (
        len(draft.title_en) + len(draft.summary_en) + sum(len(p) + 4 for p in draft.key_points_en)
    )


def _group_drafts(drafts: list[SummaryDraft], max_chars: int) -> list[list[SummaryDraft]]:
    """Consecutive groups of drafts whose text fits `max_chars` (at least two per group)."""
    groups: list[list[SummaryDraft]] = [[]]
    size = 0
    for draft in drafts:
        chars = _draft_chars(draft) + 40
        if len(groups[-1]) >= 2 and size + chars > max_chars:
            groups.append([])
            size = 0
        groups[-1].append(draft)
        size += chars
    return groups


def _middle(sentences: list[Sentence]) -> int:
    """Where to cut a run of two or more sentences into halves of about equal length."""
    ends = list(itertools.accumulate(len(s.text) for s in sentences))
    return min(range(1, len(sentences)), key=lambda i: abs(ends[i - 1] - ends[-1] / 2))


def _turn(sentences: list[Sentence], *, translate: bool) -> dict[str, Any]:
    """One paragraph (or part of one) as a turn of the conversation (`base` prompt)."""
    numbered = [{"number": s.number, "text": s.text} for s in sentences]
    return {"sentences": numbered, "translate": translate}


_NUMBERED = re.compile(r"\[(\d{1,4})\]\s*(.*?)\s*(?=\[\d{1,4}\]|$)", re.S)


@dataclass
class _Conversation:
    """One chunk's conversation so far: its paragraph turns (with the model's answers as
    written) and their cleaned English as (paragraph, text) pieces."""

    chunk: Chunk
    turns: list[dict[str, Any]] = field(default_factory=list)
    english: list[tuple[int, str]] = field(default_factory=list)

    def aligned(self) -> dict[int, str]:
        """English per source sentence number, where a translation kept the numbers."""
        out: dict[int, str] = {}
        for turn in self.turns:
            numbers = {s["number"] for s in turn["sentences"]}
            for number, text in _NUMBERED.findall(turn.get("answer") or ""):
                if int(number) in numbers and (cleaned := _clean_translation(text)):
                    out.setdefault(int(number), cleaned)
        return out


def _salvage_claims(exc: ValidationFailedError, context: dict[str, Any]) -> ClaimPicks:
    """After the re-ask budget: keep each claim that validates, reject the rest with a reason."""
    try:
        data = json.loads(exc.last_output or "")
        raw_claims = data.get("claims", []) if isinstance(data, dict) else []
    except (json.JSONDecodeError, AttributeError):
        raw_claims = []
    if not isinstance(raw_claims, list) or not raw_claims:
        reason = RejectedClaim(claim={"raw": (exc.last_output or "")[:2000]}, reason=str(exc))
        return ClaimPicks(claims=[], rejected=[reason])
    kept: list[ClaimPick] = []
    rejected: list[RejectedClaim] = []
    for raw in raw_claims:
        try:
            kept.append(ClaimPick.model_validate(raw, context=context))
        except ValidationError as err:
            reasons = "; ".join(e["msg"] for e in err.errors())
            claim = raw if isinstance(raw, dict) else {"raw": raw}
            rejected.append(RejectedClaim(claim=claim, reason=reasons))
    return ClaimPicks(claims=kept, rejected=rejected)


_ANCHOR = re.compile(r"\d+|\b[A-ZÄÖÜ][\w\-]{2,}")


def _copied(text_en: str, language: str) -> bool:
    """Whether text meant to be English is in the (non-English) source language instead."""
    return language not in ("en", "und") and detect_language(text_en) == language


def _shares_anchor(text_en: str, sentence: str) -> bool:
    """Whether an English rendering names something its sentence names (a number or a
    capitalised word); a sentence with no anchors cannot be checked and passes."""
    anchors = {a.lower() for a in _ANCHOR.findall(sentence)}
    return not anchors or bool(anchors & {a.lower() for a in _ANCHOR.findall(text_en)})


def _verbatim_attribution(pick: ClaimPick, cue: str) -> str:
    """The attribution as the source gives it: the model's phrase if it is verbatim in the
    claim's sentence, else the cue found in that sentence by code, else ""."""
    phrase = pick.attribution.strip()
    sentence = pick.quote or ""
    if phrase and (span := locate_quote(phrase, sentence)) is not None:
        return sentence[span[0] : span[1]]
    return cue


def _without_source_copies(draft: SummaryDraft, article: Article) -> SummaryDraft:
    """The draft without summary sentences and points copied word for word from a source that
    is not in English: that is no English summary but a passage in the source, e.g. an English
    instruction planted in a German article ("Ignore all previous instructions…")."""
    if article.language in ("en", "und"):
        return draft

    def copied(text: str) -> bool:
        return len(text.split()) >= 4 and locate_quote(text, article.text) is not None

    return draft.model_copy(
        update={
            "summary_sentences": [t for t in draft.summary_sentences if not copied(t)],
            "key_points_en": [t for t in draft.key_points_en if not copied(t)],
        }
    )


def _unique_entities(entities: list[Entity]) -> list[Entity]:
    seen: set[str] = set()
    unique: list[Entity] = []
    for entity in entities:
        name = entity.name.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            unique.append(Entity(name=name, type=entity.type))
    return unique


def summarize(text: str, *, settings: Settings | None = None) -> ArticleResult:
    """One-liner on the defaults: summarize `text` and return its result."""
    with Summarizer(settings) as summarizer:
        return summarizer.summarize_text(text)
