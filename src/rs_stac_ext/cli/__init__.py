"""The ``rs-stac`` command line.

Exit codes: 0 when everything checked is as expected, 1 when a document is invalid (or an
example does not get its expected verdict), 2 for usage and I/O errors. Results go to stdout,
progress and diagnostics to stderr. ``--format json`` output is stable and documented.

Each command lives in its own module, imported only when that command runs (or is listed by
``--help``), so that ``rs-stac validate`` does not pay for the server's or the stations'
dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from rs_stac_ext import __version__
from rs_stac_ext.cli._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

# Command name -> "module:attribute" of the click command.
_COMMANDS: dict[str, str] = {
    "examples": "rs_stac_ext.cli._examples:examples_command",
    "load": "rs_stac_ext.server.pgstac_load:load_command",
    "map": "rs_stac_ext.stations.cli:map_command",
    "migrate": "rs_stac_ext.cli._migrate:migrate_command",
    "schemas": "rs_stac_ext.cli._schemas:schemas_group",
    "serve": "rs_stac_ext.server.cli:serve_command",
    "validate": "rs_stac_ext.cli._validate:validate_command",
}

# click.exceptions.NoSuchCommand appeared in click 8.4.
_NO_SUCH_COMMAND: Any = getattr(click.exceptions, "NoSuchCommand", None)


class _LazyGroup(click.Group):
    """A click group whose sub-commands are imported when they are first looked up.

    Args:
        *args: Passed on to :class:`click.Group`.
        lazy_commands: Command name -> ``"module:attribute"`` of the command object.
        **kwargs: Passed on to :class:`click.Group`.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the eager and the lazy commands' names, sorted.

        Args:
            ctx: The click context.

        Returns:
            The names.
        """
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Resolve the command named first in ``args``, suggesting lazy commands on a typo.

        Args:
            ctx: The click context.
            args: The remaining command-line arguments.

        Returns:
            The command's name, the command and the arguments left for it.
        """
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # click >= 8.4 suggests close names, but only from the commands already loaded.
            if _NO_SUCH_COMMAND is None or not isinstance(exc, _NO_SUCH_COMMAND):
                raise
            raise _NO_SUCH_COMMAND(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a command, importing its module first if it is a lazy one.

        Args:
            ctx: The click context.
            cmd_name: The command's name.

        Returns:
            The command, or ``None`` when there is none of that name.
        """
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(
    cls=_LazyGroup,
    lazy_commands=_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="rs-stac")
def main() -> None:
    """Tools for the Reference System's STAC extensions (auxip, cadip, ownership, download)."""
