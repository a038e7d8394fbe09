"""Every place grader reads or writes on disk, in one module.

Two user folders, each overridable by an environment variable (tests and people who keep
several histories use them): the data folder holds the practice and interview history, which
matters to the user; the cache folder holds what can always be rebuilt (embeddings of bank
texts, ONNX exports of the model, the validated bank), so deleting it is always safe. The
rest are folders shipped with grader.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import platformdirs

APP_NAME = "grader"
HISTORY_FILE = "history.sqlite"
SETTINGS_FILE = "settings.json"

PROJECT = Path(__file__).resolve().parent.parent
"""The checkout grader is installed from (editable): the built-in bank lives here."""
STYLESHEET = Path(__file__).resolve().parent / "tui" / "grader.tcss"
"""The apps' one stylesheet."""
TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Report templates, shipped with the package (package-data; `grader` is a namespace
package, so no importlib.resources)."""


def data_folder() -> Path:
    """The folder for the history (GRADER_DATA_DIR overrides the platform's data folder)."""
    return Path(os.environ.get("GRADER_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def history_path() -> Path:
    """The SQLite file of the practice history and the interview sessions."""
    return data_folder() / HISTORY_FILE


def settings_path() -> Path:
    """The apps' settings (the theme), next to the history."""
    return data_folder() / SETTINGS_FILE


def history_export_path(now: datetime) -> Path:
    """Where the practice app exports the history: the working folder, named by the time."""
    return Path.cwd() / f"grader-history-{now:%Y%m%d-%H%M%S}.csv"


def cache_folder() -> Path:
    """The user cache folder (GRADER_CACHE_DIR overrides): embeddings, ONNX exports, banks."""
    return Path(os.environ.get("GRADER_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))


def embeddings_path() -> Path:
    """Where embeddings of bank texts are kept between runs."""
    return cache_folder() / "embeddings.sqlite"


def onnx_folder() -> Path:
    """Where ONNX exports of the model are kept."""
    return cache_folder() / "onnx"


def judge_cache_path() -> Path:
    """Where the LLM judge's replies are kept, so the same answer gets the same judgement."""
    return cache_folder() / "judge.sqlite"


def config_path() -> Path:
    """grader's settings file (GRADER_CONFIG overrides): TOML, e.g. the judge's [judge] table."""
    return Path(
        os.environ.get("GRADER_CONFIG")
        or Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"
    )
