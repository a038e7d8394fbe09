"""The apps' settings kept between starts (for now the theme), in a small JSON file.

A missing, unreadable or invalid file gives the defaults: settings are a convenience, and a
broken one must never stop the apps from opening.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.locations import settings_path


@dataclass(frozen=True)
class Settings:
    """What the apps remember.

    A plain dataclass checked by hand: pydantic would add a tenth of a second to the apps'
    first screen (benchmarks/tui_latency.py) for one optional string.
    """

    theme: str | None = None
    """The Textual theme last chosen (None: the apps' default)."""


def load_settings(path: Path | None = None) -> Settings:
    """The settings in `path` (the user's settings file by default), or the defaults."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Settings()
    theme = data.get("theme") if isinstance(data, dict) else None
    return Settings(theme=theme if isinstance(theme, str) else None)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings (creating the folder); a failure to write is ignored."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only home keeps the theme for this run only
