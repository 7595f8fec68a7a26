"""Benchmark: digesting 10,000 results against the fake server.

Writes N synthetic result files (a few thousand stories; one in five reported by two or three
outlets, a day apart, with names spelled two ways; the rest alone), then digests the folder
as `summarizer digest` does: read, block, judge candidate pairs, group, merge, find
discrepancies. The fake server (its own process, no latency, `tests.responders:
digest_responder`) answers "same event" for equal headlines. Prints the client's seconds
(wall and CPU), its peak memory, the model calls per article, and how well the grouping
matched the stories. Goals: under 60 s client time at 10,000 and under 2 calls per article.

    python benchmarks/digest.py [--results 10000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import start_server

from summarizer import Settings, Summarizer
from summarizer.digest import load_results
from summarizer.render import to_json
from summarizer.schema import ArticleResult, Attempts, Claim, Entity, Provenance, Usage

_SYLLABLES = "ka lo mi ren tor val shi nu bel ous ger han pet ro lin mar da vik sel".split()
_TOPICS = (
    "budget railway hospital election court harbour school bridge airport tariff reform "
    "strike flood museum festival treaty pipeline vaccine satellite stadium"
).split()
_MONTHS = "January February March April May June July August September October November".split()
_MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(4)).capitalize()  # 130,321 names


def _result(id: str, story: dict[str, str], day: int, spelling: str) -> ArticleResult:
    when = f"{day} {story['month']}"
    lead = f"{story['who']} {spelling} met {story['whom']} in {story['where']} on {when}."
    quote = f"{story['who']} {spelling} traf am {day}. {story['month_de']} {story['whom']}."
    second = (
        f"{story['who']} {spelling} said the {story['topic']} plan costs {story['cost']} million."
    )
    claims = [
        Claim(text_en=t, speaker=s, attribution="", kind=k, quote=q, start=o, end=o + len(q))
        for t, s, k, q, o in (
            (lead, "the outlet", "statement", quote, 0),
            (second, story["who"], "report", f"Er sagte, der Plan koste {story['cost']}.", 100),
        )
    ]
    return ArticleResult(
        id=id,
        source_path=None,
        sha256="0" * 64,
        language="de",
        title_original=None,
        title_en=story["title"],
        summary_en=f"{lead} {second}",
        key_points_en=[lead, second, f"The {story['topic']} plan was discussed."],
        entities=[
            Entity(name=f"{story['who']} {spelling}", type="person"),
            Entity(name=story["whom"], type="person"),
            Entity(name=story["where"], type="place"),
        ],
        claims=claims,
        translation_en=f"{lead}\n\n{second}",
        removed=[],
        rejected_claims=[],
        provenance=Provenance(
            model="fake-model",
            endpoint_host="127.0.0.1",
            mode="json_schema",
            prompt_versions={},
            schema_hash="x",
            cache={},
            attempts=Attempts(),
            usage=Usage(),
            seconds=0.0,
            summarizer_version="bench",
            preprocessing_version="bench",
        ),
    )


def write_results(folder: Path, n: int, seed: int = 11) -> list[list[str]]:
    """Write `n` result files; returns the stories' article ids (the true events)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    events: list[list[str]] = []
    written = 0
    while written < n:
        month = rng.randrange(len(_MONTHS))
        who, whom, where = _name(rng), _name(rng), _name(rng)
        topic = rng.choice(_TOPICS)
        story = {
            "who": who,
            "whom": whom,
            "where": where,
            "topic": topic,
            "month": _MONTHS[month],
            "month_de": _MONTHS_DE[month],
            "cost": str(rng.randrange(10, 900)),
            "title": f"{who} and {whom} discuss the {topic} in {where}",
        }
        copies = min(n - written, rng.choice((1, 1, 1, 1, 2, 3)))
        day = rng.randrange(2, 27)
        ids = []
        for c in range(copies):
            id = f"r{written:05d}"
            spelling = _name(random.Random(f"{who}{c % 2}"))  # the same surname, two ways
            result = _result(id, story, day + c % 2, spelling)
            (folder / f"{id}.json").write_text(to_json(result), encoding="utf-8")
            ids.append(id)
            written += 1
        events.append(ids)
    return events


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for g in groups for a, b in combinations(sorted(g), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=int, default=10_000)
    args = parser.parse_args()
    server, base_url = start_server(0.0, "tests.responders:digest_responder")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            truth = write_results(root / "out", args.results)
            settings = Settings(
                model="fake-model",
                base_url=base_url,
                api_key="bench",
                mode="json_schema",
                cache_dir=root / "cache",
                concurrency=32,
            )
            wall, cpu = time.perf_counter(), time.process_time()
            results, errors = load_results([root / "out"])
            with Summarizer(settings) as summarizer:
                digest = summarizer.digest(results, errors)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        server.kill()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    true_pairs, found_pairs = _pairs(truth), _pairs([e.articles for e in digest.events])
    right = len(true_pairs & found_pairs)
    n = len(results)
    print(
        f"{n} results: {wall:.1f} s wall, {cpu:.1f} s CPU in the client, peak {peak_mb:.0f} MB; "
        f"{len(digest.pairs)} candidate pairs, {digest.calls} model calls "
        f"({digest.calls / n:.3f} per article); {len(digest.events)} events "
        f"(true {len(truth)}); same-event pairs found {right}/{len(true_pairs)}, "
        f"false merges {len(found_pairs - true_pairs)}"
    )
    print(
        f"digest results={n} seconds={wall:.1f} cpu_seconds={cpu:.1f} peak_mb={peak_mb:.0f} "
        f"calls_per_article={digest.calls / n:.3f} "
        f"pair_recall={right / max(1, len(true_pairs)):.3f} "
        f"false_merges={len(found_pairs - true_pairs)}"
    )


if __name__ == "__main__":
    main()
