"""pystac support for the ownership extension: who owns an Item, a Collection or a Catalog.

Use :meth:`OwnershipExtension.ext` on a :class:`pystac.Item` (``properties.owner``), a
:class:`pystac.Collection` or a :class:`pystac.Catalog` (top-level ``owner``), and
:meth:`OwnershipExtension.summaries` for the summary of a Collection's Item owners::

    >>> OwnershipExtension.ext(collection, add_if_missing=True).owner = "alice"

The classes write the newest version (v2.0.0), which requires a non-empty ``owner`` on Items,
Collections and Catalogs. The field has no prefix. :data:`OWNERSHIP_EXTENSION_HOOKS` (advertised
through the ``pystac.extensions`` entry point) upgrades documents that declare an older version or
another spelling while pystac reads them.

This module is imported whenever pystac migrates a document, so it imports only pystac, the
standard library and :mod:`rs_stac_ext.schemas._catalog`;
:mod:`rs_stac_ext.pystac_ext.migrate` is imported on first use.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar, cast

import pystac
from pystac.extensions.base import (
    ExtensionManagementMixin,
    PropertiesExtension,
    SummariesExtension,
)
from pystac.extensions.hooks import ExtensionHooks

from rs_stac_ext.pystac_ext._hooks import (
    DeclaredByAnySpelling,
    ItemFields,
    Spellings,
    UpgradingHooks,
)
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "ALIASES",
    "OWNERSHIP_EXTENSION_HOOKS",
    "OWNER_PROP",
    "PREFIX",
    "SCHEMA_URI",
    "SCHEMA_URIS",
    "CatalogOwnershipExtension",
    "CollectionOwnershipExtension",
    "ItemOwnershipExtension",
    "OwnershipExtension",
    "OwnershipExtensionHooks",
    "SummariesOwnershipExtension",
]

_SPELLINGS = Spellings.of(ExtensionName.OWNERSHIP)

SCHEMA_URI: str = _SPELLINGS.newest
"""Identifier of the newest version, the one these classes write."""

SCHEMA_URIS: tuple[str, ...] = _SPELLINGS.published
"""Every published canonical identifier, oldest first."""

ALIASES: tuple[str, ...] = _SPELLINGS.aliases
"""Other spellings of published identifiers (the other host, an unreleased address);
recognised, never written."""

PREFIX: str = ""
"""The extension's field prefix: none (the field is plain ``owner``)."""

OWNER_PROP: str = PREFIX + "owner"


#: The objects the ownership extension can extend.
T = TypeVar("T", pystac.Item, pystac.Collection, pystac.Catalog)


class OwnershipExtension(
    DeclaredByAnySpelling,
    Generic[T],
    PropertiesExtension,
    ExtensionManagementMixin[pystac.Item | pystac.Collection | pystac.Catalog],
):
    """Read and write the owner of an Item, a Collection or a Catalog.

    Do not instantiate directly; use :meth:`OwnershipExtension.ext`::

        >>> OwnershipExtension.ext(item).owner
        'bob'
    """

    name: Literal["ownership"] = "ownership"

    def apply(self, owner: str) -> None:
        """Set every ownership field.

        Args:
            owner: The owner's user name (required; v2.0.0 wants at least one character that
                is not white space).
        """
        self.owner = owner

    @property
    def owner(self) -> str | None:
        """The user name of the object's owner."""
        return self._get_property(OWNER_PROP, str)

    @owner.setter
    def owner(self, v: str | None) -> None:
        self._set_property(OWNER_PROP, v)

    spellings = _SPELLINGS

    @classmethod
    def ext(cls, obj: T, add_if_missing: bool = False) -> OwnershipExtension[T]:
        """Extend an Item, a Collection or a Catalog with the ownership field.

        Args:
            obj: The object to extend.
            add_if_missing: Declare the extension on the object when it is missing.

        Returns:
            The extension object for ``obj``.

        Raises:
            pystac.ExtensionTypeError: ``obj`` is not an Item, Collection or Catalog (assets
                carry no owner).
            pystac.ExtensionNotImplemented: The object does not declare the extension and
                ``add_if_missing`` is false.
        """
        if isinstance(obj, pystac.Item):
            cls.ensure_has_extension(obj, add_if_missing)
            return cast(OwnershipExtension[T], ItemOwnershipExtension(obj))
        # A Collection is a Catalog: test it first.
        if isinstance(obj, pystac.Collection):
            cls.ensure_has_extension(obj, add_if_missing)
            return cast(OwnershipExtension[T], CollectionOwnershipExtension(obj))
        if isinstance(obj, pystac.Catalog):
            cls.ensure_has_extension(obj, add_if_missing)
            return cast(OwnershipExtension[T], CatalogOwnershipExtension(obj))
        raise pystac.ExtensionTypeError(
            f"{cls._ext_error_message(obj)}: the owner belongs to an Item, a Collection or a "
            "Catalog"
        )

    @classmethod
    def summaries(
        cls, obj: pystac.Collection, add_if_missing: bool = False
    ) -> SummariesOwnershipExtension:
        """Return the ownership summaries of a Collection (the owners of its Items).

        Args:
            obj: The Collection.
            add_if_missing: Declare the extension on the Collection when it is missing.

        Returns:
            The summaries object.

        Raises:
            pystac.ExtensionNotImplemented: The Collection does not declare the extension and
                ``add_if_missing`` is false.
        """
        cls.ensure_has_extension(obj, add_if_missing)
        return SummariesOwnershipExtension(obj)


