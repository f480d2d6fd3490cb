"""``rs-stac schemas``: list, fetch, pack, export and show schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rs_stac_ext.cli._common import format_option, resolver_options, resolver_settings
from rs_stac_ext.cli._schema_commands import (
    export_schemas,
    fetch_schemas,
    list_schemas,
    say_passed_over,
)
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas import read_bytes
from rs_stac_ext.schemas._short_names import find_by_name
from rs_stac_ext.schemas.resolver import SchemaResolver

__all__ = ["schemas_group"]


@click.group("schemas")
def schemas_group() -> None:
    """List, fetch, pack, export and show schemas (and the packaged OpenAPI documents)."""


@schemas_group.command("list")
@format_option
@resolver_options
def schemas_list(output_format: str, **options: Any) -> None:
    """List every schema available offline, where it comes from, and the newest of ours."""
    resolver = SchemaResolver(resolver_settings(**options))
    rows = list_schemas(resolver)
    say_passed_over(resolver, _echo_err)
    if output_format == "json":
        for row in rows:
            click.echo(json.dumps(row))
        return
    for row in rows:
        mark = " (newest)" if row["newest"] and not row["alias_of"] else ""
        alias = f"  [alias of {row['alias_of']}]" if row["alias_of"] else ""
        written = (
            "written by rs-stac-ext from its README; no published text"
            if row["origin"] == "readme"
            else "written by rs-stac-ext"
        )
        upstream = f"  [{row['upstream']}, {written}]" if row["upstream"] else ""
        click.echo(f"{row['origin']:<9} {row['uri']}{mark}{alias}{upstream}")


@schemas_group.command("fetch")
@click.argument("targets", nargs=-1, required=True, metavar="URI...|INPUT...")
@click.option(
    "--for",
    "for_documents",
    is_flag=True,
    help="The arguments are STAC documents (files, folders, NDJSON, '-', URLs): fetch the "
    "schemas they need.",
)
@resolver_options
def schemas_fetch(targets: tuple[str, ...], for_documents: bool, **options: Any) -> None:
    """Download schemas (and everything they reference) into the cache, for offline use.

    With --for, fetch exactly what the given documents need: the core schema of their type
    and stac_version and every stac_extensions entry, with every $ref of those, on any host.
    Only hosts named with --allow-host are contacted; a reference on another host is
    reported with the --allow-host entry to add. Exit 0: all available; 1: some missing;
    2: an input could not be read.
    """
    from rs_stac_ext.cli._pack_commands import fetch_for_documents

    resolver = SchemaResolver(resolver_settings(**options))
    echo = _echo_err
    if for_documents:
        sys.exit(fetch_for_documents(resolver, targets, echo))
    sys.exit(fetch_schemas(resolver, targets, echo))


@schemas_group.command("pack")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.argument("targets", nargs=-1, metavar="[URI...|INPUT...]")
@click.option(
    "--for",
    "for_documents",
    is_flag=True,
    help="The arguments are STAC documents: pack the schemas they need.",
)
@click.option(
    "--allow-missing", is_flag=True, help="Write the pack even if some schemas cannot be had."
)
@resolver_options
def schemas_pack(
    file: Path, targets: tuple[str, ...], for_documents: bool, allow_missing: bool, **options: Any
) -> None:
    """Write FILE, a schema pack: schemas with everything they reference, and a manifest.

    The pack holds the given schemas (or, with --for, what the given documents need; with no
    argument, every schema of the packs, mirrors and cache), each with its SHA-256, source
    URL and fetch time. Use it with --schema-pack FILE (or $RS_STAC_SCHEMA_PACK) on a machine
    without network. Exit 0: written; 1: a schema is missing (nothing written); 2: an input
    or the file could not be read or written.
    """
    from rs_stac_ext.cli._pack_commands import pack_schemas

    if for_documents and not targets:
        raise click.UsageError("--for needs at least one document to read")
    resolver = SchemaResolver(resolver_settings(**options))
    code = pack_schemas(
        resolver,
        file,
        _echo_err,
        uris=targets if targets and not for_documents else None,
        inputs=targets if for_documents else None,
        allow_missing=allow_missing,
    )
    sys.exit(code)


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


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
