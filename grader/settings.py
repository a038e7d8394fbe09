"""The apps' settings kept between starts (for now the theme), in a small JSON file.

A missing, unreadable or invalid file gives the defaults: settings are a convenience, and a
broken one must never stop the apps from opening.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from grader.locations import settings_path


class Settings(BaseModel):
    """What the apps remember."""

    theme: str | None = None
    """The Textual theme last chosen (None: the apps' default)."""


def load_settings(path: Path | None = None) -> Settings:
    """The settings in `path` (the user's settings file by default), or the defaults."""
    path = path or settings_path()
    try:
        return Settings.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError):
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings (creating the folder); a failure to write is ignored."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings.model_dump(), indent=2) + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only home keeps the theme for this run only
