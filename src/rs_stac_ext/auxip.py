"""pystac support for the AUXIP extension (``auxip:``): one Copernicus auxiliary file per Item.

Use :meth:`AuxipExtension.ext` on a :class:`pystac.Item`::

    >>> AuxipExtension.ext(item, add_if_missing=True).auxip_id = "2e25ea88-ab33-..."

The classes write the newest version (v2.0.0), which keeps ``auxip:id`` in Item properties only:
assets and Collections carry no ``auxip:`` field, so there are no asset, item-asset or summaries
accessors. :data:`AUXIP_EXTENSION_HOOKS` (advertised through the ``pystac.extensions`` entry
point) upgrades documents that declare an older version or another spelling while pystac reads
them.

This module is imported whenever pystac migrates a document, so it imports only pystac, the
standard library and :mod:`rs_stac_ext._catalog`; :mod:`rs_stac_ext.migrate` is imported on
first use.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar, cast

import pystac
from pystac.extensions.base import ExtensionManagementMixin, PropertiesExtension
from pystac.extensions.hooks import ExtensionHooks

from rs_stac_ext._catalog import VERSIONS, ExtensionName
from rs_stac_ext._hooks import UpgradingHooks

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

_VERSIONS = sorted(
    (entry for entry in VERSIONS if entry.extension is ExtensionName.AUXIP),
    key=lambda entry: entry.version_tuple,
)

SCHEMA_URI: str = _VERSIONS[-1].identifier
"""Identifier of the newest version, the one these classes write."""

SCHEMA_URIS: tuple[str, ...] = tuple(entry.identifier for entry in _VERSIONS)
"""Every published canonical identifier, oldest first."""

ALIASES: tuple[str, ...] = tuple(alias for entry in _VERSIONS for alias in entry.aliases)
"""Other spellings of published identifiers (the other host); recognised, never written."""

PREFIX: str = "auxip:"
AUXIP_ID_PROP: str = PREFIX + "id"

_SPELLINGS = frozenset((*SCHEMA_URIS, *ALIASES))

#: The objects the AUXIP extension can extend: Items only since v2.0.0.
T = TypeVar("T", bound=pystac.Item)


def _is_ours(uri: object) -> bool:
    # Same leniency as the schema store's lookup: surrounding blanks and a trailing `#`.
    return isinstance(uri, str) and uri.strip().removesuffix("#") in _SPELLINGS


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
                f"{_VERSIONS[-1].version} keeps {AUXIP_ID_PROP} in Item properties only, "
                f"{place} carry no auxip field"
            )
    return f"AuxipExtension does not apply to type '{type(obj).__name__}'; use a pystac.Item"


def _declare_newest(listed: list[str] | None) -> list[str]:
    declared: list[str] = []
    for uri in listed or []:
        if not _is_ours(uri):
            declared.append(uri)
        elif SCHEMA_URI not in declared:
            declared.append(SCHEMA_URI)
    if SCHEMA_URI not in declared:
        declared.append(SCHEMA_URI)
    return declared


class AuxipExtension(
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

    @classmethod
    def get_schema_uri(cls) -> str:
        """Return the newest identifier, the one these classes write."""
        return SCHEMA_URI

    @classmethod
    def get_schema_uris(cls) -> list[str]:
        """Return every published canonical identifier, oldest first."""
        return list(SCHEMA_URIS)

    @classmethod
    def has_extension(cls, obj: pystac.Item | pystac.Collection) -> bool:
        """Tell whether an object declares any published version or alias of the extension.

        Unlike pystac's default (a URL-prefix match that a host change defeats), every
        published identifier and every alias is recognised explicitly.

        Args:
            obj: The Item or Collection to look at.

        Returns:
            True when ``stac_extensions`` lists one of our spellings.
        """
        return obj.stac_extensions is not None and any(map(_is_ours, obj.stac_extensions))

    @classmethod
    def add_to(cls, obj: pystac.Item | pystac.Collection) -> None:
        """Declare the newest version, replacing any older spelling of ours in place.

        Only the declaration changes; fields are not migrated (documents read with
        ``from_dict`` are already migrated by :data:`AUXIP_EXTENSION_HOOKS`).

        Args:
            obj: The Item or Collection to change.
        """
        obj.stac_extensions = _declare_newest(obj.stac_extensions)

    @classmethod
    def remove_from(cls, obj: pystac.Item | pystac.Collection) -> None:
        """Remove every spelling of the extension from ``stac_extensions``.

        Args:
            obj: The Item or Collection to change.
        """
        if obj.stac_extensions is not None:
            obj.stac_extensions = [uri for uri in obj.stac_extensions if not _is_ours(uri)]

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


class ItemAuxipExtension(AuxipExtension[pystac.Item]):
    """The AUXIP fields of an Item's properties.

    Use :meth:`AuxipExtension.ext` on an Item rather than instantiating this class.
    """

    item: pystac.Item
    """The Item being extended."""

    properties: dict[str, Any]
    """The Item's properties, where the AUXIP fields live."""

    def __init__(self, item: pystac.Item) -> None:
        self.item = item
        self.properties = item.properties

    def __repr__(self) -> str:
        return f"<ItemAuxipExtension Item id={self.item.id}>"


class AuxipExtensionHooks(UpgradingHooks):
    """pystac hooks that upgrade documents declaring an older AUXIP version or spelling.

    pystac calls :meth:`migrate` on every Item and Collection it reads. Documents that declare
    an older identifier (or an alias) are upgraded with
    :func:`rs_stac_ext.migrate.upgrade_in_place`, which rewrites the declaration and moves or
    removes fields as the newest version requires.
    """

    extension = ExtensionName.AUXIP
    schema_uri: str = SCHEMA_URI
    prev_extension_ids: set[str] = set(_SPELLINGS - {SCHEMA_URI})  # noqa: RUF012
    stac_object_types: set[pystac.STACObjectType] = {  # noqa: RUF012
        pystac.STACObjectType.ITEM,
        pystac.STACObjectType.COLLECTION,
    }


AUXIP_EXTENSION_HOOKS: ExtensionHooks = AuxipExtensionHooks()
"""The hooks pystac discovers through the ``pystac.extensions`` entry point."""
