"""An independent verdict oracle for the nine published schema versions.

This module re-implements, in plain Python, the decision procedure that SPEC.md §1.2-§1.4 says
every published auxip, cadip and ownership schema performs. It never reads a schema file: its
only inputs are the per-version facts of SPEC.md §2-§4, written out in :data:`PUBLISHED`. Tests
compare its verdicts with python-jsonschema running our re-created schemas, so a mistake in a
schema file and a mistake here would have to coincide to go unnoticed.

Format modes (the ``formats`` argument):

- ``"draft7"``: ``date-time`` asserted the way python-jsonschema's
  ``Draft7Validator.FORMAT_CHECKER`` does with ``rfc3339-validator``; ``uuid`` ignored.
- ``"none"``: no format asserted.
- ``"all"``: ``date-time`` as above, and ``uuid`` asserted the way a generic
  ``jsonschema.FormatChecker()`` does.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

FormatName = Literal["draft7", "none", "all"]
FORMAT_NAMES: Final[tuple[FormatName, ...]] = ("draft7", "none", "all")

_OLD = "https://rs-python.github.io"
_HOME = "https://home.rs-python.eu"

# The v1.4.0 companion patterns, as SPEC.md §3.4 gives them; matched with ``re.search``.
_COMPANIONS: Final[tuple[str, ...]] = (
    r"^https://stac-extensions\.github\.io/external-ids/.+/schema\.json$",
    r"^https://stac-extensions\.github\.io/file/.+/schema\.json$",
    r"^https://stac-extensions\.github\.io/timestamps/.+/schema\.json$",
)


@dataclass(frozen=True)
class Rule:
    """What one declared field must look like when present.

    Attributes:
        types: Accepted draft-07 type names (``number``, ``integer``, ``string``, ``boolean``).
        minimum: Inclusive lower bound, applied to numbers only.
        maximum: Inclusive upper bound, applied to numbers only.
        length: Exact length in code points, applied to strings only.
        fmt: ``"date-time"`` or ``"uuid"``, applied to strings only.
        external_ids: The field is the v1.4.0 ``externalIds`` array (``types`` is then unused).
    """

    types: frozenset[str] = frozenset()
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None
    fmt: str | None = None
    external_ids: bool = False


@dataclass(frozen=True)
class Published:
    """The facts of one published version that the decision procedure needs.

    Attributes:
        identifier: The exact string the declaration check looks for.
        fields: Every declared field and its rule.
        prefix: Closed prefix (``"auxip"``, ``"cadip"``) or ``None`` (ownership).
        req_item: Keys required in Item ``properties``.
        req_asset: Keys required in every Item asset.
        any_asset: Keys that make a Collection asset or item asset count.
        any_summary: Keys that make ``summaries`` qualify.
        top_level: Field whose presence makes the Collection's top level a location.
        companions: Patterns ``stac_extensions`` must also match (one element each).
    """

    identifier: str
    fields: Mapping[str, Rule]
    prefix: str | None
    req_item: tuple[str, ...]
    req_asset: tuple[str, ...]
    any_asset: frozenset[str]
    any_summary: frozenset[str]
    top_level: str | None = None
    companions: tuple[str, ...] = field(default=())


_STRING = Rule(frozenset({"string"}))
_BOOLEAN = Rule(frozenset({"boolean"}))
_ONE_TO_FOUR = Rule(frozenset({"number"}), minimum=1, maximum=4)
_UUID = Rule(frozenset({"string"}), fmt="uuid")
_DATE_TIME = Rule(frozenset({"string"}), fmt="date-time")


def _auxip(version: str, host: str) -> Published:
    url = f"{host}/auxip-stac-extension/{version}/schema.json"
    keys = frozenset({"auxip:id"})
    return Published(url, {"auxip:id": _UUID}, "auxip", ("auxip:id",), (), keys, keys)


def _ownership(version: str, host: str) -> Published:
    url = f"{host}/ownership-stac-extension/{version}/schema.json"
    keys = frozenset({"owner"})
    return Published(url, {"owner": _STRING}, None, ("owner",), (), keys, keys, top_level="owner")


def _cadip(version: str, host: str) -> Published:
    minor = int(version.split(".")[1])
    id_field = "externalIds" if minor >= 4 else "cadip:id"
    if minor <= 1:
        acquisition = Rule(frozenset({"number"}))
    elif minor == 2:
        acquisition = _STRING
    else:
        acquisition = Rule(frozenset({"string", "integer"}))
    session: dict[str, Rule] = {
        id_field: Rule(external_ids=True) if minor >= 4 else _UUID,
        "cadip:acquisition_id": acquisition,
        "cadip:num_channels": _ONE_TO_FOUR,
    }
    if minor >= 2:
        session["cadip:station_id"] = Rule(frozenset({"string"}), length=4)
    session |= {
        "cadip:station_unit_id": Rule(frozenset({"string"}), length=2),
        "cadip:antenna_id": _STRING,
        "cadip:front_end_id": _STRING,
        "cadip:planned_data_start": _DATE_TIME,
        "cadip:planned_data_stop": _DATE_TIME,
        "cadip:retransfer": _BOOLEAN,
        "cadip:antenna_status_ok": _BOOLEAN,
        "cadip:front_end_status_ok": _BOOLEAN,
        "cadip:downlink_status_ok": _BOOLEAN,
        "cadip:delivery_push_ok": _BOOLEAN,
    }
    file_only = {
        "cadip:channel": _ONE_TO_FOUR,
        "cadip:block_number": Rule(frozenset({"number"}), minimum=1),
        "cadip:final_block": _BOOLEAN,
    }
    return Published(
        identifier=f"{host}/cadip-stac-extension/{version}/schema.json",
        fields=session | file_only,
        prefix="cadip",
        req_item=(id_field, "cadip:acquisition_id"),
        req_asset=(id_field, "cadip:channel", "cadip:block_number", "cadip:final_block"),
        any_asset=frozenset({id_field, *file_only, "cadip:retransfer"}),
        # Every session-level field names a summary; the three file-only fields do not.
        any_summary=frozenset(session),
        companions=_COMPANIONS if minor >= 4 else (),
    )


PUBLISHED: Final[Mapping[str, Published]] = {
    entry.identifier: entry
    for entry in (
        _auxip("v1.0.0", _OLD),
        _auxip("v1.1.0", _HOME),
        _cadip("v1.0.0", _OLD),
        _cadip("v1.1.0", _HOME),
        _cadip("v1.2.0", _HOME),
        _cadip("v1.3.0", _HOME),
        _cadip("v1.4.0", _HOME),
        _ownership("v1.0.0", _OLD),
        _ownership("v1.1.0", _HOME),
    )
}
"""Every published schema version, keyed by its canonical identifier."""


# --- draft-07 type semantics -------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_type(name: str, value: object) -> bool:
    if name == "number":
        return _is_number(value)
    if name == "integer":
        # Draft-06 onwards: any number whose fractional part is zero.
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    raise ValueError(name)


# --- formats --------------------------------------------------------------------------------------

# RFC 3339 as rfc3339-validator reads it: ASCII digits, hours <= 23, seconds <= 59, mandatory
# offset. Its regex ends in ``$``, which in Python also matches before one final line feed.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)\n?",
    re.ASCII,
)


def is_date_time(text: str) -> bool:
    """Tell whether python-jsonschema's ``date-time`` checker accepts ``text``.

    The checker upper-cases the string first (so ``t`` and ``z`` pass) and then wants a real
    calendar date in years 1-9999.
    """
    match = _RFC3339.fullmatch(text.upper())
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_uuid(text: str) -> bool:
    """Tell whether a generic ``jsonschema.FormatChecker()`` accepts ``text`` as a ``uuid``.

    SPEC.md §1.4 summarises this as "the canonical hyphenated form". The engine really parses the
    string with :class:`uuid.UUID` (which tolerates braces, ``urn:uuid:``, extra hyphens,
    whitespace, signs, underscores and non-ASCII digits) and then demands hyphens at offsets 8,
    13, 18 and 23, so the canonical form passes and a few odd spellings pass too.
    """
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) > 23 and all(text[offset] == "-" for offset in (8, 13, 18, 23))


def _format_ok(fmt: str | None, text: str, formats: FormatName) -> bool:
    if fmt == "date-time" and formats != "none":
        return is_date_time(text)
    if fmt == "uuid" and formats == "all":
        return is_uuid(text)
    return True


# --- the decision procedure -----------------------------------------------------------------------


def _external_ids_ok(value: object, formats: FormatName) -> bool:
    if not isinstance(value, list) or not value:
        return False
    for entry in value:
        if not isinstance(entry, dict) or "scheme" not in entry or "value" not in entry:
            return False
        scheme, text = entry["scheme"], entry["value"]
        if not (isinstance(scheme, str) and scheme == "cadip"):
            return False
        if not isinstance(text, str) or not _format_ok("uuid", text, formats):
            return False
    return True


def _value_ok(rule: Rule, value: object, formats: FormatName) -> bool:
    if rule.external_ids:
        return _external_ids_ok(value, formats)
    if not any(_is_type(name, value) for name in rule.types):
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if rule.minimum is not None and value < rule.minimum:
            return False
        if rule.maximum is not None and value > rule.maximum:
            return False
    if isinstance(value, str):
        if rule.length is not None and len(value) != rule.length:
            return False
        return _format_ok(rule.fmt, value, formats)
    return True


def fields_ok(version: Published, obj: object, formats: FormatName) -> bool:
    """Apply ``FIELDS(o)`` of SPEC.md §1.3 to one object.

    Args:
        version: The published version whose fields apply.
        obj: Item properties, an asset, an item asset, or a whole Collection.
        formats: The format mode.

    Returns:
        Whether ``obj`` is an object whose declared fields are well-typed and which holds no
        undeclared key under the closed prefix.
    """
    if not isinstance(obj, dict):
        return False
    closed = f"{version.prefix}:" if version.prefix else None
    for key, value in obj.items():
        rule = version.fields.get(key)
        if rule is not None:
            if not _value_ok(rule, value, formats):
                return False
        elif closed is not None and key.startswith(closed):
            return False
    return True


def _declared(version: Published, document: dict[str, object]) -> bool:
    listed = document.get("stac_extensions")
    if "stac_extensions" not in document or not isinstance(listed, list):
        return False
    strings = [item for item in listed if isinstance(item, str)]
    if version.identifier not in strings:
        return False
    return all(any(re.search(p, item) for item in strings) for p in version.companions)


def _item_ok(version: Published, document: dict[str, object], formats: FormatName) -> bool:
    if "properties" not in document or "assets" not in document:
        return False
    properties, assets = document["properties"], document["assets"]
    if not fields_ok(version, properties, formats):
        return False
    assert isinstance(properties, dict)
    if any(key not in properties for key in version.req_item):
        return False
    if not isinstance(assets, dict):
        return False
    return all(
        fields_ok(version, asset, formats) and all(key in asset for key in version.req_asset)
        for asset in assets.values()
    )


def _asset_map_qualifies(version: Published, assets: object, formats: FormatName) -> bool:
    if not isinstance(assets, dict):
        return False
    return any(
        isinstance(asset, dict)
        and any(key in asset for key in version.any_asset)
        and fields_ok(version, asset, formats)
        for asset in assets.values()
    )


def _collection_ok(version: Published, document: dict[str, object], formats: FormatName) -> bool:
    top = version.top_level
    if top is not None and top in document and fields_ok(version, document, formats):
        return True
    for location in ("assets", "item_assets"):
        if location in document and _asset_map_qualifies(version, document[location], formats):
            return True
    if "summaries" in document:
        summaries = document["summaries"]
        # ``required`` says nothing about a non-object, so such summaries qualify.
        if not isinstance(summaries, dict):
            return True
        return any(key in summaries for key in version.any_summary)
    return False


def verdict(identifier: str, document: object, formats: FormatName = "draft7") -> bool:
    """Decide whether a published schema accepts a document.

    Args:
        identifier: A canonical identifier of :data:`PUBLISHED`.
        document: Any JSON value.
        formats: The format mode (see the module docstring).

    Returns:
        The verdict SPEC.md §1.2 prescribes.
    """
    version = PUBLISHED[identifier]
    if not isinstance(document, dict) or not _declared(version, document):
        return False
    kind = document.get("type")
    if kind == "Feature":
        return _item_ok(version, document, formats)
    if kind == "Collection":
        return _collection_ok(version, document, formats)
    return False
