"""A fake-server responder answering summarizer's own tasks (translate, summary, claims).

Shared by the tests and the benchmarks (`from tests.responders import article_responder`; a
fake-server subprocess takes `--responder tests.responders:article_responder`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from summarizer.testing import FakeReply, RecordedRequest

__all__ = ["article_responder", "digest_responder"]

_TRANSLATION_REASK = "That translation left out or changed"


def article_responder(request: RecordedRequest) -> FakeReply:
    """Valid answers for summarizer's own three tasks, derived from the request alone.

    translate (the conversation ends with a paragraph to translate) → that paragraph,
    sentence numbers kept, prefixed with "EN:"; summary → a fixed-shape summary naming the
    article's sentence count; claims → the first three numbered sentences as claims. The reply
    is shaped for the request's mode (tool call, json_schema content, or a ```json block).
    """
    messages = [(str(m.get("role")), str(m.get("content", ""))) for m in request.messages[1:]]
    paragraphs = [
        c.split("<paragraph>", 1)[1].split("</paragraph>", 1)[0].strip()
        for _, c in messages
        if "<paragraph>" in c
    ]
    article_text = "\n".join(paragraphs)
    # The task is the first user message that is no paragraph (re-asks append more after it);
    # with none, the last paragraph is to be translated, also when a translation's re-ask
    # ("That translation left out …", `summarizer.fidelity`) is the last message.
    tasks = [
        c
        for role, c in messages
        if role == "user" and "<paragraph>" not in c and not c.startswith(_TRANSLATION_REASK)
    ]
    if not tasks:
        return FakeReply(content=f"EN: {paragraphs[-1] if paragraphs else ''}")
    task_text = tasks[0]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", article_text)]
    sentence_texts = {  # names and numbers of each sentence, so claims refer to their own
        int(n): " ".join(re.findall(r"\d+|[A-ZÄÖÜ][\w\-]{4,}", text)[:3])
        for n, text in re.findall(r"\[(\d+)\] (.*?)(?= \[\d+\]|\n|$)", article_text)
    }
    if '"claims"' in task_text:
        answer: dict[str, Any] = {
            "claims": [
                {
                    "sentence": n,
                    "speaker": "the article",
                    "attribution": "",
                    "kind": "report",
                    "text_en": f"Claim made in sentence {n} about {sentence_texts.get(n, '')}.",
                }
                for n in numbers[:3]
            ]
        }
    else:
        answer = {
            "title_en": "A fake headline",
            "summary_sentences": [
                f"The article has {len(numbers)} sentences.",
                "This is a fake summary.",
            ],
            "key_points_en": ["first point", "second point", "third point"],
            "entities": [{"name": "Fake Person", "type": "person"}],
        }
    if request.tools:
        name = str((request.tools[0].get("function") or {}).get("name", "tool"))
        return FakeReply.tool(name, answer)
    if request.response_format:
        return FakeReply.json(answer)
    return FakeReply(content="```json\n" + json.dumps(answer) + "\n```")


def digest_responder(request: RecordedRequest) -> FakeReply:
    """Valid answers for the digest's two tasks, derived from the request alone (any other
    request gets `article_responder`'s answer).

    digest_pair → "same_event" when the two reports' headlines are equal, else "different";
    digest_event → the first report's headline, a fixed summary, and no difference dismissed.
    """
    system = str(request.messages[0].get("content", "")) if request.messages else ""
    if "comparing news reports" not in system:
        return article_responder(request)
    user = str(request.messages[1].get("content", ""))
    headlines = re.findall(r"^Headline: (.*)$", user, flags=re.MULTILINE)
    answer: dict[str, Any]
    if "Differences found" in user:
        answer = {
            "title": headlines[0] if headlines else "An event",
            "summary_sentences": ["The reports agree on the event.", "This is a fake summary."],
            "dismissed": [],
        }
    else:
        same = len(headlines) == 2 and headlines[0] == headlines[1]
        answer = {
            "reason": "Equal headlines." if same else "Different headlines.",
            "relation": "same_event" if same else "different",
        }
    if request.tools:
        name = str((request.tools[0].get("function") or {}).get("name", "tool"))
        return FakeReply.tool(name, answer)
    if request.response_format:
        return FakeReply.json(answer)
    return FakeReply(content="```json\n" + json.dumps(answer) + "\n```")
