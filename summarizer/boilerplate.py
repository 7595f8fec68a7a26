"""Boilerplate stripping: data-driven rules that find non-news spans, each removal auditable.

Rules live in a versioned TOML file (`summarizer/data/boilerplate.toml`); users can add their
own file with the same format. Each match becomes a `RemovedSpan` with offsets in the raw text
and the rule's kind as its reason. Agency tags like "(afp)" are recorded, not removed.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summarizer.errors import ConfigError
from summarizer.schema import RemovedSpan

__all__ = ["BUNDLED_RULES", "Rules", "load_rules", "strip_boilerplate"]

BUNDLED_RULES = Path(__file__).resolve().parent / "data" / "boilerplate.toml"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(pattern=r"^[a-z_]+$")
    description: str = ""
    pattern: str
    dotall: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class _Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str

    @field_validator("pattern")
    @classmethod
    def _has_group(cls, value: str) -> str:
        if "agency" not in re.compile(value).groupindex:
            raise ValueError("an agency pattern needs a named group (?P<agency>...)")
        return value


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    rule: list[_Rule] = Field(default_factory=list)
    agency: list[_Agency] = Field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    """Compiled rules plus a fingerprint that enters the preprocessing version."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    agencies: tuple[re.Pattern[str], ...]
    fingerprint: str


def _read(path: Path) -> _RulesFile:
    try:
        return _RulesFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read boilerplate rules: {exc}") from None
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid boilerplate rules: {exc}") from None


@cache
def load_rules(*extra: Path) -> Rules:
    """The bundled rules followed by any user rule files."""
    files = [_read(BUNDLED_RULES), *(_read(p) for p in extra)]
    patterns: list[tuple[str, re.Pattern[str]]] = []
    agencies: list[re.Pattern[str]] = []
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.model_dump_json().encode("utf-8"))
        for rule in f.rule:
            flags = re.MULTILINE | (re.DOTALL if rule.dotall else 0)
            patterns.append((rule.kind, re.compile(rule.pattern, flags)))
        agencies.extend(re.compile(a.pattern) for a in f.agency)
    return Rules(tuple(patterns), tuple(agencies), digest.hexdigest()[:12])


def strip_boilerplate(raw: str, rules: Rules) -> tuple[str, list[RemovedSpan], list[str]]:
    """Remove every rule match from `raw`.

    Returns the kept text (whole removed lines vanish with their line break; a span inside
    a line becomes a line break), the removed spans sorted by offset (overlaps merged, the
    first rule's reason kept),
    and the agency tags found in the kept text.
    """
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in rules.patterns:
        for match in pattern.finditer(raw):
            start, end = match.span()
            while start < end and raw[start] == "\n":
                start += 1
            if end > start:
                spans.append((start, end, kind))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    pieces: list[str] = []
    cursor = 0
    for start, end, _ in merged:
        pieces.append(raw[cursor:start])
        whole_lines = start == 0 or raw[start - 1] == "\n"
        # A removed line takes its line break with it, so no blank line is left behind;
        # a span inside a line leaves a break, so text on either side stays apart.
        if whole_lines and raw.startswith("\n", end):
            end += 1
        elif not whole_lines:
            pieces.append("\n")
        cursor = max(cursor, end)
    pieces.append(raw[cursor:])
    kept = "".join(pieces)
    agencies = sorted(
        {m.group("agency").lower() for pattern in rules.agencies for m in pattern.finditer(kept)}
    )
    removed = [RemovedSpan(start=s, end=e, reason=k) for s, e, k in merged]
    return kept, removed, agencies
