"""The 0.1.0 import path of the public names of :mod:`rs_stac_ext.pystac_ext.migrate`."""

from rs_stac_ext.pystac_ext.migrate import *  # noqa: F403
from rs_stac_ext.pystac_ext.migrate import __all__ as __all__
