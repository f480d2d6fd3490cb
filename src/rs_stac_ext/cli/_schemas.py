"""``rs-stac schemas``: list, fetch, export and show schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rs_stac_ext.cli._common import format_option, resolver_options, resolver_settings
from rs_stac_ext.cli._schema_commands import export_schemas, fetch_schemas, list_schemas
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas import read_bytes
from rs_stac_ext.schemas._short_names import find_by_name
from rs_stac_ext.schemas.resolver import SchemaResolver

__all__ = ["schemas_group"]


@click.group("schemas")
def schemas_group() -> None:
    """List and print the packaged schemas and OpenAPI documents."""


@schemas_group.command("list")
@format_option
@resolver_options
def schemas_list(output_format: str, **options: Any) -> None:
    """List every schema available offline, where it comes from, and the newest of ours."""
    resolver = SchemaResolver(resolver_settings(**options))
    rows = list_schemas(resolver)
    if output_format == "json":
        for row in rows:
            click.echo(json.dumps(row))
        return
    for row in rows:
        mark = " (newest)" if row["newest"] and not row["alias_of"] else ""
        alias = f"  [alias of {row['alias_of']}]" if row["alias_of"] else ""
        upstream = f"  [{row['upstream']}, written by rs-stac-ext]" if row["upstream"] else ""
        click.echo(f"{row['origin']:<9} {row['uri']}{mark}{alias}{upstream}")


@schemas_group.command("fetch")
@click.argument("uris", nargs=-1, required=True)
@resolver_options
def schemas_fetch(uris: tuple[str, ...], **options: Any) -> None:
    """Download schemas (and everything they reference) into the cache, for offline use.

    Only hosts named with --allow-host are contacted.
    """
    resolver = SchemaResolver(resolver_settings(**options))
    sys.exit(fetch_schemas(resolver, uris, lambda line: click.echo(line, err=True)))


@schemas_group.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@resolver_options
def schemas_export(folder: Path, **options: Any) -> None:
    """Write every available schema to FOLDER with a schema map for other validators.

    The folder holds <host>/<path> files, schema-map.json, and the arguments that make
    stac-validator and stac-node-validator use these files instead of the network.
    """
    resolver = SchemaResolver(resolver_settings(**options))
    sys.exit(export_schemas(resolver, folder, click.echo))


@schemas_group.command("show")
@click.argument("name")
@click.argument("version", required=False)
def schemas_show(name: str, version: str | None) -> None:
    """Print a packaged schema or OpenAPI document, byte for byte as published.

    NAME is an extension (cadip: its newest version), an extension and a version (cadip v1.4.0,
    cadip@v1.4.0, cadip 1.4.0) or a full identifier.
    """
    try:
        data = read_bytes(find_by_name(name, version).identifier)
    except UnknownIdentifierError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(data.decode("utf-8"), nl=False)
