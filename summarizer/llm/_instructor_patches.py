"""Speed-ups monkeypatched into instructor, each applied only to the versions it was written for.

instructor renders each message as a Jinja template with the call's `context=` (the article
is a variable, never part of the template source). It compiles the template anew on every
call, which was the largest client cost of a batch (~2 ms a call); `apply_template` compiles
each distinct template once, with the same sandboxed environment and output. instructor also
checks a response model for async validators ~8 times per call; `reject_async_validators_once`
checks each model once. A patch whose version range or target attribute does not match the
installed instructor is skipped (logged at debug level) and instructor is left as is.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.metadata
import logging
import re
import textwrap
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "SUPPORTED_VERSIONS",
    "apply_instructor_patches",
    "apply_template",
    "patch_applies",
    "reject_async_validators_once",
]

log = logging.getLogger(__name__)

SUPPORTED_VERSIONS = ((1, 17), (1, 18))
"""instructor versions the patches were written for: from the first up to (not incl.) the last;
pyproject pins instructor>=1.17,<1.18."""

_TEMPLATING = "instructor.v2.core.templating"
_ASYNC_VALIDATORS = "instructor.v2.validation.async_validators"
_PATCH = "instructor.v2.core.patch"


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _release(version: str) -> tuple[int, ...] | None:
    """The leading numeric release of a version string ("1.17.2rc1" -> (1, 17, 2))."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group().split(".")) if match else None


@functools.cache
def _installed_version() -> str:
    return importlib.metadata.version("instructor")


def patch_applies(version: str, module: ModuleType | None, attribute: str) -> bool:
    """Whether a patch of `module.attribute` fits: `version` (instructor's) lies within
    `SUPPORTED_VERSIONS` and the attribute exists. Logs why not at debug level."""
    low, high = SUPPORTED_VERSIONS
    release = _release(version)
    if release is None or not low <= release < high:
        log.debug("instructor %s is not in %s..%s: %s not patched", version, low, high, attribute)
        return False
    if module is None or not hasattr(module, attribute):
        name = module.__name__ if module is not None else "its module"
        log.debug("instructor %s has no %s.%s: not patched", version, name, attribute)
        return False
    return True


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return SandboxedEnvironment().from_string(source)


def apply_template(text: str, context: dict[str, Any]) -> str:
    """instructor's `apply_template`, with each template compiled once instead of per call."""
    rendered = _compiled(text).render(**context)
    if rendered.startswith((" ", "\t")) or "\n " in rendered or "\n\t" in rendered:
        return textwrap.dedent(rendered)
    return rendered  # no line starts with blanks: dedent would return it unchanged


_async_validators = _module(_ASYNC_VALIDATORS)
_reject_async_validators: Callable[[Any], None] | None = getattr(
    _async_validators, "reject_async_validators", None
)
_without_async_validators: weakref.WeakSet[Any] = weakref.WeakSet()


def reject_async_validators_once(response_model: Any) -> None:
    """instructor's check that `response_model` has no async validators, done once per model.

    instructor runs it 8 times per structured call, each a walk over every attribute of the
    model's classes (~100 us for our models); a model class does not change between calls.
    A model that fails raises every time, as before.
    """
    if response_model in _without_async_validators:
        return
    if _reject_async_validators is not None:  # always set where this is patched in
        _reject_async_validators(response_model)
    with contextlib.suppress(TypeError):  # None or a typing construct: checked each time
        _without_async_validators.add(response_model)


def apply_instructor_patches(version: str | None = None) -> None:
    """Apply each patch that fits `version` (default: the installed instructor's); idempotent.

    The async-validator check is replaced in its module, where instructor's functions import
    it at call time, and in `patch`, which imported it at load time."""
    if version is None:
        version = _installed_version()
    templating = _module(_TEMPLATING)
    if patch_applies(version, templating, "apply_template") and templating is not None:
        templating.apply_template = apply_template  # type: ignore[attr-defined]
    modules = [_async_validators, _module(_PATCH)]
    if all(patch_applies(version, module, "reject_async_validators") for module in modules):
        for module in modules:
            if module is not None:
                check_once = reject_async_validators_once
                module.reject_async_validators = check_once  # type: ignore[attr-defined]
