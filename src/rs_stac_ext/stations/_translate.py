"""The translation engine behind :func:`rs_stac_ext.stations.query.build_odata`.

Criteria are gathered per source (the search, then the collection's fixed query) into
:class:`Criteria`: value sets per field or attribute, closed/open intervals per timestamp field,
name tests, spatial and temporal clauses. Merging two sources intersects them. The clauses are
then written in the order of the previous server's provider templates, so that URLs stay
byte-identical to its vectors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pygeofilter import ast
from pygeofilter import values as geo_values

from rs_stac_ext.stations._cql2 import (
    CqlSyntaxError,
    IntervalExpr,
    TemporalCall,
    parse_cql2_json,
    parse_cql2_text,
)
from rs_stac_ext.stations._errors import (
    UnsupportedQuery,
    bad_request,
    unprocessable,
)
from rs_stac_ext.stations._numbers import read_integer
from rs_stac_ext.stations.missions import (
    UnknownSatellite,
    legacy_product_types,
    satellite_by_platform,
    satellite_codes,
)
from rs_stac_ext.stations.registry import Service

MAX_TOP = 9999
"""Largest ``$top`` sent: the stations' page maximum (10000) minus one, as upstream clamped."""

NAMES = {"cadip": "CADIP", "auxip": "AUXIP", "prip": "PRIP", "lta": "LTA", "edrs": "EDRS"}
_ATTRIBUTE = "Attributes/OData.CSC.StringAttribute/any(att:att/Name eq '{name}' and "
_ATTRIBUTE_VALUE = "att/OData.CSC.StringAttribute/Value"


# ------------------------------------------------------------------------------ values


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return timestamp(value)
    return "'" + str(value).replace("'", "''") + "'"


def timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)


