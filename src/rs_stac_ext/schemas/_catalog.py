"""Every published version of every extension, as data.

This module is the single table the rest of the package reads: which identifiers exist, which
spellings of them a reader should recognise, when each version was published and what changed.
It imports nothing heavy so that pystac's hook discovery stays cheap.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import StrEnum

OLD_HOST = "https://rs-python.github.io"
HOME_HOST = "https://home.rs-python.eu"


class ExtensionName(StrEnum):
    """The four extensions published by the Reference System."""

    AUXIP = "auxip"
    CADIP = "cadip"
    OWNERSHIP = "ownership"
    DOWNLOAD = "download"

    @property
    def repository(self) -> str:
        """Name of the extension's repository, the path segment of its identifiers."""
        if self is ExtensionName.DOWNLOAD:
            return "download-stac-api-extension"
        return f"{self.value}-stac-extension"


class DocumentKind(StrEnum):
    """What a version publishes: a JSON Schema or an OpenAPI document."""

    JSON_SCHEMA = "json-schema"
    OPENAPI = "openapi"


@dataclass(frozen=True)
class ExtensionVersion:
    """One published version of one extension.

    Attributes:
        extension: Which extension this is a version of.
        version: The version tag, with its leading ``v`` (``"v1.4.0"``).
        identifier: The canonical identifier, as listed in ``stac_extensions`` (JSON Schema
            extensions) or the OpenAPI document's address (API extensions). Never ends in ``#``.
        released: Publication date.
        summary: One sentence saying what changed in this version.
        aliases: Other spellings that reach the same published file (the other host). They are
            recognised for lookup and migration but are **not** valid declarations: the schema's
            declaration check accepts only ``identifier``.
        conformance_classes: For API extensions, the conformance URIs a server advertises.
    """

    extension: ExtensionName
    version: str
    identifier: str
    released: _dt.date
    summary: str
    aliases: tuple[str, ...] = ()
    conformance_classes: tuple[str, ...] = field(default=())

    @property
    def kind(self) -> DocumentKind:
        """The kind of document this version publishes."""
        if self.extension is ExtensionName.DOWNLOAD:
            return DocumentKind.OPENAPI
        return DocumentKind.JSON_SCHEMA

    @property
    def file_name(self) -> str:
        """File name of the published document inside its version folder."""
        return "openapi.yaml" if self.kind is DocumentKind.OPENAPI else "schema.json"

    @property
    def resource_path(self) -> str:
        """Path of the document relative to the ``extensions/`` folder."""
        return f"{self.extension.value}/{self.version}/{self.file_name}"

    @property
    def version_tuple(self) -> tuple[int, int, int]:
        """The version as three integers, for ordering."""
        major, minor, patch = self.version.removeprefix("v").split(".")
        return int(major), int(minor), int(patch)


def _url(host: str, extension: ExtensionName, version: str, file_name: str = "schema.json") -> str:
    return f"{host}/{extension.repository}/{version}/{file_name}"


def _schema_version(
    extension: ExtensionName,
    version: str,
    released: str,
    summary: str,
    *,
    host: str = HOME_HOST,
    extra_aliases: tuple[str, ...] = (),
) -> ExtensionVersion:
    other = OLD_HOST if host == HOME_HOST else HOME_HOST
    return ExtensionVersion(
        extension=extension,
        version=version,
        identifier=_url(host, extension, version),
        released=_dt.date.fromisoformat(released),
        summary=summary,
        aliases=(_url(other, extension, version), *extra_aliases),
    )


_AUXIP = ExtensionName.AUXIP
_CADIP = ExtensionName.CADIP
_OWNERSHIP = ExtensionName.OWNERSHIP
_DOWNLOAD = ExtensionName.DOWNLOAD

VERSIONS: tuple[ExtensionVersion, ...] = (
    _schema_version(_AUXIP, "v1.0.0", "2025-03-31", "Initial version: `auxip:id`.", host=OLD_HOST),
    _schema_version(_AUXIP, "v1.1.0", "2025-04-04", "Identifier moved to home.rs-python.eu."),
    _schema_version(
        _AUXIP,
        "v2.0.0",
        "2026-11-25",
        "Portable UUID pattern; Items only: `auxip:id` no longer accepted in assets or "
        "Collections.",
    ),
    _schema_version(_CADIP, "v1.0.0", "2025-03-28", "Initial version.", host=OLD_HOST),
    _schema_version(_CADIP, "v1.1.0", "2025-04-04", "Identifier moved to home.rs-python.eu."),
    _schema_version(
        _CADIP,
        "v1.2.0",
        "2025-05-28",
        "Adds `cadip:station_id`; `cadip:acquisition_id` becomes a string.",
    ),
    _schema_version(
        _CADIP, "v1.3.0", "2025-07-24", "`cadip:acquisition_id` may be a string or an integer."
    ),
    _schema_version(
        _CADIP,
        "v1.4.0",
        "2025-11-20",
        "`cadip:id` replaced by `externalIds` entries of scheme `cadip`; external-ids, file and "
        "timestamps must be declared.",
    ),
    _schema_version(
        _CADIP,
        "v2.0.0",
        "2026-11-25",
        "Session and file fields kept apart, integer channels and blocks, non-DSDB assets allowed, "
        "`externalIds` may carry other schemes, summaries checked.",
    ),
    _schema_version(
        _OWNERSHIP,
        "v1.0.0",
        "2025-03-27",
        "Initial version: `owner`.",
        host=OLD_HOST,
        extra_aliases=(
            "https://raw.githubusercontent.com/RS-PYTHON/ownership-stac-extension/refs/tags/"
            "v1.0.0/json-schema/schema.json",
        ),
    ),
    _schema_version(_OWNERSHIP, "v1.1.0", "2025-04-04", "Identifier moved to home.rs-python.eu."),
    _schema_version(
        _OWNERSHIP,
        "v2.0.0",
        "2026-11-25",
        "`owner` required and non-empty on Items, Collections and Catalogs; summaries checked.",
    ),
    ExtensionVersion(
        extension=_DOWNLOAD,
        version="v1.0.0",
        identifier=_url(HOME_HOST, _DOWNLOAD, "v1.0.0", "openapi.yaml"),
        released=_dt.date(2025, 3, 31),
        summary="Initial version: "
        "`GET /collections/{collectionId}/items/{itemId}/download/{assetId}`.",
        conformance_classes=("https://api.stacspec.org/v1.0.0/download",),
    ),
    ExtensionVersion(
        extension=_DOWNLOAD,
        version="v2.0.0",
        identifier=_url(HOME_HOST, _DOWNLOAD, "v2.0.0", "openapi.yaml"),
        released=_dt.date(2026, 11, 25),
        summary="Declares `Location` on redirects, 206/401/403/416, HEAD and Range; own "
        "conformance namespace.",
        conformance_classes=(f"{HOME_HOST}/{_DOWNLOAD.repository}/v2.0.0/download",),
    ),
)
