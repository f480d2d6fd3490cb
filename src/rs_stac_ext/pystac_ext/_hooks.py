"""The pystac machinery shared by our three schema extensions: declarations, hooks, Items.

pystac calls a registered hook's ``migrate`` on every document it reads. Ours recognise every
published identifier and alias explicitly (pystac's default matches a URL prefix, which the
2025 host change defeats) and upgrade the document with :mod:`rs_stac_ext.pystac_ext.migrate`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import pystac
from pystac.extensions.hooks import ExtensionHooks
from pystac.serialization.identify import STACJSONDescription, STACVersionID

from rs_stac_ext.schemas._catalog import VERSIONS, ExtensionName

__all__ = ["DeclaredByAnySpelling", "ItemFields", "Spellings", "UpgradingHooks"]


@dataclass(frozen=True)
class Spellings:
    """Every way an extension has been named in ``stac_extensions``.

    Attributes:
        newest: Identifier of the newest version, the one our classes write.
        published: Every published canonical identifier, oldest first.
        aliases: Other spellings of published identifiers (the other host); recognised, never
            written.
    """

    newest: str
    published: tuple[str, ...]
    aliases: tuple[str, ...]

    @classmethod
    def of(cls, extension: ExtensionName) -> Spellings:
        """Read an extension's spellings from the version table."""
        entries = sorted(
            (entry for entry in VERSIONS if entry.extension is extension),
            key=lambda entry: entry.version_tuple,
        )
        return cls(
            newest=entries[-1].identifier,
            published=tuple(entry.identifier for entry in entries),
            aliases=tuple(alias for entry in entries for alias in entry.aliases),
        )

    @cached_property
    def every(self) -> frozenset[str]:
        """Canonical identifiers and aliases together."""
        return frozenset((*self.published, *self.aliases))

    def is_ours(self, uri: object) -> bool:
        """Tell whether a ``stac_extensions`` entry names the extension.

        Same leniency as the schema store's lookup: surrounding blanks and a trailing ``#``.
        """
        return isinstance(uri, str) and uri.strip().removesuffix("#") in self.every

    def declare_newest(self, listed: list[str] | None) -> list[str]:
        """Return ``listed`` with our first spelling replaced by the newest and the rest dropped."""
        declared: list[str] = []
        for uri in listed or []:
            if not self.is_ours(uri):
                declared.append(uri)
            elif self.newest not in declared:
                declared.append(self.newest)
        if self.newest not in declared:
            declared.append(self.newest)
        return declared


class ItemFields:
    """The body of an extension class whose fields live in an Item's properties.

    Listed first among the bases of ``Item<Name>Extension`` classes, it keeps the Item and
    its properties, and names the class and the Item in ``repr``.
    """

    item: pystac.Item
    """The Item being extended."""

    properties: dict[str, Any]
    """The Item's properties, where the extension's fields live."""

    def __init__(self, item: pystac.Item) -> None:
        self.item = item
        self.properties = item.properties

    def __repr__(self) -> str:
        return f"<{type(self).__name__} Item id={self.item.id}>"


