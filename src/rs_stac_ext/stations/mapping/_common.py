"""What every mapper shares: errors, field readers, timestamps, checksums, geometry, envelope.

Policy for OData fields (the same in every mapper):

* a field the Item cannot do without (``Id``, ``Name``, ``SessionId``, the dates that make
  ``datetime``) that is missing or null makes the record fail with :class:`MappingError`;
* any other field that is missing or null is left out of the Item;
* a field that is present with a value outside the ICD type or range (a malformed date, a
  negative size, a boolean that is a string) makes the record fail, naming the field: a wrong
  value is never passed on and never silently dropped.

Every timestamp is written in one form: UTC, ``Z``, milliseconds (``2020-01-05T07:22:04.051Z``).
The ICDs give station timestamps millisecond precision; finer digits are truncated.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from rs_stac_ext.errors import RsStacExtError
from rs_stac_ext.schemas import newest, versions
from rs_stac_ext.stations._numbers import read_integer

__all__ = [
    "STAC_VERSION",
    "MappingError",
    "Record",
    "declare_extensions",
    "format_timestamp",
    "parse_timestamp",
    "rs_identifier",
]

STAC_VERSION = "1.1.0"

Versions = Literal["newest", "previous"]

_TIMESTAMP = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class MappingError(RsStacExtError, ValueError):
    """An OData record that cannot become a valid STAC Item.

    Attributes:
        record_id: The record's ``SessionId``, ``Name`` or ``Id`` (or its place in the page).
        field: The OData field at fault (``DownlinkStart``, ``ContentDate/End``,
            ``Attributes/orbitNumber``).
        message: What was expected and what was found.
    """

    def __init__(self, record_id: str, field: str, message: str) -> None:
        self.record_id = record_id
        self.field = field
        self.message = message
        super().__init__(f"record {record_id!r}: {field}: {message}")

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[MappingError], tuple[str, str, str]]:
        return (type(self), (self.record_id, self.field, self.message))

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict (``record``, ``field``, ``message``)."""
        return {"record": self.record_id, "field": self.field, "message": self.message}


# --------------------------------------------------------------------------------- timestamps


def parse_timestamp(text: str) -> dt.datetime | None:
    """Parse an RFC 3339 timestamp as stations write them.

    Accepted: ``T`` (or ``t``) separator, optional fraction of any length, ``Z`` or ``±hh:mm``;
    a timestamp without offset is taken as UTC (the ICDs say every time is UTC).

    Returns:
        An aware UTC datetime, or ``None`` when the text is not such a timestamp (or names a
        day that does not exist, or second 60).
    """
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = match.group(7) or ""
    micro = int((fraction + "000000")[:6])
    try:
        value = dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.UTC)
        if match.group(9):
            offset = dt.timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
            if int(match.group(10)) > 23 or int(match.group(11)) > 59:
                return None
            value = value - offset if match.group(9) == "+" else value + offset
    except (ValueError, OverflowError):
        return None
    return value


