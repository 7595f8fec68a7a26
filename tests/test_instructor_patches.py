"""The instructor monkeypatches apply only to the instructor versions they were written for."""

from __future__ import annotations

import types
from typing import Any

import instructor.v2.core.patch as instructor_patch
import instructor.v2.core.templating as instructor_templating
import instructor.v2.validation.async_validators as instructor_async_validators
import pytest

from summarizer.llm import _instructor_patches as patches


@pytest.mark.parametrize("version", ["1.16.9", "1.18.0", "2.0.0", "1.9", "not-a-version", ""])
def test_guard_refuses_a_version_outside_the_supported_range(version: str) -> None:
    assert not patches.patch_applies(version, instructor_templating, "apply_template")


@pytest.mark.parametrize("version", ["1.17", "1.17.0", "1.17.5", "1.17.1rc1"])
def test_guard_accepts_a_supported_version_with_the_attribute(version: str) -> None:
    assert patches.patch_applies(version, instructor_templating, "apply_template")


def test_guard_refuses_a_missing_attribute_or_module() -> None:
    assert not patches.patch_applies("1.17.0", types.ModuleType("empty"), "apply_template")
    assert not patches.patch_applies("1.17.0", None, "apply_template")


def test_an_unsupported_version_leaves_instructor_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    modules: list[Any] = [instructor_templating, instructor_async_validators, instructor_patch]
    sentinels = {}
    for module in modules:
        name = "apply_template" if module is instructor_templating else "reject_async_validators"
        sentinels[module] = sentinel = object()
        monkeypatch.setattr(module, name, sentinel)

    patches.apply_instructor_patches("1.18.0")
    assert instructor_templating.apply_template is sentinels[instructor_templating]
    for module in (instructor_async_validators, instructor_patch):
        assert module.reject_async_validators is sentinels[module]

    patches.apply_instructor_patches("1.17.0")
    assert instructor_templating.apply_template is patches.apply_template
    for module in (instructor_async_validators, instructor_patch):
        assert module.reject_async_validators is patches.reject_async_validators_once
