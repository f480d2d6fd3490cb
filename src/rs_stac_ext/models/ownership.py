"""Model of the ownership extension's field (v2.0.0): who owns an Item.

``owner`` has no prefix, so the other keys of the object are never policed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr

from rs_stac_ext.models._common import StacFields

__all__ = ["OwnershipProperties"]

# Python's `\s`, as in the schema's pattern, so both agree on exotic white space.
_VISIBLE = re.compile(r"[^\s]")


def _check_owner(value: str) -> str:
    if _VISIBLE.search(value) is None:
        raise ValueError("expected a user name with at least one character that is not white space")
    return value


class OwnershipProperties(StacFields):
    """The ownership field of an Item's ``properties``.

    Attributes:
        owner: The user name of the owner; at least one character that is not white space.
    """

    owner: Annotated[StrictStr, AfterValidator(_check_owner)] = Field(min_length=1)
