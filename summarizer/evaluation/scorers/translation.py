"""Translation scorers: sacrebleu chrF2 and BLEU against one or more reference translations."""

from __future__ import annotations

from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from summarizer.evaluation.gold import GoldRecord
from summarizer.evaluation.metrics import (
    TRANSLATION_PREFIX,
    Metrics,
    Score,
    reference_chrf_name,
    translation_names,
)
from summarizer.schema import ArticleResult

__all__ = ["TranslationScore", "reference_chrf", "translation_chrf"]


class TranslationScore(Score):
    """sacrebleu chrF2 and BLEU (0-100) of a translation against one or more references.

    `aligned` is False when the paragraph counts differ; the joined document texts were then
    scored as one segment each.
    """

    chrf: float
    bleu: float
    chrf_per_reference: list[float]
    aligned: bool
    hypothesis_paragraphs: int
    reference_paragraphs: list[int]
    chrf_signature: str
    bleu_signature: str

    def metrics(self, prefix: str = TRANSLATION_PREFIX) -> Metrics:
        """`<prefix>_chrf`, `_bleu`, `_aligned` (1.0 or 0.0) and `_chrf_ref<k>` per reference."""
        chrf, bleu, aligned = translation_names(prefix)
        out: Metrics = {chrf: self.chrf, bleu: self.bleu, aligned: 1.0 if self.aligned else 0.0}
        for k, score in enumerate(self.chrf_per_reference, 1):
            out[reference_chrf_name(prefix, k)] = score
        return out


def translation_chrf(hypothesis: list[str], references: list[list[str]]) -> TranslationScore:
    """Score hypothesis paragraphs against reference streams (each a list of paragraphs).

    Aligned (every reference has as many paragraphs as the hypothesis): corpus chrF/BLEU over
    the paragraphs, with all references at once (sacrebleu takes the best per segment) and
    per reference. Otherwise (a model dropped or merged a paragraph) each side is joined with
    spaces into one segment and `aligned` is False.
    """
    if not references:
        raise ValueError("translation_chrf needs at least one reference")
    aligned = all(len(ref) == len(hypothesis) for ref in references) and bool(hypothesis)
    if aligned:
        system, streams = list(hypothesis), [list(ref) for ref in references]
    else:
        system, streams = [" ".join(hypothesis)], [[" ".join(ref)] for ref in references]
    chrf, bleu = CHRF(), BLEU()
    chrf_score = float(chrf.corpus_score(system, streams).score)
    chrf_signature = str(chrf.get_signature().format())
    bleu_score = float(bleu.corpus_score(system, streams).score)
    bleu_signature = str(bleu.get_signature().format())
    return TranslationScore(
        chrf=chrf_score,
        bleu=bleu_score,
        chrf_per_reference=[float(CHRF().corpus_score(system, [s]).score) for s in streams],
        aligned=aligned,
        hypothesis_paragraphs=len(hypothesis),
        reference_paragraphs=[len(ref) for ref in references],
        chrf_signature=chrf_signature,
        bleu_signature=bleu_signature,
    )


def reference_chrf(
    result: ArticleResult, record: GoldRecord, raw_text: str = ""
) -> TranslationScore | None:
    """chrF of the result's title and first translated paragraphs against `record.reference`.

    None when the record has no reference. With a reference title, `title_en` is scored as
    the first segment against it. `translation_en`'s first paragraph is the headline whenever
    the reference has a title or the pipeline detected one (`title_original`), so body
    paragraphs then start at index 1; the next `len(paragraphs_en)` of them are scored. A
    reference with `first_paragraph` starts at the translation of that paragraph of the
    article instead (`raw_text`, the input the result's removed spans index, tells which
    paragraphs boilerplate removal took out before it).
    """
    reference = record.reference
    if reference is None:
        return None
    paragraphs = [p.strip() for p in result.translation_en.split("\n\n") if p.strip()]
    has_title = reference.title_en is not None or result.title_original is not None
    start = int(has_title)
    if reference.first_paragraph is not None:
        start = _kept_index(raw_text, result, reference.first_paragraph)
    body = paragraphs[start:][: len(reference.paragraphs_en)]
    hypothesis, expected = body, list(reference.paragraphs_en)
    if reference.title_en is not None:
        hypothesis, expected = [result.title_en, *body], [reference.title_en, *expected]
    return translation_chrf(hypothesis, [expected])


def _kept_index(raw_text: str, result: ArticleResult, number: int) -> int:
    """The index, among the paragraphs the pipeline kept, of the article's paragraph `number`
    (its non-empty lines numbered from 1): those before it that one removed span covers
    whole are not counted."""
    lines: list[tuple[int, int]] = []
    offset = 0
    for line in raw_text.split("\n"):
        if line.strip():
            start = offset + len(line) - len(line.lstrip())
            lines.append((start, offset + len(line.rstrip())))
        offset += len(line) + 1
    gone = sum(
        any(r.start <= start and end <= r.end for r in result.removed)
        for start, end in lines[: number - 1]
    )
    return number - 1 - gone
