"""Upgrade documents that declare an older version of an extension to its newest version.

Works on plain JSON dicts (no pystac needed); the pystac hooks of
:mod:`rs_stac_ext.pystac_ext.auxip`,
:mod:`rs_stac_ext.pystac_ext.cadip` and :mod:`rs_stac_ext.pystac_ext.ownership` call it.

Every change is recorded as a :class:`Change` with the JSON pointer it touched. Values are moved
or converted, never silently lost: the only removals are fields the newest version has no place
for (for example a file field in a session's properties); each one is reported as a ``"remove"``
change carrying the removed value, and :func:`upgrade` emits a :class:`MigrationWarning` for them.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rs_stac_ext.pystac_ext._cadip_fields import FILE_ONLY_FIELDS, SESSION_ONLY_FIELDS
from rs_stac_ext.schemas import find_version, is_known, newest
from rs_stac_ext.schemas._catalog import ExtensionName

__all__ = [
    "EXTERNAL_IDS_SCHEMA_URI",
    "SAT_SCHEMA_URI",
    "Change",
    "MigrationWarning",
    "Upgrade",
    "canonicalise_identifiers",
    "upgrade",
    "upgrade_in_place",
]

EXTERNAL_IDS_SCHEMA_URI = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
SAT_SCHEMA_URI = "https://stac-extensions.github.io/sat/v1.0.0/schema.json"
_EXTERNAL_IDS_PREFIX = "https://stac-extensions.github.io/external-ids/"
_SAT_PREFIX = "https://stac-extensions.github.io/sat/"

ChangeAction = Literal["identifier", "convert", "move", "remove", "declare"]


class MigrationWarning(UserWarning):
    """A migration had to remove a value that the newest version has no place for."""


@dataclass(frozen=True)
class Change:
    """One change made while upgrading a document.

    Attributes:
        path: JSON pointer (RFC 6901) of the location changed, in the original document.
        action: What was done: ``identifier`` (a ``stac_extensions`` entry rewritten),
            ``convert`` (a value's type changed), ``move`` (a value moved to another key),
            ``remove`` (a value dropped), ``declare`` (a companion extension declared).
        detail: A sentence for people.
        value: The value before the change, when there was one.
    """

    path: str
    action: ChangeAction
    detail: str
    value: Any = None


@dataclass
class Upgrade:
    """The outcome of :func:`upgrade`.

    Attributes:
        document: The upgraded document.
        changes: Every change made, in order.
    """

    document: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    @property
    def removed(self) -> list[Change]:
        """The changes that dropped a value."""
        return [change for change in self.changes if change.action == "remove"]


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _declared_extensions(document: Mapping[str, Any]) -> set[ExtensionName]:
    declared: set[ExtensionName] = set()
    listed = document.get("stac_extensions")
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, str) and is_known(item):
                declared.add(find_version(item).extension)
    return declared


def _rewrite_identifiers(
    document: dict[str, Any],
    extension: ExtensionName,
    target: Callable[[str], str],
    changes: list[Change],
) -> None:
    listed = document.get("stac_extensions")
    if not isinstance(listed, list):
        return
    rewritten: list[Any] = []
    for index, item in enumerate(listed):
        if isinstance(item, str) and is_known(item) and find_version(item).extension is extension:
            new = target(item)
            path = _pointer("stac_extensions", str(index))
            if new in rewritten:
                changes.append(Change(path, "identifier", f"{item} dropped: {new} is listed", item))
                continue
            if new != item:
                changes.append(Change(path, "identifier", f"{item} replaced by {new}", item))
            item = new
        rewritten.append(item)
    document["stac_extensions"] = rewritten


def _declare(document: dict[str, Any], prefix: str, uri: str, changes: list[Change]) -> None:
    listed = document.setdefault("stac_extensions", [])
    if not isinstance(listed, list):
        return
    if any(isinstance(item, str) and item.startswith(prefix) for item in listed):
        return
    listed.append(uri)
    changes.append(
        Change(_pointer("stac_extensions", str(len(listed) - 1)), "declare", f"declared {uri}")
    )


def _objects_in(mapping: Any) -> Iterable[tuple[str, dict[str, Any]]]:
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(value, dict):
                yield key, value


def _remove(obj: dict[str, Any], key: str, path: str, reason: str, changes: list[Change]) -> None:
    value = obj.pop(key)
    changes.append(Change(path, "remove", f"removed {key!r}: {reason}", value))


# --------------------------------------------------------------------------------------- auxip


def _upgrade_auxip(document: dict[str, Any], changes: list[Change]) -> None:
    properties = document.get("properties")
    item_id = properties.get("auxip:id") if isinstance(properties, dict) else None
    places: list[tuple[str, Any]] = [("assets", document.get("assets"))]
    for key in [k for k in document if k.startswith("auxip:")]:
        _remove(document, key, _pointer(key), "v2.0.0 allows no auxip field here", changes)
    if document.get("type") == "Collection":
        places.append(("item_assets", document.get("item_assets")))
        summaries = document.get("summaries")
        if isinstance(summaries, dict):
            for key in [k for k in summaries if k.startswith("auxip:")]:
                _remove(
                    summaries,
                    key,
                    _pointer("summaries", key),
                    "a product UUID cannot be summarised",
                    changes,
                )
    for place, container in places:
        for asset_key, asset in _objects_in(container):
            if "auxip:id" not in asset:
                continue
            if asset["auxip:id"] == item_id:
                reason = "it repeats the Item's auxip:id"
            else:
                reason = "v2.0.0 keeps auxip:id in Item properties only"
            _remove(asset, "auxip:id", _pointer(place, asset_key, "auxip:id"), reason, changes)


# ------------------------------------------------------------------------------------ ownership


def _upgrade_ownership(document: dict[str, Any], changes: list[Change]) -> None:
    # v2.0.0 only tightened the rules (non-empty owner, Collection owner required); nothing in a
    # v1 document needs to move. Values that break the new rules are left for validation to flag.
    del document, changes


# ---------------------------------------------------------------------------------------- cadip

_CADIP_SESSION_ONLY = SESSION_ONLY_FIELDS
_CADIP_FILE_ONLY = FILE_ONLY_FIELDS
_CADIP_INTEGERS = ("cadip:num_channels", "cadip:channel", "cadip:block_number")


def _integral(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer()


def _acquisition_id_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or _integral(value):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return None


def _cadip_id_to_external_ids(obj: dict[str, Any], path: str, changes: list[Change]) -> None:
    if "cadip:id" not in obj:
        return
    value = obj.pop("cadip:id")
    entries = obj.get("externalIds")
    if not isinstance(entries, list):
        entries = []
    entry = {"scheme": "cadip", "value": value}
    if entry not in entries:
        entries.insert(0, entry)
    obj["externalIds"] = entries
    changes.append(
        Change(
            path + _pointer("cadip:id"),
            "move",
            "cadip:id moved to an externalIds entry of scheme 'cadip'",
            value,
        )
    )


def _cadip_numbers(obj: dict[str, Any], path: str, changes: list[Change]) -> None:
    for key in _CADIP_INTEGERS:
        if _integral(obj.get(key)):
            old = obj[key]
            obj[key] = int(old)
            changes.append(Change(path + _pointer(key), "convert", f"{key} made an integer", old))
    if "cadip:acquisition_id" in obj:
        text = _acquisition_id_text(obj["cadip:acquisition_id"])
        if text is not None:
            old = obj["cadip:acquisition_id"]
            obj["cadip:acquisition_id"] = text
            changes.append(
                Change(
                    path + _pointer("cadip:acquisition_id"),
                    "convert",
                    "cadip:acquisition_id made a string",
                    old,
                )
            )


def _cadip_session(
    properties: dict[str, Any], document: dict[str, Any], changes: list[Change]
) -> None:
    base = _pointer("properties")
    _cadip_id_to_external_ids(properties, base, changes)
    _cadip_numbers(properties, base, changes)
    if "cadip:downlink_orbit" in properties:
        orbit = properties.pop("cadip:downlink_orbit")
        path = base + _pointer("cadip:downlink_orbit")
        if "sat:absolute_orbit" in properties:
            changes.append(
                Change(
                    path,
                    "remove",
                    "removed 'cadip:downlink_orbit': sat:absolute_orbit is set",
                    orbit,
                )
            )
        else:
            properties["sat:absolute_orbit"] = orbit
            changes.append(
                Change(path, "move", "cadip:downlink_orbit moved to sat:absolute_orbit", orbit)
            )
            _declare(document, _SAT_PREFIX, SAT_SCHEMA_URI, changes)
    for key in _CADIP_FILE_ONLY:
        if key in properties:
            _remove(
                properties,
                key,
                base + _pointer(key),
                "a file field has no place in session properties",
                changes,
            )


def _cadip_file(asset: dict[str, Any], path: str, changes: list[Change]) -> None:
    _cadip_id_to_external_ids(asset, path, changes)
    _cadip_numbers(asset, path, changes)
    if "cadip:session_id" in asset:
        _remove(
            asset,
            "cadip:session_id",
            path + _pointer("cadip:session_id"),
            "never part of any cadip version; the asset's Item is the session",
            changes,
        )
    for key in _CADIP_SESSION_ONLY:
        if key in asset:
            _remove(
                asset,
                key,
                path + _pointer(key),
                "a session field has no place in a file asset",
                changes,
            )


def _upgrade_cadip(document: dict[str, Any], changes: list[Change]) -> None:
    for key in [k for k in document if k.startswith("cadip:")]:
        # v1 never looked at the top level of a document; v2 rejects cadip fields there.
        _remove(document, key, _pointer(key), "v2.0.0 allows no cadip field here", changes)
    properties = document.get("properties")
    if document.get("type") == "Feature" and isinstance(properties, dict):
        _cadip_session(properties, document, changes)
    for place in ("assets", "item_assets"):
        for asset_key, asset in _objects_in(document.get(place)):
            _cadip_file(asset, _pointer(place, asset_key), changes)
    summaries = document.get("summaries")
    if document.get("type") == "Collection" and isinstance(summaries, dict):
        if "cadip:id" in summaries:
            _remove(
                summaries,
                "cadip:id",
                _pointer("summaries", "cadip:id"),
                "a UUID cannot be summarised",
                changes,
            )
        values = summaries.get("cadip:acquisition_id")
        if isinstance(values, list):
            converted = [_acquisition_id_text(v) or v for v in values]
            if converted != values:
                summaries["cadip:acquisition_id"] = converted
                changes.append(
                    Change(
                        _pointer("summaries", "cadip:acquisition_id"),
                        "convert",
                        "acquisition ids made strings",
                        values,
                    )
                )
    if document.get("type") == "Feature":
        _declare(document, _EXTERNAL_IDS_PREFIX, EXTERNAL_IDS_SCHEMA_URI, changes)


_UPGRADERS: dict[ExtensionName, Callable[[dict[str, Any], list[Change]], None]] = {
    ExtensionName.AUXIP: _upgrade_auxip,
    ExtensionName.CADIP: _upgrade_cadip,
    ExtensionName.OWNERSHIP: _upgrade_ownership,
}


def _needs_upgrade(document: Mapping[str, Any], extension: ExtensionName) -> bool:
    target = newest(extension).identifier
    listed = document.get("stac_extensions")
    if not isinstance(listed, list):
        return False
    return any(
        isinstance(item, str)
        and is_known(item)
        and find_version(item).extension is extension
        and item != target
        for item in listed
    )


def _newest_spelling(identifier: str) -> str:
    return newest(find_version(identifier).extension).identifier


def _canonical_spelling(identifier: str) -> str:
    return find_version(identifier).identifier


def upgrade_in_place(
    document: dict[str, Any], extensions: Iterable[ExtensionName | str] | None = None
) -> list[Change]:
    """Upgrade a document in place to the newest version of each extension it declares.

    Only extensions declared with an older version or another spelling are touched; a document
    that already declares the newest identifier is left as it is.

    Args:
        document: A STAC Item or Collection as a dict; modified in place.
        extensions: Only upgrade these extensions (default: every one of ours it declares).

    Returns:
        The changes made, in order.
    """
    wanted = {ExtensionName(e) for e in extensions} if extensions is not None else set(_UPGRADERS)
    changes: list[Change] = []
    for extension in sorted(_declared_extensions(document) & wanted & set(_UPGRADERS)):
        if not _needs_upgrade(document, extension):
            continue
        _rewrite_identifiers(document, extension, _newest_spelling, changes)
        _UPGRADERS[extension](document, changes)
    return changes


def upgrade(
    document: Mapping[str, Any],
    extensions: Iterable[ExtensionName | str] | None = None,
    *,
    warn: bool = True,
) -> Upgrade:
    """Return an upgraded copy of a document; the input is not modified.

    Args:
        document: A STAC Item or Collection as a mapping.
        extensions: Only upgrade these extensions (default: every one of ours it declares).
        warn: Emit a :class:`MigrationWarning` when a value had to be removed.

    Returns:
        The upgraded document and the list of changes.
    """
    result = Upgrade(copy.deepcopy(dict(document)))
    result.changes = upgrade_in_place(result.document, extensions)
    if warn and result.removed:
        details = "; ".join(f"{c.path}: {c.detail}" for c in result.removed)
        warnings.warn(f"values removed while upgrading: {details}", MigrationWarning, stacklevel=2)
    return result


def canonicalise_identifiers(document: dict[str, Any]) -> list[Change]:
    """Rewrite other-host aliases in ``stac_extensions`` to their canonical spelling, in place.

    The version is kept: ``https://rs-python.github.io/cadip-stac-extension/v1.4.0/schema.json``
    becomes ``https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json``.

    Args:
        document: A STAC document as a dict.

    Returns:
        The changes made.
    """
    changes: list[Change] = []
    for extension in sorted(_declared_extensions(document)):
        _rewrite_identifiers(document, extension, _canonical_spelling, changes)
    return changes
