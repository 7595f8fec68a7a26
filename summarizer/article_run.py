"""One article's run: a loaded `Article` becomes an `ArticleResult`, with its provenance.

The steps run in order on the article's conversations (one per chunk): translate, summary
(merged over the chunks), claims per chunk; the key points are the most salient claims
(`summarizer.key_points`). Every call goes through `summarizer.cached_call`
and is recorded in the article's `Ledger`, from which the provenance is assembled.
"""

from __future__ import annotations

import time
from pathlib import Path

import openai

from summarizer.article import Article
from summarizer.at_once import both
from summarizer.boilerplate import Rules, load_rules
from summarizer.cache import ResultCache
from summarizer.cache_keys import CacheKeys, prompt_versions
from summarizer.cached_call import ArticleCalls, CachedCalls
from summarizer.conversation import Conversation, conversations
from summarizer.endpoint import Backend
from summarizer.errors import OutputTruncatedError, ValidationFailedError
from summarizer.key_points import key_points
from summarizer.llm import Transport, mode_name
from summarizer.prompts import TASKS, PromptTemplate, load_prompt
from summarizer.restatement import restated_faithfully
from summarizer.schema import ArticleResult, Claim, Provenance, RejectedClaim, schema_hash
from summarizer.settings import Settings
from summarizer.steps import (
    english_title,
    extract_claims,
    extractive_draft,
    in_english_place_names,
    mended_from_source,
    summarize_chunks,
    translate_chunks,
    unique_entities,
    without_remarks,
    without_source_copies,
)
from summarizer.tasks import SummaryDraft
from summarizer.timeframe import kept_in_time
from summarizer.usage import Ledger
from summarizer.version import __version__

__all__ = ["ArticleRunner"]


