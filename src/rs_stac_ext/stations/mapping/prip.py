"""PRIP: one production-service product → one Item.

Besides the fields every product has (see :mod:`._product`), the rich PRIP attributes: EOPF
``product:type``, ``processing:level`` and instrument mode through the product-type table of
:mod:`rs_stac_ext.stations.missions`, orbits (``sat:*``), polarisations (``sar:polarizations``),
data-take and configuration ids (``eopf:*``). The station's ``Id`` goes to ``externalIds`` under
the scheme ``prip`` (no PRIP STAC extension exists for a ``prip:id`` field).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rs_stac_ext.stations.mapping._common import declare_extensions, format_timestamp
from rs_stac_ext.stations.mapping._product import Product, read_product
from rs_stac_ext.stations.missions import eopf_product_type

if TYPE_CHECKING:
    from rs_stac_ext.stations.mapping import MappedItem, MappingContext

__all__ = ["POLARIZATIONS", "enrich", "map_product"]

POLARIZATIONS = ("HH", "VV", "HV", "VH", "LH", "LV", "RH", "RV", "CH", "CV")
"""The values ``sar:polarizations`` accepts."""

_ORBIT_STATES = ("ascending", "descending", "geostationary")


def map_product(data: Mapping[str, Any], label: str, context: MappingContext) -> MappedItem:
    """Map one PRIP product.

    Raises:
        MappingError: A field is missing or wrong.
    """
    from rs_stac_ext.stations.mapping import MappedItem

    product = read_product(data, label, context, "prip", guid_id=False)
    enrich(product, "prip")
    return MappedItem(product.item)


def enrich(product: Product, scheme: str) -> None:
    """Add the fields PRIP and LTA products share, and declare the extensions they use.

    Args:
        product: The product read so far.
        scheme: The ``externalIds`` scheme naming the service (``prip``, ``lta``).
    """
    record, attributes, properties = product.record, product.attributes, product.properties
    properties["externalIds"] = [{"scheme": scheme, "value": product.uuid}]
    if "processing:datetime" in properties:
        properties["created"] = properties["processing:datetime"]
    origin = record.timestamp("OriginDate")
    if origin is not None:
        properties["eopf:origin_datetime"] = format_timestamp(origin)
    _product_type(product)
    lineage = record.string("ProductionType")
    if lineage is not None:
        properties["processing:lineage"] = lineage
    instrument = attributes.string("instrumentShortName")
    if instrument is not None:
        properties["instruments"] = [instrument.lower()]
    for source, target in (
        ("orbitNumber", "sat:absolute_orbit"),
        ("relativeOrbitNumber", "sat:relative_orbit"),
        ("cycleNumber", "sat:orbit_cycle"),
    ):
        number = attributes.integer(source, minimum=1)
        if number is not None:
            properties[target] = number
    direction = attributes.string("orbitDirection")
    if direction is not None:
        if direction.lower() not in _ORBIT_STATES:
            raise attributes.error(
                "orbitDirection", f"expected ASCENDING or DESCENDING, got {direction!r}"
            )
        properties["sat:orbit_state"] = direction.lower()
    channels = attributes.string("polarisationChannels")
    if channels is not None:
        properties["sar:polarizations"] = _polarizations(product, channels)
    datatake = attributes.raw("datatakeID")
    if datatake is not None:
        if isinstance(datatake, bool) or not isinstance(datatake, int | str) or datatake == "":
            raise attributes.error(
                "datatakeID", f"expected an integer or a string, got {datatake!r}"
            )
        properties["eopf:datatake_id"] = str(datatake)
    configuration = attributes.integer("instrumentConfigurationID", minimum=0)
    if configuration is not None:
        properties["eopf:instrument_configuration_id"] = configuration
    product.item["stac_extensions"] = declare_extensions(product.item)


def _product_type(product: Product) -> None:
    properties = product.properties
    legacy = product.attributes.string("productType")
    if legacy is None:
        return
    known = eopf_product_type(legacy)
    if known is None:
        properties["product:type"] = legacy
        return
    properties["product:type"] = known.eopf
    properties["processing:level"] = known.level
    mode = "sar:instrument_mode" if known.constellation == "sentinel-1" else "eopf:instrument_mode"
    properties[mode] = known.instrument_mode


def _polarizations(product: Product, channels: str) -> list[str]:
    values = [v.upper() for v in re.split(r"[\s&,/+]+", channels.strip()) if v]
    unknown = [v for v in values if v not in POLARIZATIONS]
    if not values or unknown:
        raise product.attributes.error(
            "polarisationChannels",
            f"expected polarisations such as VV&VH (each one of {', '.join(POLARIZATIONS)}), "
            f"got {channels!r}",
        )
    return list(dict.fromkeys(values))
