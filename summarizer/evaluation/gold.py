"""Evaluation suites: hand-written gold records and their articles, validated by pydantic on load.

A suite is a folder:

```
evals/seeds/
├── suite.yaml            name, kind ("gold" or "translation"), cross-article annotations
├── articles/<id>.txt     the articles the records refer to (plain text)
└── gold/<id>.yaml        one GoldRecord per article (kind "gold")
```

A translation suite instead has `documents.jsonl`: one `TranslationDoc` per line (source
paragraphs plus one or more human reference translations, paragraph-aligned).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from summarizer.errors import ConfigError
from summarizer.schema import ClaimKind, EntityType

__all__ = [
    "Discrepancy",
    "GoldContradiction",
    "GoldEntity",
    "GoldFact",
    "GoldNumber",
    "GoldRecord",
    "ReferenceTranslation",
    "Suite",
    "SuiteSpec",
    "TranslationDoc",
    "load_suite",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldFact(_Strict):
    """A fact the output must convey. Covered when one output unit matches every term group.

    `match` is a list of term groups; each group lists accepted alternatives (case-insensitive
    substrings), e.g. `[["Belousov", "Belousow"], ["30 November", "November 30"]]`.
    """

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    statement: str = Field(min_length=5)
    match: list[list[str]] = Field(min_length=1)
    speaker: list[str] = Field(
        default_factory=list,
        description="Who the article says asserts the fact, in every accepted spelling (e.g. "
        "['KCNA', 'Korean Central News Agency', 'state media']); empty: the outlet itself, no "
        "named source.",
    )
    kind: ClaimKind | None = Field(
        None,
        description="The claim kind a faithful claim of this fact has: quote only for words "
        "in quotation marks in the source; None: not annotated.",
    )

    @model_validator(mode="after")
    def _groups_not_empty(self) -> GoldFact:
        if any(not group or any(not alt.strip() for alt in group) for group in self.match):
            raise ValueError(f"fact {self.id}: every term group needs non-empty alternatives")
        if any(not s.strip() for s in self.speaker):
            raise ValueError(f"fact {self.id}: speaker spellings must not be empty")
        return self


class GoldContradiction(_Strict):
    """A statement that would be false about the article (swapped roles, a wrong date, a wrong
    country, an inverted meaning). Found when one output unit matches every term group of
    `match` and contains none of the `unless` terms (which keep a true statement that shares
    the terms from counting)."""

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    statement: str = Field(min_length=5)
    match: list[list[str]] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _groups_not_empty(self) -> GoldContradiction:
        if any(not group or any(not alt.strip() for alt in group) for group in self.match):
            raise ValueError(f"contradiction {self.id}: term groups need non-empty alternatives")
        return self


class GoldEntity(_Strict):
    """A named entity with every accepted spelling (the first is canonical)."""

    type: EntityType
    spellings: list[str] = Field(min_length=1)

    @property
    def name(self) -> str:
        """The canonical spelling."""
        return self.spellings[0]


class GoldNumber(_Strict):
    """A number or date that must come through exactly, in any accepted spelling."""

    label: str
    spellings: list[str] = Field(min_length=1)


class ReferenceTranslation(_Strict):
    """A careful human English translation of the title (if any) and the first paragraphs."""

    title_en: str | None = None
    paragraphs_en: list[str] = Field(min_length=1)
    first_paragraph: int | None = Field(
        None,
        ge=1,
        description="The article's paragraph (its non-empty lines numbered from 1, the headline "
        "included) that paragraphs_en[0] translates, when paragraphs that are not news (a "
        "dateline, a photo caption) come between the headline and it; unset: the first "
        "paragraph after the headline.",
    )


class GoldRecord(_Strict):
    """Everything the suite knows about one article."""

    id: str
    article: str = Field(description="Path of the article file, relative to the suite folder.")
    language: str = Field(min_length=2, max_length=3)
    facts: list[GoldFact] = Field(min_length=1)
    entities: list[GoldEntity] = Field(default_factory=list)
    numbers: list[GoldNumber] = Field(default_factory=list)
    leaks: list[str] = Field(
        default_factory=list, description="Boilerplate that must never appear in the output."
    )
    reference: ReferenceTranslation | None = None
    contradictions: list[GoldContradiction] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_fact_ids(self) -> GoldRecord:
        ids = [f.id for f in self.facts]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: fact ids must be unique")
        return self


class Discrepancy(_Strict):
    """Two reports of one event that disagree on a detail.

    `values` describes each article's version for people; `match` lists, per article, the
    accepted English forms of its value (case-insensitive substrings), e.g. `{"001_…":
    ["30 November", "November 30"]}`: an output keeps the value, or a digest reports it,
    when it holds one of them. Without `match` the value itself must appear verbatim.
    """

    articles: list[str] = Field(min_length=2)
    about: str
    values: dict[str, str]
    match: dict[str, list[str]] = Field(default_factory=dict)

    def forms(self, article: str) -> list[str]:
        """The accepted forms of `article`'s value."""
        return self.match.get(article) or [self.values[article]]


