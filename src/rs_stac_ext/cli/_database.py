"""``rs-stac validate postgresql://...``: the filters of a pgstac database input, checked early.

A password written in a database URL is a usage error (exit 2): it would show in the process
list and the shell's history; libpq takes it from the environment or the usual files.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["database_filters", "database_options"]


def database_options(function: Any) -> Any:
    """Add ``--collection`` (repeatable) and ``--datetime``.

    Args:
        function: The command callback.

    Returns:
        The callback with the options (parameters ``collections`` and ``datetime_filter``).
    """
    options = [
        click.option(
            "--collection",
            "collections",
            metavar="ID",
            multiple=True,
            help="pgstac database input: only the Items of this Collection (repeatable).",
        ),
        click.option(
            "--datetime",
            "datetime_filter",
            metavar="INTERVAL",
            default=None,
            help="pgstac database input: only Items whose time meets this RFC 3339 instant "
            "or interval, as in STAC API (2024-01-01T00:00:00Z/2024-02-01T00:00:00Z, '..' "
            "for an open end).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def database_filters(
    inputs: tuple[str, ...], collections: tuple[str, ...], datetime_filter: str | None
) -> dict[str, Any]:
    """Check the database inputs and filters; return the reader settings they set.

    Raises:
        click.UsageError: A database URL holds a password, the interval is malformed, or a
            filter is given without a database input.
    """
    from rs_stac_ext.validator.pgstac_source import (
        is_database_url,
        parse_interval,
        password_refusal,
    )

    databases = [target for target in inputs if is_database_url(target)]
    for target in databases:
        refused = password_refusal(target)
        if refused is not None:
            raise click.UsageError(refused)
    if (collections or datetime_filter is not None) and not databases:
        raise click.UsageError(
            "--collection and --datetime filter a pgstac database input "
            "(postgresql://...), and none was given"
        )
    if datetime_filter is not None:
        try:
            parse_interval(datetime_filter)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--datetime'") from None
    return {"collections": tuple(collections), "datetime": datetime_filter}