class DeclaredByAnySpelling:
    """Declaration handling for our pystac extension classes, by explicit spellings.

    Unlike pystac's default (a URL-prefix match that a host change defeats), every published
    identifier and every alias is recognised explicitly. Subclasses set ``spellings``.
    """

    spellings: ClassVar[Spellings]

    @classmethod
    def get_schema_uri(cls) -> str:
        """Return the newest identifier, the one these classes write."""
        return cls.spellings.newest

    @classmethod
    def get_schema_uris(cls) -> list[str]:
        """Return every published canonical identifier, oldest first."""
        return list(cls.spellings.published)

    @classmethod
    def has_extension(cls, obj: pystac.Item | pystac.Collection | pystac.Catalog) -> bool:
        """Tell whether an object declares any published version or alias of the extension.

        Args:
            obj: The Item, Collection or Catalog to look at.

        Returns:
            True when ``stac_extensions`` lists one of our spellings.
        """
        listed = obj.stac_extensions
        return listed is not None and any(map(cls.spellings.is_ours, listed))

    @classmethod
    def add_to(cls, obj: pystac.Item | pystac.Collection | pystac.Catalog) -> None:
        """Declare the newest version, replacing any older spelling of ours in place.

        Only the declaration changes; fields are not migrated (documents read with
        ``from_dict`` are already migrated by the extension's hooks).

        Args:
            obj: The object to change.
        """
        obj.stac_extensions = cls.spellings.declare_newest(obj.stac_extensions)

    @classmethod
    def ensure_has_extension(
        cls, obj: pystac.Item | pystac.Collection | pystac.Catalog, add_if_missing: bool = False
    ) -> None:
        """Declare the extension when asked, or raise if the object does not declare it.

        pystac's own message suggests ``obj.ext.add(name)``, which only works for pystac's
        built-in extensions (ours raise ``KeyError`` there); this one names what works.

        Args:
            obj: The object to look at.
            add_if_missing: Declare the newest version when the object declares none.

        Raises:
            pystac.ExtensionNotImplemented: The object does not declare the extension and
                ``add_if_missing`` is false.
        """
        if add_if_missing:
            cls.add_to(obj)
        if not cls.has_extension(obj):
            name = cls.__name__
            kind = type(obj).__name__
            raise pystac.ExtensionNotImplemented(
                f"this {kind} does not declare the {getattr(cls, 'name', name)} extension "
                f"(its stac_extensions lack {cls.spellings.newest}). To declare it: "
                f"{name}.ext(obj, add_if_missing=True), or {name}.add_to(obj) first"
            )

    @classmethod
    def remove_from(cls, obj: pystac.Item | pystac.Collection | pystac.Catalog) -> None:
        """Remove every spelling of the extension from ``stac_extensions``.

        Args:
            obj: The object to change.
        """
        if obj.stac_extensions is not None:
            obj.stac_extensions = [u for u in obj.stac_extensions if not cls.spellings.is_ours(u)]


class UpgradingHooks(ExtensionHooks):
    """Hooks that upgrade documents declaring an older version or spelling to the newest.

    Subclasses set ``extension``, ``schema_uri``, ``prev_extension_ids`` and
    ``stac_object_types``.
    """

    extension: ClassVar[ExtensionName]

    def _is_ours(self, uri: object) -> bool:
        return Spellings.of(self.extension).is_ours(uri)

    def has_extension(self, obj: dict[str, Any]) -> bool:
        """Tell whether a document declares any published version or alias of the extension.

        Args:
            obj: A STAC document as a dict.

        Returns:
            True when its ``stac_extensions`` lists one of our spellings.
        """
        listed = obj.get("stac_extensions")
        return isinstance(listed, list) and any(map(self._is_ours, listed))

    def migrate(
        self, obj: dict[str, Any], version: STACVersionID, info: STACJSONDescription
    ) -> None:
        """Upgrade a document that declares an older version or another spelling, in place.

        pystac's base implementation is deliberately not called: it would swap the identifier
        first (after which the field upgrade no longer sees an old version) and, working from
        the stale ``info.extensions``, could append the identifier a second time.

        Args:
            obj: The document, modified in place.
            version: The document's STAC version (unused: our versions do not depend on it).
            info: pystac's description of the document (unused).

        Warns:
            MigrationWarning: A value had to be removed because the newest version has no
                place for it.
        """
        del version, info
        listed = obj.get("stac_extensions")
        if not isinstance(listed, list) or not any(
            self._is_ours(uri) and uri != self.schema_uri for uri in listed
        ):
            return
        from rs_stac_ext.pystac_ext.migrate import MigrationWarning, upgrade_in_place

        changes = upgrade_in_place(obj, [self.extension])
        removed = [change for change in changes if change.action == "remove"]
        if removed:
            details = "; ".join(f"{change.path}: {change.detail}" for change in removed)
            warnings.warn(
                f"{obj.get('id')!r}: values removed while upgrading to {self.schema_uri}: "
                f"{details}",
                MigrationWarning,
                stacklevel=2,
            )
