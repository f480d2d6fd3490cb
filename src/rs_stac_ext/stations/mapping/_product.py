"""What AUXIP, PRIP and LTA products share: one product (OData ``Products``) → one Item.

The Item id is the product name without its file-format suffixes; the one asset is the product
file, keyed by the full name, downloadable at ``<station root>/Products(<Id>)/$value``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rs_stac_ext.stations.mapping._common import (
    STAC_VERSION,
    Attributes,
    Record,
    TimeRange,
    bbox,
    format_timestamp,
    geometry,
    links,
    multihash,
)
from rs_stac_ext.stations.missions import Satellite, UnknownSatellite, satellite_by_short_name

if TYPE_CHECKING:
    from rs_stac_ext.stations.mapping import MappingContext

__all__ = ["Product", "item_id", "read_product"]

_SUFFIX = re.compile(
    r"(?:\.(?:safe|sen3|eof|eef|tgz|tar|gz|zip|xml|dbl|hdr|nc|json|bin|dat|txt|h5|tif|tiff|jp2"
    r"|zarr))+$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def item_id(name: str) -> str:
    """Return the Item id of a product name: the name without file-format suffixes.

    ``….SAFE.zip``, ``….EOF``, ``….TGZ``, ``….tar.gz`` and the like are removed; a name that
    is nothing but a suffix keeps its full form.
    """
    stripped = _SUFFIX.sub("", name)
    return stripped or name


@dataclass
class Product:
    """A product record read into the parts every product Item has.

    Attributes:
        record: The product record.
        attributes: Its ``Attributes``, readable by name.
        uuid: ``Id``.
        name: ``Name``.
        item: The Item being built (``properties`` and ``assets`` filled in by the service).
    """

    record: Record
    attributes: Record
    uuid: str
    name: str
    item: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        """The Item's properties."""
        return self.item["properties"]  # type: ignore[no-any-return]

    @property
    def asset(self) -> dict[str, Any]:
        """The product's asset."""
        return self.item["assets"][self.name]  # type: ignore[no-any-return]


def read_product(
    data: Mapping[str, Any],
    label: str,
    context: MappingContext,
    service: str,
    *,
    guid_id: bool,
) -> Product:
    """Read the fields every product Item has.

    Args:
        data: The product record.
        label: How errors name it.
        context: Station, collection, base URL, versions.
        service: ``auxip``, ``prip`` or ``lta`` (for links).
        guid_id: Whether ``Id`` must be a GUID (it must where a schema checks it).

    Raises:
        MappingError: A field is missing or wrong.
    """
    record = Record(data, label)
    uuid = record.uuid("Id", required=True) if guid_id else record.string("Id", required=True)
    name = record.string("Name", required=True)
    assert uuid is not None
    assert name is not None
    start = record.timestamp("ContentDate/Start", required=True)
    end = record.timestamp("ContentDate/End")
    assert start is not None
    if end is not None and end < start:
        raise record.error(
            "ContentDate/End",
            f"is before ContentDate/Start ({format_timestamp(end)} < {format_timestamp(start)})",
        )
    attributes = Attributes(record).reader()
    properties: dict[str, Any] = TimeRange(start, start, end).properties()
    published = record.timestamp("PublicationDate")
    if published is not None:
        properties["published"] = format_timestamp(published)
    expires = record.timestamp("EvictionDate")
    if expires is not None:
        properties["expires"] = format_timestamp(expires)
    platform = _platform(attributes)
    if isinstance(platform, Satellite):
        properties["platform"] = platform.platform
        properties["constellation"] = platform.constellation
    elif platform is not None:
        properties["constellation"] = platform
    processed = attributes.timestamp("processingDate")
    if processed is not None:
        properties["processing:datetime"] = format_timestamp(processed)
    for source, target in (
        ("processingCenter", "processing:facility"),
        ("processorVersion", "processing:version"),
    ):
        value = _text(attributes, source)
        if value is not None:
            properties[target] = value
    footprint = geometry(record)
    identifier = item_id(name)
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [],
        "id": identifier,
        "geometry": footprint,
    }
    if footprint is not None:
        item["bbox"] = bbox(footprint)
    item["properties"] = properties
    item["links"] = links(context.base_url, service, context.collection, identifier)
    item["assets"] = {name: _asset(record, context, uuid)}
    if context.collection and context.base_url:
        item["collection"] = context.collection
    return Product(record, attributes, uuid, name, item)


def _text(record: Record, field: str) -> str | None:
    value = record.raw(field)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return record.string(field)


def _platform(attributes: Record) -> Satellite | str | None:
    short_name = attributes.string("platformShortName")
    if short_name is None:
        return None
    serial = attributes.string("platformSerialIdentifier")
    try:
        return satellite_by_short_name(short_name, serial)
    except UnknownSatellite as exc:
        raise attributes.error("platformShortName", str(exc)) from None


def _asset(record: Record, context: MappingContext, uuid: str) -> dict[str, Any]:
    root = context.odata_root
    # Any other Id is an OData string literal, percent-encoded so that no character of it
    # ("/", "?", "#", "%") can change the URL's path or add a query.
    literal = "'" + uuid.replace("'", "''") + "'"
    key = uuid if _UUID.fullmatch(uuid) else quote(literal, safe="'")
    path = f"Products({key})/$value"
    asset: dict[str, Any] = {"href": f"{root}/{path}" if root else path}
    content_type = record.string("ContentType")
    if content_type is not None:
        if not re.fullmatch(r"[\w.+-]+/[\w.+-]+(\s*;.*)?", content_type):
            raise record.error(
                "ContentType",
                f"expected a media type such as application/zip, got {content_type!r}",
            )
        asset["type"] = content_type
    asset["roles"] = ["data"]
    size = record.integer("ContentLength", minimum=0)
    if size is not None:
        asset["file:size"] = size
    checksum = multihash(record)
    if checksum is not None:
        asset["file:checksum"] = checksum
    return asset
