"""The rows of a Ray run: inputs and outcomes as Arrow rows, and where a dataset of them goes.

Rows are plain dicts of str, bytes and int, so that Arrow carries them in blocks:

- an input row names one source as `summarizer.sources` found it on the driver (its id and
  origin, the path as bytes since a file name need not be UTF-8, a record as JSON text), at
  its `index` in the input order, or says why it cannot be read (`error`);
- an outcome row carries the result as JSON (`status` "ok"), the error pickled with its data
  (`status` "error"), or the earlier input a duplicate repeats (`status` "duplicate"), with
  the SHA-256 of the cleaned text (duplicates) and the article's memo key (the checkpoint).

A dataset written by `--dataset` holds `DATASET_COLUMNS`: the outcome without the pickle.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

from summarizer.batch import Duplicate, Item, ItemError
from summarizer.errors import ConfigError, InputError, SummarizerError
from summarizer.schema import ArticleResult, Usage
from summarizer.sources import Source

__all__ = [
    "DATASET_COLUMNS",
    "dataset_exists",
    "dataset_format",
    "dataset_row",
    "duplicate_row",
    "error_row",
    "input_row",
    "item_of",
    "ok_row",
    "source_of",
]

DATASET_COLUMNS = (
    "index",
    "id",
    "source_path",
    "status",
    "result",
    "error_kind",
    "error",
    "text_sha256",
    "memo_key",
)
"""The columns of a written dataset; `result` is the article's JSON result (as `--out` files
hold it) when `status` is "ok"."""

_DUPLICATE_OF = "duplicate of "


def input_row(index: int, source: Source, *, error: str = "") -> dict[str, Any]:
    """The row of `source`, the `index`-th input; `error` if it cannot be read on the cluster."""
    if source.error is not None:
        error = str(source.error)
    path = os.fsencode(source.path.absolute()) if source.path is not None else b""
    record = json.dumps(source.record) if source.record is not None else ""
    return {
        "index": index,
        "id": source.id,
        "origin": source.origin,
        "path": path,
        "record": record,
        "error": error,
    }


def source_of(row: dict[str, Any]) -> Source:
    """The `Source` an input row names (an unreadable one carries its `InputError`)."""
    error = InputError(row["error"], path=row["origin"]) if row["error"] else None
    path = Path(os.fsdecode(row["path"])) if row["path"] else None
    record = json.loads(row["record"]) if row["record"] else None
    return Source(row["id"], row["origin"], path=path, record=record, error=error)


def _outcome(row: dict[str, Any], status: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "index": row["index"],
        "id": row["id"],
        "source_path": row["origin"],
        "status": status,
        "result": "",
        "error_kind": "",
        "error": "",
        "error_pickle": b"",
        "text_sha256": "",
        "memo_key": "",
        "requests": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
    }
    base.update(fields)
    return base


def ok_row(
    row: dict[str, Any], result: ArticleResult, digest: str, memo_key: str
) -> dict[str, Any]:
    """The outcome row of a summarized (or recalled) article."""
    return _outcome(
        row, "ok", result=result.model_dump_json(), text_sha256=digest, memo_key=memo_key
    )


def error_row(row: dict[str, Any], item: ItemError, digest: str = "") -> dict[str, Any]:
    """The outcome row of a failed article, its error pickled with its data."""
    try:
        pickled = pickle.dumps(item.error, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error that cannot cross processes goes as its type and text
        plain = SummarizerError(f"unexpected {item.kind}: {item.message}")
        pickled = pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)
    return _outcome(
        row,
        "error",
        error_kind=item.kind,
        error=item.message,
        error_pickle=pickled,
        text_sha256=digest,
        requests=item.requests,
        prompt_tokens=item.usage.prompt_tokens,
        completion_tokens=item.usage.completion_tokens,
    )


def duplicate_row(row: dict[str, Any], of: str, digest: str) -> dict[str, Any]:
    """The outcome row of an input whose cleaned text an earlier input (`of`) has."""
    return _outcome(row, "duplicate", error=f"{_DUPLICATE_OF}{of}", text_sha256=digest)


def item_of(row: dict[str, Any]) -> Item:
    """The batch `Item` an outcome row stands for (a duplicate's `of` is decided later, by the
    driver in input order)."""
    if row["status"] == "ok":
        return ArticleResult.model_validate_json(row["result"])
    if row["status"] == "duplicate":
        return Duplicate(
            id=row["id"], path=row["source_path"], of=row["error"].removeprefix(_DUPLICATE_OF)
        )
    error = pickle.loads(row["error_pickle"])
    usage = Usage(prompt_tokens=row["prompt_tokens"], completion_tokens=row["completion_tokens"])
    return ItemError(row["id"], row["source_path"], error, usage=usage, requests=row["requests"])


def dataset_row(row: dict[str, Any]) -> dict[str, Any]:
    """An outcome row as a written dataset holds it (`DATASET_COLUMNS`)."""
    return {name: row[name] for name in DATASET_COLUMNS}


def dataset_format(destination: str) -> str:
    """The format of a dataset at `destination`, by its suffix: "parquet" or "json" (lines)."""
    suffix = destination.rstrip("/").rsplit(".", 1)[-1].lower()
    if suffix == "parquet":
        return "parquet"
    if suffix in ("jsonl", "json"):
        return "json"
    raise ConfigError(f"--dataset {destination}: the name must end in .jsonl or .parquet")


def dataset_exists(destination: str) -> bool:
    """Whether a dataset (a file or folder, local or at a URI) is at `destination`."""
    import pyarrow.fs

    if "://" in destination:
        fs, path = pyarrow.fs.FileSystem.from_uri(destination)
    else:
        fs, path = pyarrow.fs.LocalFileSystem(), str(Path(destination).absolute())
    info = fs.get_file_info(path)
    return bool(info.type != pyarrow.fs.FileType.NotFound)
