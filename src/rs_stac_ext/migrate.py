"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.pystac_ext.migrate import (
    EXTERNAL_IDS_SCHEMA_URI as EXTERNAL_IDS_SCHEMA_URI,
)
from rs_stac_ext.pystac_ext.migrate import (
    SAT_SCHEMA_URI as SAT_SCHEMA_URI,
)
from rs_stac_ext.pystac_ext.migrate import (
    Change as Change,
)
from rs_stac_ext.pystac_ext.migrate import (
    MigrationWarning as MigrationWarning,
)
from rs_stac_ext.pystac_ext.migrate import (
    Upgrade as Upgrade,
)
from rs_stac_ext.pystac_ext.migrate import (
    canonicalise_identifiers as canonicalise_identifiers,
)
from rs_stac_ext.pystac_ext.migrate import (
    upgrade as upgrade,
)
from rs_stac_ext.pystac_ext.migrate import (
    upgrade_in_place as upgrade_in_place,
)

__all__ = [
    "EXTERNAL_IDS_SCHEMA_URI",
    "SAT_SCHEMA_URI",
    "Change",
    "MigrationWarning",
    "Upgrade",
    "canonicalise_identifiers",
    "upgrade",
    "upgrade_in_place",
]
