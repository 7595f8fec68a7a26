"""A batch on the embedded model: one slot against two (issue 18's goal: two ≥ 1.3× one).

Writes WMT20 news documents of 120–300 words (the first `--articles` by id, from the shared
data) to a folder, then summarizes them twice with `summarizer run DIR --refresh` (a cold LLM
cache), with `-j 1` and with `-j 2`, one after the other, and prints both wall times and
`ratio = one slot ÷ two slots` (throughput of two slots against one).

    .venv/bin/python benchmarks/embedded_batch.py [--articles 20] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt20_de_en" / "documents.jsonl"


def write_documents(folder: Path, articles: int, data: Path = DATA) -> int:
    """The first `articles` documents of 120–300 words, by id, as `<doc_id>.txt` files."""
    docs = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    chosen = [
        d for d in sorted(docs, key=lambda d: d["id"]) if 120 <= len(d["source_de"].split()) <= 300
    ]
    for doc in chosen[:articles]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["source_de"], encoding="utf-8")
    return len(chosen[:articles])


def timed_run(folder: Path, out: Path, slots: int, model: str) -> float:
    """Seconds of one cold `summarizer run` over `folder` with `slots` requests in flight."""
    cli = Path(sys.executable).with_name("summarizer")  # the venv's console script
    command = [str(cli), "run", str(folder), "-o", str(out)]
    command += ["-j", str(slots), "--refresh", "--model", model]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        n = write_documents(folder, args.articles, args.data)
        one = timed_run(folder, Path(tmp) / "out1", 1, args.model)
        two = timed_run(folder, Path(tmp) / "out2", 2, args.model)
    print(f"articles={n} model={args.model}")
    print(f"one slot  {one:8.1f} s  ({one / n:.1f} s an article)")
    print(f"two slots {two:8.1f} s  ({two / n:.1f} s an article)")
    print(f"embedded_batch ratio={one / two:.3f} (goal >= 1.3)")


if __name__ == "__main__":
    main()
