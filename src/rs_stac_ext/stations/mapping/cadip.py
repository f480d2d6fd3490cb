"""CADIP: one downlink session (OData ``Sessions``) and its DSDB files (``Files``) → one Item.

The session becomes the Item; each file becomes an asset keyed by the file name. A bad session
field makes the whole session fail; a bad file is left out of the assets and reported in
:attr:`MappedItem.problems`, so the rest of the session is still published.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rs_stac_ext.stations.mapping._common import (
    STAC_VERSION,
    MappingError,
    Record,
    TimeRange,
    declare_extensions,
    format_timestamp,
    links,
    record_label,
    rs_identifier,
)
from rs_stac_ext.stations.missions import UnknownSatellite, satellite_by_code

if TYPE_CHECKING:
    from rs_stac_ext.stations.mapping import MappedItem, MappingContext

__all__ = ["CADU_PRODUCT_TYPES", "map_file", "map_session"]

CADU_PRODUCT_TYPES = {"sentinel-1": "S01CADU__"}
"""``product:type`` of a session's raw data, by constellation (only the known ones)."""

_COMPANIONS_V14 = ("external-ids", "file", "timestamps")
_STATION_CODE = re.compile(r"^[A-Z0-9_]{4}$")
_SHORT_STATION_CODE = re.compile(r"^[A-Za-z0-9]{3}$")
_BOOLEANS = (
    ("Retransfer", "cadip:retransfer"),
    ("AntennaStatusOK", "cadip:antenna_status_ok"),
    ("FrontEndStatusOK", "cadip:front_end_status_ok"),
)
_LATE_BOOLEANS = (
    ("DownlinkStatusOK", "cadip:downlink_status_ok"),
    ("DeliveryPushOK", "cadip:delivery_push_ok"),
)


def map_session(
    data: Mapping[str, Any],
    label: str,
    context: MappingContext,
    files: Sequence[Any] | None = None,
) -> MappedItem:
    """Map one CADIP session and its files.

    Args:
        data: The session record.
        label: How errors name the session.
        context: Station, collection, base URL, versions.
        files: The session's files; ``None`` to use the record's own ``Files`` member.

    Raises:
        MappingError: A session field is missing or wrong.
    """
    from rs_stac_ext.stations.mapping import MappedItem

    record = Record(data, label)
    session_id = record.string("SessionId", required=True)
    assert session_id is not None
    properties = _session_properties(record, context)
    assets, problems, last_file = _assets(record, session_id, context, files)
    _time_range(record, last_file, properties)
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [],
        "id": session_id,
        "geometry": None,
        "properties": properties,
        "links": links(context.base_url, "cadip", context.collection, session_id),
        "assets": assets,
    }
    if context.collection and context.base_url:
        item["collection"] = context.collection
    own = rs_identifier("cadip", context.versions)
    item["stac_extensions"] = declare_extensions(item, [own])
    if context.versions == "previous":
        from rs_stac_ext.stations.mapping._common import THIRD_PARTY

        # cadip v1.4.0 demands these three declarations even when their fields are unused.
        needed = [THIRD_PARTY[name] for name in _COMPANIONS_V14]
        item["stac_extensions"] = list(dict.fromkeys([*item["stac_extensions"], *needed]))
    return MappedItem(item, tuple(problems))


def _session_properties(record: Record, context: MappingContext) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    published = record.timestamp("PublicationDate")
    if published is not None:
        properties["published"] = format_timestamp(published)
    satellite = record.string("Satellite")
    if satellite is not None:
        try:
            found = satellite_by_code(satellite)
        except UnknownSatellite as exc:
            raise record.error("Satellite", str(exc)) from None
        properties["platform"] = found.platform
        properties["constellation"] = found.constellation
        cadu = CADU_PRODUCT_TYPES.get(found.constellation)
        if cadu is not None:
            properties["product:type"] = cadu
    uuid = record.uuid("Id", required=True)
    properties["externalIds"] = [{"scheme": "cadip", "value": uuid}]
    channels = record.integer("NumChannels", minimum=1, maximum=4)
    if channels is not None:
        properties["cadip:num_channels"] = channels
    station_code = _station_code(record, context)
    if station_code is not None:
        properties["cadip:station_id"] = station_code
    unit = _station_unit(record)
    if unit is not None:
        properties["cadip:station_unit_id"] = unit
    orbit = record.integer("DownlinkOrbit", minimum=1)
    if orbit is not None:
        properties["sat:absolute_orbit"] = orbit
    properties["cadip:acquisition_id"] = _acquisition_id(record)
    for source, target in (("AntennaId", "cadip:antenna_id"), ("FrontEndId", "cadip:front_end_id")):
        value = record.string(source)
        if value is not None:
            properties[target] = value
    for source, target in _BOOLEANS:
        flag = record.boolean(source)
        if flag is not None:
            properties[target] = flag
    planned_start = record.timestamp("PlannedDataStart")
    planned_stop = record.timestamp("PlannedDataStop")
    if planned_start is not None and planned_stop is not None and planned_start > planned_stop:
        raise record.error(
            "PlannedDataStop",
            f"is before PlannedDataStart ({format_timestamp(planned_stop)} < "
            f"{format_timestamp(planned_start)})",
        )
    if planned_start is not None:
        properties["cadip:planned_data_start"] = format_timestamp(planned_start)
    if planned_stop is not None:
        properties["cadip:planned_data_stop"] = format_timestamp(planned_stop)
    for source, target in _LATE_BOOLEANS:
        flag = record.boolean(source)
        if flag is not None:
            properties[target] = flag
    return properties


