"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.pystac_ext.auxip import (
    ALIASES as ALIASES,
)
from rs_stac_ext.pystac_ext.auxip import (
    AUXIP_EXTENSION_HOOKS as AUXIP_EXTENSION_HOOKS,
)
from rs_stac_ext.pystac_ext.auxip import (
    AUXIP_ID_PROP as AUXIP_ID_PROP,
)
from rs_stac_ext.pystac_ext.auxip import (
    PREFIX as PREFIX,
)
from rs_stac_ext.pystac_ext.auxip import (
    SCHEMA_URI as SCHEMA_URI,
)
from rs_stac_ext.pystac_ext.auxip import (
    SCHEMA_URIS as SCHEMA_URIS,
)
from rs_stac_ext.pystac_ext.auxip import (
    AuxipExtension as AuxipExtension,
)
from rs_stac_ext.pystac_ext.auxip import (
    AuxipExtensionHooks as AuxipExtensionHooks,
)
from rs_stac_ext.pystac_ext.auxip import (
    ItemAuxipExtension as ItemAuxipExtension,
)

__all__ = [
    "ALIASES",
    "AUXIP_EXTENSION_HOOKS",
    "AUXIP_ID_PROP",
    "PREFIX",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "AuxipExtension",
    "AuxipExtensionHooks",
    "ItemAuxipExtension",
]
