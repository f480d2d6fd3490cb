"""Built-in third-party schemas: every published STAC core and stac-extensions schema we hold.

Documents name the STAC core and community extension schemas far more often than ours, and an
air-gapped node has no way to fetch them. The package therefore carries its own rendering of
every published schema of ``../shared/upstream/stac-schemas`` (STAC core v1.0.0-beta.2 to
v1.1.0, GeoJSON, PROJJSON v0.1-v0.7, every version of every stac-extension there, CS-SI's eopf
v1.2.0), under their published identifiers, in ``rs_stac_ext/schemas/community/`` laid out as
``<host>/<path>``. Left out: the moving ``schemas.stacspec.org/dev/`` and texts that are not
valid JSON as published (:func:`unusable_reason` names those).

Each file is written by :mod:`rs_stac_ext.schemas._community_writer` from the facts of the
published schema (field names, types, required lists, patterns, enums, formats and the structure
of its ``$ref``s), in our own layout: no titles, descriptions, examples or comments of the
original, keywords in one fixed order, names sorted, small subschemas on one line, and a
``$comment`` naming the origin. The writer also writes ``index.json``, the table this module
reads. The verdicts are those of the published text; the tests prove it against the published
files, and a lock file (``tests/data/community.sha256``) fails any edit.

One more origin, ``readme``: the external-ids extension has no published schema text anywhere,
only a README. :data:`README_WRITTEN` carries a schema we wrote from the facts of that README
(every assumption is stated in ``docs/schemas.md``); the resolver uses it only when no published
text can be had from a pack, a mirror, the cache or an allowed host.

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
    "INDEX_NAME",
    "README_WRITTEN",
    "CommunitySchema",
    "community_file",
    "community_root",
    "find_community",
    "find_readme_written",
    "read_community",
    "readme_root",
    "unusable_reason",
]

INDEX_NAME = "index.json"
"""The table of built-in schemas, written by the writer next to the schema files."""


@dataclass(frozen=True)
class CommunitySchema:
    """One built-in third-party schema.

    Attributes:
        identifier: The published identifier (the URL it is served at, without ``#``), which
            it answers to. Its ``$id`` is kept as published, even where it differs.
        family: What it belongs to (``stac-core``, ``file``, ``projjson``...).
        version: The published version (``v1.0.0``).
        repository: The upstream repository that publishes it.
        path: The file below its root folder (``<host>/<path>``).
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


# Resolved once: resolving it for each of the ~200 files cost ~30 ms of every start-up.
_HERE = Path(__file__).resolve().parent


def community_root() -> Path:
    """Return the folder holding the built-in third-party schema files."""
    return _HERE / "community"


def readme_root() -> Path:
    """Return the folder holding the schemas written from a README (no published text)."""
    return _HERE / "readme_written"


def _read_index() -> tuple[tuple[CommunitySchema, ...], dict[str, str]]:
    index = json.loads((community_root() / INDEX_NAME).read_bytes())
    schemas = tuple(CommunitySchema(**row) for row in index["schemas"])
    return schemas, dict(index["unusable"])


COMMUNITY, _UNUSABLE = _read_index()
"""Every built-in third-party schema, in the order of ``index.json`` (by identifier)."""

README_WRITTEN: tuple[CommunitySchema, ...] = (
    CommunitySchema(
        identifier="https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
        family="external-ids",
        version="v1.0.0",
        repository="stac-extensions/external-ids",
        path="stac-extensions.github.io/external-ids/v1.0.0/schema.json",
    ),
)
"""Schemas written by us from a specification's README, for want of any published text."""


def unusable_reason(identifier: str) -> str | None:
    """Say why a published identifier can never give a usable schema, if we know it cannot.

    Args:
        identifier: A schema identifier (one trailing ``#`` ignored).

    Returns:
        A sentence (the published text is not valid JSON, where and why), or ``None``.
    """
    return _UNUSABLE.get(identifier.strip().removesuffix("#"))


@cache
def _index() -> dict[str, CommunitySchema]:
    return {entry.identifier: entry for entry in COMMUNITY}


@cache
def _readme_index() -> dict[str, CommunitySchema]:
    return {entry.identifier: entry for entry in README_WRITTEN}


def find_community(identifier: str) -> CommunitySchema | None:
    """Return the built-in schema answering to an identifier (one trailing ``#`` ignored)."""
    return _index().get(identifier.strip().removesuffix("#"))


def find_readme_written(identifier: str) -> CommunitySchema | None:
    """Return the README-written schema answering to an identifier, if there is one."""
    return _readme_index().get(identifier.strip().removesuffix("#"))


def community_file(entry: CommunitySchema) -> Path:
    """Return the file of a built-in schema (published-text or README-written)."""
    root = readme_root() if entry in README_WRITTEN else community_root()
    return root.joinpath(*PurePosixPath(entry.path).parts)


@cache
def _parsed(identifier: str) -> Mapping[str, Any]:
    entry = _index().get(identifier) or _readme_index()[identifier]
    parsed: dict[str, Any] = json.loads(community_file(entry).read_bytes())
    return parsed


def read_community(entry: CommunitySchema) -> Mapping[str, Any]:
    """Return a built-in schema, parsed once and shared (treat it as read-only)."""
    return _parsed(entry.identifier)
