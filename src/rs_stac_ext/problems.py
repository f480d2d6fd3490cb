"""Public import path (as in 0.1.0); the code lives in the module imported below."""

from rs_stac_ext.validator.problems import (
    Problem as Problem,
)
from rs_stac_ext.validator.problems import (
    check as check,
)
from rs_stac_ext.validator.problems import (
    collect as collect,
)
from rs_stac_ext.validator.problems import (
    describe as describe,
)
from rs_stac_ext.validator.problems import (
    from_errors as from_errors,
)
from rs_stac_ext.validator.problems import (
    pointer as pointer,
)

__all__ = [
    "Problem",
    "check",
    "collect",
    "describe",
    "from_errors",
    "pointer",
]