def format_timestamp(value: dt.datetime) -> str:
    """Write a UTC datetime in the one form the mappers use (milliseconds, ``Z``)."""
    utc = value.astimezone(dt.UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


# ------------------------------------------------------------------------------------ records


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except RecursionError:
        return f"a {type(value).__name__} nested too deeply to be shown"
    except ValueError:  # an integer beyond Python's 4300-digit limit for text
        return f"a {type(value).__name__} too long to be shown"
    return text if len(text) <= 80 else text[:77] + "..."


class Record:
    """One OData record, read field by field; every reader raises :class:`MappingError`.

    Args:
        data: The record (a JSON object).
        label: How errors name the record.
        prefix: Prefix of field names in errors (``Files(…)/``); empty for the record itself.
    """

    def __init__(self, data: Mapping[str, Any], label: str, prefix: str = "") -> None:
        self.data = data
        self.label = label
        self.prefix = prefix

    def error(self, field: str, message: str) -> MappingError:
        """Return the error for one field of this record."""
        return MappingError(self.label, self.prefix + field, message)

    def raw(self, field: str, *, required: bool = False, aliases: tuple[str, ...] = ()) -> Any:
        """Return a field's value, ``None`` when missing or null.

        Args:
            field: The field name; ``A/B`` reads member ``B`` of object ``A``.
            required: Raise when missing or null.
            aliases: Other spellings to try (``SessionID``).
        """
        for name in (field, *aliases):
            value = self._lookup(name)
            if value is not None:
                return value
        if required:
            raise self.error(field, "required, but missing or null")
        return None

    def _lookup(self, field: str) -> Any:
        value: Any = self.data
        for part in field.split("/"):
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    def string(
        self, field: str, *, required: bool = False, aliases: tuple[str, ...] = ()
    ) -> str | None:
        """Read a non-empty string (an empty string counts as missing)."""
        value = self.raw(field, required=required, aliases=aliases)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(field, f"expected a string, got {_shown(value)}")
        if not value.strip():
            if required:
                raise self.error(field, "required, but empty")
            return None
        return value

    def uuid(self, field: str, *, required: bool = False) -> str | None:
        """Read a GUID (``Edm.Guid``), returned lower-cased."""
        value = self.string(field, required=required)
        if value is None:
            return None
        if not _UUID.fullmatch(value):
            raise self.error(
                field, f"expected a GUID (8-4-4-4-12 hexadecimal digits), got {_shown(value)}"
            )
        return value.lower()

    def timestamp(self, field: str, *, required: bool = False) -> dt.datetime | None:
        """Read an ``Edm.DateTimeOffset``."""
        value = self.raw(field, required=required)
        if value is None:
            return None
        parsed = parse_timestamp(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.error(
                field,
                f"expected an RFC 3339 timestamp such as 2020-01-05T07:22:04.051Z, got "
                f"{_shown(value)}",
            )
        return parsed

    def integer(
        self,
        field: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        aliases: tuple[str, ...] = (),
    ) -> int | None:
        """Read an integer; a string of decimal digits is accepted (stations send ``"42"``)."""
        value = self.raw(field, required=required, aliases=aliases)
        if value is None:
            return None
        number = read_integer(value)
        if number is None:
            raise self.error(field, f"expected an integer, got {_shown(value)}")
        if minimum is not None and number < minimum:
            raise self.error(field, f"expected an integer >= {minimum}, got {number}")
        if maximum is not None and number > maximum:
            raise self.error(field, f"expected an integer <= {maximum}, got {number}")
        return number

    def boolean(self, field: str, *, required: bool = False) -> bool | None:
        """Read an ``Edm.Boolean`` (a JSON boolean; ``"true"`` is not one)."""
        value = self.raw(field, required=required)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.error(field, f"expected true or false, got {_shown(value)}")
        return value


def record_label(data: Any, index: int, fields: Iterable[str]) -> str:
    """Return how errors name a record: its first string identifier, else its place."""
    if isinstance(data, Mapping):
        for name in fields:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
    return f"#{index}"


def ensure_object(data: Any, label: str) -> Mapping[str, Any]:
    """Return the record if it is a JSON object, else raise :class:`MappingError`."""
    if not isinstance(data, Mapping):
        raise MappingError(label, "(record)", f"expected a JSON object, got {_shown(data)}")
    return data


# ---------------------------------------------------------------------------------- attributes


class Attributes:
    """The ``Attributes`` of an AUXIP/PRIP/LTA product, by name.

    Args:
        record: The product record.
    """

    def __init__(self, record: Record) -> None:
        self.record = record
        self.values: dict[str, Any] = {}
        raw = record.raw("Attributes")
        if raw is None:
            return
        if not isinstance(raw, list):
            raise record.error("Attributes", f"expected a list, got {_shown(raw)}")
        for index, entry in enumerate(raw):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("Name"), str):
                raise record.error(
                    f"Attributes[{index}]", "expected an object with a string Name and a Value"
                )
            self.values.setdefault(entry["Name"], entry.get("Value"))

    def reader(self) -> Record:
        """Return a :class:`Record` over the attribute values (errors say ``Attributes/x``)."""
        return Record(self.values, self.record.label, self.record.prefix + "Attributes/")


# ---------------------------------------------------------------------------------- checksums

# Multihash: varint of the multicodec code, then the digest length in bytes.
_MULTIHASH = {
    "MD5": ("d501", 16),
    "SHA1": ("11", 20),
    "SHA256": ("12", 32),
    "SHA512": ("13", 64),
}


def multihash(record: Record, field: str = "Checksum") -> str | None:
    """Return the first checksum of a supported algorithm as a lower-case multihash.

    Supported algorithms: MD5, SHA-1, SHA-256, SHA-512 (any case, with or without ``-``).
    Checksums of other algorithms cannot be written as ``file:checksum`` and are skipped.
    """
    raw = record.raw(field)
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise record.error(field, f"expected a list of checksums, got {_shown(raw)}")
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise record.error(f"{field}[{index}]", f"expected an object, got {_shown(entry)}")
        algorithm = entry.get("Algorithm")
        if not isinstance(algorithm, str):
            raise record.error(f"{field}[{index}]/Algorithm", "expected a string")
        code = _MULTIHASH.get(re.sub(r"[-_ ]", "", algorithm.upper()))
        if code is None:
            continue
        prefix, length = code
        value = entry.get("Value")
        if not isinstance(value, str) or not re.fullmatch(rf"[0-9a-fA-F]{{{2 * length}}}", value):
            raise record.error(
                f"{field}[{index}]/Value",
                f"expected {2 * length} hexadecimal digits for {algorithm}, got {_shown(value)}",
            )
        return f"{prefix}{length:02x}{value.lower()}"
    return None


# ------------------------------------------------------------------------------------ geometry

_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)


