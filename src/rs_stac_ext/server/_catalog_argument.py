"""A click group that also takes its catalog as a positional argument.

``rs-stac serve`` both serves (``rs-stac serve CATALOG``, or ``--catalog CATALOG``) and holds
sub-commands (``rs-stac serve hash-key``). Click cannot give a group an optional argument
without it swallowing the sub-command's name, so the group decides from the first word: a
sub-command's name runs that sub-command, anything else is parsed as the serving command, with
options before or after the catalog.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["CatalogArgumentGroup"]


class CatalogArgumentGroup(click.Group):
    """A group whose own command takes ``CATALOG`` as an argument or as ``--catalog``.

    The group must have a ``--catalog`` option (its parameter named ``catalog``) and
    ``invoke_without_command=True``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "[CATALOG] | COMMAND [ARGS]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse a sub-command call as a group does, anything else as the serving command."""
        if args and args[0] in self.commands:
            return super().parse_args(ctx, args)
        ctx.allow_interspersed_args = True
        positional = click.Command.parse_args(self, ctx, args)
        ctx.args = []
        if not positional:
            return []
        if len(positional) > 1:
            ctx.fail(f"expected one CATALOG, got {len(positional)}: {' '.join(positional)}")
        if ctx.params.get("catalog") is not None:
            ctx.fail("give the catalog once: as the CATALOG argument or with --catalog")
        option = next(p for p in self.get_params(ctx) if p.name == "catalog")
        try:
            ctx.params["catalog"] = option.process_value(ctx, positional[0])
        except click.BadParameter as error:
            error.param_hint = "CATALOG"
            raise
        return []
