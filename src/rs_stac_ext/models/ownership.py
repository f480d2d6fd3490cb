"""Model of the ownership extension's field (v2.0.0): who owns an Item.

``owner`` has no prefix, so the other keys of the object are never policed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr

from rs_stac_ext.models._common import StacFields

__all__ = ["OWNER_PATTERN", "OwnershipProperties"]

OWNER_PATTERN = (
    r"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
"""The schema's ``owner`` pattern: some character that is not white space.

The schema lists the white-space characters instead of writing ``\\s`` so that every regex
engine agrees (Python's ``\\s`` would also cover U+001C to U+001F).
"""

_VISIBLE = re.compile(OWNER_PATTERN)


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
