"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.pystac_ext.ownership import (
    ALIASES as ALIASES,
)
from rs_stac_ext.pystac_ext.ownership import (
    OWNER_PROP as OWNER_PROP,
)
from rs_stac_ext.pystac_ext.ownership import (
    OWNERSHIP_EXTENSION_HOOKS as OWNERSHIP_EXTENSION_HOOKS,
)
from rs_stac_ext.pystac_ext.ownership import (
    PREFIX as PREFIX,
)
from rs_stac_ext.pystac_ext.ownership import (
    SCHEMA_URI as SCHEMA_URI,
)
from rs_stac_ext.pystac_ext.ownership import (
    SCHEMA_URIS as SCHEMA_URIS,
)
from rs_stac_ext.pystac_ext.ownership import (
    CatalogOwnershipExtension as CatalogOwnershipExtension,
)
from rs_stac_ext.pystac_ext.ownership import (
    CollectionOwnershipExtension as CollectionOwnershipExtension,
)
from rs_stac_ext.pystac_ext.ownership import (
    ItemOwnershipExtension as ItemOwnershipExtension,
)
from rs_stac_ext.pystac_ext.ownership import (
    OwnershipExtension as OwnershipExtension,
)
from rs_stac_ext.pystac_ext.ownership import (
    OwnershipExtensionHooks as OwnershipExtensionHooks,
)
from rs_stac_ext.pystac_ext.ownership import (
    SummariesOwnershipExtension as SummariesOwnershipExtension,
)

__all__ = [
    "ALIASES",
    "OWNERSHIP_EXTENSION_HOOKS",
    "OWNER_PROP",
    "PREFIX",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "CatalogOwnershipExtension",
    "CollectionOwnershipExtension",
    "ItemOwnershipExtension",
    "OwnershipExtension",
    "OwnershipExtensionHooks",
    "SummariesOwnershipExtension",
]
