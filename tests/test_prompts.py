"""Prompt files: composed along `extends`, validated on load, fingerprinted."""

from __future__ import annotations

import re
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
    for task in ("translate", "summary", "claims"):
        assert load_prompt(task).messages[: len(base)] == base
    assert load_prompt("translate").messages == base  # its request is part of each turn
    assert re.fullmatch(r"base@\d+\+claims@\d+", load_prompt("claims").version)


def test_turns_expand_into_the_conversation_so_far() -> None:
    """Each turn is its paragraph (user) and the model's answer (assistant), left out for
    the turn still to translate; the task's own message comes after all of them."""
    turns = [{"answer": "one"}, {"answer": "two"}, {}]
    translate = load_prompt("translate").as_messages({"turns": turns})
    assert [m["role"] for m in translate] == ["system"] + ["user", "assistant"] * 2 + ["user"]
    assert translate[2]["content"] == "{% set turn = turns[0] %}{{ turn.answer }}"
    assert translate[5]["content"].startswith("{% set turn = turns[2] %}")
    claims = load_prompt("claims").as_messages({"turns": turns[:2]})
    assert claims[:5] == translate[:5]
    assert claims[5]["role"] == "user" and "claims" in claims[5]["content"]
    assert load_prompt("summary").as_messages() == [
        translate[0],
        load_prompt("summary").as_messages()[1],
    ]


def test_every_task_loads_with_a_distinct_fingerprint() -> None:
    fingerprints = {load_prompt(task).fingerprint for task in TASKS}
    assert len(fingerprints) == len(TASKS)


def test_a_changed_shared_message_changes_every_dependent_fingerprint(tmp_path: Path) -> None:
    folder = copy_prompts(tmp_path)
    base = folder / "base.toml"
    base.write_text(base.read_text().replace("Translate this paragraph", "Translate the paragraph"))
    for task in ("translate", "summary", "claims"):
        assert load_prompt(task, folder).fingerprint != load_prompt(task).fingerprint
    assert load_prompt("merge", folder).fingerprint == load_prompt("merge").fingerprint


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("{{ max_claims }}", "{{ max_claim }}"), "undeclared variables ['max_claim']"),
        (('"max_claims"]', '"max_claims", "x"]'), "unused variables ['x']"),
        (("{{ max_claims }}", "{{ max_claims "), "template syntax error"),
        (('name = "claims"', 'name = "claim"'), "must match the file name"),
        (('extends = "base"', 'extends = "nowhere"'), "prompt file not found"),
        (('version = "7"', "version = 7"), "invalid prompt file"),
        (('role = "user"', 'role = "user"\nrepeat = "lines"'), "invalid prompt file"),
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
    base.write_text(re.sub(r'(?m)^(version = ".*")$', r'\1\nextends = "claims"', base.read_text()))
    with pytest.raises(PromptError, match="extends itself"):
        load_prompt("summary", folder)
