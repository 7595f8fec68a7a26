"""Pure scorers: compare one article's result with its gold record, source or references.

Every scorer returns a frozen `Score`: `model_dump()` gives its JSON-ready details for review,
`metrics()` the flat numbers (named in `summarizer.evaluation.metrics`) that a run collects per
article and passes to `aggregate`. Nothing here reads files, calls a model or keeps state.
"""

from summarizer.evaluation.scorers.attribution import (
    KindAccuracy,
    KindCheck,
    SpeakerAccuracy,
    SpeakerCheck,
    kind_accuracy,
    speaker_accuracy,
)
from summarizer.evaluation.scorers.calls import CallScores, call_stats
from summarizer.evaluation.scorers.contradictions import (
    ContradictionHit,
    ContradictionReport,
    contradiction_count,
)
from summarizer.evaluation.scorers.facts import (
    ClaimMatch,
    ClaimMatching,
    FactCoverage,
    claim_matching,
    fact_coverage,
)
from summarizer.evaluation.scorers.grounding import (
    GroundingFailure,
    GroundingProblem,
    GroundingScore,
    grounding_precision,
)
from summarizer.evaluation.scorers.grouping import (
    DiscrepancyRecall,
    GroupingScore,
    discrepancy_recall,
    grouping_score,
)
from summarizer.evaluation.scorers.language import (
    GermanField,
    LanguageReport,
    german_field_count,
)
from summarizer.evaluation.scorers.leaks import LeakHit, LeakReport, leak_count
from summarizer.evaluation.scorers.spellings import (
    EntityRecall,
    NumberRecall,
    entity_recall,
    number_recall,
)
from summarizer.evaluation.scorers.translation import (
    TranslationScore,
    reference_chrf,
    translation_chrf,
)

__all__ = [
    "CallScores",
    "ClaimMatch",
    "ClaimMatching",
    "ContradictionHit",
    "ContradictionReport",
    "DiscrepancyRecall",
    "EntityRecall",
    "FactCoverage",
    "GermanField",
    "GroundingFailure",
    "GroundingProblem",
    "GroundingScore",
    "GroupingScore",
    "KindAccuracy",
    "KindCheck",
    "LanguageReport",
    "LeakHit",
    "LeakReport",
    "NumberRecall",
    "SpeakerAccuracy",
    "SpeakerCheck",
    "TranslationScore",
    "call_stats",
    "claim_matching",
    "contradiction_count",
    "discrepancy_recall",
    "entity_recall",
    "fact_coverage",
    "german_field_count",
    "grounding_precision",
    "grouping_score",
    "kind_accuracy",
    "leak_count",
    "number_recall",
    "reference_chrf",
    "speaker_accuracy",
    "translation_chrf",
]
