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
    "InputError",
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
        The callback with ``--schema-dir``, ``--schema-pack``, ``--cache-dir``, ``--no-cache``,
        ``--allow-host``, ``--timeout`` and ``--ca-bundle``; pass their values on to
        :func:`resolver_settings`.
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
            "--schema-pack",
            "schema_packs",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            metavar="FILE",
            help="A schema pack written by 'rs-stac schemas pack', read in place. Repeatable "
            "[default: $RS_STAC_SCHEMA_PACK, paths separated by the OS path separator].",
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
        click.option(
            "--ca-bundle",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            metavar="FILE",
            help="Trust only the certificate authorities of this PEM file for downloads "
            "[default: $RS_STAC_CA_BUNDLE, else the system's].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def resolver_settings(
    schema_dirs: tuple[Path, ...],
    schema_packs: tuple[Path, ...],
    cache_dir: Path | None,
    no_cache: bool,
    allow_hosts: tuple[str, ...],
    timeout: float,
    ca_bundle: Path | None,
) -> ResolverSettings:
    """Build resolver settings from the values of :func:`resolver_options`.

    Args:
        schema_dirs: ``--schema-dir`` folders.
        schema_packs: ``--schema-pack`` files (none: those of ``$RS_STAC_SCHEMA_PACK``).
        cache_dir: ``--cache-dir``, or ``None`` for the default cache folder.
        no_cache: ``--no-cache``.
        allow_hosts: ``--allow-host`` entries.
        timeout: ``--timeout`` seconds.
        ca_bundle: ``--ca-bundle`` file (none: ``$RS_STAC_CA_BUNDLE`` or the system's).

    Returns:
        The settings, with every schema pack verified.

    Raises:
        click.UsageError: The values are inconsistent (an unusable allow-list entry...).
        InputError: A schema pack cannot be read or does not match its manifest.
    """
    from rs_stac_ext.schemas.pack import SchemaPackError, default_schema_packs, open_pack
    from rs_stac_ext.schemas.resolver import ResolverSettings, default_cache_dir

    try:
        settings = ResolverSettings(
            schema_dirs=schema_dirs,
            schema_packs=schema_packs or default_schema_packs(),
            cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
            use_cache=not no_cache,
            allow_hosts=allow_hosts,
            timeout=timeout,
            ca_bundle=ca_bundle,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    for pack in settings.schema_packs:
        try:
            open_pack(pack, max_bytes=settings.max_bytes)
        except SchemaPackError as exc:
            raise InputError(f"{exc}; the pack is refused") from None
    return settings


class InputError(click.ClickException):
    """An input that cannot be used (exit 2, like every usage or I/O error)."""

    exit_code = EXIT_USAGE
