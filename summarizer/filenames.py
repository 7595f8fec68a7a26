"""Safe file names: any article id becomes one name that stays inside the output folder.

An id comes from a file name or a record's `id` field, so it may hold anything: path
separators, `..`, control characters, characters Windows forbids, undecodable bytes (as
surrogate escapes from `os.fsdecode`), or hundreds of characters. `safe_name` keeps a clean id
as it is and otherwise replaces what is unsafe, cuts it to a bounded length and appends `~`
and 12 hex digits of the id's SHA-256. A kept name never ends that way (an id that does is
treated as changed), so two different ids never share a name, and the same id always gets the
same one. The result's `id` field keeps the original id.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = ["MAX_NAME_BYTES", "display", "safe_name", "safe_path"]

MAX_NAME_BYTES = 150
"""UTF-8 bytes of a name before its extension: file systems allow 255, and the atomic writer's
temporary sibling adds 38 (`.<name>.json.<32 hex>.tmp`)."""

_HASH_CHARS = 12
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\ud800-\udfff]')
_HASHED = re.compile(rf"~[0-9a-f]{{{_HASH_CHARS}}}$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}


def _digest(id: str) -> str:
    return hashlib.sha256(id.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 fits in `max_bytes`."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def _is_clean(id: str) -> bool:
    return (
        bool(id)
        and not _UNSAFE.search(id)
        and not id.startswith((".", " ", "-"))
        and not id.endswith((".", " "))
        and not _HASHED.search(id)
        and id.split(".")[0].upper() not in _RESERVED
        and len(id.encode("utf-8")) <= MAX_NAME_BYTES
    )


def safe_name(id: str) -> str:
    """A file name stem for `id`: the id itself when safe, else a cleaned, cut, hashed form."""
    if _is_clean(id):
        return id
    cleaned = _UNSAFE.sub("_", id).strip(". -")
    suffix = f"~{_digest(id)}"
    return _cut(cleaned, MAX_NAME_BYTES - len(suffix)) + suffix


def safe_path(out_dir: Path, id: str, extension: str) -> Path:
    """`out_dir/<safe_name(id)><extension>`, checked to resolve inside `out_dir`."""
    path = out_dir / f"{safe_name(id)}{extension}"
    if path.resolve().parent != out_dir.resolve():  # a guard: safe_name makes this impossible
        raise ValueError(f"refusing to write {path}: outside {out_dir}")
    return path


def display(text: str) -> str:
    """Text for people and JSON: undecodable bytes (surrogate escapes from `os.fsdecode`) and
    any other lone surrogate become U+FFFD, which UTF-8 and JSON can carry."""
    return _SURROGATE.sub("\ufffd", text)
