from pathlib import Path

import pytest

from summarizer import ConfigError, Settings
from summarizer.settings import DEFAULT_MODEL


def test_defaults_use_the_embedded_model() -> None:
    settings = Settings.from_env({})
    assert settings.model == DEFAULT_MODEL
    assert settings.is_embedded
    assert settings.endpoint_host == "embedded"


def test_env_then_overrides_precedence(tmp_path: Path) -> None:
    env = {
        "SUMMARIZER_MODEL": "gpt-4o-mini",
        "SUMMARIZER_MAX_REASKS": "4",
        "SUMMARIZER_USE_CACHE": "false",
        "SUMMARIZER_CACHE_DIR": str(tmp_path),
        "OPENAI_API_KEY": "sk-env",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
    }
    settings = Settings.from_env(env)
    assert settings.model == "gpt-4o-mini"
    assert settings.max_reasks == 4
    assert settings.use_cache is False
    assert settings.cache_dir == tmp_path
    assert settings.endpoint_host == "127.0.0.1:9"
    assert not settings.is_embedded
    # An explicit option beats the environment; None means "not given" and falls through.
    overridden = Settings.from_env(env, max_reasks=1, model=None)
    assert overridden.max_reasks == 1
    assert overridden.model == "gpt-4o-mini"


def test_summarizer_env_beats_openai_env() -> None:
    env = {"OPENAI_BASE_URL": "http://a:1/v1", "SUMMARIZER_BASE_URL": "http://b:2/v1"}
    assert Settings.from_env(env).base_url == "http://b:2/v1"


def test_invalid_values_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="max_reasks"):
        Settings.from_env({"SUMMARIZER_MAX_REASKS": "lots"})
    with pytest.raises(ConfigError, match="mode"):
        Settings.from_env({}, mode="yaml")


def test_api_key_is_secret() -> None:
    settings = Settings.from_env({"OPENAI_API_KEY": "sk-canary-123"})
    assert "sk-canary-123" not in repr(settings)
    assert "sk-canary-123" not in settings.model_dump_json()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-canary-123"


def test_unknown_model_without_key_is_a_config_error(tmp_path: Path) -> None:
    from summarizer import Summarizer

    with pytest.raises(ConfigError, match="not an embedded model"):
        Summarizer(Settings.from_env({}, model="gpt-4o-mini", cache_dir=tmp_path))