class ArticleRunner:
    """Runs articles through the steps; owns the endpoint, cache, prompts and rules it uses."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
        transport: Transport | None = None,
    ) -> None:
        """`transport`: what sends the chat requests instead of HTTP (a Batch API job's)."""
        self.settings = settings
        self.backend = Backend(settings, client=client, transport=transport)
        self.cache = ResultCache(settings.llm_cache_dir, enabled=settings.use_cache)
        self.prompts: dict[str, PromptTemplate] = {
            task: load_prompt(task, prompts_dir) for task in TASKS
        }
        extra_rules = [settings.rules_file] if settings.rules_file else []
        self.rules: Rules = load_rules(*extra_rules)
        self.keys = CacheKeys(settings, self.backend, self.prompts, self.rules.fingerprint)
        self._calls = CachedCalls(settings, self.backend, self.cache, self.prompts, self.keys)

    @property
    def prompt_versions(self) -> dict[str, str]:
        """Each task's template versions and fingerprint, as recorded in provenance."""
        return prompt_versions(self.prompts)

    async def run(self, article: Article, ledger: Ledger | None = None) -> ArticleResult:
        """Run the steps for one loaded article, chunk by chunk if it is long; its calls are
        recorded in `ledger` (a fresh one if not given)."""
        started = time.perf_counter()
        calls = self._calls.for_article(article.preprocessing, ledger or Ledger())
        talks = conversations(article, self.backend.chunk_chars)
        check = self.settings.check_translations
        apart = self.settings.layout == "paragraphs"
        translations = await translate_chunks(article, talks, calls, check=check, apart=apart)
        if apart:  # the summary and the claims at once: neither waits for the other
            drafted, (claims, rejected) = await both(
                self._summary(article, talks, calls), self._claims(article, talks, calls)
            )
        else:
            drafted = await self._summary(article, talks, calls)
            claims, rejected = await self._claims(article, talks, calls)
        notes: list[str] = []
        if isinstance(drafted, SummaryDraft):
            draft = drafted
        else:  # the translation and the claims are not lost for a failed summary call
            made = extractive_draft(claims, translations[0] if article.title else None)
            if made is None:
                raise drafted
            draft = made
            notes.append(f"summary: made of the first claims, the summary call failed: {drafted}")
        draft = restated_faithfully(draft, claims, article.language if check else "")
        if check:
            draft = kept_in_time(draft, claims, article)
        title_en = self._title(article, translations[0], claims, draft)
        return ArticleResult(
            id=article.id,
            source_path=article.source_path,
            sha256=article.sha256,
            language=article.language,
            title_original=article.title,
            title_en=title_en,
            summary_en=draft.summary_en,
            key_points_en=key_points(claims, title_en, article.title),
            entities=unique_entities(draft.entities),
            claims=claims,
            translation_en="\n\n".join(translations),
            removed=list(article.removed),
            rejected_claims=rejected,
            provenance=self._provenance(article, calls, started, notes),
        )

    @staticmethod
    def _title(article: Article, translated: str, claims: list[Claim], draft: SummaryDraft) -> str:
        """The headline's English (`english_title`: else the lead's, else the summary's)."""
        if not article.title:
            return draft.title_en
        lead = [c.text_en for c in claims if c.quote.strip() != article.title.strip()][:1]
        return english_title(translated, article.title, article.language, *lead, draft.title_en)

    async def _summary(
        self, article: Article, talks: list[Conversation], calls: ArticleCalls
    ) -> SummaryDraft | OutputTruncatedError | ValidationFailedError:
        """The summary draft, or the error of a summary call that was cut off or failed
        validation after its re-asks (the article then keeps its translation and claims)."""
        try:
            draft = await summarize_chunks(talks, calls, merge_chars=self.backend.merge_chars)
        except (OutputTruncatedError, ValidationFailedError) as exc:
            return exc
        draft = in_english_place_names(without_remarks(without_source_copies(draft, article)))
        return mended_from_source(draft, article)

    async def _claims(
        self, article: Article, talks: list[Conversation], calls: ArticleCalls
    ) -> tuple[list[Claim], list[RejectedClaim]]:
        claims: list[Claim] = []
        rejected: list[RejectedClaim] = []
        check, pick = self.settings.check_translations, self.settings.claim_picks
        for talk in talks:
            found, dropped = await extract_claims(
                article, talk, calls, multi=len(talks) > 1, check=check, pick=pick
            )
            claims.extend(
                c for c in found if (c.start, c.end) not in {(x.start, x.end) for x in claims}
            )
            rejected.extend(dropped)
        return claims, rejected

    async def translate(self, article: Article, ledger: Ledger | None = None) -> list[str]:
        """English paragraphs, one per source paragraph (English sources pass through)."""
        calls = self._calls.for_article(article.preprocessing, ledger or Ledger())
        talks = conversations(article, self.backend.chunk_chars)
        check = self.settings.check_translations
        apart = self.settings.layout == "paragraphs"
        return await translate_chunks(article, talks, calls, check=check, apart=apart)

    def _provenance(
        self, article: Article, calls: ArticleCalls, started: float, notes: list[str]
    ) -> Provenance:
        ledger = calls.ledger
        return Provenance(
            model=self.settings.model,
            endpoint_host=self.settings.endpoint_host,
            mode=mode_name(self.backend.mode),
            prompt_versions=self.prompt_versions,
            schema_hash=schema_hash(),
            cache=dict(ledger.cache),
            attempts=ledger.attempts,
            usage=ledger.usage,
            saved_usage=ledger.saved,
            seconds=round(time.perf_counter() - started, 3),
            summarizer_version=__version__,
            preprocessing_version=article.preprocessing,
            agency_tags=list(article.agency_tags),
            notes=notes,
        )

    async def aclose_client(self) -> None:
        """Close the HTTP client the endpoint made (on the loop that used it)."""
        await self.backend.aclose()

    def close(self) -> None:
        """Stop the embedded server (if started) and close the cache."""
        self.backend.close()
        self.cache.close()
