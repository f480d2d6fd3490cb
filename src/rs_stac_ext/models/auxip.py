"""Model of the AUXIP extension's field (v2.0.0): the product UUID in Item properties.

``auxip:id`` lives in an Item's ``properties`` only; the ``auxip:`` prefix is closed there, so any
other ``auxip:`` key is a validation error.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from rs_stac_ext.models._common import StacFields, UuidString

__all__ = ["AuxipItemProperties"]


class AuxipItemProperties(StacFields):
    """The AUXIP fields of an Item's ``properties``.

    Attributes:
        auxip_id: ``auxip:id``, the product's UUID in the AUXIP (ADGS) service, i.e. the OData
            ``Products(<uuid>)`` key.
    """

    prefix: ClassVar[str | None] = "auxip:"

    auxip_id: UuidString = Field(alias="auxip:id")
