"""instructor modes: our names for them and the mode each backend uses."""

from __future__ import annotations

import instructor

from summarizer.settings import Settings

__all__ = ["mode_name", "resolve_mode"]

_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
    "json": instructor.Mode.JSON,
}


def mode_name(mode: instructor.Mode) -> str:
    """Our name for an instructor mode (as accepted by `--mode`), recorded in provenance."""
    return next((name for name, m in _MODES.items() if m == mode), str(mode.value))


def resolve_mode(settings: Settings) -> instructor.Mode:
    """The instructor mode: as configured, else per backend (embedded/OpenAI/other)."""
    if settings.mode != "auto":
        return _MODES[settings.mode]
    if settings.is_embedded:
        return instructor.Mode.JSON_SCHEMA
    if settings.base_url is None:
        return instructor.Mode.TOOLS
    return instructor.Mode.MD_JSON