def _instant(value: Any) -> datetime | None:
    """Read an RFC 3339 instant, truncated to the millisecond, in UTC; ``None`` if not one."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str) and (shape := _RFC3339.match(value.strip())):
        fraction = (shape.group(7) or "")[:6].ljust(6, "0")
        zone = shape.group(8).upper()
        try:
            moment = datetime.fromisoformat(
                f"{'-'.join(shape.group(1, 2, 3))}T{':'.join(shape.group(4, 5, 6))}"
                f".{fraction}{'+00:00' if zone == 'Z' else zone}"
            )
        except ValueError:
            return None
    else:
        return None
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _name(value: Any) -> Any:
    """A bare word on the right of ``=`` (``id=S1A_...``) is read as text, as upstream did."""
    return value.name if isinstance(value, ast.Attribute) else value


# ------------------------------------------------------------------------- the criteria


@dataclass
class _Interval:
    low: tuple[datetime, bool] | None = None
    high: tuple[datetime, bool] | None = None

    def narrow(self, low: tuple[datetime, bool] | None, high: tuple[datetime, bool] | None) -> None:
        if low is not None and (
            self.low is None or low[0] > self.low[0] or (low[0] == self.low[0] and not low[1])
        ):
            self.low = low
        if high is not None and (
            self.high is None or high[0] < self.high[0] or (high[0] == self.high[0] and not high[1])
        ):
            self.high = high

    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        if self.low[0] == self.high[0]:
            return not (self.low[1] and self.high[1])
        return self.low[0] > self.high[0]

    def clauses(self, name: str) -> list[str]:
        low, high = self.low, self.high
        if low and high and low == high and low[1]:
            return [f"{name} eq {timestamp(low[0])}"]
        out = []
        if low is not None:
            stamp = timestamp(low[0])
            out.append(
                f"({name} gt {stamp} or {name} eq {stamp})" if low[1] else f"{name} gt {stamp}"
            )
        if high is not None:
            stamp = timestamp(high[0])
            out.append(
                f"({name} lt {stamp} or {name} eq {stamp})" if high[1] else f"{name} lt {stamp}"
            )
        return out


@dataclass
class Criteria:
    """Constraints gathered from one source (the search, or the collection)."""

    sets: dict[str, list[Any]] = field(default_factory=dict)
    intervals: dict[str, _Interval] = field(default_factory=dict)
    names: list[tuple[str, ...]] = field(default_factory=list)
    spatial: list[tuple[str, tuple[float, float, float, float] | None]] = field(
        default_factory=list
    )
    temporal: list[str] = field(default_factory=list)
    empty: bool = False

    def restrict(self, slot: str, values: Iterable[Any]) -> None:
        wanted = list(dict.fromkeys(values))
        held = self.sets.get(slot)
        self.sets[slot] = wanted if held is None else [v for v in held if v in wanted]
        if not self.sets[slot]:
            self.empty = True

    def interval(self, slot: str) -> _Interval:
        return self.intervals.setdefault(slot, _Interval())

    def merge(self, other: Criteria) -> None:
        for slot, values in other.sets.items():
            self.restrict(slot, values)
        for slot, interval in other.intervals.items():
            self.interval(slot).narrow(interval.low, interval.high)
        self.names += [group for group in other.names if group not in self.names]
        self.spatial += other.spatial
        self.temporal += [clause for clause in other.temporal if clause not in self.temporal]
        self.empty = self.empty or other.empty


# --------------------------------------------------------------------- service tables

_Kind = Literal["text", "int", "bool", "time"]


@dataclass(frozen=True)
class _Queryable:
    """How one STAC property becomes OData.

    ``slot`` is a direct field (``Satellite``), ``@name`` an attribute, ``~Name`` the
    ``contains(Name, ...)`` test, or an interval field (``PublicationDate``) for kind ``time``.
    ``also`` names an attribute that receives the same value on ``=`` (PRIP start/end times).
    """

    slot: str
    kind: _Kind = "text"
    also: str | None = None


_CADIP: dict[str, _Queryable] = {
    "id": _Queryable("SessionId"),
    "datetime": _Queryable("PublicationDate", "time"),
    "published": _Queryable("PublicationDate", "time"),
    "platform": _Queryable("Satellite"),
    "constellation": _Queryable("Satellite"),
    "cadip:retransfer": _Queryable("Retransfer", "bool"),
    "cadip:num_channels": _Queryable("NumChannels", "int"),
    "sat:absolute_orbit": _Queryable("DownlinkOrbit", "int"),
}
_AUXIP: dict[str, _Queryable] = {
    "id": _Queryable("~Name"),
    "Name": _Queryable("~Name"),
    "published": _Queryable("PublicationDate", "time"),
    "created": _Queryable("PublicationDate", "time"),
    "datetime": _Queryable("ContentDate/Start", "time"),
    "start_datetime": _Queryable("ContentDate/Start", "time"),
    "end_datetime": _Queryable("ContentDate/End", "time"),
    "platform": _Queryable("@platformSerialIdentifier"),
    "constellation": _Queryable("@platformShortName"),
    "product:type": _Queryable("@productType"),
    "processing:facility": _Queryable("@processingCenter"),
    "processing:version": _Queryable("@processorVersion"),
    "processing:datetime": _Queryable("@processingDate", "time"),
    "sat:absolute_orbit": _Queryable("@orbitNumber", "int"),
    "sat:orbit_state": _Queryable("@orbitDirection"),
}
_PRIP: dict[str, _Queryable] = {
    **_AUXIP,
    "created": _Queryable("@processingDate", "time"),
    "start_datetime": _Queryable("ContentDate/Start", "time", also="@beginningDateTime"),
    "end_datetime": _Queryable("ContentDate/End", "time", also="@endingDateTime"),
    "sat:relative_orbit": _Queryable("@relativeOrbitNumber", "int"),
}
QUERYABLES: dict[str, dict[str, _Queryable]] = {
    "cadip": _CADIP,
    "auxip": _AUXIP,
    "prip": _PRIP,
    "lta": _PRIP,
}
SPATIAL_PROPERTIES = ("geometry", "intersects")

# Order of the clauses in $filter: the order of the previous server's provider templates.
_CADIP_ORDER = (
    "SessionId",
    "Satellite",
    "PublicationDate",
    "Retransfer",
    "NumChannels",
    "DownlinkOrbit",
    "#temporal",
)
_PRODUCT_ORDER = (
    "#spatial",
    "~Name",
    "PublicationDate",
    "ContentDate/Start",
    "ContentDate/End",
    "@productType",
    "@platformShortName",
    "@platformSerialIdentifier",
    "@processingDate",
    "@processingCenter",
    "@processorVersion",
    "@orbitNumber",
    "@relativeOrbitNumber",
    "@orbitDirection",
    "@beginningDateTime",
    "@endingDateTime",
    "#temporal",
)

_SORTABLE_PRODUCTS = {
    "published": "PublicationDate",
    "created": "PublicationDate",
    "datetime": "PublicationDate",
    "file:size": "ContentLength",
    "start_datetime": "ContentDate/Start",
    "end_datetime": "ContentDate/End",
    "id": "Name",
    "type": "ContentType",
    "eviction_datetime": "EvictionDate",
}
SORTABLE: dict[str, dict[str, str]] = {
    "cadip": {
        "published": "PublicationDate",
        "created": "PublicationDate",
        "datetime": "PublicationDate",
        "id": "SessionId",
        "start_datetime": "DownlinkStart",
    },
    "auxip": {**_SORTABLE_PRODUCTS, "auxip:id": "Id"},
    "prip": {**_SORTABLE_PRODUCTS, "prip:id": "Id"},
    "lta": {**_SORTABLE_PRODUCTS, "lta:id": "Id"},
}


def queryable_names(service: Service) -> list[str]:
    """The STAC properties a service's searches may filter on."""
    found = list(QUERYABLES.get(service, {}))
    return [*found, *SPATIAL_PROPERTIES] if service in ("prip", "lta") else found


