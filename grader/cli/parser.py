"""How every command reads and shows its parameters: typer's help and errors, made plain.

Typer (0.29) shows a flag's type as if it took a value (`--json <bool>`), writes a required
argument as `{question_id}` in the usage line, and passes on pydantic's wording of a bad
choice ("Value error, 'pdf' is not one of ..."). `GraderTyper` makes every command a
`GraderCommand` and every group a `GraderGroup`, which show and word these as click always has.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

PYDANTIC_PREFIX = "Value error, "
"""How pydantic opens the message of a ValueError raised while converting a value."""


class _PlainFlags:
    """Flags (--help among them) with an empty type column in the help."""

    def get_params(self, ctx: typer.Context) -> list:
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
                param.metavar = ""
        return params


class GraderCommand(_PlainFlags, TyperCommand):
    """A command whose flags show no value, arguments show in capitals (QUESTION_ID, or
    [ANSWER] when optional) and bad values are named without pydantic's prefix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar is None:
                param.metavar = (param.name or "").upper()

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar if param.required else f"[{param.metavar}]"
                pieces.append(f"{name}..." if param.nargs != 1 else name)
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as exc:
            exc.message = exc.message.removeprefix(PYDANTIC_PREFIX)
            raise


class GraderGroup(_PlainFlags, TyperGroup):
    """A group of commands whose own flags (--version, --help) show no value."""


class GraderTyper(typer.Typer):
    """A typer app made of `GraderGroup`s and `GraderCommand`s."""

    def __init__(self, *args: Any, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, cls=cls or GraderGroup, **kwargs)

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(*args, cls=cls or GraderCommand, **kwargs)