def geometry(record: Record) -> dict[str, Any] | None:
    """Read the footprint: ``GeoFootprint`` (GeoJSON), else ``Footprint`` (OData WKT)."""
    value = record.raw("GeoFootprint")
    if value is not None:
        return _check_geometry(record, "GeoFootprint", value)
    wkt = record.raw("Footprint")
    if wkt is None:
        return None
    if not isinstance(wkt, str):
        raise record.error("Footprint", f"expected a WKT string, got {_shown(wkt)}")
    parsed = _parse_wkt(wkt)
    if parsed is None:
        raise record.error(
            "Footprint",
            f"expected geography'SRID=4326;POLYGON((lon lat, …))' or another WKT geometry, got "
            f"{_shown(wkt)}",
        )
    return _check_geometry(record, "Footprint", parsed)


def _check_geometry(record: Record, field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or value.get("type") not in _GEOMETRY_TYPES:
        raise record.error(
            field,
            f"expected a GeoJSON geometry ({', '.join(_GEOMETRY_TYPES)}), got {_shown(value)}",
        )
    kind = value["type"]
    coordinates = value.get("coordinates")
    if not _valid_coordinates(kind, coordinates) or not _positions(coordinates):
        raise record.error(
            field, f"coordinates are not those of a {kind} in longitude/latitude degrees"
        )
    return {"type": kind, "coordinates": coordinates}


def _position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) for v in value)
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _line(value: Any, minimum: int) -> bool:
    return isinstance(value, list) and len(value) >= minimum and all(_position(v) for v in value)


def _polygon(value: Any) -> bool:
    return isinstance(value, list) and len(value) >= 1 and all(_line(r, 4) for r in value)


def _valid_coordinates(kind: str, value: Any) -> bool:
    if kind == "Point":
        return _position(value)
    if kind == "MultiPoint":
        return _line(value, 1)
    if kind == "LineString":
        return _line(value, 2)
    if kind == "Polygon":
        return _polygon(value)
    if not isinstance(value, list) or not value:
        return False
    if kind == "MultiLineString":
        return all(_line(v, 2) for v in value)
    return all(_polygon(v) for v in value)


def _positions(value: Any) -> list[list[float]]:
    if value and isinstance(value[0], int | float):
        return [value]
    return [p for item in value for p in _positions(item)]


def _parse_wkt(text: str) -> dict[str, Any] | None:
    body = text.strip()
    match = re.match(r"^geography'(.*)'$", body, re.IGNORECASE | re.DOTALL)
    if match:
        body = match.group(1).strip()
    body = re.sub(r"^SRID=4326;", "", body, flags=re.IGNORECASE).strip()
    head = re.match(r"^([A-Za-z]+)\s*(\(.*\))$", body, re.DOTALL)
    if head is None:
        return None
    names = {name.upper(): name for name in _GEOMETRY_TYPES}
    kind = names.get(head.group(1).upper())
    if kind is None:
        return None
    parsed = _wkt_group(head.group(2))
    if parsed is None:
        return None
    if kind == "Point":
        parsed = parsed[0] if len(parsed) == 1 else None
    return {"type": kind, "coordinates": parsed}


_WKT_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")


def _wkt_group(text: str) -> list[Any] | None:
    """Parse ``( … )`` into nested lists whose leaves are positions ``[x, y]``.

    Walked with a stack, not recursion, so no nesting can exhaust Python's stack.

    Returns:
        The lists, or ``None`` when the text is not one balanced group of numbers.
    """
    open_groups: list[list[Any]] = []
    buffer = ""
    for index, char in enumerate(text):
        if char == "(":
            if buffer.strip() or (not open_groups and index > 0):
                return None
            open_groups.append([])
        elif char in ",)":
            if not open_groups:
                return None
            if buffer.strip():
                numbers = buffer.split()
                if not all(_WKT_NUMBER.fullmatch(n) for n in numbers):
                    return None
                open_groups[-1].append([float(n) for n in numbers])
            buffer = ""
            if char == ")":
                done = open_groups.pop()
                if not open_groups:
                    return done if index == len(text) - 1 else None
                open_groups[-1].append(done)
        elif not open_groups:
            return None
        else:
            buffer += char
    return None


