"""The Jinja environment every page and report is rendered with (templates in grader/templates)."""

from __future__ import annotations

import jinja2

from grader.locations import TEMPLATES


def environment(autoescape: bool = True) -> jinja2.Environment:
    """An environment over the shipped templates; `autoescape` for HTML, off for Markdown."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,  # answers are typed by candidates: never trust them as markup
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