class SuiteSpec(_Strict):
    """suite.yaml: what the suite is and what holds across its articles."""

    name: str
    kind: Literal["gold", "translation"] = "gold"
    description: str = ""
    same_event: list[list[str]] = Field(default_factory=list)
    different_events: list[list[str]] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)


class TranslationDoc(_Strict):
    """One document of a translation suite: source paragraphs and aligned references."""

    id: str
    source_paragraphs: list[str] = Field(min_length=1)
    references: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _aligned(self) -> TranslationDoc:
        n = len(self.source_paragraphs)
        if any(len(ref) != n for ref in self.references):
            raise ValueError(f"{self.id}: every reference needs {n} paragraphs")
        return self


class Suite(BaseModel):
    """A loaded suite: its spec, folder, and gold records or translation documents."""

    model_config = ConfigDict(frozen=True)

    spec: SuiteSpec
    path: Path
    records: list[GoldRecord] = Field(default_factory=list)
    documents: list[TranslationDoc] = Field(default_factory=list)

    def article_path(self, record: GoldRecord) -> Path:
        """Absolute path of a record's article."""
        return (self.path / record.article).resolve()


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read suite file: {exc}") from None


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def load_suite(path: Path) -> Suite:
    """Load and validate a suite folder; any problem is a `ConfigError` naming the file."""
    spec_path = path / "suite.yaml"
    if not spec_path.is_file():
        raise ConfigError(f"{path}: not a suite (no suite.yaml)")
    try:
        spec = SuiteSpec.model_validate(_read_yaml(spec_path))
    except ValidationError as exc:
        raise ConfigError(f"{spec_path}: {_problems(exc)}") from None
    records: list[GoldRecord] = []
    documents: list[TranslationDoc] = []
    if spec.kind == "gold":
        for file in sorted((path / "gold").glob("*.yaml")):
            try:
                record = GoldRecord.model_validate(_read_yaml(file))
            except ValidationError as exc:
                raise ConfigError(f"{file}: {_problems(exc)}") from None
            if not (path / record.article).is_file():
                raise ConfigError(f"{file}: article {record.article} not found in {path}")
            if Path(record.article).suffix.lower() != ".txt":
                raise ConfigError(f"{file}: article {record.article} is not a plain-text .txt file")
            records.append(record)
        if not records:
            raise ConfigError(f"{path}: no gold records in {path / 'gold'}")
        known = {r.id for r in records}
        for group in [*spec.same_event, *spec.different_events]:
            if unknown := set(group) - known:
                raise ConfigError(f"{spec_path}: unknown article ids {sorted(unknown)}")
    else:
        docs_path = path / "documents.jsonl"
        try:
            lines = docs_path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"{docs_path}: {exc}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                documents.append(TranslationDoc.model_validate(json.loads(line)))
            except (ValidationError, json.JSONDecodeError) as exc:
                raise ConfigError(f"{docs_path}:{n}: {exc}") from None
        if not documents:
            raise ConfigError(f"{docs_path}: no documents")
    return Suite(spec=spec, path=path.resolve(), records=records, documents=documents)
