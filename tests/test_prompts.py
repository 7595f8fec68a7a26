"""Prompt files: composed along `extends`, validated on load, fingerprinted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from summarizer import PromptError
from summarizer.prompts import TASKS, bundled_prompts_dir, load_prompt


def copy_prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(bundled_prompts_dir(), folder)
    return folder


def test_calls_about_an_article_share_the_longest_prefix() -> None:
    base = load_prompt("base").messages
    english = load_prompt("english").messages
    assert english[: len(base)] == base
    for task in ("translate", "summary", "claims"):
        assert load_prompt(task).messages[: len(base)] == base
    for task in ("summary", "claims"):  # the translation is read once for both
        assert load_prompt(task).messages[: len(english)] == english
    assert load_prompt("claims").version.startswith("base@1+english@1+claims@")


def test_every_task_loads_with_a_distinct_fingerprint() -> None:
    fingerprints = {load_prompt(task).fingerprint for task in TASKS}
    assert len(fingerprints) == len(TASKS)


def test_a_changed_shared_message_changes_every_dependent_fingerprint(tmp_path: Path) -> None:
    folder = copy_prompts(tmp_path)
    english = folder / "english.toml"
    english.write_text(english.read_text().replace("Here is the article", "Here is the story"))
    for task in ("summary", "claims"):
        assert load_prompt(task, folder).fingerprint != load_prompt(task).fingerprint
    assert load_prompt("translate", folder).fingerprint == load_prompt("translate").fingerprint


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("{{ max_claims }}", "{{ max_claim }}"), "undeclared variables ['max_claim']"),
        (('"max_claims", "hints"]', '"max_claims", "hints", "x"]'), "unused variables ['x']"),
        (("{{ max_claims }}", "{{ max_claims "), "template syntax error"),
        (('name = "claims"', 'name = "claim"'), "must match the file name"),
        (('extends = "english"', 'extends = "nowhere"'), "prompt file not found"),
        (('version = "5"', "version = 5"), "invalid prompt file"),
    ],
)
def test_invalid_prompt_files_are_refused_on_load(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    folder = copy_prompts(tmp_path)
    claims = folder / "claims.toml"
    text = claims.read_text()
    assert edit[0] in text
    claims.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(PromptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_prompt("claims", folder)


def test_an_extends_cycle_is_refused(tmp_path: Path) -> None:
    folder = copy_prompts(tmp_path)
    base = folder / "base.toml"
    base.write_text(base.read_text().replace('version = "1"', 'version = "1"\nextends = "english"'))
    with pytest.raises(PromptError, match="extends itself"):
        load_prompt("summary", folder)
