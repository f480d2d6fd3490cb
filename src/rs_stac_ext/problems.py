"""The 0.1.0 import path of the public names of :mod:`rs_stac_ext.validator.problems`."""

from rs_stac_ext.validator.problems import *  # noqa: F403
from rs_stac_ext.validator.problems import __all__ as __all__