def bbox(geometry_value: Mapping[str, Any]) -> list[float]:
    """Return the 2D bounding box of a checked geometry (west, south, east, north)."""
    positions = _positions(geometry_value["coordinates"])
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


# ---------------------------------------------------------------------------------- envelope

THIRD_PARTY: Mapping[str, str] = {
    "external-ids": "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
    "file": "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "timestamps": "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
    "sat": "https://stac-extensions.github.io/sat/v1.1.0/schema.json",
    "product": "https://stac-extensions.github.io/product/v1.0.0/schema.json",
    "processing": "https://stac-extensions.github.io/processing/v1.2.0/schema.json",
    "sar": "https://stac-extensions.github.io/sar/v1.3.0/schema.json",
    "eopf": "https://cs-si.github.io/eopf-stac-extension/v1.2.0/schema.json",
}
"""The companion extensions the mappers use, by field prefix (or extension name)."""

_TIMESTAMP_FIELDS = ("published", "expires", "unpublished")

# The versions each mode emits. A test checks "newest" against the schema store, so a new
# published version cannot slip in without the mappers being reviewed for it.
RS_VERSIONS: Mapping[Versions, Mapping[str, str]] = {
    "newest": {"cadip": "v2.0.0", "auxip": "v2.0.0"},
    "previous": {"cadip": "v1.4.0", "auxip": "v1.1.0"},
}


def rs_identifier(extension: str, mode: Versions) -> str:
    """Return the identifier of our extension ``extension`` that mode ``mode`` emits."""
    version = RS_VERSIONS[mode][extension]
    for entry in versions(extension):
        if entry.version == version:
            return entry.identifier
    raise LookupError(f"{extension} {version} is not in the schema store")  # pragma: no cover


def newest_matches() -> bool:
    """Tell whether :data:`RS_VERSIONS` ``newest`` is still the newest in the schema store."""
    return all(newest(name).version == v for name, v in RS_VERSIONS["newest"].items())


def declare_extensions(item: dict[str, Any], first: Iterable[str] = ()) -> list[str]:
    """Return ``stac_extensions`` for an Item: ``first``, then every extension whose field it uses.

    Looks at the keys of ``properties`` and of every asset, so no prefix goes undeclared.
    """
    used: set[str] = set()
    places: list[Mapping[str, Any]] = [item.get("properties", {})]
    places.extend(item.get("assets", {}).values())
    for place in places:
        for key in place:
            prefix, colon, _ = key.partition(":")
            if colon:
                used.add(prefix)
            elif key == "externalIds":
                used.add("external-ids")
            elif key in _TIMESTAMP_FIELDS:
                used.add("timestamps")
    declared = list(dict.fromkeys(first))
    declared.extend(THIRD_PARTY[name] for name in THIRD_PARTY if name in used)
    return list(dict.fromkeys(declared))


def links(
    base_url: str, service: str, collection: str | None, item_id: str
) -> list[dict[str, str]]:
    """Return the links of an Item served at ``{base_url}/{service}``.

    Without a base URL there is nowhere to point, so there are no links.
    """
    if not base_url:
        return []
    root = f"{base_url.rstrip('/')}/{service}"
    found = [{"rel": "root", "type": "application/json", "href": f"{root}/"}]
    if collection:
        home = f"{root}/collections/{quote(collection, safe='')}"
        found = [
            {"rel": "collection", "type": "application/json", "href": home},
            {"rel": "parent", "type": "application/json", "href": home},
            *found,
            {
                "rel": "self",
                "type": "application/geo+json",
                "href": f"{home}/items/{quote(item_id, safe='')}",
            },
        ]
    return found


@dataclass(frozen=True)
class TimeRange:
    """An Item's ``datetime``, ``start_datetime`` and ``end_datetime``."""

    datetime: dt.datetime
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def properties(self) -> dict[str, str]:
        """Return the three properties in the one timestamp form."""
        found = {"datetime": format_timestamp(self.datetime)}
        if self.start is not None and self.end is not None:
            found["start_datetime"] = format_timestamp(self.start)
            found["end_datetime"] = format_timestamp(self.end)
        return found