class ItemOwnershipExtension(ItemFields, OwnershipExtension[pystac.Item]):
    """The owner in an Item's properties.

    Use :meth:`OwnershipExtension.ext` on an Item rather than instantiating this class.
    """


class CollectionOwnershipExtension(OwnershipExtension[pystac.Collection]):
    """The top-level owner of a Collection.

    Use :meth:`OwnershipExtension.ext` on a Collection rather than instantiating this class.
    """

    collection: pystac.Collection
    """The Collection being extended."""

    properties: dict[str, Any]
    """The Collection's extra top-level fields, where ``owner`` lives."""

    def __init__(self, collection: pystac.Collection) -> None:
        self.collection = collection
        self.properties = collection.extra_fields

    def __repr__(self) -> str:
        return f"<CollectionOwnershipExtension Collection id={self.collection.id}>"


class CatalogOwnershipExtension(OwnershipExtension[pystac.Catalog]):
    """The top-level owner of a Catalog (allowed since v2.0.0).

    Use :meth:`OwnershipExtension.ext` on a Catalog rather than instantiating this class.
    """

    catalog: pystac.Catalog
    """The Catalog being extended."""

    properties: dict[str, Any]
    """The Catalog's extra top-level fields, where ``owner`` lives."""

    def __init__(self, catalog: pystac.Catalog) -> None:
        self.catalog = catalog
        self.properties = catalog.extra_fields

    def __repr__(self) -> str:
        return f"<CatalogOwnershipExtension Catalog id={self.catalog.id}>"


class SummariesOwnershipExtension(SummariesExtension):
    """The ownership summaries of a Collection: which users own its Items.

    Use :meth:`OwnershipExtension.summaries` rather than instantiating this class.
    """

    def __init__(self, collection: pystac.Collection) -> None:
        super().__init__(collection)
        self.collection_id = collection.id

    def __repr__(self) -> str:
        return f"<SummariesOwnershipExtension Collection id={self.collection_id}>"

    @property
    def owner(self) -> list[str] | None:
        """The distinct owners of the Collection's Items."""
        return self.summaries.get_list(OWNER_PROP)

    @owner.setter
    def owner(self, v: list[str] | None) -> None:
        self._set_summary(OWNER_PROP, v)


class OwnershipExtensionHooks(UpgradingHooks):
    """pystac hooks that upgrade documents declaring an older ownership version or spelling.

    pystac calls :meth:`migrate` on every Item, Collection and Catalog it reads. Documents that
    declare an older identifier (or an alias) are upgraded with
    :func:`rs_stac_ext.pystac_ext.migrate.upgrade_in_place`.
    """

    extension = ExtensionName.OWNERSHIP
    schema_uri: str = SCHEMA_URI
    prev_extension_ids: set[str] = set(_SPELLINGS.every - {SCHEMA_URI})  # noqa: RUF012
    stac_object_types: set[pystac.STACObjectType] = {  # noqa: RUF012
        pystac.STACObjectType.ITEM,
        pystac.STACObjectType.COLLECTION,
        pystac.STACObjectType.CATALOG,
    }


OWNERSHIP_EXTENSION_HOOKS: ExtensionHooks = OwnershipExtensionHooks()
"""The hooks pystac discovers through the ``pystac.extensions`` entry point."""
