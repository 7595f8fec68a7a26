"""Configuration in one place: `Settings`, read from the environment only by `Settings.from_env()`.

Precedence (lowest to highest): defaults, `SUMMARIZER_*` / `OPENAI_*` environment variables,
explicit arguments (CLI options or `Settings(...)` / `settings.model_copy(update=...)`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from summarizer.errors import ConfigError

__all__ = ["DEFAULT_MODEL", "Layout", "Mode", "Settings"]

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
"""The embedded model used when no `--model` / `--base-url` is given."""

Mode = Literal["auto", "json_schema", "tools", "md_json", "json"]
Layout = Literal["conversation", "paragraphs"]

_ENV_PREFIX = "SUMMARIZER_"


def _default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("summarizer"))


class Settings(BaseModel):
    """Everything that configures a run; immutable (derive variants with `model_copy`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(DEFAULT_MODEL, description="Embedded model name, or a model id at base_url.")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint; None = embedded.")
    api_key: SecretStr | None = Field(
        None, description="API key for base_url / OpenAI.", repr=False
    )
    mode: Mode = Field("auto", description="instructor mode; auto picks one per backend.")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    use_cache: bool = True
    refresh: bool = False
    replay: bool = Field(False, description="Serve every call from the cache; a miss is an error.")
    max_reasks: int = Field(2, ge=0, le=10, description="Validation re-asks (owned by instructor).")
    max_retries: int = Field(5, ge=0, le=20, description="Transport retries (429/5xx/timeouts).")
    retry_max_wait: float = Field(60.0, gt=0, description="Longest single backoff, seconds.")
    timeout: float = Field(600.0, gt=0, description="Seconds per HTTP request.")
    concurrency: int | None = Field(
        None, ge=1, le=256, description="Requests in flight; None = backend default."
    )
    workers: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Processes for a batch; None = one per 16 requests in flight, up to the "
        "cores (always 1 for the embedded model).",
    )
    temperature: float = Field(0.0, ge=0, le=2)
    seed: int | None = 0
    repeat_penalty: float = Field(1.1, ge=1.0, le=2.0, description="Sent to llama.cpp servers.")
    n_ctx: int = Field(8192, ge=1024, description="Embedded server context window.")
    context_tokens: int | None = Field(
        None, ge=2048, description="Context of the model; None = n_ctx (embedded) or 16384."
    )
    threads: int | None = Field(None, ge=1, description="Embedded server threads; None = cores.")
    max_chars: int = Field(200_000, ge=1, description="Refuse articles longer than this.")
    max_tokens_total: int | None = Field(
        None, ge=1, description="Stop starting articles once a run has spent this many tokens."
    )
    rules_file: Path | None = Field(None, description="Extra boilerplate rules (TOML).")
    check_translations: bool = Field(
        True,
        description="Ask again, once, for a paragraph whose English lost a number, date, "
        "acronym, country, negation, event or accusation of its source, or left German in it "
        "(`summarizer.fidelity`); also the summary's code checks (`summarizer.timeframe`).",
    )
    claim_picks: bool = Field(
        False,
        description="Also ask the model to pick and phrase the article's claims, in one more "
        "call per chunk (the claims prompt). Without it every checkable sentence is a claim in "
        "its aligned English, attributed by code: on the 1.5B default the call changed 5 of "
        "63 seed claims and no score (docs/decisions.md).",
    )
    layout: Layout = Field(
        "conversation",
        description="How an article's calls are laid out. conversation: each paragraph is "
        "translated after the ones before it, in one growing conversation per chunk (a "
        "llama.cpp server reads each paragraph once). paragraphs: each paragraph in its own "
        "request, all at once, then the summary and the claims at once; no call waits for "
        "another's answer but for the translations (what --batch uses).",
    )

    @property
    def is_embedded(self) -> bool:
        """True when calls go to the embedded server that summarizer starts itself."""
        return self.base_url is None and not self._wants_openai

    @property
    def _wants_openai(self) -> bool:
        from summarizer.embedded import EMBEDDED_MODELS

        return self.model not in EMBEDDED_MODELS

    @property
    def endpoint(self) -> str:
        """Where calls go: base_url, OpenAI's default, or 'embedded'."""
        if self.base_url:
            return self.base_url.rstrip("/")
        return "embedded" if self.is_embedded else "https://api.openai.com/v1"

    @property
    def endpoint_host(self) -> str:
        """Host (and port) of the endpoint, safe to record in provenance."""
        if self.endpoint == "embedded":
            return "embedded"
        return urlparse(self.endpoint).netloc or self.endpoint

    @property
    def models_dir(self) -> Path:
        """Where assembled embedded GGUF files live."""
        return self.cache_dir / "models"

    @property
    def llm_cache_dir(self) -> Path:
        """Where cached LLM results live."""
        return self.cache_dir / "llm"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `SUMMARIZER_*` (and `OPENAI_API_KEY`/`OPENAI_BASE_URL`), then overrides.

        Overrides whose value is None are ignored, so CLI options that were not given fall
        through to the environment.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if "OPENAI_BASE_URL" in env:
            values["base_url"] = env["OPENAI_BASE_URL"]
        if "OPENAI_API_KEY" in env:
            values["api_key"] = env["OPENAI_API_KEY"]
        fields = cls.model_fields
        for key, raw in env.items():
            if not key.startswith(_ENV_PREFIX):
                continue
            name = key[len(_ENV_PREFIX) :].lower()
            if name in fields:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "api_key" in values and values["api_key"] == "":
            values["api_key"] = None
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise ConfigError(f"invalid settings: {problems}") from None
