"""Code attribution against the gold, with no model: every source sentence a claim.

Each gold article's sentences are aligned to its human reference translation
(`summarizer.alignment`), attributed by code (`summarizer.attribution`) and scored by the
eval's own speaker and kind scorers, as if the model had translated like the reference and
picked every sentence. This isolates the attribution rules from translation quality: a rule
change shows here in a second, before a model run confirms it.

    .venv/bin/python evals/reference_attribution.py evals/seeds evals/wmt20 [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

from summarizer.alignment import align
from summarizer.article import decode, from_text, read_bytes
from summarizer.attribution import attribute_all
from summarizer.evaluation.gold import GoldRecord, load_suite
from summarizer.evaluation.scorers.attribution import kind_accuracy, speaker_accuracy
from summarizer.schema import ArticleResult, Claim


def reference_claims(record: GoldRecord, folder: Path) -> list[Claim]:
    """One claim per source sentence with reference English, attributed by code."""
    assert record.reference is not None
    article = from_text(decode(read_bytes(folder / record.article)), id=record.id)
    references = list(record.reference.paragraphs_en)
    if article.title and record.reference.title_en:
        references.insert(0, record.reference.title_en)
    english: dict[int, str] = {}
    for index, reference in enumerate(references[: len(article.paragraphs)]):
        sentences = [s for s in article.sentences if s.paragraph == index]
        rendered = align([s.text for s in sentences], reference)
        for sentence, text in zip(sentences, rendered, strict=True):
            if text:
                english[sentence.number] = text
    triples = ((s.number, s.paragraph, s.text) for s in article.sentences)
    attributions = attribute_all(triples, english, article.language)
    return [
        Claim.model_construct(
            text_en=english[s.number],
            speaker=attributions[s.number].speaker,
            attribution=attributions[s.number].cue,
            kind=attributions[s.number].kind,
            quote=s.text,
            start=s.start,
            end=s.end,
        )
        for s in article.sentences
        if s.number in english
    ]


def score(folders: list[Path], *, verbose: bool = False) -> tuple[int, int, int, int]:
    """Speakers right and judged, kinds right and judged, over the suites in `folders`."""
    right = judged = kinds_right = kinds_judged = 0
    for folder in folders:
        for record in load_suite(folder).records:
            if record.reference is None:
                continue
            claims = reference_claims(record, folder)
            result = ArticleResult.model_construct(claims=claims)
            speakers, kinds = speaker_accuracy(result, record), kind_accuracy(result, record)
            ok = sum(c.correct for c in speakers.checks)
            kinds_ok = sum(c.correct for c in kinds.checks)
            right, judged = right + ok, judged + len(speakers.checks)
            kinds_right, kinds_judged = kinds_right + kinds_ok, kinds_judged + len(kinds.checks)
            if not verbose:
                continue
            print(f"{record.id[:30]:30} speaker {ok}/{len(speakers.checks)}"
                  f"  kind {kinds_ok}/{len(kinds.checks)}")  # fmt: skip
            for check in speakers.checks:
                if not check.correct:
                    quote = claims[check.claims[0]].quote[:100]
                    print(f"    speaker {check.speakers} for {check.expected[:3]}: {quote}")
            for kind in kinds.checks:
                if not kind.correct:
                    print(f"    kind {kind.kind} for {kind.expected}: "
                          f"{claims[kind.index].quote[:100]}")  # fmt: skip
    return right, judged, kinds_right, kinds_judged


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv if not a.startswith("-")]
    right, judged, kinds_right, kinds_judged = score(folders, verbose="-v" in argv)
    print(f"speaker accuracy {right}/{judged}, kind accuracy {kinds_right}/{kinds_judged}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
