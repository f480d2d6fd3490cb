"""LTA: one long-term-archive product → one Item.

LTA products are published with the same OData model and attributes as PRIP products, so they
map exactly as PRIP products do (:mod:`.prip`), except that the station's ``Id`` goes to
``externalIds`` under the scheme ``lta``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rs_stac_ext.stations.mapping._product import read_product
from rs_stac_ext.stations.mapping.prip import enrich

if TYPE_CHECKING:
    from rs_stac_ext.stations.mapping import MappedItem, MappingContext

__all__ = ["map_product"]


def map_product(data: Mapping[str, Any], label: str, context: MappingContext) -> MappedItem:
    """Map one LTA product.

    Raises:
        MappingError: A field is missing or wrong.
    """
    from rs_stac_ext.stations.mapping import MappedItem

    product = read_product(data, label, context, "lta", guid_id=False)
    enrich(product, "lta")
    return MappedItem(product.item)
