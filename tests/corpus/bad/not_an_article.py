"""A Python module, not a news article: the loader must refuse it."""

import json
from pathlib import Path

DEFAULTS = {"retries": 3, "timeout": 10}


def load_config(path: Path) -> dict[str, int]:
    data = json.loads(path.read_text())
    merged = {**DEFAULTS, **data}
    return merged


class Cache:
    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.items.get(key)
