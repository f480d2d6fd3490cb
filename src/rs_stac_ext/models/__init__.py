"""Pydantic models of the fields each extension adds, agreeing with the v2.0.0 schemas.

Each model reads and writes the fields under their STAC names with ``from_stac`` and
``to_stac``; keys that belong to no extension are carried through unchanged.
"""

from rs_stac_ext.models._common import ExternalId, JsonInt, Rfc3339String, StacFields, UuidString
from rs_stac_ext.models.auxip import AuxipItemProperties
from rs_stac_ext.models.cadip import (
    CADIP_SCHEME,
    DSDB_FILE_FIELDS,
    CadipAsset,
    CadipFileAsset,
    CadipSessionProperties,
    cadip_asset_from_stac,
)
from rs_stac_ext.models.ownership import OwnershipProperties

__all__ = [
    "CADIP_SCHEME",
    "DSDB_FILE_FIELDS",
    "AuxipItemProperties",
    "CadipAsset",
    "CadipFileAsset",
    "CadipSessionProperties",
    "ExternalId",
    "JsonInt",
    "OwnershipProperties",
    "Rfc3339String",
    "StacFields",
    "UuidString",
    "cadip_asset_from_stac",
]
