"""What the ``rs-stac`` commands share: exit codes, the --format option, resolver options.

Kept light (click only): every command module imports it, and the command line must start
fast whatever the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rs_stac_ext.schemas.resolver import ResolverSettings

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "format_option",
    "resolver_options",
    "resolver_settings",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
# Nothing invalid, but some documents could not be fully checked (rs-stac validate).
EXIT_INCOMPLETE = 3

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people (text) or programs (json).",
)
"""The ``--format text|json`` option (parameter ``output_format``)."""


def resolver_options(function: Any) -> Any:
    """Add the options that configure a schema resolver.

    Args:
        function: The command callback.

    Returns:
        The callback with ``--schema-dir``, ``--cache-dir``, ``--no-cache``, ``--allow-host``
        and ``--timeout``; pass their values on to :func:`resolver_settings`.
    """
    options = [
        click.option(
            "--schema-dir",
            "schema_dirs",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="A mirror folder of schemas (<host>/<path> layout or a schema-map.json). "
            "Repeatable.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Schema cache folder [default: $RS_STAC_CACHE or ~/.cache/rs-stac-ext/schemas].",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the schema cache."),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            metavar="HOST",
            help="A host schemas (and documents) may be downloaded from over https; "
            "'http://host:port' allows plain http. Repeatable. Default: none (offline).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=10.0,
            show_default=True,
            help="Seconds allowed for one download.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def resolver_settings(
    schema_dirs: tuple[Path, ...],
    cache_dir: Path | None,
    no_cache: bool,
    allow_hosts: tuple[str, ...],
    timeout: float,
) -> ResolverSettings:
    """Build resolver settings from the values of :func:`resolver_options`.

    Args:
        schema_dirs: ``--schema-dir`` folders.
        cache_dir: ``--cache-dir``, or ``None`` for the default cache folder.
        no_cache: ``--no-cache``.
        allow_hosts: ``--allow-host`` entries.
        timeout: ``--timeout`` seconds.

    Returns:
        The settings.

    Raises:
        click.UsageError: The values are inconsistent (an unusable allow-list entry...).
    """
    from rs_stac_ext.schemas.resolver import ResolverSettings, default_cache_dir

    try:
        return ResolverSettings(
            schema_dirs=schema_dirs,
            cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
            use_cache=not no_cache,
            allow_hosts=allow_hosts,
            timeout=timeout,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
