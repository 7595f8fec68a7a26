"""Engines that run a batch beyond this machine's processes: a Ray cluster (extra `ray`).

`summarizer run INPUT --engine ray` and `Summarizer.summarize_dataset` run the per-article
pipeline as Ray Data: the inputs become a dataset of rows (`ray_rows`), `map_batches` hands
them to article actors (`ray_actor.ArticleActor`), each with its own `ArticleRunner` (async
client, cache handle, request slots), and the results come back in input order or go to a
JSONL/Parquet dataset (`ray_engine.RayEngine`). Not `ray.data.llm`: one independent request
per row would break an article's conversation, the validators that read `context=`, and the
re-asks. What the worker processes of `summarizer.workers` leave to their parent, a Ray run
keeps in one small actor (`ray_shared.RunState`): the token budget, the 429 pause, the stop
after an auth or quota error, and which input first had a text.

```
driver                                   RunState (1 actor)         ArticleActor (N actors)
  iter_sources, memo lookups               budget, pause,
  from_items(rows).map_batches(...)  ──▶   stop, first inputs   ◀──▶  claim / admit / spend,
  rows back in input order           ◀──────────────────────────────  pause relayed, watched
  (or write_json / write_parquet)
```

Ray is imported only when a run starts (`require_ray`): without the extra, nothing here
needs it, and `--engine ray` exits 2 naming `pip install 'summarizer[ray]'`.
"""

from __future__ import annotations

from summarizer.engines.ray_engine import RAY_INSTALL, DatasetReport, RayEngine, require_ray

__all__ = ["RAY_INSTALL", "DatasetReport", "RayEngine", "require_ray"]
