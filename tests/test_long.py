"""Long articles: chunked so every call fits the context, offsets valid against the whole text."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from summarizer import Summarizer
from summarizer.article import PARAGRAPH_SEPARATOR, from_text
from summarizer.budget import TRANSLATION_PIECE_CHARS, TURN_CHARS, chunk_chars
from summarizer.chunking import plan_chunks
from summarizer.testing import FakeLLMServer, FakeReply

CONTEXT = 4096
CHARS_PER_TOKEN = 2.5  # conservative for German (measured ~2.9 with the Qwen tokenizer)
ENGLISH_CHARS_PER_TOKEN = 3.5  # conservative for English (~4)


def long_article(words: int, *, seed: int = 3) -> str:
    rng = random.Random(seed)
    vocab = (
        "Regierung Minister Bericht Sitzung Stadt Land Entscheidung Haushalt Gericht Polizei "
        "Verhandlung Zeitung Woche Jahr Montag Behörde Sprecher Kommission Plan Reform"
    ).split()
    paragraphs, count, n = [], 0, 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            body = " ".join(rng.choice(vocab).lower() for _ in range(rng.randint(8, 16)))
            sentences.append(f"Der Sprecher sagte am {1 + n % 28}. Mai, {body} sei wichtig.")
            n += 1
        paragraph = " ".join(sentences)
        count += len(paragraph.split())
        paragraphs.append(paragraph)
    paragraphs.append(
        "Dieser Absatz hat einen einzigen, sehr langen Satz " + "und noch mehr " * 400
    )
    return "Großer Bericht über die Lage\n\n" + "\n".join(paragraphs)


def test_chunks_cover_every_sentence_once_and_respect_the_size() -> None:
    article = from_text(long_article(5_000), max_chars=1_000_000)
    limit = chunk_chars(CONTEXT)
    chunks = plan_chunks(article, limit)
    assert len(chunks) > 5
    numbers = [s.number for c in chunks for s in c.sentences]
    assert numbers == [s.number for s in article.sentences]
    for chunk in chunks:
        assert chunk.chars <= limit or len(chunk.sentences) == 1
    short = from_text("Ein kurzer Artikel. Er hat zwei Sätze.")
    assert len(plan_chunks(short, limit)) == 1


def test_a_chunk_counts_a_turn_for_every_piece_it_is_translated_in() -> None:
    """One 7,000-character paragraph is translated in pieces of at most 1,000 characters, each
    its own turn with its own overhead: every chunk's text plus its turns fits the limit."""
    sentences = [f"Der Sprecher sagte am {1 + i % 28}. Mai, der Plan sei gut." for i in range(160)]
    article = from_text("Ein sehr langer Absatz\n\n" + " ".join(sentences), max_chars=1_000_000)
    limit = 3_000
    chunks = plan_chunks(article, limit)
    assert len(chunks) > 2
    turns = [len(chunk.pieces(article, TRANSLATION_PIECE_CHARS)) for chunk in chunks]
    assert max(turns) > 1  # chunks of several pieces, each a turn
    for chunk, n in zip(chunks, turns, strict=True):
        assert chunk.chars + TURN_CHARS * n <= limit, (chunk.index, chunk.chars, n)


def test_30000_words_pass_with_every_call_inside_the_context(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    text = long_article(30_000)
    article = from_text(text, max_chars=1_000_000)
    s = make_summarizer(fake, context_tokens=CONTEXT, max_chars=1_000_000, concurrency=1)
    result = s.summarize_text(text, id="long")
    # Paragraph-aligned translation of the whole text.
    translated = result.translation_en.split(PARAGRAPH_SEPARATOR)
    assert len(translated) == len(article.paragraphs)
    assert all(t.startswith("EN: ") for t in translated)
    # Claims from every chunk, grounded against the whole cleaned text.
    chunks = plan_chunks(article, chunk_chars(CONTEXT))
    assert len(result.claims) >= len(chunks)
    assert max(c.start for c in result.claims) > len(article.text) // 2
    for claim in result.claims:
        assert article.text[claim.start : claim.end] == claim.quote
    # One summary per chunk; merges in groups that fit, then a final merge.
    calls = result.provenance.cache
    assert sum(k.split(":")[-1].isdigit() for k in calls if k.startswith("summary:")) == len(chunks)
    assert calls["summary:merge"] == "miss"
    assert any(k.startswith("summary:merge:0.") for k in calls)
    # Every request fits: prompt (estimated conservatively) plus its output budget.
    for request in fake.chat_requests:
        text = "".join(str(m.get("content", "")) for m in request.messages)
        text += json.dumps(request.response_format or {})
        # The model's answers (translations) are English in real use (the fake echoes German).
        english = "".join(
            str(m.get("content", "")) for m in request.messages if m["role"] == "assistant"
        )
        tokens = (len(text) - len(english)) / CHARS_PER_TOKEN + len(
            english
        ) / ENGLISH_CHARS_PER_TOKEN
        max_tokens = int(request.body["max_tokens"])
        assert tokens + max_tokens <= CONTEXT, (tokens, max_tokens)
    assert result.provenance.attempts.truncated == 0


def test_a_cut_off_answer_is_split_never_used(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    """finish_reason == "length" is detected on a paragraph and its halves are used."""
    body = " ".join(f"Satz Nummer {i} steht hier." for i in range(30))
    text = f"Titel des Berichts\n\n{body}"
    strict_fake.enqueue(
        FakeReply(content="Report title"),
        FakeReply(content="Sentence one to", finish_reason="length"),
        FakeReply(content="First half."),
        FakeReply(content="Second half."),
        FakeReply.json(
            {
                "title_en": "Report",
                "summary_sentences": ["A report lists sentences.", "It has thirty."],
                "key_points_en": ["one", "two", "three"],
                "entities": [],
            }
        ),
        FakeReply.json(
            {
                "claims": [
                    {
                        "sentence": 2,
                        "speaker": "the article",
                        "kind": "report",
                        "attribution": "",
                        "text_en": "Sentence 0 is here.",
                    }
                ]
            }
        ),
    )
    result = make_summarizer(strict_fake).summarize_text(text, id="cut")
    contents = [r.messages[-1]["content"] for r in strict_fake.chat_requests[:4]]
    assert "Satz Nummer 0 steht hier." in contents[2]
    assert "Satz Nummer 29 steht hier." in contents[3]
    assert "Satz Nummer 29" not in contents[2]
    assert result.translation_en.split(PARAGRAPH_SEPARATOR) == [
        "Report title",
        "First half. Second half.",
    ]
    assert "Sentence one to" not in result.translation_en
    assert result.provenance.attempts.truncated == 1
    # The cut-off is cached as such: a rerun takes the same split path with no request.
    sent = len(strict_fake.chat_requests)
    again = make_summarizer(strict_fake).summarize_text(text, id="cut")
    assert len(strict_fake.chat_requests) == sent
    assert again.translation_en == result.translation_en
    assert set(again.provenance.cache.values()) == {"hit"}
