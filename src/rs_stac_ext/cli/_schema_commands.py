"""The work behind ``rs-stac schemas`` sub-commands that use a :class:`SchemaResolver`.

Plain functions, so the click layer only parses options: each takes a ready resolver and an
``echo`` callable for its human-readable output, and returns the command's exit code where it
has one (0 success, 1 failure).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from rs_stac_ext.schemas import find_version, is_known, newest
from rs_stac_ext.schemas._community import find_community, find_readme_written
from rs_stac_ext.schemas.resolver import (
    STAC_VALIDATOR_ARGS_NAME,
    SchemaResolver,
    SchemaUnavailableError,
)

__all__ = ["export_schemas", "fetch_schemas", "list_schemas", "say_passed_over"]

SchemaListing = dict[str, str | bool | None]
"""One row of :func:`list_schemas`."""


def list_schemas(resolver: SchemaResolver) -> list[SchemaListing]:
    """Describe every schema available without the network.

    Args:
        resolver: The resolver whose sources are listed.

    Returns:
        One dict per identifier, in the order of :meth:`SchemaResolver.known`, with keys
        ``uri``, ``origin``, ``location``, ``extension`` and ``version`` (of our extensions,
        or the family and version of a built-in third-party schema; ``None`` otherwise),
        ``alias_of`` (the canonical identifier when ``uri`` is an alias, else ``None``) and
        ``newest`` (``True`` for the newest version of one of our extensions).
    """
    rows: list[SchemaListing] = []
    for uri, origin, location in resolver.known():
        row: SchemaListing = {
            "uri": uri,
            "origin": origin,
            "location": location,
            "extension": None,
            "version": None,
            "alias_of": None,
            "newest": False,
            "upstream": None,
        }
        community = find_community(uri) if origin == "community" else None
        if origin == "readme":
            community = find_readme_written(uri)
        if community is not None:
            row["upstream"] = f"{community.repository} {community.version}"
            row["extension"] = community.family
            row["version"] = community.version
        if is_known(uri):
            entry = find_version(uri)
            row["extension"] = entry.extension.value
            row["version"] = entry.version
            row["alias_of"] = entry.identifier if entry.identifier != uri else None
            row["newest"] = entry == newest(entry.extension)
        rows.append(row)
    return rows


def say_passed_over(resolver: SchemaResolver, echo: Callable[[str], None]) -> None:
    """Say, one line each, which files of the mirrors and the cache were passed over, and why.

    Args:
        resolver: A resolver that has listed its sources.
        echo: Prints one line.
    """
    from rs_stac_ext.validator._printable import printable

    for path, reason in sorted(resolver.passed_over.items()):
        echo(printable(f"skipped {path}: {reason}"))


def fetch_schemas(
    resolver: SchemaResolver, uris: Iterable[str], echo: Callable[[str], None]
) -> int:
    """Make schemas and everything they reference available offline.

    Args:
        resolver: A resolver whose allow-list names the hosts that may be contacted.
        uris: The schemas to fetch.
        echo: Prints one line.

    Returns:
        0 when every schema (and every reference) is available, 1 otherwise or when no URI
        was given. A reference on a host that is not allowed is reported with the
        ``--allow-host`` entry to add.
    """
    from rs_stac_ext.cli._pack_commands import fetch_closure

    return fetch_closure(resolver, uris, echo)


def export_schemas(
    resolver: SchemaResolver,
    folder: Path,
    echo: Callable[[str], None],
    uris: Iterable[str] | None = None,
) -> int:
    """Write schemas to a mirror folder, with a schema map and stac-validator arguments.

    Args:
        resolver: The resolver to export from.
        folder: The folder to write.
        echo: Prints one line.
        uris: Only these schemas (and what they reference); by default every schema available
            without the network.

    Returns:
        0 when the folder was written, 1 when a schema is unavailable or writing failed.
    """
    try:
        map_path = resolver.export(folder, uris)
    except SchemaUnavailableError as exc:
        echo(f"nothing exported: {exc}")
        return 1
    except OSError as exc:
        echo(f"cannot write {folder}: {exc}")
        return 1
    finally:
        say_passed_over(resolver, echo)
    count = len(json.loads(map_path.read_text(encoding="utf-8")))
    echo(f"exported {count} schemas to {folder}")
    echo(f"schema map: {map_path}  (use with --schema-dir {folder})")
    echo(f"stac-validator arguments: {folder / STAC_VALIDATOR_ARGS_NAME}")
    return 0
