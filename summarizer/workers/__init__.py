"""Worker processes: a batch's articles summarized in several interpreters at once.

One event loop drives only so many requests a second (openai, instructor and HTTP cost a few
ms of CPU each, `benchmarks/throughput.py`): with many requests in flight against a fast
endpoint, a batch hands its articles to worker processes, each with its own loop and client.
A worker reads the shared cache itself but relays its writes to the parent, the one writing
process: a worker's loop never runs SQLite writes nor waits for another process's lock. The
parent keeps what needs one view of the run (`summarizer.batch`): inputs, duplicates, order,
the token budget, the finished-article memo and the cache writes.

A worker is a fresh `python` running `summarizer.workers.serve`; it never re-imports the
caller's `__main__`. The two talk over its stdin and stdout with pickled messages (its own
output goes to stderr):

```
parent                                      worker
  (Settings, prompts_dir, log levels)  ──▶    builds an ArticleRunner
                                       ◀──    ("ready", pid)
  ("job", id, Article, slots)          ──▶    ArticleRunner.run on its own loop, with at
                                              most `slots` requests in flight
  ("cancel", id)                       ──▶    cancels that article
  ("pause", seconds)                   ──▶    every call waits (another worker saw a 429)
                                       ◀──    ("pause", seconds)  this worker saw a 429
                                       ◀──    ("cache", key, json)  an entry to write
                                       ◀──    ("done", id, result, error, Ledger)
```

A worker that dies fails only the articles it held (their finished calls' entries reached the
parent: a rerun resumes them), and a new one takes its place. Workers that cannot start raise
`WorkersUnavailable`; the batch then runs in the parent.
"""

from __future__ import annotations

from summarizer.workers.pool import Outcome, WorkerPool
from summarizer.workers.process import serve

__all__ = ["Outcome", "WorkerPool", "serve"]
