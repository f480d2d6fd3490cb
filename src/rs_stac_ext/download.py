"""The download STAC API extension: endpoint path, conformance classes and error bodies.

The extension adds one endpoint, ``/collections/{collectionId}/items/{itemId}/download/{assetId}``,
that hands over the data of one asset. Its OpenAPI documents ship with the package
(:func:`openapi`). Since v2.0.0 every path segment is the identifier percent-encoded as a single
segment, so asset keys that are file paths (``data/a b.nc``) survive the trip:
:func:`download_path` builds such a path and :func:`parse_download_path` reads one back.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, NotRequired, TypedDict
from urllib.parse import quote, unquote, urlsplit

from rs_stac_ext import schemas
from rs_stac_ext.errors import UnknownIdentifierError
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "CONFORMANCE_CLASSES",
    "DOWNLOAD_PATH",
    "DownloadConformance",
    "ErrorBody",
    "download_path",
    "error_body",
    "openapi",
    "parse_download_path",
]

DOWNLOAD_PATH = "/collections/{collectionId}/items/{itemId}/download/{assetId}"
"""The endpoint's path template, relative to the API root (same in every version)."""

_FIXED_SEGMENTS = ("collections", "items", "download")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class DownloadConformance(StrEnum):
    """Conformance classes a server lists in ``conformsTo`` for the download endpoint.

    Attributes:
        V1: The v1.0.0 class, published in the ``api.stacspec.org`` namespace.
        V2: The v2.0.0 class, in the Reference System's own namespace.
    """

    V1 = "https://api.stacspec.org/v1.0.0/download"
    V2 = "https://home.rs-python.eu/download-stac-api-extension/v2.0.0/download"


CONFORMANCE_CLASSES: tuple[str, ...] = (DownloadConformance.V2.value,)
"""What a server implementing the newest version advertises (it MAY add ``V1`` as well)."""


class ErrorBody(TypedDict):
    """The JSON body of every error response: the STAC API exception object."""

    code: str
    description: NotRequired[str]


def error_body(code: str, description: str | None = None) -> ErrorBody:
    """Build the JSON body of an error response.

    Args:
        code: Machine-readable error code, e.g. ``"NotFound"``.
        description: Optional explanation for a person; omitted from the body when ``None``.

    Returns:
        The body, ready for ``json.dumps``.
    """
    body: ErrorBody = {"code": code}
    if description is not None:
        body["description"] = description
    return body


def _encode(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"{name} must not be empty")
    try:
        return quote(value, safe="")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name} {value!r} cannot be encoded as UTF-8: {exc.reason}") from None


def download_path(collection_id: str, item_id: str, asset_id: str) -> str:
    """Build the download path of an asset, relative to the API root.

    Each identifier is percent-encoded as one path segment: ``/`` becomes ``%2F``, a space
    ``%20``, ``:`` ``%3A``, ``%`` ``%25``, and non-ASCII characters their UTF-8 octets.

    Args:
        collection_id: Identifier of the Collection.
        item_id: Identifier of the Item.
        asset_id: Key of the asset in the Item's ``assets``.

    Returns:
        The path, e.g. ``/collections/c/items/i/download/data%2Fa%20b.nc``.

    Raises:
        ValueError: An identifier is empty or holds a lone surrogate (not encodable as UTF-8).
    """
    return DOWNLOAD_PATH.format(
        collectionId=_encode("collection id", collection_id),
        itemId=_encode("item id", item_id),
        assetId=_encode("asset id", asset_id),
    )


def _decode(name: str, segment: str, path: str) -> str:
    if not segment:
        raise ValueError(f"download path {path!r} has an empty {name}")
    if _BAD_ESCAPE.search(segment):
        raise ValueError(
            f"download path {path!r}: the {name} segment {segment!r} has a '%' that is not "
            "followed by two hexadecimal digits"
        )
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError:
        raise ValueError(
            f"download path {path!r}: the {name} segment {segment!r} does not decode to UTF-8"
        ) from None


def parse_download_path(path: str) -> tuple[str, str, str]:
    """Read the identifiers back from a download path or URL.

    The inverse of :func:`download_path`. A prefix before ``/collections`` (the API root, e.g.
    ``/catalog``) is allowed, and so is a full URL, whose query and fragment are ignored.

    Args:
        path: A path such as ``/collections/c/items/i/download/a``, or a URL ending in one.

    Returns:
        ``(collection_id, item_id, asset_id)``, decoded.

    Raises:
        ValueError: The path does not end in the download template, or a segment is empty or
            not valid percent-encoded UTF-8.
    """
    segments = urlsplit(path).path.split("/")
    tail = segments[-6:]
    if len(tail) < 6 or tuple(tail[0::2]) != _FIXED_SEGMENTS:
        raise ValueError(
            f"{path!r} is not a download path: expected it to end in {DOWNLOAD_PATH} "
            "with each identifier percent-encoded as one segment"
        )
    return (
        _decode("collection id", tail[1], path),
        _decode("item id", tail[3], path),
        _decode("asset id", tail[5], path),
    )


def openapi(version: str | None = None) -> dict[str, Any]:
    """Return a packaged OpenAPI document of the download extension.

    Args:
        version: The version, with or without its leading ``v`` (``"v1.0.0"``, ``"1.0.0"``);
            ``None`` for the newest.

    Returns:
        The parsed document (a new dict on every call).

    Raises:
        UnknownIdentifierError: No packaged version has this number.
    """
    if version is None:
        return schemas.get_openapi(schemas.newest(ExtensionName.DOWNLOAD).identifier)
    wanted = "v" + version.removeprefix("v")
    for entry in schemas.versions(ExtensionName.DOWNLOAD):
        if entry.version == wanted:
            return schemas.get_openapi(entry.identifier)
    raise UnknownIdentifierError(
        f"download {version}", known=[e.version for e in schemas.versions(ExtensionName.DOWNLOAD)]
    )
