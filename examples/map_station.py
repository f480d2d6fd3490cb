"""Map a CADIP session, as a ground station's OData service returns it, to a STAC Item.

The session and its DSDB files below are written out by hand in the shape of the answers of
``/Sessions`` and ``/Files``; with a live station, ``rs_stac_ext.stations.client.StationClient``
fetches them (the station command of ``rs_stac_ext.stations.cli`` does both). The Item is then
validated offline.

    python examples/map_station.py
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rs_stac_ext.resolver import ResolverSettings
from rs_stac_ext.stations.mapping import MappingContext, map_record
from rs_stac_ext.stations.registry import Registry
from rs_stac_ext.validation import ValidationOptions, validate

SESSION_ID = "S1A_20251103054512061976"
SESSION: dict[str, Any] = {
    "Id": "3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c1a04",
    "SessionId": SESSION_ID,
    "NumChannels": 2,
    "PublicationDate": "2025-11-03T05:53:10.512Z",
    "Satellite": "S1A",
    "StationUnitId": "01",
    "DownlinkOrbit": 61976,
    "AcquisitionId": "619761",
    "AntennaId": "MTI2",
    "FrontEndId": "DFEP-MTI-02",
    "Retransfer": False,
    "AntennaStatusOK": True,
    "FrontEndStatusOK": True,
    "PlannedDataStart": "2025-11-03T05:45:12.000Z",
    "PlannedDataStop": "2025-11-03T05:52:40.000Z",
    "DownlinkStart": "2025-11-03T05:45:16.301Z",
    "DownlinkStop": "2025-11-03T05:52:37.944Z",
    "DownlinkStatusOK": True,
    "DeliveryPushOK": True,
}


def session_files() -> list[dict[str, Any]]:
    """Two channels of two DSDB files each, the second one final."""
    files = []
    for channel in (1, 2):
        for block in (1, 2):
            files.append(
                {
                    "Id": f"7c0e5b1a-4d2f-4e8b-9c61-0000000{channel}000{block}",
                    "Name": f"DCS_01_{SESSION_ID}_ch{channel}_DSDB_{block:05d}.raw",
                    "SessionId": SESSION_ID,
                    "Channel": channel,
                    "BlockNumber": block,
                    "FinalBlock": block == 2,
                    "Retransfer": False,
                    "PublicationDate": f"2025-11-03T05:53:0{block}.000Z",
                    "EvictionDate": "2025-11-10T05:53:00.000Z",
                    "Size": 1_073_741_824,
                }
            )
    return files


def main() -> int:
    """Map the session with the built-in registry's Matera station, then validate the Item."""
    station = Registry.load().station("cadip", "mti")
    context = MappingContext(station=station, collection="s1a_mti")
    mapped = map_record("cadip", SESSION, context=context, files=session_files())
    item = mapped.item
    properties = item["properties"]
    print(f"station {station.id} ({station.station_code}) -> Item {item['id']}")
    print(f"  platform {properties['platform']}, orbit {properties['sat:absolute_orbit']}")
    print(f"  {len(item['assets'])} DSDB assets, e.g. {next(iter(item['assets']))}")
    print(f"  declares {', '.join(item['stac_extensions'][:2])}, ...")
    for problem in mapped.problems:
        print(f"  left out: {problem}")

    options = ValidationOptions(resolver=ResolverSettings(use_cache=False))
    report = next(validate([item], options))
    print(f"validation: {report.verdict.value}")
    for missing in report.not_checked:
        print(f"  not checked: {missing.schema}")
    for schema, origin in report.origins.items():
        if origin == "readme":
            print(f"  checked against the schema written from its README: {schema}")
    for error in report.errors:
        print(f"  {error.path}: {error.message}")
    if "--json" in sys.argv:
        print(json.dumps(item, indent=2))
    return 1 if report.verdict == "invalid" else 0


if __name__ == "__main__":
    sys.exit(main())
