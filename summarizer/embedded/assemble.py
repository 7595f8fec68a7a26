"""Joining an embedded model's parts into one verified GGUF file in the models directory.

`model_path` concatenates the chunks once into `<models_dir>/<name>-<sha256[:12]>.gguf`
(temp file, sha256 check, atomic rename); later calls reuse that file after a cheap size check.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO

from summarizer.embedded.catalog import EmbeddedModel, PartsLocator, installed_parts
from summarizer.errors import EmbeddedModelError

__all__ = ["model_path"]

_CHUNK = 8 * 1024 * 1024
_FREE_SPACE_MARGIN = 64 * 1024 * 1024


def _cached_file(model: EmbeddedModel, models_dir: Path) -> Path:
    return models_dir / f"{model.name}-{model.sha256[:12]}.gguf"


def model_path(
    model: EmbeddedModel, models_dir: Path, *, locate_parts: PartsLocator = installed_parts
) -> Path:
    """Return the assembled GGUF of `model` in `models_dir`, assembling and verifying it once.

    A file already there is reused when its size matches (its name carries the sha256 and it
    only gets that name after verification). Otherwise the parts are concatenated into a temp
    file in `models_dir`, checked against the pinned sha256 and renamed into place atomically.
    Raises EmbeddedModelError when parts are missing (naming the pip command), on a checksum
    mismatch (the temp file is removed) or when the disk is too full.
    """
    target = _cached_file(model, models_dir)
    with contextlib.suppress(OSError):
        if target.stat().st_size == model.size:
            return target
    parts = _find_parts(model, locate_parts)
    _check_room(model, models_dir)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=models_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            written, actual = _concatenate(parts, out)
        if written != model.size or actual != model.sha256:
            raise EmbeddedModelError(
                f"embedded model {model.name!r} failed verification: assembled {written} bytes "
                f"with sha256 {actual}, expected {model.size} bytes with sha256 "
                f"{model.sha256}; reinstall it with: {model.install_command} --force-reinstall"
            )
        with contextlib.suppress(OSError):
            tmp.chmod(0o644)  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise EmbeddedModelError(f"cannot assemble {model.name!r}: {exc}") from exc
        raise
    return target


def _find_parts(model: EmbeddedModel, locate_parts: PartsLocator) -> list[Traversable]:
    """Every part of `model` in order; EmbeddedModelError naming the missing packages."""
    parts: list[Traversable] = []
    missing: list[str] = []
    for dist in model.distributions:
        found = locate_parts(dist)
        if found:
            parts.extend(found)
        else:
            missing.append(dist)
    if missing:
        raise EmbeddedModelError(
            f"embedded model {model.name!r} is not installed (missing packages: "
            f"{', '.join(missing)}); install it with: {model.install_command}"
        )
    return parts


def _check_room(model: EmbeddedModel, models_dir: Path) -> None:
    """Create `models_dir`; EmbeddedModelError when it is unusable or too full for `model`."""
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(models_dir).free
    except OSError as exc:
        raise EmbeddedModelError(f"cannot use models directory {models_dir}: {exc}") from exc
    if free < model.size + _FREE_SPACE_MARGIN:
        raise EmbeddedModelError(
            f"not enough disk space in {models_dir} to assemble {model.name!r}: "
            f"need {model.size / 1e6:.0f} MB, {free / 1e6:.0f} MB free"
        )


def _concatenate(parts: list[Traversable], out: IO[bytes]) -> tuple[int, str]:
    """Copy `parts` into `out` in order and sync it; return the bytes written and their sha256."""
    digest = hashlib.sha256()
    written = 0
    for part in parts:
        with part.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                written += len(chunk)
    out.flush()
    os.fsync(out.fileno())
    return written, digest.hexdigest()
