"""Integers read from station records and search values: JSON numbers or ASCII digits only."""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["read_integer"]

_DIGITS = re.compile(r"[+-]?[0-9]{1,19}")


def read_integer(value: Any) -> int | None:
    """Read an integer: a JSON integer, an integral float, or up to 19 ASCII digits.

    ``str.isdigit`` would take ``'²'`` and ``int`` would then fail: only ASCII digits are
    read, and no more of them than a 64-bit integer has, so ``int`` always succeeds.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None