# ----------------------------------------------------------------------- translation


class Translator:
    """Reads one source of criteria (the user's, or a collection's) for one service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.name = NAMES[service]
        self.table = QUERYABLES[service]
        self.criteria = Criteria()
        self.platforms: list[str] | None = None
        self.constellations: list[str] | None = None

    # -- entry points

    def filter(self, tree: Any) -> None:
        # An AND of a thousand clauses is a tree a thousand levels deep: walked with a stack,
        # left to right, so its length never meets Python's recursion limit.
        pending = [tree]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.And):
                pending += [node.rhs, node.lhs]
            else:
                self.clause(node)

    def clause(self, tree: Any) -> None:
        """Read one clause of the AND (anything but an AND)."""
        if isinstance(tree, ast.Comparison) and type(tree) in _COMPARISONS:
            self.comparison(tree)
        elif isinstance(tree, ast.In) and not tree.not_:
            prop = self.property(tree.lhs, "IN")
            self.values(prop, [_name(v) for v in tree.sub_nodes], "IN")
        elif isinstance(tree, TemporalCall):
            self.temporal_call(tree)
        elif isinstance(tree, ast.GeometryIntersects):
            self.property(tree.lhs, "S_INTERSECTS", spatial=True)
            self.spatial(tree.rhs, "S_INTERSECTS")
        else:
            raise UnsupportedQuery(
                _part(tree),
                f"{self.name} stations accept an AND of =, IN, <, <=, >, >= comparisons, "
                "T_* temporal predicates"
                + (" and S_INTERSECTS" if self.service in ("prip", "lta") else ""),
            )

    def values(self, prop: str, values: list[Any], op: str) -> None:
        """Restrict ``prop`` to ``values`` (one value for ``=``)."""
        if prop in SPATIAL_PROPERTIES:
            if op != "=" or len(values) != 1:
                raise UnsupportedQuery(f"{prop} {op}", "a geometry is compared with = only")
            self.spatial(values[0], prop)
            return
        spec = self.lookup(prop)
        if spec.kind == "time":
            if op == "IN":
                raise UnsupportedQuery(f"{prop} IN", "timestamps are compared one at a time")
            moment = self.moment(prop, values[0])
            self.time(spec, (moment, True), (moment, True))
            if spec.also:
                self.criteria.restrict(spec.also, [timestamp(moment)])
            return
        checked = [self.check(prop, spec.kind, value) for value in values]
        if prop == "platform":
            self.platform(checked)
        elif prop == "constellation":
            self.constellation(checked)
        elif prop == "product:type":
            legacy = [name for value in checked for name in legacy_product_types(value) or [value]]
            self.criteria.restrict(spec.slot, legacy)
        elif spec.slot == "~Name":
            group = tuple(dict.fromkeys(str(v) for v in checked))
            if group not in self.criteria.names:
                self.criteria.names.append(group)
        elif spec.slot == "@orbitDirection":
            self.criteria.restrict(spec.slot, [str(v).upper() for v in checked])
        elif spec.slot.startswith("@"):
            self.criteria.restrict(spec.slot, [str(v) for v in checked])
        else:
            self.criteria.restrict(spec.slot, checked)

    def datetime_range(self, text: str, slot: str = "PublicationDate") -> None:
        """Apply a STAC ``datetime`` parameter (instant or interval)."""
        parts = text.split("/")
        if len(parts) > 2 or all(p.strip() in ("", "..") for p in parts):
            raise bad_request(f"Invalid datetime parameter {text!r}: expected an instant or a/b")
        bounds: list[datetime | None] = []
        for part in parts:
            if part.strip() in ("", ".."):
                bounds.append(None)
                continue
            moment = _instant(part)
            if moment is None:
                raise bad_request(f"Invalid datetime parameter {text!r}: {part!r} is not RFC 3339")
            bounds.append(moment)
        low, high = bounds[0], bounds[-1]
        if low is not None and high is not None and low > high:
            raise bad_request(f"Invalid datetime parameter {text!r}: the start is after the end")
        self.criteria.interval(slot).narrow(
            (low, True) if low else None, (high, True) if high else None
        )

    # -- pieces

    def lookup(self, prop: str) -> _Queryable:
        spec = self.table.get(prop)
        if spec is None:
            known = ", ".join(queryable_names(self.service))
            raise unprocessable(
                f"{prop!r} is not a queryable of {self.name} stations (queryables: {known})"
            )
        return spec

    def property(self, node: Any, op: str, *, spatial: bool = False) -> str:
        if not isinstance(node, ast.Attribute):
            raise UnsupportedQuery(op, "the first argument must be a property")
        prop = str(node.name).removeprefix("properties.")
        if spatial:
            if prop not in SPATIAL_PROPERTIES:
                raise UnsupportedQuery(f"{op}({prop})", "only the geometry can be intersected")
            return prop
        if prop not in SPATIAL_PROPERTIES:
            self.lookup(prop)
        return prop

    def comparison(self, node: Any) -> None:
        lhs, rhs, op = node.lhs, node.rhs, _COMPARISONS[type(node)]
        if not isinstance(lhs, ast.Attribute) and isinstance(rhs, ast.Attribute):
            lhs, rhs, op = rhs, lhs, _FLIPPED[op]
        prop = self.property(lhs, op)
        if op == "=":
            self.values(prop, [_name(rhs)], "=")
            return
        spec = self.lookup(prop) if prop not in SPATIAL_PROPERTIES else None
        if spec is None or spec.kind != "time" or spec.slot.startswith("@"):
            raise UnsupportedQuery(f"{prop} {op}", "only timestamps are compared with < or >")
        moment = self.moment(prop, _name(rhs))
        bound = (moment, op in ("<=", ">="))
        if op in ("<", "<="):
            self.time(spec, None, bound)
        else:
            self.time(spec, bound, None)

    def time(
        self,
        spec: _Queryable,
        low: tuple[datetime, bool] | None,
        high: tuple[datetime, bool] | None,
    ) -> None:
        """Bound a timestamp; each bound is (instant, inclusive)."""
        if spec.slot.startswith("@"):
            # An attribute holds text: only equality can be asked of it.
            if low is None or low != high:
                raise UnsupportedQuery(spec.slot[1:], "only = applies to this property")
            self.criteria.restrict(spec.slot, [timestamp(low[0])])
            return
        self.criteria.interval(spec.slot).narrow(low, high)

    def moment(self, prop: str, value: Any) -> datetime:
        moment = _instant(value)
        if moment is None:
            raise unprocessable(f"{prop}: {value!r} is not an RFC 3339 timestamp")
        return moment

    def check(self, prop: str, kind: _Kind, value: Any) -> Any:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise unprocessable(f"{prop}: expected a boolean, got {value!r}")
        if kind == "int":
            number = read_integer(value)
            if number is None:
                raise unprocessable(f"{prop}: expected an integer, got {_shown(value)}")
            if not _INT64[0] <= number <= _INT64[1]:
                raise unprocessable(
                    f"{prop}: {_shown(value)} is out of range (stations hold 64-bit integers)"
                )
            return number
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise unprocessable(f"{prop}: expected a string, got {value!r}")
        return value if isinstance(value, str) else _number(value)

    def platform(self, platforms: list[Any]) -> None:
        satellites = []
        for platform in platforms:
            try:
                satellites.append(satellite_by_platform(str(platform)))
            except UnknownSatellite as exc:
                raise unprocessable(f"platform: {exc}") from None
        self.platforms = [s.platform for s in satellites]
        if self.service == "cadip":
            self.criteria.restrict("Satellite", [s.code for s in satellites])
            return
        names = list(dict.fromkeys(s.short_name for s in satellites))
        serials: list[str | None] = list(dict.fromkeys(s.serial for s in satellites if s.serial))
        # Stations test platformShortName and platformSerialIdentifier separately: a list of
        # platforms is sent only if those two tests together select exactly that list.
        crossed = {(name, serial) for name in names for serial in serials or [None]}
        if crossed != {(s.short_name, s.serial) for s in satellites}:
            raise UnsupportedQuery(
                "platform IN",
                "the platforms must be every combination of their missions and serial "
                "letters (sentinel-1a with sentinel-2a, not with sentinel-2b or sentinel-5p)",
            )
        self.criteria.restrict("@platformShortName", names)
        if serials:
            self.criteria.restrict("@platformSerialIdentifier", serials)

    def constellation(self, constellations: list[Any]) -> None:
        codes: list[str] = []
        for constellation in constellations:
            found = satellite_codes(constellation=str(constellation))
            if not found:
                raise unprocessable(f"constellation: {constellation!r} is not a constellation")
            codes += found
        self.constellations = [str(c).lower() for c in constellations]
        if self.service == "cadip":
            self.criteria.restrict("Satellite", codes)
        else:
            self.criteria.restrict("@platformShortName", [str(c).upper() for c in constellations])

    def settle_platforms(self) -> None:
        """Check that platform and constellation agree; as upstream, the constellation wins."""
        if self.service == "cadip" or self.platforms is None or self.constellations is None:
            return
        for platform in self.platforms:
            if satellite_by_platform(platform).constellation not in self.constellations:
                raise unprocessable(
                    f"platform {platform!r} is not part of constellation "
                    f"{' or '.join(map(repr, self.constellations))}"
                )
        # The previous server sent only platformShortName when both were given (its vectors
        # show it); the serial clause is dropped the same way to keep URLs byte-identical.
        self.criteria.sets.pop("@platformSerialIdentifier", None)

    def spatial(self, value: Any, part: str) -> None:
        if self.service not in ("prip", "lta"):
            raise UnsupportedQuery(part, f"{self.name} items have no geometry to search")
        self.criteria.spatial.append(_wkt(value, part))

    def temporal_call(self, call: TemporalCall) -> None:
        op = call.op.upper()
        start, end = self.temporal_fields(call.lhs, op)
        x1, x2 = self.temporal_bounds(call.rhs, op)
        cadip = self.service == "cadip"
        s, e = start, end
        formulas: dict[str, list[str]] = {
            "T_BEFORE": [f"{e} lt {x1}"],
            "T_AFTER": [f"{s} gt {x2}"],
            "T_MEETS": [f"{e} eq {x1}"],
            "T_METBY": [f"{s} eq {x2}"],
            "T_OVERLAPS": [f"{s} lt {x1}", f"{x1} lt {e}", f"{e} lt {x2}"],
            "T_OVERLAPPEDBY": [f"{x1} lt {s}", f"{s} lt {x2}", f"{e} gt {x2}"],
            "T_DURING": [f"{s} gt {x1}", f"{e} lt {x2}"],
            "T_CONTAINS": [f"{s} lt {x1}", f"{e} gt {x2}"],
            "T_EQUALS": [f"{s} eq {x1}", f"{e} eq {x2}"],
            "T_STARTS": [f"{s} eq {x1}", f"{e} lt {x2}"],
            "T_STARTEDBY": [f"{s} eq {x1}", f"{e} gt {x2}"],
            "T_FINISHES": [f"{s} gt {x1}", f"{e} eq {x2}"],
            "T_FINISHEDBY": [f"{s} lt {x1}", f"{e} eq {x2}"],
            "T_DISJOINT": [f"({e} lt {x1} or {s} gt {x2})"],
            # Upstream sends lte/gte to AUXIP and PRIP (its vectors); CADIP stations refuse
            # them, so there both bounds are spelt with lt/gt and eq.
            "T_INTERSECTS": (
                [f"({s} lt {x2} or {s} eq {x2})", f"({e} gt {x1} or {e} eq {x1})"]
                if cadip
                else [f"{s} lte {x2}", f"{e} gte {x1}"]
            ),
        }
        conditions = list(dict.fromkeys(formulas[op]))
        self.criteria.temporal.append("(" + " and ".join(conditions) + ")")

    def temporal_fields(self, node: Any, op: str) -> tuple[str, str]:
        if isinstance(node, IntervalExpr):
            return self.temporal_field(node.start, op), self.temporal_field(node.end, op)
        name = self.temporal_field(node, op)
        return name, name

    def temporal_field(self, node: Any, op: str) -> str:
        prop = self.property(node, op)
        spec = self.lookup(prop) if prop not in SPATIAL_PROPERTIES else None
        if spec is None or spec.kind != "time" or spec.slot.startswith("@"):
            raise UnsupportedQuery(f"{op}({prop})", "the property is not a station timestamp")
        return spec.slot

    def temporal_bounds(self, node: Any, op: str) -> tuple[str, str]:
        bounds = [node.start, node.end] if isinstance(node, IntervalExpr) else [node, node]
        out = []
        for bound in bounds:
            if isinstance(bound, str) and bound.strip() in ("..", ""):
                raise UnsupportedQuery(f"{op} with an open interval", "give both bounds")
            moment = _instant(_name(bound))
            if moment is None:
                raise unprocessable(f"{op}: {bound!r} is not an RFC 3339 timestamp")
            out.append(timestamp(moment))
        return out[0], out[1]


_INT64 = (-(2**63), 2**63 - 1)


def _shown(value: Any) -> str:
    """Quote a value in an error, cut to a readable length (a huge integer is not printed)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    quoted = repr(value)
    return quoted if len(quoted) <= 120 else quoted[:117] + "..."


