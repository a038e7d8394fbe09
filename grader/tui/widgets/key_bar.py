"""The key bar at the foot of each screen: its keys and what they do, each one clickable."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

KEYS_ACTION = "show_keys"
"""The action of the `?` key (grader/tui/base.py)."""


class KeyBar(Static):
    """A one-line list of the screen's keys, drawn once when the screen opens.

    It stands in for Textual's Footer, which rebuilds a widget per key whenever focus or a
    binding changes: on the answer and score screens that took about 300 ms of each submitted
    answer's wait (benchmarks/tui_latency.py). The keys of those screens do not change while
    they are open, so one line of text serves. A screen whose keys do depend on focus (typing
    boxes take the letter keys) asks for `follow_focus=True`: the bar is redrawn as focus moves.
    """

    def __init__(self, *, follow_focus: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.follow_focus = follow_focus

    def on_mount(self) -> None:
        # Children mount before their screen focuses anything, so this lists the screen's and
        # the app's own keys, not those of whichever widget happens to take focus first.
        self.refresh_keys()
        if self.follow_focus:
            self.watch(self.screen, "focused", self._focus_moved, init=False)

    def _focus_moved(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """Redraw the keys as they stand now."""
        self.update(self.keys_content())

    def keys_content(self) -> Content:
        """Each shown binding as a highlighted key and its description."""
        parts: list[Content] = []
        active = self.screen.active_bindings
        # The command palette's key shows while the palette is on, as in Textual's Footer.
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if not self.app.ENABLE_COMMAND_PALETTE:
            palette = None
        shown: list[Binding] = []
        seen: set[tuple[int, str]] = set()
        for node, binding, _enabled, _tooltip in active.values():
            if not binding.show and not (palette and binding is palette.binding):
                continue
            # A binding of several keys ("question_mark,f1") shows once, by its first key.
            if (id(node), binding.action) not in seen:
                seen.add((id(node), binding.action))
                shown.append(binding)
        # The key that lists every other key comes first, where a narrow bar still shows it.
        shown.sort(key=lambda binding: binding.action != KEYS_ACTION)
        for binding in shown:
            key = self.app.get_key_display(binding)
            click = f"@click=app.simulate_key({binding.key!r})"
            parts.append(
                Content.assemble(
                    (f" {key} ", f"bold $footer-key-foreground {click}"),
                    (f"{binding.description} ", f"$footer-description-foreground {click}"),
                )
            )
        return Content(" ").join(parts)
