"""Index of a static STAC catalog folder, with every local path confined to the folder.

:meth:`StaticCatalog.load` reads ``catalog.json`` and follows its ``child`` and ``item`` links
(relative paths or ``file:`` URLs, nested catalogs allowed). Collections are the documents of
type ``Collection``; an Item belongs to the nearest Collection above it. Links that leave the
folder, that do not parse, or that repeat an id are skipped and reported in
:attr:`StaticCatalog.problems`.

:func:`confine` is the one place that decides whether a path may be read: the path is resolved
to its real path (``..``, symbolic links, absolute paths all resolved) and accepted only when
the result lies inside the catalog's real root.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from rs_stac_ext.errors import RsStacExtError

__all__ = [
    "CatalogCollection",
    "CatalogError",
    "CatalogItem",
    "HrefKind",
    "StaticCatalog",
    "confine",
    "find_local_file",
    "href_kind",
    "local_candidates",
]

_LOG = logging.getLogger(__name__)


class CatalogError(RsStacExtError):
    """The catalog folder cannot be served (no readable ``catalog.json``)."""


@dataclass(frozen=True)
class CatalogCollection:
    """A Collection of the catalog.

    Attributes:
        id: The Collection's id.
        document: The Collection as read from its file.
        path: The file it was read from.
        item_ids: Ids of its Items, in link order.
    """

    id: str
    document: Mapping[str, Any]
    path: Path
    item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogItem:
    """An Item of the catalog.

    Attributes:
        collection_id: The Collection it belongs to.
        id: The Item's id.
        document: The Item as read from its file.
        path: The file it was read from; relative asset hrefs start from its folder.
    """

    collection_id: str
    id: str
    document: Mapping[str, Any]
    path: Path


class HrefKind:
    """What kind of storage an asset href points at."""

    LOCAL = "local"
    S3 = "s3"
    HTTP = "http"
    OTHER = "other"


def href_kind(href: str) -> str:
    """Classify an asset href by its scheme.

    Args:
        href: The asset's href.

    Returns:
        One of the :class:`HrefKind` values: ``local`` for a path or ``file:`` URL, ``s3`` for
        ``s3://``, ``http`` for ``http(s)://``, ``other`` for any other scheme.
    """
    scheme = urlsplit(href).scheme.lower()
    if scheme in ("", "file"):
        return HrefKind.LOCAL
    if scheme == "s3":
        return HrefKind.S3
    if scheme in ("http", "https"):
        return HrefKind.HTTP
    return HrefKind.OTHER


def confine(root: Path, candidate: Path) -> Path | None:
    """Resolve a path and accept it only inside a root folder.

    Args:
        root: The real path of the root folder (already resolved).
        candidate: Any path; relative paths are taken from the working directory.

    Returns:
        The real path (symbolic links and ``..`` resolved) when it lies inside ``root``,
        else ``None`` (also for a path no file can have, such as one holding a NUL).
    """
    try:
        real = Path(os.path.realpath(candidate))
    except (ValueError, OSError):
        return None
    return real if real.is_relative_to(root) else None


def local_candidates(href: str, base: Path) -> list[Path]:
    """Return the paths a local href may name, most literal first.

    Hrefs are URI references, so ``a%20b.bin`` names ``a b.bin``; catalogs written by tools
    that do not percent-encode hold the literal name, so both readings are tried.

    Args:
        href: A relative path, an absolute path or a ``file:`` URL.
        base: The folder relative hrefs start from.

    Returns:
        The candidate paths (one or two).
    """
    parts = urlsplit(href)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            return []
        return [Path(unquote(parts.path))]
    literal = href.split("#", 1)[0]
    found = [base / literal]
    decoded = unquote(urlsplit(href).path)
    if decoded != literal:
        found.append(base / decoded)
    return found


def find_local_file(root: Path, href: str, base: Path) -> tuple[Path | None, str]:
    """Find the regular file a local href names inside the catalog folder.

    Args:
        root: The real path of the catalog folder.
        href: A relative path, an absolute path or a ``file:`` URL.
        base: The folder relative hrefs start from.

    Returns:
        The file's real path and ``""``, or ``None`` and why there is none (``outside the
        catalog folder``, ``no such file``, ``not a regular file``, ``not a local file``).
    """
    candidates = local_candidates(href, base)
    reason = "no such file" if candidates else "not a local file"
    for candidate in candidates:
        real = confine(root, candidate)
        if real is None:
            reason = "outside the catalog folder"
        elif real.is_file():
            return real, ""
        elif real.exists():
            reason = "not a regular file"
    return None, reason


@dataclass
class _Builder:
    root: Path
    problems: list[str] = field(default_factory=list)
    collections: dict[str, CatalogCollection] = field(default_factory=dict)
    items: dict[tuple[str, str], CatalogItem] = field(default_factory=dict)
    order: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        self.problems.append(message)
        _LOG.warning("catalog: %s", message)

    def read(self, path: Path) -> dict[str, Any] | None:
        try:
            loaded = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            self.warn(f"{path}: not readable as JSON ({exc})")
            return None
        if not isinstance(loaded, dict):
            self.warn(f"{path}: not a JSON object")
            return None
        return loaded

    def link_targets(self, document: Mapping[str, Any], path: Path) -> list[tuple[str, Path]]:
        links = document.get("links")
        targets: list[tuple[str, Path]] = []
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict) or link.get("rel") not in ("child", "item"):
                continue
            href = link.get("href")
            if not isinstance(href, str) or href_kind(href) != HrefKind.LOCAL:
                self.warn(f"{path}: {link.get('rel')} link {href!r} is not a local file; skipped")
                continue
            target = next(
                (
                    real
                    for candidate in local_candidates(href, path.parent)
                    if (real := confine(self.root, candidate)) is not None and real.is_file()
                ),
                None,
            )
            if target is None:
                self.warn(
                    f"{path}: {link['rel']} link {href!r} is missing or outside the catalog "
                    "folder; skipped"
                )
                continue
            targets.append((link["rel"], target))
        return targets

    def add_collection(self, document: Mapping[str, Any], path: Path) -> str | None:
        cid = document.get("id")
        if not isinstance(cid, str) or not cid:
            self.warn(f"{path}: Collection without a string id; skipped")
            return None
        if cid in self.collections:
            self.warn(f"{path}: Collection id {cid!r} already used; skipped")
            return None
        self.collections[cid] = CatalogCollection(cid, document, path)
        self.order[cid] = []
        return cid

    def add_item(self, document: Mapping[str, Any], path: Path, parent: str | None) -> None:
        iid = document.get("id")
        if not isinstance(iid, str) or not iid:
            self.warn(f"{path}: Item without a string id; skipped")
            return
        cid = parent
        if cid is None:
            named = document.get("collection")
            cid = named if isinstance(named, str) and named in self.collections else None
        if cid is None:
            self.warn(f"{path}: Item {iid!r} is not under any Collection; skipped")
            return
        if (cid, iid) in self.items:
            self.warn(f"{path}: Item id {iid!r} already used in Collection {cid!r}; skipped")
            return
        self.items[cid, iid] = CatalogItem(cid, iid, document, path)
        self.order[cid].append(iid)


@dataclass(frozen=True)
class StaticCatalog:
    """The Collections and Items of a static catalog folder.

    Attributes:
        root: Real path of the folder holding ``catalog.json``.
        document: The root catalog.
        problems: What was skipped while loading, one sentence each.
    """

    root: Path
    document: Mapping[str, Any]
    problems: tuple[str, ...]
    _collections: Mapping[str, CatalogCollection]
    _items: Mapping[tuple[str, str], CatalogItem]

    @classmethod
    def load(cls, location: Path) -> StaticCatalog:
        """Read a catalog folder (or its ``catalog.json``) and index it.

        Args:
            location: The folder, or the root catalog file.

        Returns:
            The index.

        Raises:
            CatalogError: The root catalog is missing or not a JSON object.
        """
        path = location / "catalog.json" if location.is_dir() else location
        if not path.is_file():
            raise CatalogError(f"no catalog.json at {path}")
        root = Path(os.path.realpath(path.parent))
        real = root / path.name
        builder = _Builder(root=root)
        document = builder.read(real)
        if document is None:
            raise CatalogError(f"{path}: the root catalog is not a readable JSON object")
        seen = {real}
        queue: deque[tuple[Path, dict[str, Any], str | None]] = deque([(real, document, None)])
        while queue:
            file, doc, parent = queue.popleft()
            for rel, target in builder.link_targets(doc, file):
                if target in seen:
                    continue
                seen.add(target)
                child = builder.read(target)
                if child is None:
                    continue
                kind = child.get("type")
                if rel == "item" or kind == "Feature":
                    if kind != "Feature":
                        builder.warn(f"{target}: item link to a {kind!r} document; skipped")
                        continue
                    builder.add_item(child, target, parent)
                elif kind == "Collection":
                    cid = builder.add_collection(child, target)
                    if cid is not None:
                        queue.append((target, child, cid))
                else:
                    queue.append((target, child, parent))
        collections = {
            cid: CatalogCollection(c.id, c.document, c.path, tuple(builder.order[cid]))
            for cid, c in builder.collections.items()
        }
        return cls(builder.root, document, tuple(builder.problems), collections, builder.items)

    def collections(self) -> list[CatalogCollection]:
        """Return every Collection, in discovery order."""
        return list(self._collections.values())

    def collection(self, collection_id: str) -> CatalogCollection | None:
        """Return one Collection, or ``None``."""
        return self._collections.get(collection_id)

    def items(self, collection_id: str) -> list[CatalogItem]:
        """Return the Items of a Collection (empty for an unknown Collection)."""
        collection = self._collections.get(collection_id)
        if collection is None:
            return []
        return [self._items[collection_id, iid] for iid in collection.item_ids]

    def item(self, collection_id: str, item_id: str) -> CatalogItem | None:
        """Return one Item of a Collection, or ``None``."""
        return self._items.get((collection_id, item_id))