_COMPARISONS: dict[type, str] = {
    ast.Equal: "=",
    ast.LessThan: "<",
    ast.LessEqual: "<=",
    ast.GreaterThan: ">",
    ast.GreaterEqual: ">=",
}
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _part(node: Any) -> str:
    """Name a refused filter node as CQL2 spells it."""
    labels: dict[type, str] = {
        ast.Or: "OR",
        ast.Not: "NOT",
        ast.NotEqual: "<>",
        ast.Like: "LIKE",
        ast.Between: "BETWEEN",
        ast.IsNull: "IS NULL",
        ast.Include: "INCLUDE/EXCLUDE",
        ast.In: "NOT IN",
    }
    for kind, label in labels.items():
        if isinstance(node, kind):
            return label
    if isinstance(node, ast.Function):
        return f"function {node.name}()"
    op = getattr(node, "op", None)
    if isinstance(node, ast.SpatialComparisonPredicate) and op is not None:
        return f"S_{op.value}"
    if op is not None and hasattr(op, "value"):
        return str(op.value)
    return type(node).__name__


# --------------------------------------------------------------------------- geometry


def _number(value: float) -> str:
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise bad_request(f"{_shown(value)} is not a finite number") from None
    if not math.isfinite(number):
        raise bad_request(f"{value!r} is not a finite number")
    return str(int(number)) if number.is_integer() else repr(number)


