"""pystac support for the AUXIP extension (``auxip:``): one Copernicus auxiliary file per Item.

Use :meth:`AuxipExtension.ext` on a :class:`pystac.Item`::

    >>> AuxipExtension.ext(item, add_if_missing=True).auxip_id = "2e25ea88-ab33-..."

The classes write the newest version (v2.0.0), which keeps ``auxip:id`` in Item properties only:
assets and Collections carry no ``auxip:`` field, so there are no asset, item-asset or summaries
accessors. :data:`AUXIP_EXTENSION_HOOKS` (advertised through the ``pystac.extensions`` entry
point) upgrades documents that declare an older version or another spelling while pystac reads
them.

This module is imported whenever pystac migrates a document, so it imports only pystac, the
standard library and :mod:`rs_stac_ext.schemas._catalog`;
:mod:`rs_stac_ext.pystac_ext.migrate` is imported on first use.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar, cast

import pystac
from pystac.extensions.base import ExtensionManagementMixin, PropertiesExtension
from pystac.extensions.hooks import ExtensionHooks

from rs_stac_ext.pystac_ext._hooks import (
    DeclaredByAnySpelling,
    ItemFields,
    Spellings,
    UpgradingHooks,
)
from rs_stac_ext.schemas import find_version
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "ALIASES",
    "AUXIP_EXTENSION_HOOKS",
    "AUXIP_ID_PROP",
    "PREFIX",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "AuxipExtension",
    "AuxipExtensionHooks",
    "ItemAuxipExtension",
]

_SPELLINGS = Spellings.of(ExtensionName.AUXIP)

SCHEMA_URI: str = _SPELLINGS.newest
"""Identifier of the newest version, the one these classes write."""

SCHEMA_URIS: tuple[str, ...] = _SPELLINGS.published
"""Every published canonical identifier, oldest first."""

ALIASES: tuple[str, ...] = _SPELLINGS.aliases
"""Other spellings of published identifiers (the other host); recognised, never written."""

PREFIX: str = "auxip:"
AUXIP_ID_PROP: str = PREFIX + "id"


#: The objects the AUXIP extension can extend: Items only since v2.0.0.
T = TypeVar("T", bound=pystac.Item)


def _type_error_message(obj: object) -> str:
    where = {
        pystac.Asset: "assets",
        pystac.ItemAssetDefinition: "item asset definitions",
        pystac.Collection: "Collections",
    }
    for kind, place in where.items():
        if isinstance(obj, kind):
            return (
                f"AuxipExtension does not apply to type '{type(obj).__name__}': auxip "
                f"{find_version(SCHEMA_URI).version} keeps {AUXIP_ID_PROP} in Item properties "
                f"only, {place} carry no auxip field"
            )
    return f"AuxipExtension does not apply to type '{type(obj).__name__}'; use a pystac.Item"


class AuxipExtension(
    DeclaredByAnySpelling,
    Generic[T],
    PropertiesExtension,
    ExtensionManagementMixin[pystac.Item | pystac.Collection],
):
    """Read and write the AUXIP fields of an Item.

    Do not instantiate directly; use :meth:`AuxipExtension.ext`::

        >>> auxip = AuxipExtension.ext(item)
        >>> auxip.auxip_id
        '2e25ea88-ab33-11ef-8630-fa163e75e309'
    """

    name: Literal["auxip"] = "auxip"

    def apply(self, auxip_id: str) -> None:
        """Set every AUXIP field.

        Args:
            auxip_id: The product's UUID in the AUXIP service (required).
        """
        self.auxip_id = auxip_id

    @property
    def auxip_id(self) -> str | None:
        """The product's UUID in the AUXIP service (the OData ``Products(<uuid>)`` key)."""
        return self._get_property(AUXIP_ID_PROP, str)

    @auxip_id.setter
    def auxip_id(self, v: str | None) -> None:
        self._set_property(AUXIP_ID_PROP, v)

    spellings = _SPELLINGS

    @classmethod
    def ext(cls, obj: T, add_if_missing: bool = False) -> AuxipExtension[T]:
        """Extend an Item with the AUXIP fields.

        Args:
            obj: The Item.
            add_if_missing: Declare the extension on the Item when it is missing.

        Returns:
            The extension object for ``obj``.

        Raises:
            pystac.ExtensionTypeError: ``obj`` is not an Item (v2.0.0 allows ``auxip:`` fields
                in Item properties only).
            pystac.ExtensionNotImplemented: The Item does not declare the extension and
                ``add_if_missing`` is false.
        """
        if isinstance(obj, pystac.Item):
            cls.ensure_has_extension(obj, add_if_missing)
            return cast(AuxipExtension[T], ItemAuxipExtension(obj))
        raise pystac.ExtensionTypeError(_type_error_message(obj))


class ItemAuxipExtension(ItemFields, AuxipExtension[pystac.Item]):
    """The AUXIP fields of an Item's properties.

    Use :meth:`AuxipExtension.ext` on an Item rather than instantiating this class.
    """


class AuxipExtensionHooks(UpgradingHooks):
    """pystac hooks that upgrade documents declaring an older AUXIP version or spelling.

    pystac calls :meth:`migrate` on every Item and Collection it reads. Documents that declare
    an older identifier (or an alias) are upgraded with
    :func:`rs_stac_ext.pystac_ext.migrate.upgrade_in_place`, which rewrites the declaration and
    moves or removes fields as the newest version requires.
    """

    extension = ExtensionName.AUXIP
    schema_uri: str = SCHEMA_URI
    prev_extension_ids: set[str] = set(_SPELLINGS.every - {SCHEMA_URI})  # noqa: RUF012
    stac_object_types: set[pystac.STACObjectType] = {  # noqa: RUF012
        pystac.STACObjectType.ITEM,
        pystac.STACObjectType.COLLECTION,
    }


AUXIP_EXTENSION_HOOKS: ExtensionHooks = AuxipExtensionHooks()
"""The hooks pystac discovers through the ``pystac.extensions`` entry point."""
