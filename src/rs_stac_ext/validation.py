"""The 0.1.0 import path of the public names of :mod:`rs_stac_ext.validator.validation`."""

from rs_stac_ext.validator.validation import *  # noqa: F403
from rs_stac_ext.validator.validation import __all__ as __all__
