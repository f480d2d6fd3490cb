"""The pystac hooks shared by our three schema extensions.

pystac calls a registered hook's ``migrate`` on every document it reads. Ours recognise every
published identifier and alias explicitly (pystac's default matches a URL prefix, which the
2025 host change defeats) and upgrade the document with :mod:`rs_stac_ext.migrate`.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from pystac.extensions.hooks import ExtensionHooks
from pystac.serialization.identify import STACJSONDescription, STACVersionID

from rs_stac_ext._catalog import VERSIONS, ExtensionName

__all__ = ["UpgradingHooks", "spellings"]


def spellings(extension: ExtensionName) -> frozenset[str]:
    """Return every identifier and alias ever published for an extension."""
    return frozenset(
        spelling
        for entry in VERSIONS
        if entry.extension is extension
        for spelling in (entry.identifier, *entry.aliases)
    )


class UpgradingHooks(ExtensionHooks):
    """Hooks that upgrade documents declaring an older version or spelling to the newest.

    Subclasses set ``extension``, ``schema_uri``, ``prev_extension_ids`` and
    ``stac_object_types``.
    """

    extension: ClassVar[ExtensionName]

    def _is_ours(self, uri: object) -> bool:
        return isinstance(uri, str) and uri.strip().removesuffix("#") in spellings(self.extension)

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
        from rs_stac_ext.migrate import MigrationWarning, upgrade_in_place

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
