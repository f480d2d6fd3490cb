"""rs-stac-ext: the Reference System's STAC extensions for Copernicus ground-segment data.

The public API is re-exported here by explicit name; everything else is private.
"""

from rs_stac_ext._catalog import DocumentKind, ExtensionName, ExtensionVersion
from rs_stac_ext._version import __version__
from rs_stac_ext.errors import MigrationError, RsStacExtError, UnknownIdentifierError
from rs_stac_ext.schemas import FormatMode

__all__ = [
    "DocumentKind",
    "ExtensionName",
    "ExtensionVersion",
    "FormatMode",
    "MigrationError",
    "RsStacExtError",
    "UnknownIdentifierError",
    "__version__",
]
