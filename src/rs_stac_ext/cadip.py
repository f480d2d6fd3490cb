"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.pystac_ext.cadip import (
    ACQUISITION_ID_PROP as ACQUISITION_ID_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    ALIASES as ALIASES,
)
from rs_stac_ext.pystac_ext.cadip import (
    ANTENNA_ID_PROP as ANTENNA_ID_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    ANTENNA_STATUS_OK_PROP as ANTENNA_STATUS_OK_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    BLOCK_NUMBER_PROP as BLOCK_NUMBER_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    CADIP_EXTENSION_HOOKS as CADIP_EXTENSION_HOOKS,
)
from rs_stac_ext.pystac_ext.cadip import (
    CADIP_SCHEME as CADIP_SCHEME,
)
from rs_stac_ext.pystac_ext.cadip import (
    CHANNEL_PROP as CHANNEL_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    DELIVERY_PUSH_OK_PROP as DELIVERY_PUSH_OK_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    DOWNLINK_STATUS_OK_PROP as DOWNLINK_STATUS_OK_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    EXTERNAL_IDS_PROP as EXTERNAL_IDS_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    FINAL_BLOCK_PROP as FINAL_BLOCK_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    FRONT_END_ID_PROP as FRONT_END_ID_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    FRONT_END_STATUS_OK_PROP as FRONT_END_STATUS_OK_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    NUM_CHANNELS_PROP as NUM_CHANNELS_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    PLANNED_DATA_START_PROP as PLANNED_DATA_START_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    PLANNED_DATA_STOP_PROP as PLANNED_DATA_STOP_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    PREFIX as PREFIX,
)
from rs_stac_ext.pystac_ext.cadip import (
    RETRANSFER_PROP as RETRANSFER_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    SCHEMA_URI as SCHEMA_URI,
)
from rs_stac_ext.pystac_ext.cadip import (
    SCHEMA_URIS as SCHEMA_URIS,
)
from rs_stac_ext.pystac_ext.cadip import (
    STATION_ID_PROP as STATION_ID_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    STATION_UNIT_ID_PROP as STATION_UNIT_ID_PROP,
)
from rs_stac_ext.pystac_ext.cadip import (
    AssetCadipExtension as AssetCadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    CadipExtension as CadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    CadipExtensionHooks as CadipExtensionHooks,
)
from rs_stac_ext.pystac_ext.cadip import (
    ExternalId as ExternalId,
)
from rs_stac_ext.pystac_ext.cadip import (
    FileCadipExtension as FileCadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    ItemAssetsCadipExtension as ItemAssetsCadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    ItemCadipExtension as ItemCadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    SummariesCadipExtension as SummariesCadipExtension,
)
from rs_stac_ext.pystac_ext.cadip import (
    is_dsdb_file as is_dsdb_file,
)

__all__ = [
    "ACQUISITION_ID_PROP",
    "ALIASES",
    "ANTENNA_ID_PROP",
    "ANTENNA_STATUS_OK_PROP",
    "BLOCK_NUMBER_PROP",
    "CADIP_EXTENSION_HOOKS",
    "CADIP_SCHEME",
    "CHANNEL_PROP",
    "DELIVERY_PUSH_OK_PROP",
    "DOWNLINK_STATUS_OK_PROP",
    "EXTERNAL_IDS_PROP",
    "FINAL_BLOCK_PROP",
    "FRONT_END_ID_PROP",
    "FRONT_END_STATUS_OK_PROP",
    "NUM_CHANNELS_PROP",
    "PLANNED_DATA_START_PROP",
    "PLANNED_DATA_STOP_PROP",
    "PREFIX",
    "RETRANSFER_PROP",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "STATION_ID_PROP",
    "STATION_UNIT_ID_PROP",
    "AssetCadipExtension",
    "CadipExtension",
    "CadipExtensionHooks",
    "ExternalId",
    "FileCadipExtension",
    "ItemAssetsCadipExtension",
    "ItemCadipExtension",
    "SummariesCadipExtension",
    "is_dsdb_file",
]
