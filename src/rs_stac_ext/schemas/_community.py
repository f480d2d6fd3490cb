"""Built-in third-party schemas: STAC core 1.0.0 and common stac-extensions, written by us.

Documents name the STAC core and community extension schemas far more often than ours, and an
air-gapped node has no way to fetch them. The package therefore carries its own rendering of a
chosen set of them, under their published identifiers, in ``rs_stac_ext/schemas/community/``.

Each file is written by :mod:`rs_stac_ext.schemas._community_writer` from the facts of the
published schema (field names, types, required lists, patterns, enums, formats and the structure
of its ``$ref``s), in our own layout: no titles, descriptions, examples or comments of the
original, keywords in one fixed order, names sorted, small subschemas on one line, and a
``$comment`` naming the origin. The verdicts are those of the published text; the tests prove it
against the published files and a lock file (``tests/data/community.sha256``) fails any edit.

Not carried, because no published text exists to build them from: the external-ids extension
and CS-SI's eopf extension (:data:`NO_PUBLISHED_TEXT`). Documents that declare them are reported
as not checked, with how to supply a schema (``--schema-dir``, ``--schema-pack``).

This module is only a table: it imports nothing heavy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = [
    "COMMUNITY",
    "NO_PUBLISHED_TEXT",
    "CommunitySchema",
    "community_file",
    "community_root",
    "find_community",
    "missing_text_reason",
    "read_community",
]

_STAC_SPEC = "radiantearth/stac-spec"
_STAC_CORE = "https://schemas.stacspec.org"
_EXTENSIONS = "https://stac-extensions.github.io"


@dataclass(frozen=True)
class CommunitySchema:
    """One built-in third-party schema.

    Attributes:
        identifier: The published identifier (``$id`` without ``#``), which it answers to.
        family: What it belongs to (``stac-core``, ``file``, ``projjson``...).
        version: The published version (``v1.0.0``).
        repository: The upstream repository that publishes it.
        path: The file below ``rs_stac_ext/schemas/community/``.
    """

    identifier: str
    family: str
    version: str
    repository: str
    path: str

    @property
    def origin(self) -> str:
        """One line saying where the facts come from."""
        return f"{self.repository} {self.version}, published at {self.identifier}"


def _core(version: str, spec: str, name: str) -> CommunitySchema:
    return CommunitySchema(
        identifier=f"{_STAC_CORE}/{version}/{spec}-spec/json-schema/{name}.json",
        family="stac-core",
        version=version,
        repository=_STAC_SPEC,
        path=f"stac-core/{version}/{name}.json",
    )


def _extension(name: str, version: str) -> CommunitySchema:
    return CommunitySchema(
        identifier=f"{_EXTENSIONS}/{name}/{version}/schema.json",
        family=name,
        version=version,
        repository=f"stac-extensions/{name}",
        path=f"{name}/{version}.json",
    )


_CORE_10_ITEM_PARTS = ("basics", "datetime", "instrument", "licensing", "provider")

COMMUNITY: tuple[CommunitySchema, ...] = (
    _core("v1.0.0", "item", "item"),
    *(_core("v1.0.0", "item", part) for part in _CORE_10_ITEM_PARTS),
    _core("v1.0.0", "catalog", "catalog"),
    _core("v1.0.0", "collection", "collection"),
    _extension("eo", "v1.1.0"),
    _extension("file", "v2.0.0"),
    _extension("file", "v2.1.0"),
    _extension("processing", "v1.1.0"),
    _extension("processing", "v1.2.0"),
    _extension("product", "v0.1.0"),
    _extension("product", "v1.0.0"),
    _extension("projection", "v1.1.0"),
    _extension("sar", "v1.3.0"),
    _extension("sat", "v1.0.0"),
    _extension("sat", "v1.1.0"),
    _extension("timestamps", "v1.0.0"),
    _extension("timestamps", "v1.1.0"),
    _extension("view", "v1.0.0"),
    # projection v1.1.0 refers to it for proj:projjson.
    CommunitySchema(
        identifier="https://proj.org/schemas/v0.5/projjson.schema.json",
        family="projjson",
        version="v0.5",
        repository="OSGeo/PROJ",
        path="projjson/v0.5.json",
    ),
)
"""Every built-in third-party schema. GeoJSON ``Feature`` and ``Geometry``, which STAC 1.0.0
and projection refer to, come from pystac's bundle (the resolver's ``pystac`` source)."""

NO_PUBLISHED_TEXT: Mapping[str, str] = {
    "https://stac-extensions.github.io/external-ids/": "the external-ids extension",
    "https://cs-si.github.io/eopf-stac-extension/": "CS-SI's eopf extension",
}
"""Identifier prefixes of extensions we cannot carry, with their names."""


def missing_text_reason(identifier: str) -> str | None:
    """Say why an identifier has no built-in schema, if it is one we deliberately lack.

    Args:
        identifier: A schema identifier (without ``#``).

    Returns:
        A sentence for the user, or ``None`` when the identifier is not one of those.
    """
    for prefix, name in NO_PUBLISHED_TEXT.items():
        if identifier.startswith(prefix):
            return (
                f"no built-in schema: no published text of {name} exists to build one from; "
                "supply its schema with --schema-dir FOLDER (a <host>/<path> mirror or a "
                "schema-map.json) or --schema-pack"
            )
    return None


def community_root() -> Path:
    """Return the folder holding the built-in third-party schema files."""
    return Path(__file__).resolve().parent / "community"


@cache
def _index() -> dict[str, CommunitySchema]:
    return {entry.identifier: entry for entry in COMMUNITY}


def find_community(identifier: str) -> CommunitySchema | None:
    """Return the built-in schema answering to an identifier (one trailing ``#`` ignored)."""
    return _index().get(identifier.strip().removesuffix("#"))


def community_file(entry: CommunitySchema) -> Path:
    """Return the file of a built-in schema."""
    return community_root().joinpath(*PurePosixPath(entry.path).parts)


@cache
def _parsed(identifier: str) -> Mapping[str, Any]:
    entry = _index()[identifier]
    parsed: dict[str, Any] = json.loads(community_file(entry).read_bytes())
    return parsed


def read_community(entry: CommunitySchema) -> Mapping[str, Any]:
    """Return a built-in schema, parsed once and shared (treat it as read-only)."""
    return _parsed(entry.identifier)
