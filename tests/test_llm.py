"""LLMClient on the wire: the body it sends is what openai's create() would send."""

from __future__ import annotations

import asyncio
from textwrap import dedent
from typing import Any

import openai
import pytest
from jinja2.sandbox import SandboxedEnvironment

from summarizer import Settings
from summarizer.llm import LLMClient, request_params
from summarizer.llm._instructor_patches import apply_template
from summarizer.prompts import TASKS, load_prompt
from summarizer.tasks import ClaimPicks, SummaryDraft
from summarizer.testing import FakeLLMServer
from tests.responders import article_responder

CONTEXT: dict[str, Any] = {
    "sentences": [
        {"number": 1, "text": "Er sagte: {{ 7*7 }} sei {% raw %} gut.", "start": 0, "end": 38},
        {"number": 2, "text": "Die Polizei bestätigte das am Montag.", "start": 39, "end": 75},
    ],
    "turns": [  # a translated paragraph, then one still to translate
        {
            "sentences": [{"number": 1, "text": "Er sagte: {{ 7*7 }} sei {% raw %} gut."}],
            "translate": True,
            "answer": "[1] He said: {{ 7*7 }} was {% raw %} good.",
        },
        {
            "sentences": [{"number": 2, "text": "Die Polizei bestätigte das am Montag."}],
            "translate": True,
        },
    ],
    "max_claims": 3,
    "hints": [{"number": 2, "cue": "bestätigte"}],
    "parts": [{"title": "T", "summary": "It said {{ 7*7 }}.", "points": ["p"]}],
}


def rendered(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The messages as instructor documents templating: Jinja in a sandbox, then dedent."""
    return [
        {**m, "content": dedent(SandboxedEnvironment().from_string(m["content"]).render(CONTEXT))}
        for m in messages
    ]


def client_for(server: FakeLLMServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


@pytest.mark.parametrize("task", TASKS)
def test_request_body_equals_create_with_rendered_messages(task: str) -> None:
    template = load_prompt(task)
    schema = {"summary": SummaryDraft, "merge": SummaryDraft, "claims": ClaimPicks}.get(task)
    settings = Settings(model="fake-model", base_url="http://127.0.0.1:9/v1", mode="json_schema")

    async def both(server: FakeLLMServer) -> None:
        llm = LLMClient(settings, client=client_for(server), extra_body={"cache_prompt": True})
        for _ in range(2):  # the second call renders from the compiled-template cache
            if schema is None:
                await llm.text(
                    task=task,
                    messages=template.as_messages(CONTEXT),
                    context=CONTEXT,
                    max_tokens=99,
                    stop=["\n"],
                )
            else:
                await llm.structured(
                    task=task,
                    messages=template.as_messages(CONTEXT),
                    context=CONTEXT,
                    response_model=schema,
                    max_tokens=99,
                )
        ours = server.chat_requests[-1].body
        direct = client_for(server)
        extra = request_params(
            settings,
            max_tokens=99,
            extra_body={"cache_prompt": True},
            stop=["\n"] if schema is None else None,
        )
        if schema is not None:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema()},
            }
        await direct.chat.completions.create(
            messages=rendered(template.as_messages(CONTEXT)), **extra
        )
        assert ours == server.chat_requests[-1].body
        assert "{{ 7*7 }}" in str(ours) and "49" not in str(ours)
        if task != "merge":  # the conversation: paragraph, its answer as written, paragraph
            roles = [m["role"] for m in ours["messages"]]
            assert roles[:4] == ["system", "user", "assistant", "user"]
            assert ours["messages"][2]["content"] == CONTEXT["turns"][0]["answer"]
        await llm.aclose()
        await direct.close()

    with FakeLLMServer(responder=article_responder) as server:
        asyncio.run(both(server))


@pytest.mark.parametrize(
    "text",
    ["a\n  b", "  a\n  b", "a\n\tb", "a\n \nb", "\n  a\n  b", "a\nb\n", "a  b\n\nc", "x\n   \n"],
)
def test_rendered_messages_are_dedented_exactly_as_instructor_does(text: str) -> None:
    """The fast path (no line starts with a blank: nothing to dedent) changes nothing."""
    assert apply_template("{{ t }}", {"t": text}) == dedent(text)


def test_async_validator_check_runs_once_per_model_and_still_rejects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """instructor's check for async validators walks a model once, not on each of its ~8 runs
    per call; a model that has one is still refused, every time."""
    import instructor.v2.core.patch as instructor_patch
    import instructor.v2.validation.async_validators as instructor_async_validators
    from instructor.v2.validation.async_validators import async_field_validator
    from pydantic import BaseModel

    from summarizer.llm import _instructor_patches as patches

    walked: list[Any] = []
    original = patches._reject_async_validators

    def counting(model: Any) -> None:
        walked.append(model)
        original(model)

    monkeypatch.setattr(patches, "_reject_async_validators", counting)
    monkeypatch.setattr(patches, "_without_async_validators", patches.weakref.WeakSet())
    settings = Settings(model="fake-model", base_url="http://127.0.0.1:9/v1", mode="json_schema")
    template = load_prompt("summary")

    class Checked(BaseModel):
        text: str

        @async_field_validator("text")
        async def _check(self, value: str) -> str:
            return value

    async def calls(server: FakeLLMServer) -> None:
        llm = LLMClient(settings, client=client_for(server))
        for module in (instructor_patch, instructor_async_validators):
            assert module.reject_async_validators is patches.reject_async_validators_once
        for _ in range(3):
            await llm.structured(
                task="summary",
                messages=template.as_messages(CONTEXT),
                context=CONTEXT,
                response_model=SummaryDraft,
                max_tokens=99,
            )
        for _ in range(2):
            with pytest.raises(ValueError, match="async validators are not supported"):
                patches.reject_async_validators_once(Checked)
        await llm.aclose()

    with FakeLLMServer(responder=article_responder) as server:
        asyncio.run(calls(server))
        assert len(server.chat_requests) == 3
    assert walked == [SummaryDraft, Checked, Checked]
