"""The 0.1.0 import path of the public names of :mod:`rs_stac_ext.validator.rules`."""

from rs_stac_ext.validator.rules import *  # noqa: F403
from rs_stac_ext.validator.rules import __all__ as __all__
