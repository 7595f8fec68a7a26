"""Batch API jobs (`summarizer run --batch`, `summarizer batch`): rounds of batch requests,
validated and re-asked here, their state in the cache directory.

    job = BatchJob.start(["articles/"], settings, out_dir=Path("out"))
    async for item in job.run(poll_interval=60):
        ...
    # another day, another process:
    job = BatchJob.open("job-20261205T010203Z-a1b2c3", settings)
"""

from summarizer.batchjob.answers import BatchAnswers, RequestFailure, request_id
from summarizer.batchjob.job import MAX_ROUNDS, BatchJob
from summarizer.batchjob.state import JobState, RoundState, job_dir

__all__ = [
    "MAX_ROUNDS",
    "BatchAnswers",
    "BatchJob",
    "JobState",
    "RequestFailure",
    "RoundState",
    "job_dir",
    "request_id",
]
