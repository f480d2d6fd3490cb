"""Write the station simulator's records (``simulator_data/``), deterministically.

Run ``python -m rs_stac_ext.stations._make_simulator_data [--out DIR]``. Every record is
generated here from a fixed seed, shaped as the CADIP and CSC (AUXIP, PRIP, LTA) interface
documents describe their entities: sessions with two channels of numbered DSDB files, auxiliary
files with their attributes, production and archive products with footprints. Only identifiers
the built-in registry refers to (one session id) are fixed by hand.

Checksums are the MD5 of the bytes the simulator serves for a file when the file is no larger
than the simulator's 1 MiB payload cap; larger files (most PRIP and LTA products) carry a
checksum of their virtual full content that cannot be checked against the capped download.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rs_stac_ext.stations.simulator import DATA_DIR, payload_bytes

_SEED = 20250612
_CAP = 1 << 20
_ORBIT_MINUTES = 98.6
# Launch dates, from which orbit numbers are counted.
_ORBIT_EPOCH = {
    "S1A": datetime(2014, 4, 3, tzinfo=UTC),
    "S1C": datetime(2024, 12, 5, tzinfo=UTC),
    "S2A": datetime(2015, 6, 23, tzinfo=UTC),
    "S2B": datetime(2017, 3, 7, tzinfo=UTC),
    "S2C": datetime(2024, 9, 5, tzinfo=UTC),
    "S3A": datetime(2016, 2, 16, tzinfo=UTC),
    "S3B": datetime(2018, 4, 25, tzinfo=UTC),
}

# station id → (StationId code, antenna, satellites, number of sessions)
_CADIP = {
    "cadip": (None, "MSP21", ["S1A", "S1A", "S1C", "S2B", "S1A", "S3A"], 12),
    "ins": ("INS_", "INU01", ["S1A", "S1C"], 4),
    "mps": ("MPS_", "MSP13", ["S1A", "S2A"], 4),
    "mti": ("MTI_", "MTI02", ["S1A", "S1C"], 4),
    "nsg": ("NSG_", "NSG07", ["S2A", "S2B", "S2C"], 4),
    "sgs": ("SGS_", "SGS22", ["S1A", "S2B", "S3B"], 5),
}
_FIXED_SESSION = ("cadip", 0, "S1A_20200105072204051312")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _compact(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


class _Maker:
    def __init__(self) -> None:
        self.rng = random.Random(_SEED)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def checksum(self, record_id: str, size: int, moment: datetime) -> list[dict[str, str]]:
        if size <= _CAP:
            value = hashlib.md5(payload_bytes(record_id, size), usedforsecurity=False).hexdigest()
        else:
            value = hashlib.md5(f"{record_id}:{size}".encode(), usedforsecurity=False).hexdigest()
        return [{"Algorithm": "MD5", "Value": value, "ChecksumDate": _stamp(moment)}]

    # ------------------------------------------------------------------ CADIP

    def cadip(self, station: str) -> dict[str, Any]:
        code, antenna, satellites, count = _CADIP[station]
        sessions: list[dict[str, Any]] = []
        files: list[dict[str, Any]] = []
        moment = datetime(2025, 6, 12, 2, 57, 21, tzinfo=UTC)
        for index in range(count):
            moment += timedelta(minutes=self.rng.randint(95, 400), seconds=self.rng.random() * 60)
            satellite = satellites[index % len(satellites)]
            start = moment
            session_id = f"{satellite}_{start:%Y%m%d%H%M%S}{start.microsecond:06d}"
            if (station, index) == _FIXED_SESSION[:2]:
                session_id = _FIXED_SESSION[2]
                start = datetime(2020, 1, 5, 7, 22, 4, 51312, tzinfo=UTC)
            session, session_files = self.session(station, code, antenna, session_id, start)
            sessions.append(session)
            files += session_files
        return {"Sessions": sessions, "Files": files}

    def session(
        self, station: str, code: str | None, antenna: str, session_id: str, start: datetime
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        satellite = session_id[:3]
        duration = timedelta(minutes=self.rng.randint(7, 13), seconds=self.rng.randint(0, 59))
        stop = start + duration
        orbit = int((start - _ORBIT_EPOCH[satellite]) / timedelta(minutes=_ORBIT_MINUTES))
        blocks = self.rng.randint(3, 6)
        unit = "01" if station != "sgs" else "02"
        files = []
        last = start
        for channel in (1, 2):
            for block in range(1, blocks + 1):
                published = start + duration * block / blocks + timedelta(seconds=channel * 1.5)
                last = max(last, published)
                files.append(
                    {
                        "Id": self.uuid(),
                        "Name": f"DCS_{unit}_{session_id}_ch{channel}_DSDB_{block:05d}.raw",
                        "SessionId": session_id,
                        "Channel": channel,
                        "BlockNumber": block,
                        "FinalBlock": block == blocks,
                        "PublicationDate": _stamp(published),
                        "EvictionDate": _stamp(published + timedelta(days=7)),
                        "Size": self.rng.randint(150_000, 1_048_576)
                        if station == "cadip"
                        else self.rng.randint(40_000_000, 520_000_000),
                        "Retransfer": False,
                    }
                )
        session: dict[str, Any] = {
            "Id": self.uuid(),
            "SessionId": session_id,
            "NumChannels": 2,
            "PublicationDate": _stamp(last + timedelta(seconds=self.rng.randint(20, 90))),
            "Satellite": satellite,
            "StationUnitId": unit,
            "DownlinkOrbit": orbit,
            "AcquisitionId": f"{orbit}_{self.rng.randint(1, 3)}",
            "AntennaId": antenna,
            "FrontEndId": "01",
            "Retransfer": self.rng.random() < 0.15,
            "AntennaStatusOK": True,
            "FrontEndStatusOK": self.rng.random() > 0.05,
            "PlannedDataStart": _stamp(start - timedelta(seconds=self.rng.randint(2, 9))),
            "PlannedDataStop": _stamp(stop + timedelta(seconds=self.rng.randint(2, 9))),
            "DownlinkStart": _stamp(start),
            "DownlinkStop": _stamp(stop),
            "DownlinkStatusOK": True,
            "DeliveryPushOK": True,
        }
        if code is not None:
            session["StationId"] = code
        return session, files

    # ------------------------------------------------------------------ products

    def attribute(self, name: str, value: Any) -> dict[str, Any]:
        if isinstance(value, bool):
            kind = "Boolean"
        elif isinstance(value, int):
            kind = "Integer"
        elif isinstance(value, float):
            kind = "Double"
        elif isinstance(value, datetime):
            kind, value = "DateTimeOffset", _stamp(value)
        else:
            kind = "String"
        return {
            "@odata.type": f"#OData.CSC.{kind}Attribute",
            "Name": name,
            "ValueType": kind,
            "Value": value,
        }

    def product(
        self,
        name: str,
        start: datetime,
        end: datetime,
        published: datetime,
        size: int,
        attributes: dict[str, Any],
        *,
        footprint: list[list[float]] | None = None,
        content_type: str = "application/octet-stream",
        eviction_days: int = 30,
    ) -> dict[str, Any]:
        record_id = self.uuid()
        origin = published - timedelta(minutes=self.rng.randint(5, 50))
        record: dict[str, Any] = {
            "Id": record_id,
            "Name": name,
            "ContentType": content_type,
            "ContentLength": size,
            "OriginDate": _stamp(origin),
            "PublicationDate": _stamp(published),
            "ModificationDate": _stamp(published),
            "Online": True,
            "EvictionDate": _stamp(published + timedelta(days=eviction_days)),
            "Checksum": self.checksum(record_id, size, origin),
            "ContentDate": {"Start": _stamp(start), "End": _stamp(end)},
        }
        if footprint is not None:
            ring = ",".join(f"{x} {y}" for x, y in footprint)
            record["Footprint"] = f"geography'SRID=4326;POLYGON(({ring}))'"
            record["GeoFootprint"] = {"type": "Polygon", "coordinates": [footprint]}
        elif "GeoFootprint" not in record and attributes.get("instrumentShortName"):
            record["GeoFootprint"] = None
        record["Attributes"] = [self.attribute(k, v) for k, v in attributes.items()]
        return record

    def swath(self, along: float = 1.6, across: float = 2.4) -> list[list[float]]:
        lon = round(self.rng.uniform(-170, 170), 4)
        lat = round(self.rng.uniform(-70, 70), 4)
        tilt = self.rng.uniform(-0.35, 0.35)
        corners = [(-across, -along), (across, -along), (across, along), (-across, along)]
        ring = [
            [
                round(lon + dx * math.cos(tilt) - dy * math.sin(tilt), 4),
                round(lat + dx * math.sin(tilt) + dy * math.cos(tilt), 4),
            ]
            for dx, dy in corners
        ]
        return [*ring, ring[0]]

    def auxip(self, station: str) -> dict[str, Any]:
        kinds = (
            [
                ("S1", "AUX_RESORB", "POD", ".EOF"),
                ("S1", "AUX_POEORB", "POD", ".EOF"),
                ("S1", "MPL_ORBPRE", "FOS", ".EOF"),
                ("S2", "AUX_ECMWFD", "ECMWF", ".TGZ"),
                ("S2", "AUX_UT1UTC", "IERS", ".TGZ"),
                ("S3", "AUX_GNSSRD", "POD", ".SEN3.zip"),
                ("S1", "AUX_PP1", "PDGS", ".SAFE.zip"),
            ]
            if station == "adgs"
            else [("S2", "AUX_OBMEMC", "PDMC", ".TGZ"), ("S2", "AUX_ECMWFD", "ECMWF", ".TGZ")]
        )
        count = 30 if station == "adgs" else 10
        products = []
        moment = datetime(2025, 6, 1, tzinfo=UTC)
        for index in range(count):
            mission, kind, centre, extension = kinds[index % len(kinds)]
            serial = self.rng.choice({"S1": "AC", "S2": "ABC", "S3": "AB"}[mission])
            if kind in ("AUX_ECMWFD", "AUX_UT1UTC") and index % 3 == 0:
                serial = "_"
            moment += timedelta(hours=self.rng.randint(3, 20), minutes=self.rng.randint(0, 59))
            start = moment.replace(minute=0, second=0) + timedelta(hours=self.rng.randint(1, 6))
            end = start + timedelta(hours=self.rng.choice([12, 24, 26, 168]))
            created = moment - timedelta(minutes=self.rng.randint(10, 180))
            prefix = f"{mission}{serial}" if serial != "_" else f"{mission}_"
            name = (
                f"{prefix}_OPER_{kind}_{centre[:4].ljust(4, '_')}_{_compact(created)}"
                f"_V{_compact(start)}_{_compact(end)}{extension}"
            )
            attributes: dict[str, Any] = {
                "productType": kind,
                "platformShortName": f"SENTINEL-{mission[1]}",
                "platformSerialIdentifier": serial,
                "beginningDateTime": start,
                "endingDateTime": end,
                "processingCenter": centre,
                "processorVersion": f"{self.rng.randint(1, 4)}.{self.rng.randint(0, 9)}",
                "processingDate": created,
            }
            size = self.rng.randint(4_000, 900_000)
            products.append(
                self.product(name, start, end, moment, size, attributes, eviction_days=7)
            )
        return {"Products": products}

    def prip(self, station: str) -> dict[str, Any]:
        kinds = {
            "s1a": [
                ("IW_RAW__0N", "RAW", 1_600_000_000),
                ("IW_RAW__0N", "RAW", 1_550_000_000),
                ("IW_SLC__1S", "SLC", 4_300_000_000),
                ("EW_GRDH_1S", "GRD", 380_000_000),
            ],
            "s2a": [("MSI_L1C_DS", "L1C", 650_000_000)],
            "s2b": [("MSI_L2A_DS", "L2A", 820_000_000)],
            "lta": [
                ("IW_SLC__1S", "SLC", 4_100_000_000),
                ("IW_GRDH_1S", "GRD", 950_000_000),
                ("MSI_L1C_DS", "L1C", 640_000_000),
            ],
        }[station]
        count = {"s1a": 16, "s2a": 6, "s2b": 6, "lta": 9}[station]
        products = []
        moment = datetime(2025, 6, 12, 4, 0, tzinfo=UTC)
        for index in range(count):
            kind, level, size = kinds[index % len(kinds)]
            sentinel1 = kind[2] == "_"
            serial = {"s1a": "A", "s2a": "A", "s2b": "B"}.get(station) or (
                self.rng.choice(["A", "C"]) if sentinel1 else "B"
            )
            moment += timedelta(minutes=self.rng.randint(12, 140), seconds=self.rng.random() * 59)
            start = moment
            end = start + timedelta(seconds=self.rng.randint(25, 330))
            published = end + timedelta(minutes=self.rng.randint(20, 90))
            epoch = _ORBIT_EPOCH[f"S{'1' if sentinel1 else '2'}{serial}"]
            orbit = int((start - epoch) / timedelta(minutes=_ORBIT_MINUTES))
            processed = published - timedelta(minutes=self.rng.randint(3, 15))
            if sentinel1:
                take = self.rng.randint(0x10000, 0xFFFFF)
                name = (
                    f"S1{serial}_{kind[:9]}S{'DH' if kind.startswith('EW') else 'DV'}_"
                    f"{_compact(start)}_{_compact(end)}_{orbit:06d}_{take:06X}_"
                    f"{self.rng.randint(0, 0xFFFF):04X}.SAFE.zip"
                )
                attributes: dict[str, Any] = {
                    "productType": kind,
                    "platformShortName": "SENTINEL-1",
                    "platformSerialIdentifier": serial,
                    "instrumentShortName": "SAR",
                    "operationalMode": kind[:2],
                    "polarisationChannels": "VV&VH",
                    "orbitNumber": orbit,
                    "relativeOrbitNumber": (orbit - 73) % 175 + 1,
                    "cycleNumber": orbit // 175 + 1,
                    "orbitDirection": self.rng.choice(["ASCENDING", "DESCENDING"]),
                    "datatakeID": take,
                    "instrumentConfigurationID": self.rng.randint(6, 8),
                    "productClass": "S",
                    "sliceProductFlag": False,
                }
            else:
                name = (
                    f"S2{serial}_OPER_{kind}_{_compact(processed)}_S{_compact(start)}"
                    f"_N05.{self.rng.randint(10, 11)}.SAFE.zip"
                )
                attributes = {
                    "productType": kind,
                    "platformShortName": "SENTINEL-2",
                    "platformSerialIdentifier": serial,
                    "instrumentShortName": "MSI",
                    "orbitNumber": orbit,
                    "relativeOrbitNumber": orbit % 143 + 1,
                    "orbitDirection": "DESCENDING",
                    "cloudCover": round(self.rng.uniform(0, 100), 2),
                    "processingLevel": "Level-1C" if level == "L1C" else "Level-2A",
                }
            attributes.update(
                processingCenter=self.rng.choice(["S1 Production Service-SERCO", "ESRIN"])
                if sentinel1
                else "S2 Production Service-CS",
                processingDate=processed,
                processorVersion=f"00{self.rng.randint(3, 4)}.{self.rng.randint(50, 90)}",
                beginningDateTime=start,
                endingDateTime=end,
            )
            footprint = None if index % 7 == 3 else self.swath()
            product = self.product(
                name,
                start,
                end,
                published,
                size + self.rng.randint(-9_000_000, 9_000_000),
                attributes,
                footprint=footprint,
                content_type="application/zip",
            )
            product["ProductionType"] = "systematic_production"
            products.append(product)
        return {"Products": products}


def write(out: Path) -> list[Path]:
    """Write every station's records below ``out``; return the files written."""
    maker = _Maker()
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for station in _CADIP:
        tables[("cadip", station)] = maker.cadip(station)
    for station in ("adgs", "adgs2"):
        tables[("auxip", station)] = maker.auxip(station)
    for station in ("s1a", "s2a", "s2b"):
        tables[("prip", station)] = maker.prip(station)
    tables[("lta", "lta")] = maker.prip("lta")
    written = []
    for (service, station), content in tables.items():
        path = out / service / f"{station}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where to write")
    for path in write(parser.parse_args().out):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    _main()