def _acquisition_id(record: Record) -> str:
    value = record.raw("AcquisitionId", required=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    raise record.error(
        "AcquisitionId", f"expected a non-empty string (or an integer), got {value!r}"
    )


def _station_code(record: Record, context: MappingContext) -> str | None:
    value = record.string("StationId")
    if value is None:
        return context.station.station_code if context.station is not None else None
    if _STATION_CODE.fullmatch(value):
        return value
    if _SHORT_STATION_CODE.fullmatch(value):
        return value.upper() + "_"
    raise record.error(
        "StationId", f"expected a 4-character station code such as MTI_ or INS_, got {value!r}"
    )


def _station_unit(record: Record) -> str | None:
    value = record.raw("StationUnitId")
    if value is None:
        return None
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str) and re.fullmatch(r"[0-9]{1,2}", text):
        return text.zfill(2)
    raise record.error("StationUnitId", f"expected two digits such as 01, got {value!r}")


def _time_range(record: Record, last_file: dt.datetime | None, properties: dict[str, Any]) -> None:
    published = record.timestamp("PublicationDate")
    start = record.timestamp("DownlinkStart")
    stop = record.timestamp("DownlinkStop")
    moment = published or start
    if moment is None:
        raise record.error(
            "PublicationDate", "required (or DownlinkStart), but missing or null: no datetime"
        )
    if start is not None and stop is not None and stop < start:
        raise record.error(
            "DownlinkStop",
            f"is before DownlinkStart ({format_timestamp(stop)} < {format_timestamp(start)})",
        )
    end = stop
    if start is not None and end is None:
        # A session still downlinking has no stop yet: its data so far end with the last file.
        end = max(start, last_file) if last_file is not None else start
    ordered = TimeRange(moment, start, end).properties()
    rest = dict(properties)
    properties.clear()
    properties.update(ordered)
    properties.update(rest)


def _assets(
    record: Record,
    session_id: str,
    context: MappingContext,
    files: Sequence[Any] | None,
) -> tuple[dict[str, Any], list[MappingError], dt.datetime | None]:
    if files is None:
        listed = record.raw("Files")
        if listed is None:
            return {}, [], None
        if not isinstance(listed, list):
            raise record.error("Files", f"expected a list of files, got {type(listed).__name__}")
        files = listed
    assets: dict[str, Any] = {}
    problems: list[MappingError] = []
    last: dt.datetime | None = None
    for index, data in enumerate(files):
        name = record_label(data, index, ("Name", "Id"))
        file_record = Record(
            data if isinstance(data, Mapping) else {}, session_id, f"Files({name})/"
        )
        try:
            if not isinstance(data, Mapping):
                raise file_record.error("(record)", "expected a JSON object")
            key, asset, published = map_file(file_record, context)
            if key in assets:
                raise file_record.error("Name", "another file of the session has the same name")
        except MappingError as error:
            problems.append(error)
            continue
        assets[key] = asset
        if published is not None and (last is None or published > last):
            last = published
    return assets, problems, last


def map_file(
    record: Record, context: MappingContext
) -> tuple[str, dict[str, Any], dt.datetime | None]:
    """Map one DSDB file to an asset.

    Returns:
        The asset key (the file name), the asset, and the file's publication time.

    Raises:
        MappingError: A file field is missing or wrong.
    """
    uuid = record.uuid("Id", required=True)
    name = record.string("Name", required=True)
    assert uuid is not None
    assert name is not None
    channel = record.integer("Channel", required=True, minimum=1, maximum=4)
    block = record.integer("BlockNumber", required=True, minimum=1)
    final = record.boolean("FinalBlock", required=True)
    root = context.odata_root
    href = f"{root}/Files({uuid})/$value" if root else f"Files({uuid})/$value"
    asset: dict[str, Any] = {
        "href": href,
        "title": name,
        "type": "application/octet-stream",
        "roles": ["data", "cadu"],
        "externalIds": [{"scheme": "cadip", "value": uuid}],
        "cadip:channel": channel,
        "cadip:block_number": block,
        "cadip:final_block": final,
    }
    retransfer = record.boolean("Retransfer")
    if retransfer is not None:
        asset["cadip:retransfer"] = retransfer
    published = record.timestamp("PublicationDate")
    if published is not None:
        asset["created"] = format_timestamp(published)
    evicted = record.timestamp("EvictionDate")
    if evicted is not None:
        asset["expires"] = format_timestamp(evicted)
    size = record.integer("Size", minimum=0)
    if size is not None:
        asset["file:size"] = size
    return name, asset, published
