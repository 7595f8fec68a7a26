"""Prompt templates: versioned TOML data files in prompts/, validated on load and fingerprinted.

A task file `extends` a shared file: the shared messages come first. Every call about an
article is one conversation that starts with `base`: the system message, then the article one
paragraph at a time, each paragraph (a user message) followed by its English translation (the
model's own earlier answer). A translate call is that conversation up to the paragraph to
translate; the summary and claims calls append their task to the whole of it. Each call's
prompt thus begins with the previous call's prompt and answer, which llama.cpp's prompt cache
already holds: the server reads every paragraph and translation once.

A message with `repeat = "turns"` is a block: consecutive such messages are sent once per item
of the `turns` variable, which they see as `turn` (an assistant message is left out for a turn
with no `answer` yet). Templates are Jinja; article text is never formatted into them here:
instructor renders them with `context=` at call time.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.cache import canonical_json
from summarizer.errors import PromptError

__all__ = ["TASKS", "Message", "PromptTemplate", "bundled_prompts_dir", "load_prompt"]

TASKS = ("translate", "summary", "claims", "merge")


class Message(BaseModel):
    """One chat message template."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str = Field(min_length=1)
    repeat: Literal["turns"] | None = None
    when: str | None = Field(
        None, description="In a `repeat` block: sent only for items where this field is set."
    )


class _PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z_]+$")
    version: str = Field(min_length=1)
    description: str = ""
    extends: str | None = None
    variables: list[str] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)


@dataclass(frozen=True)
class PromptTemplate:
    """A task's full message list (base first), its versions and a content fingerprint."""

    name: str
    version: str
    messages: tuple[Message, ...]
    variables: frozenset[str]
    fingerprint: str

    def as_messages(self, context: dict[str, Any] | None = None) -> list[dict[str, str]]:
        """Messages in the OpenAI wire shape, still unrendered, with each `repeat` block sent
        once per item of `context[block]` (the item is `turn` in its templates)."""
        out: list[dict[str, str]] = []
        messages = list(self.messages)
        i = 0
        while i < len(messages):
            block = messages[i].repeat
            if block is None:
                out.append({"role": messages[i].role, "content": messages[i].content})
                i += 1
                continue
            j = i
            while j < len(messages) and messages[j].repeat == block:
                j += 1
            for n, item in enumerate((context or {}).get(block) or []):
                for m in messages[i:j]:
                    if m.when is not None and not item.get(m.when):
                        continue
                    if m.when is None and m.role == "assistant" and item.get("answer") is None:
                        continue
                    out.append({"role": m.role, "content": _in_turn(m.content, block, n)})
            i = j
        return out


def _in_turn(content: str, block: str, index: int) -> str:
    """A `repeat` message's template as sent for item `index` of `block`: `turn` bound to it."""
    return "{% set turn = " + f"{block}[{index}]" + " %}" + content


def bundled_prompts_dir() -> Path:
    """The prompts shipped with summarizer (wheel) or the repository's prompts/ (source)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_prompts", here.parent / "prompts"):
        if (candidate / "base.toml").is_file():
            return candidate
    raise PromptError(f"no prompts directory found next to {here}")


def _read(path: Path) -> _PromptFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"prompt file not found: {path}", path=path) from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PromptError(f"{path}: cannot parse: {exc}", path=path) from None
    try:
        parsed = _PromptFile.model_validate(data)
    except ValidationError as exc:
        raise PromptError(f"{path}: invalid prompt file: {exc}", path=path) from None
    if parsed.name != path.stem:
        raise PromptError(f"{path}: name {parsed.name!r} must match the file name", path=path)
    return parsed


def _check_variables(path: Path, messages: list[Message], declared: set[str]) -> None:
    env = SandboxedEnvironment()
    used: set[str] = set()
    for message in messages:
        if message.repeat is not None:
            used.add(message.repeat)
        try:
            source = message.content
            if message.repeat is not None:  # as `as_messages` sends it
                source = _in_turn(source, message.repeat, 0)
            used |= meta.find_undeclared_variables(env.parse(source))
        except TemplateSyntaxError as exc:
            raise PromptError(f"{path}: template syntax error: {exc}", path=path) from None
    if undeclared := used - declared:
        raise PromptError(f"{path}: undeclared variables {sorted(undeclared)}", path=path)
    if unused := declared - used:
        raise PromptError(f"{path}: declared but unused variables {sorted(unused)}", path=path)


@cache
def load_prompt(name: str, directory: Path | None = None) -> PromptTemplate:
    """Load, compose and validate the template for task `name`."""
    directory = directory or bundled_prompts_dir()
    path = directory / f"{name}.toml"
    chain = [_read(path)]  # the task, then what it extends, and so on
    while (parent := chain[-1].extends) is not None:
        if parent in {f.name for f in chain}:
            raise PromptError(f"{path}: {parent!r} extends itself", path=path)
        chain.append(_read(directory / f"{parent}.toml"))
    chain.reverse()  # the shared prefix first
    task = chain[-1]
    messages = [m for f in chain for m in f.messages]
    if not messages:
        raise PromptError(f"{path}: no messages", path=path)
    variables = {v for f in chain for v in f.variables}
    versions = [f"{f.name}@{f.version}" for f in chain]
    _check_variables(path, messages, variables)
    fingerprint = hashlib.sha256(
        canonical_json([m.model_dump() for m in messages]).encode("utf-8")
    ).hexdigest()[:16]
    return PromptTemplate(
        name=task.name,
        version="+".join(versions),
        messages=tuple(messages),
        variables=frozenset(variables),
        fingerprint=fingerprint,
    )
