"""The `?` screen: every key of the screen beneath it, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from grader.tui.widgets import KeyBar


def key_groups(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys active on `screen`, as (group title, [(key, what it does)]), the focused
    widget's first and the app's last; bindings without a description are left out."""
    app = screen.app
    found: dict[str, dict[tuple[str, str], list[str]]] = {}
    shown_first: dict[str, list[tuple[str, str]]] = {}
    for node, binding, _enabled, _tooltip in screen.active_bindings.values():
        if not binding.description:
            continue
        if node is app:
            title = "Everywhere"
        elif node is screen:
            title = "This screen"
        else:
            title = f"In the {type(node).__name__} (where the cursor is)"
        what = (binding.action, binding.description)
        keys = found.setdefault(title, {}).setdefault(what, [])
        keys.append(app.get_key_display(binding))
        if binding.show and what not in shown_first.setdefault(title, []):
            shown_first[title].append(what)
    order = [t for t in found if t.startswith("In the")] + ["This screen", "Everywhere"]
    groups = []
    for title in order:
        if title not in found:
            continue
        # The keys the key bar shows first, then the rest (Textual's own), each once.
        actions = shown_first.get(title, []) + [
            what for what in found[title] if what not in shown_first.get(title, [])
        ]
        groups.append((title, [(" ".join(found[title][w]), w[1]) for w in actions]))
    return groups


def keys_content(groups: list[tuple[str, list[tuple[str, str]]]]) -> Content:
    """The groups as aligned lines of key and description."""
    width = max((len(key) for _, keys in groups for key, _ in keys), default=0)
    blocks = []
    for title, keys in groups:
        lines = [Content.styled(title, "bold $text-accent")]
        lines += [
            Content.assemble((key.ljust(width + 2), "bold $text-primary"), what)
            for key, what in keys
        ]
        blocks.append(Content("\n").join(lines))
    return Content("\n\n").join(blocks)


class KeysScreen(ModalScreen[None]):
    """Every key of the screen it was opened over; Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, over: Screen) -> None:
        """List the keys of `over` (with its focus as it stands)."""
        super().__init__()
        self.groups = key_groups(over)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys-dialog"):
            yield Label("Keys", id="keys-title")
            yield Static(keys_content(self.groups), id="keys-list")
        yield KeyBar()

    def action_close(self) -> None:
        """Back to the screen beneath."""
        self.dismiss()
