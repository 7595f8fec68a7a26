"""Build the translation suite from the WMT20 de-en documents (a one-off, reproducible script).

Reads `documents.jsonl` of shared/data/wmt20_de_en (one German-original WMT20 news document
per line: `id`, `n_segments`, `source_de`, `reference_en`, `reference_en_B`, one segment per
line of text) and writes a translation suite folder for `summarizer.evaluation.load_suite`:

- `documents.jsonl`: one `TranslationDoc` per line (`id`, `source_paragraphs` = the German
  lines, `references` = [reference A lines, reference B lines]);
- `suite.yaml`: name, kind "translation", a description with the provenance and licence;
- `PROVENANCE.md`: the source's provenance note plus which documents were selected and how.

By default it keeps the 10 shortest documents (fewest characters of German source text, ties
broken by id), so an eval on a slow CPU model stays affordable; `--all` keeps all of them.

    python evals/translation/make_subset.py /work/shared/data/wmt20_de_en/documents.jsonl \
        evals/translation
    python evals/translation/make_subset.py SRC /tmp/wmt20_all --all   # then --suite /tmp/...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DESCRIPTION = (
    "WMT20 newstest2020 German->English, German-original news documents with two independent "
    "professional English references (A and B), one paragraph per WMT segment. Source: "
    "Helsinki-NLP/OPUS-MT-testsets (newstest2020.de, newstest2020.en, newstestB2020.en) with "
    "document ids from WMT-Metrics-task/wmt20-metrics. Licence: none stated by either "
    "repository; the WMT test sets are distributed for research use under the WMT terms. "
    "See PROVENANCE.md."
)


def convert(doc: dict[str, Any]) -> dict[str, Any]:
    """One WMT document as a `TranslationDoc` dict; raises ValueError if lines misalign."""
    source = doc["source_de"].split("\n")
    refs = [doc["reference_en"].split("\n"), doc["reference_en_B"].split("\n")]
    counts = {len(source), *(len(r) for r in refs), doc["n_segments"]}
    if len(counts) != 1:
        raise ValueError(f"{doc['id']}: segment counts differ: {sorted(counts)}")
    if any(not line.strip() for line in [*source, *refs[0], *refs[1]]):
        raise ValueError(f"{doc['id']}: empty segment")
    return {"id": doc["id"], "source_paragraphs": source, "references": refs}


def select(docs: list[dict[str, Any]], count: int | None) -> list[dict[str, Any]]:
    """The `count` shortest documents by German characters (ties by id), or all if None."""
    if count is None:
        return docs
    return sorted(docs, key=lambda d: (len(d["source_de"]), d["id"]))[:count]


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML scalars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="wmt20_de_en/documents.jsonl")
    parser.add_argument("out", type=Path, help="suite folder to write")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="convert every document")
    group.add_argument("--count", type=int, default=10, help="shortest documents to keep")
    args = parser.parse_args(argv)

    lines = args.source.read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    chosen = select(docs, None if args.all else args.count)
    converted = [convert(doc) for doc in chosen]

    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "documents.jsonl").open("w", encoding="utf-8") as f:
        for item in converted:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    name = "translation-all" if args.all else "translation"
    (args.out / "suite.yaml").write_text(
        f"name: {name}\nkind: translation\ndescription: {_yaml_string(DESCRIPTION)}\n",
        encoding="utf-8",
    )
    provenance = args.source.with_name("PROVENANCE.md").read_text(encoding="utf-8").rstrip()
    how = (
        f"all {len(docs)} documents, in source order"
        if args.all
        else f"the {len(chosen)} documents with the fewest characters of German source text "
        f"(`len(source_de)`), ties broken by id, listed shortest first"
    )
    rows = "\n".join(f"| `{d['id']}` | {d['n_segments']} | {len(d['source_de'])} |" for d in chosen)
    (args.out / "PROVENANCE.md").write_text(
        f"{provenance}\n\n## This suite\n\n"
        f"Made by `evals/translation/make_subset.py` from `{args.source.name}`: {how}. "
        "Each document's segments (one per line) become its paragraphs; `references` are "
        "[reference A, reference B], aligned segment by segment (checked by the script).\n\n"
        f"| id | segments | German chars |\n|---|---|---|\n{rows}\n",
        encoding="utf-8",
    )
    segments = sum(len(d["source_paragraphs"]) for d in converted)
    print(f"wrote {len(converted)} documents ({segments} segments) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
