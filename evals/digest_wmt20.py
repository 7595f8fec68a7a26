"""False merges of the digest on unrelated news: the 118 WMT20 documents, as fixed results.

Each document becomes a result without a summarizing model: its German text is the article,
its human reference translation gives the English (headline, summary, key points, and one
claim per source sentence, attributed by code), so the figure isolates the digest (blocking,
the model's pair judgement, the date rule) from per-article quality. The documents are news
from a few days in 2019; any group the digest forms is printed for review, and counted as a
false merge unless the documents report one event.

    .venv/bin/python evals/digest_wmt20.py [--model qwen2.5-coder-1.5b] [--data DIR] [--out F]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from summarizer import Settings, Summarizer
from summarizer.alignment import align
from summarizer.article import from_text
from summarizer.attribution import attribute_all
from summarizer.schema import ArticleResult, Attempts, Claim, Provenance, Usage

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt20_de_en"


def reference_result(doc: dict[str, object]) -> ArticleResult:
    """A result for one WMT20 document built from its human reference (no model)."""
    id = str(doc["doc_id"])
    article = from_text(str(doc["source_de"]), id=id)
    lines = str(doc["reference_en"]).split("\n")
    english: dict[int, str] = {}
    for index, reference in enumerate(lines[: len(article.paragraphs)]):
        sentences = [s for s in article.sentences if s.paragraph == index]
        rendered = align([s.text for s in sentences], reference)
        for sentence, text in zip(sentences, rendered, strict=True):
            if text:
                english[sentence.number] = text
    triples = ((s.number, s.paragraph, s.text) for s in article.sentences)
    said = attribute_all(triples, english, article.language)
    claims = [
        Claim(
            text_en=english[s.number],
            speaker=said[s.number].speaker,
            attribution=said[s.number].cue,
            kind=said[s.number].kind,
            quote=s.text,
            start=s.start,
            end=s.end,
        )
        for s in article.sentences
        if s.number in english
    ]
    body = [c.text_en for c in claims[1:]]
    return ArticleResult(
        id=id,
        source_path=None,
        sha256=article.sha256,
        language="de",
        title_original=article.title,
        title_en=lines[0],
        summary_en=" ".join(body[:2]),
        key_points_en=body[2:5] or body[:1],
        entities=[],
        claims=claims,
        translation_en="\n\n".join(lines),
        removed=list(article.removed),
        rejected_claims=[],
        provenance=Provenance(
            model="human reference",
            endpoint_host="none",
            mode="none",
            prompt_versions={},
            schema_hash="",
            cache={},
            attempts=Attempts(),
            usage=Usage(),
            seconds=0.0,
            summarizer_version="",
            preprocessing_version=article.preprocessing,
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, help="Also write the digest (JSON) there.")
    args = parser.parse_args()
    lines = (args.data / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    results = [reference_result(json.loads(line)) for line in lines if line.strip()]
    started = time.perf_counter()
    settings = Settings.from_env(**({"model": args.model} if args.model else {}))
    with Summarizer(settings) as summarizer:
        digest = summarizer.digest(results)
    seconds = time.perf_counter() - started
    if args.out:
        args.out.write_text(digest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    titles = {r.id: r.title_en for r in results}
    merged = [e for e in digest.events if len(e.articles) > 1]
    for event in merged:
        print(f"group: {', '.join(f'{a} ({titles[a]})' for a in event.articles)}")
    judged = [p for p in digest.pairs if p.by == "model"]
    said_same = sum(1 for p in digest.pairs if "the model: same event" in p.reason)
    print(
        f"{len(results)} documents, {len(digest.pairs)} candidate pairs ({len(judged)} judged "
        f"by the model as given, {said_same} 'same event' held back for want of a shared date "
        "or figure), "
        f"{len(merged)} group(s), {len(digest.links)} link(s); {digest.calls} model calls "
        f"in {seconds:.0f} s ({settings.model})"
    )
    print(f"digest_wmt20 documents={len(results)} groups={len(merged)} calls={digest.calls}")


if __name__ == "__main__":
    main()
