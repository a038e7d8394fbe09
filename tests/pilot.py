"""Helpers for driving the Textual apps with the pilot."""

from __future__ import annotations

import asyncio


def run(coroutine) -> None:
    """Run an async pilot test from a plain (sync) test function."""
    asyncio.run(coroutine)


async def settle(pilot) -> None:
    """Let the model load and grading finish, and the screen catch up."""
    for _ in range(600):
        if pilot.app.model_state != "loading":
            break
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
