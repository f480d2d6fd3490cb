"""AUXIP (ADGS): one auxiliary-data product → one Item carrying ``auxip:id``.

Besides the fields every product has (see :mod:`._product`): ``auxip:id`` ← ``Id`` (a GUID,
as the auxip schemas demand), ``created`` ← ``PublicationDate`` and ``product:type`` ←
attribute ``productType`` as published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rs_stac_ext.stations.mapping._common import declare_extensions, rs_identifier
from rs_stac_ext.stations.mapping._product import read_product

if TYPE_CHECKING:
    from rs_stac_ext.stations.mapping import MappedItem, MappingContext

__all__ = ["map_product"]


def map_product(data: Mapping[str, Any], label: str, context: MappingContext) -> MappedItem:
    """Map one AUXIP product.

    Raises:
        MappingError: A field is missing or wrong.
    """
    from rs_stac_ext.stations.mapping import MappedItem

    product = read_product(data, label, context, "auxip", guid_id=True)
    properties = product.properties
    properties["auxip:id"] = product.uuid
    if "published" in properties:
        properties["created"] = properties["published"]
    product_type = product.attributes.string("productType")
    if product_type is not None:
        properties["product:type"] = product_type
    item = product.item
    item["stac_extensions"] = declare_extensions(item, [rs_identifier("auxip", context.versions)])
    return MappedItem(item)