_WKT = re.compile(r"^\s*(MULTIPOLYGON|POLYGON|POINT)\s*\(([-+0-9.eE\s,()]+)\)\s*$", re.IGNORECASE)


def _wkt(value: Any, part: str) -> tuple[str, tuple[float, float, float, float] | None]:
    """Return the WKT of a geometry and its envelope (to tell disjoint geometries apart)."""
    if isinstance(value, geo_values.Geometry):
        value = value.geometry
    if isinstance(value, str):
        if not _WKT.match(value):
            raise unprocessable(f"{part}: {value!r} is not a WKT POINT, POLYGON or MULTIPOLYGON")
        numbers = [float(n) for n in re.findall(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", value)]
        return value.strip(), _envelope(list(zip(numbers[::2], numbers[1::2], strict=False)))
    if not isinstance(value, Mapping) or "coordinates" not in value:
        raise unprocessable(f"{part}: expected a GeoJSON geometry")
    kind = str(value.get("type", "")).lower()
    coordinates = value["coordinates"]
    try:
        if kind == "point":
            x, y = (_number(c) for c in list(coordinates)[:2])
            return f"POINT({x} {y})", _envelope([coordinates])
        if kind == "polygon":
            return f"POLYGON({_rings(coordinates)})", _envelope(_positions(coordinates))
        if kind == "multipolygon":
            text = ", ".join(f"({_rings(polygon)})" for polygon in coordinates)
            return f"MULTIPOLYGON({text})", _envelope(_positions(coordinates))
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise unprocessable(f"{part}: malformed {value.get('type')} coordinates") from exc
    raise UnsupportedQuery(
        f"{part} {value.get('type')}", "stations intersect with a Point, Polygon or MultiPolygon"
    )


def _rings(rings: Any) -> str:
    return ", ".join(
        "(" + ", ".join(f"{_number(p[0])} {_number(p[1])}" for p in ring) + ")" for ring in rings
    )


def _positions(nested: Any) -> list[Any]:
    if isinstance(nested, list | tuple) and nested and isinstance(nested[0], int | float):
        return [nested]
    return [p for item in nested for p in _positions(item)]


def _envelope(points: Sequence[Any]) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def read_bbox(value: Sequence[float] | str) -> tuple[float, float, float, float]:
    text = value if isinstance(value, str) else ",".join(str(v) for v in value)
    raw = [part.strip() for part in value.split(",")] if isinstance(value, str) else list(value)
    if len(raw) not in (4, 6):
        raise bad_request(f"BBox {text!r} must have 4 or 6 values.")
    try:
        numbers = [float(v) for v in raw]
    except (TypeError, ValueError, OverflowError):
        raise bad_request(f"BBox {text!r} must hold numbers.") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    west, south, east, north = numbers
    if south > north:
        raise bad_request(f"BBox {text!r}: the south edge is north of the north edge.")
    if west > east:
        raise UnsupportedQuery("bbox across the antimeridian", "split it into two searches")
    return west, south, east, north


def bbox_polygon(box: tuple[float, float, float, float]) -> str:
    west, south, east, north = (_number(v) for v in box)
    ring = [(east, south), (east, north), (west, north), (west, south), (east, south)]
    return "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"


def disjoint(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


# ------------------------------------------------------------------------ assembling


def set_clause(slot: str, values: list[Any]) -> str:
    if slot.startswith("@"):
        head = _ATTRIBUTE.format(name=slot[1:])
        if len(values) == 1:
            return f"{head}{_ATTRIBUTE_VALUE} eq {_literal(str(values[0]))})"
        listed = ",".join(_literal(str(v)) for v in values)
        return f"{head}{_ATTRIBUTE_VALUE} in ({listed}))"
    if len(values) == 1:
        return f"{slot} eq {_literal(values[0])}"
    return f"{slot} in ({','.join(_literal(v) for v in values)})"


def _name_clause(group: tuple[str, ...]) -> str:
    tests = [f"contains(Name, {_literal(value)})" for value in group]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def build_clauses(service: Service, criteria: Criteria) -> list[str]:
    order = _CADIP_ORDER if service == "cadip" else _PRODUCT_ORDER
    out: list[str] = []
    for slot in order:
        if slot == "#spatial":
            out += [
                f"OData.CSC.Intersects(area=geography'SRID=4326;{wkt}')"
                for wkt, _ in criteria.spatial
            ]
        elif slot == "#temporal":
            out += criteria.temporal
        elif slot == "~Name":
            out += [_name_clause(group) for group in criteria.names]
        elif slot in criteria.intervals:
            out += criteria.intervals[slot].clauses(slot)
        elif slot in criteria.sets:
            out.append(set_clause(slot, criteria.sets[slot]))
    return out


def read_filter(translator: Translator, value: str | Mapping[str, Any], lang: str | None) -> None:
    language = (lang or ("cql2-text" if isinstance(value, str) else "cql2-json")).lower()
    try:
        if language == "cql2-text":
            if not isinstance(value, str):
                raise bad_request("filter-lang is cql2-text but the filter is a JSON object")
            tree = parse_cql2_text(value)
        elif language == "cql2-json":
            if not isinstance(value, str | Mapping):
                raise bad_request("Invalid filter: a cql2-json filter must be a JSON object")
            tree = parse_cql2_json(value if isinstance(value, str) else dict(value))
        else:
            raise UnsupportedQuery(f"filter-lang {lang!r}", "use cql2-text or cql2-json")
    except CqlSyntaxError as exc:
        raise bad_request(f"Invalid filter: {exc}") from exc
    translator.filter(tree)


def read_query(translator: Translator, query: Mapping[str, Any]) -> None:
    if not isinstance(query, Mapping):
        raise bad_request("query must be a JSON object mapping properties to {operator: value}")
    operators = {"eq": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
    for prop, tests in query.items():
        if not isinstance(tests, Mapping):
            raise bad_request(f"query: {prop!r} must map operators to values")
        for op, value in tests.items():
            if op == "in":
                values = value if isinstance(value, list) else [value]
                translator.property(ast.Attribute(prop), "IN")
                translator.values(prop.removeprefix("properties."), values, "IN")
            elif op in operators:
                node = _COMPARISON_NODES[operators[op]](ast.Attribute(prop), value)
                translator.comparison(node)
            else:
                raise UnsupportedQuery(
                    f"query operator {op!r} on {prop!r}", "use eq, in, lt, lte, gt or gte"
                )


_COMPARISON_NODES = {sign: kind for kind, sign in _COMPARISONS.items()}


def collection_criteria(service: Service, query: Mapping[str, Any]) -> tuple[Criteria, int | None]:
    translator = Translator(service)
    limit: int | None = None
    for key, value in query.items():
        if key == "limit":
            limit = read_limit(value)
        elif key == "datetime":
            translator.datetime_range(str(value))
        elif key == "filter":
            read_filter(translator, value, None)
        elif key == "ids":
            values = value if isinstance(value, list | tuple) else [value]
            translator.values("id", list(values), "IN")
        else:
            values = value if isinstance(value, list | tuple) else [value]
            translator.property(ast.Attribute(key), "IN")
            translator.values(key, list(values), "IN" if len(values) > 1 else "=")
    return translator.criteria, limit


def read_limit(value: Any) -> int:
    if isinstance(value, bool):
        raise bad_request(f"Invalid limit value {value!r}: expected a positive integer")
    try:
        number = int(value) if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        raise bad_request(f"Invalid limit value {value!r}: expected a positive integer") from None
    if number <= 0:
        raise bad_request(f"Invalid limit value {value!r}: expected a positive integer")
    return min(number, MAX_TOP)
