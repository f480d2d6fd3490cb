"""Generate the validator benchmark data: realistic STAC Items, a few of them broken on purpose.

Three data sets, each written as NDJSON (one Item a line) and as one GeoJSON FeatureCollection
(for validators that cannot read NDJSON), plus ``manifest.json`` naming every broken Item, its
line and the defects it carries:

* ``cadip``: CADIP v2.0.0 downlink sessions (STAC 1.1.0, 2 channels x 19 DSDB assets,
  ``externalIds``, every session field), declaring cadip v2.0.0 and external-ids v1.0.0 only;
* ``auxip``: AUXIP v2.0.0 auxiliary files, declaring auxip v2.0.0 only;
* ``core``: core-only Items (~2.7 KB: polygon, 6 assets, 4 links, no ``stac_extensions``).

About 1 % of each set is broken (at least one Item per set). Every broken Item carries one to
three defects that a draft-07 validator can see: most break a schema rule, a few only break the
``date-time`` format (only validators that assert formats catch those alone), and some also
break a rule of ``rs_stac_ext.validator.rules`` on top of a schema defect. Every Item stays
well-formed JSON with a unique ``id``, so that verdicts can be matched by id across tools.

The output only depends on the arguments: the same seed gives the same bytes.

Usage::

    python benchmarks/generate.py --out benchmarks/data [--cadip 10000] [--auxip 10000]
        [--core 50000] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CADIP_URI = "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"
AUXIP_URI = "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json"
EXTERNAL_IDS_URI = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
STAC_VERSION = "1.1.0"
MANIFEST_NAME = "manifest.json"
BROKEN_SHARE = 100  # one Item in this many is broken
SET_NAMES = ("cadip", "auxip", "core", "core-dates", "s2l2a")

Item = dict[str, Any]


@dataclass(frozen=True)
class Defect:
    """One thing wrong with a broken Item.

    Attributes:
        kind: Short name of the defect.
        pointer: JSON pointer at or under which a validator should report it.
        caught_by: ``schema`` (a JSON Schema keyword), ``format`` (only the ``date-time``
            format assertion) or ``rule`` (only a check of ``rs_stac_ext.validator.rules``).
    """

    kind: str
    pointer: str
    caught_by: str


# ------------------------------------------------------------------------------------ helpers


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _epoch(index: int, minutes: int) -> dt.datetime:
    return dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes * index)


def _links(base: str, collection: str, item_id: str) -> list[dict[str, str]]:
    collection_url = f"{base}/collections/{collection}"
    return [
        {
            "rel": "self",
            "type": "application/geo+json",
            "href": f"{collection_url}/items/{item_id}",
        },
        {"rel": "parent", "type": "application/json", "href": collection_url},
        {"rel": "collection", "type": "application/json", "href": collection_url},
        {"rel": "root", "type": "application/json", "href": f"{base}/"},
    ]


def _key(pointer_part: str) -> str:
    return pointer_part.replace("~", "~0").replace("/", "~1")


# ------------------------------------------------------------------------------------ CADIP

_STATIONS = (("MTI_", "MTI2"), ("SGS_", "SGS1"), ("INS_", "INS3"), ("KSE_", "TLR3"))
_SATELLITES = ("S1A", "S1C", "S2B", "S2C", "S3A", "S3B")
CADIP_CHANNELS = 2
CADIP_BLOCKS = 19


def make_cadip(rng: random.Random, index: int) -> Item:
    """Return one CADIP v2.0.0 session Item: 2 channels x 19 DSDB assets."""
    satellite = _SATELLITES[index % len(_SATELLITES)]
    station, antenna = _STATIONS[index % len(_STATIONS)]
    planned_start = _epoch(index, 47).replace(microsecond=0)
    start = planned_start + dt.timedelta(seconds=4, milliseconds=rng.randrange(1000))
    duration = dt.timedelta(seconds=rng.randrange(300, 720))
    stop = start + duration
    orbit = 50000 + index
    session = f"{satellite}_{planned_start:%Y%m%d%H%M%S}{orbit:06d}"
    item_id = f"{session}_{index:06d}"
    unit = f"{index % 4:02d}"
    assets: dict[str, Any] = {}
    for channel in range(1, CADIP_CHANNELS + 1):
        for block in range(1, CADIP_BLOCKS + 1):
            file_uuid = _uuid(rng)
            name = f"DCS_{unit}_{session}_ch{channel}_DSDB_{block:05d}.raw"
            received = start + duration * (block / (CADIP_BLOCKS + 1))
            assets[name] = {
                "href": f"https://cadip.example.com/odata/v1/Files({file_uuid})/$value",
                "title": name,
                "type": "application/octet-stream",
                "roles": ["data"],
                "externalIds": [{"scheme": "cadip", "value": file_uuid}],
                "cadip:channel": channel,
                "cadip:block_number": block,
                "cadip:final_block": block == CADIP_BLOCKS,
                "cadip:retransfer": False,
                "created": _stamp(received),
            }
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [CADIP_URI, EXTERNAL_IDS_URI],
        "id": item_id,
        "collection": f"{satellite.lower()}_{station.rstrip('_').lower()}",
        "geometry": None,
        "properties": {
            "datetime": _stamp(start + duration / 2),
            "start_datetime": _stamp(start),
            "end_datetime": _stamp(stop),
            "created": _stamp(stop + dt.timedelta(seconds=11)),
            "updated": _stamp(stop + dt.timedelta(seconds=11)),
            "platform": f"sentinel-{satellite[1]}{satellite[2].lower()}",
            "constellation": f"sentinel-{satellite[1]}",
            "externalIds": [{"scheme": "cadip", "value": _uuid(rng)}],
            "cadip:acquisition_id": f"{orbit}{index % 10}",
            "cadip:num_channels": CADIP_CHANNELS,
            "cadip:station_id": station,
            "cadip:station_unit_id": unit,
            "cadip:antenna_id": antenna,
            "cadip:front_end_id": f"DFEP-{station.rstrip('_')}-{index % 3 + 1:02d}",
            "cadip:planned_data_start": _stamp(planned_start),
            "cadip:planned_data_stop": _stamp(stop + dt.timedelta(seconds=3)),
            "cadip:retransfer": False,
            "cadip:antenna_status_ok": True,
            "cadip:front_end_status_ok": index % 37 != 0,
            "cadip:downlink_status_ok": True,
            "cadip:delivery_push_ok": True,
        },
        "links": _links("https://cadip-stac.example.com/cadip", f"{satellite.lower()}", item_id),
        "assets": assets,
    }


def _dsdb(item: Item, rng: random.Random) -> tuple[str, dict[str, Any]]:
    key = rng.choice(sorted(item["assets"]))
    return key, item["assets"][key]


def _cadip_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def acquisition_integer(item: Item, rng: random.Random) -> Defect:
        item["properties"]["cadip:acquisition_id"] = 565521
        return Defect("acquisition-id-integer", "/properties/cadip:acquisition_id", "schema")

    def five_channels(item: Item, rng: random.Random) -> Defect:
        item["properties"]["cadip:num_channels"] = 5
        return Defect("num-channels-five", "/properties/cadip:num_channels", "schema")

    def unit_4a(item: Item, rng: random.Random) -> Defect:
        item["properties"]["cadip:station_unit_id"] = "4a"
        return Defect("station-unit-id-4a", "/properties/cadip:station_unit_id", "schema")

    def no_final_block(item: Item, rng: random.Random) -> Defect:
        key, asset = _dsdb(item, rng)
        del asset["cadip:final_block"]
        return Defect("dsdb-missing-final-block", f"/assets/{_key(key)}", "schema")

    def block_zero(item: Item, rng: random.Random) -> Defect:
        key, asset = _dsdb(item, rng)
        asset["cadip:block_number"] = 0
        return Defect("block-number-zero", f"/assets/{_key(key)}/cadip:block_number", "schema")

    def fractional_channel(item: Item, rng: random.Random) -> Defect:
        key, asset = _dsdb(item, rng)
        asset["cadip:channel"] = 1.5
        return Defect("fractional-channel", f"/assets/{_key(key)}/cadip:channel", "schema")

    def no_cadip_entry(item: Item, rng: random.Random) -> Defect:
        item["properties"]["externalIds"] = [{"scheme": "doi", "value": "10.5270/S1-abc"}]
        return Defect("external-ids-without-cadip", "/properties/externalIds", "schema")

    def braces(item: Item, rng: random.Random) -> Defect:
        key, asset = _dsdb(item, rng)
        entry = asset["externalIds"][0]
        entry["value"] = "{" + entry["value"] + "}"
        return Defect("uuid-in-braces", f"/assets/{_key(key)}/externalIds/0/value", "schema")

    def unknown_key(item: Item, rng: random.Random) -> Defect:
        item["properties"]["cadip:session_id"] = item["id"]
        return Defect("unknown-cadip-key", "/properties", "schema")

    def space_separator(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["cadip:planned_data_start"]
        item["properties"]["cadip:planned_data_start"] = value.replace("T", " ")
        return Defect("planned-start-space", "/properties/cadip:planned_data_start", "schema")

    def undeclared_external_ids(item: Item, rng: random.Random) -> Defect:
        item["stac_extensions"] = [CADIP_URI]
        return Defect("external-ids-not-declared", "/stac_extensions", "schema")

    def impossible_datetime(item: Item, rng: random.Random) -> Defect:
        item["properties"]["datetime"] = item["properties"]["datetime"][:5] + "02-30T12:00:00Z"
        return Defect("datetime-february-30", "/properties/datetime", "format")

    return {
        fn.__name__: fn
        for fn in (
            acquisition_integer,
            five_channels,
            unit_4a,
            no_final_block,
            block_zero,
            fractional_channel,
            no_cadip_entry,
            braces,
            unknown_key,
            space_separator,
            undeclared_external_ids,
            impossible_datetime,
            _asset_without_href,
            _link_without_href,
        )
    }


def _cadip_rule_defect(item: Item, rng: random.Random) -> Defect | None:
    """Mark a block final that is not the last of its channel (only our rules see it)."""
    for key, asset in item["assets"].items():
        if (
            asset.get("cadip:final_block") is False
            and asset.get("cadip:channel") == 1
            and asset.get("cadip:block_number") in range(2, CADIP_BLOCKS)
        ):
            asset["cadip:final_block"] = True
            return Defect("final-block-too-early", f"/assets/{_key(key)}", "rule")
    return None


# ------------------------------------------------------------------------------------ AUXIP

_AUX_TYPES = ("AUX_RESORB", "AUX_PREORB", "AUX_POEORB", "AUX_CAL", "AUX_INS", "AUX_PP1")


def make_auxip(rng: random.Random, index: int) -> Item:
    """Return one AUXIP v2.0.0 Item: one auxiliary file as one asset."""
    satellite = _SATELLITES[index % 2]
    product_type = _AUX_TYPES[index % len(_AUX_TYPES)]
    start = _epoch(index, 29)
    stop = start + dt.timedelta(hours=3, minutes=17, seconds=30)
    created = stop + dt.timedelta(minutes=38)
    product = _uuid(rng)
    name = (
        f"{satellite}_OPER_{product_type}_OPOD_{created:%Y%m%dT%H%M%S}_"
        f"V{start:%Y%m%dT%H%M%S}_{stop:%Y%m%dT%H%M%S}_{index:06d}.EOF"
    )
    item_id = name.removesuffix(".EOF")
    collection = f"s1_{product_type.lower()}"
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "stac_extensions": [AUXIP_URI],
        "id": item_id,
        "collection": collection,
        "geometry": None,
        "properties": {
            "datetime": None,
            "start_datetime": _stamp(start),
            "end_datetime": _stamp(stop),
            "created": _stamp(created),
            "updated": _stamp(created + dt.timedelta(minutes=25)),
            "platform": f"sentinel-1{satellite[2].lower()}",
            "constellation": "sentinel-1",
            "auxip:id": product,
        },
        "links": _links("https://auxip-stac.example.com/auxip", collection, item_id),
        "assets": {
            name: {
                "href": f"https://auxip.example.com/odata/v1/Products({product})/$value",
                "title": name,
                "type": "application/xml",
                "roles": ["data"],
            }
        },
    }


def _auxip_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def not_a_uuid(item: Item, rng: random.Random) -> Defect:
        item["properties"]["auxip:id"] = "not-a-uuid"
        return Defect("not-a-uuid", "/properties/auxip:id", "schema")

    def missing_id(item: Item, rng: random.Random) -> Defect:
        del item["properties"]["auxip:id"]
        return Defect("missing-auxip-id", "/properties", "schema")

    def id_in_asset(item: Item, rng: random.Random) -> Defect:
        key = next(iter(item["assets"]))
        item["assets"][key]["auxip:id"] = item["properties"].get("auxip:id", _uuid(rng))
        return Defect("auxip-id-in-asset", f"/assets/{_key(key)}", "schema")

    def unknown_key(item: Item, rng: random.Random) -> Defect:
        item["properties"]["auxip:name"] = item["id"]
        return Defect("unknown-auxip-key", "/properties", "schema")

    def braces(item: Item, rng: random.Random) -> Defect:
        item["properties"]["auxip:id"] = "{" + _uuid(rng) + "}"
        return Defect("uuid-in-braces", "/properties/auxip:id", "schema")

    def id_number(item: Item, rng: random.Random) -> Defect:
        item["properties"]["auxip:id"] = rng.randrange(10**6)
        return Defect("auxip-id-number", "/properties/auxip:id", "schema")

    def impossible_start(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["start_datetime"]
        item["properties"]["start_datetime"] = value[:11] + "24" + value[13:]
        return Defect("start-hour-24", "/properties/start_datetime", "format")

    return {
        fn.__name__: fn
        for fn in (
            not_a_uuid,
            missing_id,
            id_in_asset,
            unknown_key,
            braces,
            id_number,
            impossible_start,
            _asset_without_href,
            _link_without_href,
        )
    }


def _auxip_rule_defect(item: Item, rng: random.Random) -> Defect | None:
    """Name another product in the asset href (only our rules see it)."""
    key = next(iter(item["assets"]))
    asset = item["assets"][key]
    if "href" not in asset or not isinstance(item["properties"].get("auxip:id"), str):
        return None
    asset["href"] = f"https://auxip.example.com/odata/v1/Products({_uuid(rng)})/$value"
    return Defect("href-names-other-product", f"/assets/{_key(key)}/href", "rule")


# ------------------------------------------------------------------------------------ core

_TILES = ("31TCJ", "32UNU", "33TWM", "30UXC", "29SND", "34VFN", "35VLG", "31UFS")
_BANDS = (("B02", "Blue"), ("B03", "Green"), ("B04", "Red"))


def make_core(rng: random.Random, index: int) -> Item:
    """Return one core-only Item (~2.7 KB): polygon, 6 assets, 4 links."""
    tile = _TILES[index % len(_TILES)]
    moment = _epoch(index, 11)
    lon = round(rng.uniform(-170.0, 169.0), 6)
    lat = round(rng.uniform(-70.0, 69.0), 6)
    ring = [
        [lon, lat],
        [round(lon + 0.98, 6), round(lat + 0.01, 6)],
        [round(lon + 0.99, 6), round(lat + 0.91, 6)],
        [round(lon + 0.01, 6), round(lat + 0.9, 6)],
        [lon, lat],
    ]
    item_id = f"S2B_MSIL2A_{moment:%Y%m%dT%H%M%S}_R{index % 143:03d}_T{tile}_{index:06d}"
    base = f"https://data.example.com/sentinel-2-l2a/{tile}/{moment:%Y/%m/%d}/{item_id}"
    assets: dict[str, Any] = {
        "visual": {
            "href": f"{base}/TCI.tif",
            "type": "image/tiff; application=geotiff; profile=cloud-optimized",
            "title": "True color image",
            "roles": ["visual"],
        }
    }
    for band, colour in _BANDS:
        assets[band] = {
            "href": f"{base}/{band}.tif",
            "type": "image/tiff; application=geotiff; profile=cloud-optimized",
            "title": f"{colour} band ({band})",
            "roles": ["data"],
        }
    assets["thumbnail"] = {
        "href": f"{base}/thumbnail.jpg",
        "type": "image/jpeg",
        "title": "Thumbnail",
        "roles": ["thumbnail"],
    }
    assets["metadata"] = {
        "href": f"{base}/metadata.xml",
        "type": "application/xml",
        "title": "Original metadata",
        "roles": ["metadata"],
    }
    return {
        "type": "Feature",
        "stac_version": STAC_VERSION,
        "id": item_id,
        "collection": "sentinel-2-l2a",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "bbox": [lon, lat, round(lon + 0.99, 6), round(lat + 0.91, 6)],
        "properties": {
            "datetime": _stamp(moment),
            "created": _stamp(moment + dt.timedelta(hours=2)),
            "updated": _stamp(moment + dt.timedelta(hours=3)),
            "platform": "sentinel-2b",
            "constellation": "sentinel-2",
            "instruments": ["msi"],
            "gsd": 10,
            "title": f"Sentinel-2B L2A tile {tile}",
            "license": "proprietary",
            "providers": [
                {
                    "name": "European Space Agency",
                    "roles": ["producer", "licensor"],
                    "url": "https://sentinel.esa.int",
                },
                {"name": "Example Host", "roles": ["host"], "url": "https://data.example.com"},
            ],
        },
        "links": _links("https://stac.example.com", "sentinel-2-l2a", item_id),
        "assets": assets,
    }


def _core_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def short_bbox(item: Item, rng: random.Random) -> Defect:
        item["bbox"] = item["bbox"][:3]
        return Defect("bbox-three-numbers", "/bbox", "schema")

    def no_datetime(item: Item, rng: random.Random) -> Defect:
        item["properties"]["datetime"] = None
        return Defect("datetime-null-without-range", "/properties", "schema")

    def bad_geometry(item: Item, rng: random.Random) -> Defect:
        item["geometry"]["type"] = "Polygone"
        return Defect("geometry-type-misspelt", "/geometry", "schema")

    def negative_gsd(item: Item, rng: random.Random) -> Defect:
        item["properties"]["gsd"] = -10
        return Defect("gsd-negative", "/properties/gsd", "schema")

    def instruments_string(item: Item, rng: random.Random) -> Defect:
        item["properties"]["instruments"] = "msi"
        return Defect("instruments-not-array", "/properties/instruments", "schema")

    def impossible_datetime(item: Item, rng: random.Random) -> Defect:
        item["properties"]["datetime"] = item["properties"]["datetime"][:5] + "13-01T10:00:00Z"
        return Defect("datetime-month-13", "/properties/datetime", "format")

    return {
        fn.__name__: fn
        for fn in (
            short_bbox,
            no_datetime,
            bad_geometry,
            negative_gsd,
            instruments_string,
            impossible_datetime,
            _asset_without_href,
            _link_without_href,
        )
    }


# ------------------------------------------------------------------------------------ core-dates

_PROVIDERS = (
    {
        "name": "European Space Agency",
        "description": "Sentinel-2 mission owner and operator",
        "roles": ["producer", "licensor"],
        "url": "https://sentinel.esa.int",
    },
    {
        "name": "Example Processing Centre",
        "description": "Level-2A processing",
        "roles": ["processor"],
        "url": "https://processing.example.com",
    },
    {"name": "Example Host", "roles": ["host"], "url": "https://data.example.com"},
)


def make_core_dates(rng: random.Random, index: int) -> Item:
    """Return one core-only Item with a time range: created, updated, start and end, providers."""
    item = make_core(rng, index)
    start = dt.datetime.fromisoformat(item["properties"]["datetime"])
    properties = item["properties"]
    properties["start_datetime"] = _stamp(start - dt.timedelta(seconds=2, milliseconds=417))
    properties["end_datetime"] = _stamp(start + dt.timedelta(seconds=3, milliseconds=108))
    properties["providers"] = [dict(provider) for provider in _PROVIDERS]
    return item


def _core_dates_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    defects = _core_defects()

    def impossible_end(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["end_datetime"]
        item["properties"]["end_datetime"] = value[:5] + "02-31" + value[10:]
        return Defect("end-february-31", "/properties/end_datetime", "format")

    def provider_without_name(item: Item, rng: random.Random) -> Defect:
        index = rng.randrange(len(item["properties"]["providers"]))
        del item["properties"]["providers"][index]["name"]
        return Defect("provider-without-name", f"/properties/providers/{index}", "schema")

    def no_datetime(item: Item, rng: random.Random) -> Defect:
        # With start_datetime and end_datetime, a null datetime is allowed: drop one of them.
        item["properties"]["datetime"] = None
        del item["properties"]["start_datetime"]
        return Defect("datetime-null-without-range", "/properties", "schema")

    def created_number(item: Item, rng: random.Random) -> Defect:
        item["properties"]["created"] = 1735689600
        return Defect("created-number", "/properties/created", "schema")

    defects.update(
        {
            fn.__name__: fn
            for fn in (no_datetime, impossible_end, provider_without_name, created_number)
        }
    )
    return defects


# ------------------------------------------------------------------------------------ Sentinel-2

S2_STAC_VERSION = "1.0.0"
S2_EXTENSIONS = (
    "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
    "https://stac-extensions.github.io/view/v1.0.0/schema.json",
    "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
    "https://stac-extensions.github.io/processing/v1.1.0/schema.json",
    "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
)
# (asset key, band, common name, centre wavelength, FWHM (micrometres), resolution (m)), as in
# the Level-2A products of Earth Search and the Planetary Computer.
_S2_BANDS = (
    ("coastal", "B01", "coastal", 0.443, 0.027, 60),
    ("blue", "B02", "blue", 0.49, 0.098, 10),
    ("green", "B03", "green", 0.56, 0.045, 10),
    ("red", "B04", "red", 0.665, 0.038, 10),
    ("rededge1", "B05", "rededge", 0.704, 0.019, 20),
    ("rededge2", "B06", "rededge", 0.74, 0.018, 20),
    ("rededge3", "B07", "rededge", 0.783, 0.028, 20),
    ("nir", "B08", "nir", 0.842, 0.145, 10),
    ("nir08", "B8A", "nir08", 0.865, 0.033, 20),
    ("nir09", "B09", "nir09", 0.945, 0.026, 60),
    ("swir16", "B11", "swir16", 1.61, 0.143, 20),
    ("swir22", "B12", "swir22", 2.19, 0.242, 20),
)
_COG = "image/tiff; application=geotiff; profile=cloud-optimized"
_UTM_ZONES = ((31, 32631, 300000), (32, 32632, 399960), (33, 32633, 499980), (30, 32630, 600000))


def _checksum(rng: random.Random) -> str:
    """A multihash (SHA2-256, code 0x12, 32 bytes) in lowercase hex, as the file extension says."""
    return "1220" + f"{rng.getrandbits(256):064x}"


def _s2_raster(
    base: str, name: str, resolution: int, origin: tuple[int, int], published: str
) -> dict[str, Any]:
    size = 109800 // resolution
    return {
        "href": f"{base}/{name}.tif",
        "type": _COG,
        "gsd": resolution,
        "proj:shape": [size, size],
        "proj:transform": [resolution, 0, origin[0], 0, -resolution, origin[1]],
        "published": published,
        "roles": ["data", "reflectance"],
    }


def make_s2l2a(rng: random.Random, index: int) -> Item:
    """Return one Sentinel-2 Level-2A Item shaped like the public ones (~14 KB).

    STAC 1.0.0 with eo, projection, view, sat, processing, file and timestamps: 12 band assets
    with ``eo:bands`` and projection fields, a true-colour asset with three bands, the AOT, WVP
    and SCL rasters, a thumbnail and the granule metadata, each with file size and checksum;
    three providers and eight links; nine date-times.
    """
    satellite = "S2A" if index % 2 == 0 else "S2B"
    tile = _TILES[index % len(_TILES)]
    zone, epsg, easting = _UTM_ZONES[index % len(_UTM_ZONES)]
    northing = 4_000_020 + 109_800 * (index % 20)
    moment = _epoch(index, 7).replace(microsecond=rng.randrange(1000) * 1000)
    processed = moment + dt.timedelta(hours=4, minutes=rng.randrange(60))
    published = processed + dt.timedelta(hours=1, seconds=rng.randrange(3600))
    orbit = 30000 + index // 12
    relative = index % 143 + 1
    item_id = f"{satellite}_{tile}_{moment:%Y%m%d}_{index % 3}_L2A_{index:06d}"
    base = f"https://data.example.com/sentinel-2-l2a/{tile}/{moment:%Y/%m}/{item_id}"
    lon = round(rng.uniform(-170.0, 169.0), 9)
    lat = round(rng.uniform(-70.0, 69.0), 9)
    ring = [
        [lon, lat],
        [round(lon + 1.042193115, 9), round(lat + 0.013108202, 9)],
        [round(lon + 1.052562890, 9), round(lat - 0.978772423, 9)],
        [round(lon + 0.016334889, 9), round(lat - 0.991148989, 9)],
        [lon, lat],
    ]
    stamp_published = _stamp(published)
    origin = (easting, northing)
    assets: dict[str, Any] = {}
    for key, band, common, centre, width, resolution in _S2_BANDS:
        asset = _s2_raster(base, band, resolution, origin, stamp_published)
        asset["title"] = f"{key.capitalize()} ({band}) - {resolution}m"
        asset["eo:bands"] = [
            {
                "name": band,
                "common_name": common,
                "description": f"Band {band.lstrip('B0')} ({common})",
                "center_wavelength": centre,
                "full_width_half_max": width,
            }
        ]
        asset["file:size"] = rng.randrange(20_000_000, 240_000_000)
        asset["file:checksum"] = _checksum(rng)
        assets[key] = asset
    visual = _s2_raster(base, "TCI", 10, origin, stamp_published)
    visual.update(
        title="True color image",
        roles=["visual"],
        **{
            "eo:bands": [
                {"name": band, "common_name": common, "center_wavelength": centre}
                for _, band, common, centre, _, _ in _S2_BANDS[3:0:-1]
            ],
            "file:size": rng.randrange(100_000_000, 300_000_000),
            "file:checksum": _checksum(rng),
        },
    )
    assets["visual"] = visual
    for key, title, resolution in (
        ("aot", "Aerosol optical thickness (AOT)", 20),
        ("wvp", "Water vapour (WVP)", 20),
        ("scl", "Scene classification map (SCL)", 20),
    ):
        raster = _s2_raster(base, key.upper(), resolution, origin, stamp_published)
        raster.update(title=title, **{"file:size": rng.randrange(1_000_000, 9_000_000)})
        raster["file:checksum"] = _checksum(rng)
        assets[key] = raster
    assets["thumbnail"] = {
        "href": f"{base}/thumbnail.jpg",
        "type": "image/jpeg",
        "title": "Thumbnail",
        "roles": ["thumbnail"],
        "file:size": rng.randrange(20_000, 90_000),
    }
    assets["granule_metadata"] = {
        "href": f"{base}/granule_metadata.xml",
        "type": "application/xml",
        "roles": ["metadata"],
        "file:size": rng.randrange(500_000, 700_000),
        "file:checksum": _checksum(rng),
    }
    api = "https://stac.example.com/v1"
    collection_url = f"{api}/collections/sentinel-2-l2a"
    return {
        "type": "Feature",
        "stac_version": S2_STAC_VERSION,
        "stac_extensions": list(S2_EXTENSIONS),
        "id": item_id,
        "collection": "sentinel-2-l2a",
        "bbox": [lon, round(lat - 0.991148989, 9), round(lon + 1.052562890, 9), lat],
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "datetime": _stamp(moment),
            "created": _stamp(processed),
            "updated": _stamp(published + dt.timedelta(minutes=3)),
            "published": stamp_published,
            "expires": _stamp(published + dt.timedelta(days=3650)),
            "platform": "sentinel-2a" if satellite == "S2A" else "sentinel-2b",
            "constellation": "sentinel-2",
            "instruments": ["msi"],
            "gsd": 10,
            "license": "proprietary",
            "providers": [dict(provider) for provider in _PROVIDERS],
            "eo:cloud_cover": round(rng.uniform(0.0, 100.0), 6),
            "eo:snow_cover": round(rng.uniform(0.0, 10.0), 6),
            "proj:epsg": epsg,
            "view:sun_azimuth": round(rng.uniform(20.0, 180.0), 13),
            "view:sun_elevation": round(rng.uniform(10.0, 75.0), 13),
            "view:off_nadir": 0,
            "sat:orbit_state": "descending",
            "sat:relative_orbit": relative,
            "sat:absolute_orbit": orbit,
            "sat:anx_datetime": _stamp(moment - dt.timedelta(minutes=37, seconds=12)),
            "sat:platform_international_designator": (
                "2015-028A" if satellite == "S2A" else "2017-013A"
            ),
            "processing:level": "L2A",
            "processing:facility": "Example Processing Centre",
            "processing:lineage": f"Sen2Cor processing of the Level-1C product, zone {zone}",
            "processing:software": {"Sen2Cor": "02.11", "sentinel2-to-stac": "0.1.0"},
        },
        "links": [
            {
                "rel": "self",
                "href": f"{collection_url}/items/{item_id}",
                "type": "application/geo+json",
            },
            {
                "rel": "canonical",
                "href": f"{base}/{item_id}.json",
                "type": "application/json",
                "file:size": rng.randrange(12_000, 16_000),
            },
            {
                "rel": "license",
                "href": "https://sentinel.esa.int/documents/247904/690755/Sentinel_Data_Legal_Notice",
            },
            {
                "rel": "derived_from",
                "href": f"{api}/collections/sentinel-2-l1c/items/{item_id.replace('L2A', 'L1C')}",
                "type": "application/geo+json",
            },
            {"rel": "parent", "href": collection_url, "type": "application/json"},
            {"rel": "collection", "href": collection_url, "type": "application/json"},
            {"rel": "root", "href": api, "type": "application/json", "title": "Example STAC API"},
            {"rel": "thumbnail", "href": f"{collection_url}/items/{item_id}/thumbnail"},
        ],
        "assets": assets,
    }


def _s2_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def cloud_cover_over_100(item: Item, rng: random.Random) -> Defect:
        item["properties"]["eo:cloud_cover"] = 100.5
        return Defect("cloud-cover-over-100", "/properties/eo:cloud_cover", "schema")

    def unknown_eo_field(item: Item, rng: random.Random) -> Defect:
        key = rng.choice([band[0] for band in _S2_BANDS])
        item["assets"][key]["eo:band"] = item["assets"][key]["eo:bands"][0]
        return Defect("unknown-eo-field", f"/assets/{_key(key)}", "schema")

    def unknown_common_name(item: Item, rng: random.Random) -> Defect:
        key = rng.choice([band[0] for band in _S2_BANDS])
        item["assets"][key]["eo:bands"][0]["common_name"] = "rededge1"
        return Defect(
            "common-name-rededge1", f"/assets/{_key(key)}/eo:bands/0/common_name", "schema"
        )

    def shape_three_numbers(item: Item, rng: random.Random) -> Defect:
        key = rng.choice([band[0] for band in _S2_BANDS])
        item["assets"][key]["proj:shape"].append(1)
        return Defect("proj-shape-three-numbers", f"/assets/{_key(key)}/proj:shape", "schema")

    def sun_elevation_95(item: Item, rng: random.Random) -> Defect:
        item["properties"]["view:sun_elevation"] = 95.0
        return Defect("sun-elevation-95", "/properties/view:sun_elevation", "schema")

    def orbit_state_up(item: Item, rng: random.Random) -> Defect:
        item["properties"]["sat:orbit_state"] = "up"
        return Defect("orbit-state-up", "/properties/sat:orbit_state", "schema")

    def checksum_uppercase(item: Item, rng: random.Random) -> Defect:
        key = rng.choice([band[0] for band in _S2_BANDS])
        asset = item["assets"][key]
        asset["file:checksum"] = asset["file:checksum"].upper()
        return Defect("checksum-uppercase", f"/assets/{_key(key)}/file:checksum", "schema")

    def published_not_utc(item: Item, rng: random.Random) -> Defect:
        item["properties"]["published"] = item["properties"]["published"][:-1] + "+01:00"
        return Defect("published-not-utc", "/properties/published", "schema")

    def software_version_number(item: Item, rng: random.Random) -> Defect:
        item["properties"]["processing:software"]["Sen2Cor"] = 2.11
        return Defect(
            "software-version-number", "/properties/processing:software/Sen2Cor", "schema"
        )

    def anx_february_30(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["sat:anx_datetime"]
        item["properties"]["sat:anx_datetime"] = value[:5] + "02-30" + value[10:]
        return Defect("anx-datetime-february-30", "/properties/sat:anx_datetime", "format")

    def asset_published_hour_24(item: Item, rng: random.Random) -> Defect:
        key = rng.choice([band[0] for band in _S2_BANDS])
        value = item["assets"][key]["published"]
        item["assets"][key]["published"] = value[:11] + "24" + value[13:]
        return Defect("asset-published-hour-24", f"/assets/{_key(key)}/published", "format")

    return {
        fn.__name__: fn
        for fn in (
            cloud_cover_over_100,
            unknown_eo_field,
            unknown_common_name,
            shape_three_numbers,
            sun_elevation_95,
            orbit_state_up,
            checksum_uppercase,
            published_not_utc,
            software_version_number,
            anx_february_30,
            asset_published_hour_24,
            _asset_without_href,
            _link_without_href,
        )
    }


# ------------------------------------------------------------------------------------ shared


def _asset_without_href(item: Item, rng: random.Random) -> Defect:
    key = rng.choice(sorted(item["assets"]))
    del item["assets"][key]["href"]
    return Defect("asset-without-href", f"/assets/{_key(key)}", "schema")


def _link_without_href(item: Item, rng: random.Random) -> Defect:
    index = rng.randrange(len(item["links"]))
    del item["links"][index]["href"]
    return Defect("link-without-href", f"/links/{index}", "schema")


@dataclass(frozen=True)
class DataSet:
    """How one data set is made.

    Attributes:
        name: ``cadip``, ``auxip`` or ``core``.
        make: Builds the valid Item number ``index``.
        defects: Defects a broken Item may get, by name.
        rule_defect: A defect only our rules catch, added to some broken Items (it returns
            ``None`` where the other defects left nothing for it to break).
        checks: What a validator must check to see the defects, for the manifest.
        conflicts: Pairs of defects that would undo each other on one Item.
    """

    name: str
    make: Callable[[random.Random, int], Item]
    defects: dict[str, Callable[[Item, random.Random], Defect]]
    rule_defect: Callable[[Item, random.Random], Defect | None] | None
    checks: str
    conflicts: frozenset[frozenset[str]] = frozenset()


DATA_SETS = {
    "cadip": DataSet(
        "cadip",
        make_cadip,
        _cadip_defects(),
        _cadip_rule_defect,
        f"STAC 1.1.0 Item schema + {CADIP_URI} (external-ids is declared but not packaged)",
    ),
    "auxip": DataSet(
        "auxip",
        make_auxip,
        _auxip_defects(),
        _auxip_rule_defect,
        f"STAC 1.1.0 Item schema + {AUXIP_URI}",
        frozenset(
            frozenset(pair)
            for pair in itertools.combinations(
                ("missing_id", "not_a_uuid", "braces", "id_number"), 2
            )
        ),
    ),
    "core": DataSet(
        "core",
        make_core,
        _core_defects(),
        None,
        "STAC 1.1.0 Item schema",
        frozenset({frozenset(("no_datetime", "impossible_datetime"))}),
    ),
    "core-dates": DataSet(
        "core-dates",
        make_core_dates,
        _core_dates_defects(),
        None,
        "STAC 1.1.0 Item schema",
        frozenset({frozenset(("no_datetime", "impossible_datetime"))}),
    ),
    "s2l2a": DataSet(
        "s2l2a",
        make_s2l2a,
        _s2_defects(),
        None,
        "STAC 1.0.0 Item schema + eo v1.1.0, projection v1.1.0, view v1.0.0, sat v1.0.0, "
        "processing v1.1.0, file v2.1.0, timestamps v1.1.0",
    ),
}


def broken_indices(count: int) -> list[int]:
    """Return the positions of the broken Items: one in every 100, at least one."""
    if count <= 0:
        return []
    broken = max(1, count // BROKEN_SHARE)
    step = count / broken
    return sorted({int(step * k + step / 2) for k in range(broken)})


def _break(spec: DataSet, item: Item, rng: random.Random, ordinal: int) -> list[Defect]:
    names = sorted(spec.defects)
    # Every fifth broken Item carries a single defect, cycling through every kind (so that each
    # kind is sometimes the only problem); the others carry two or three.
    if ordinal % 5 == 0:
        chosen = [names[(ordinal // 5) % len(names)]]
    else:
        size = rng.choice((2, 3))
        chosen = rng.sample(names, size)
        while any(frozenset((a, b)) in spec.conflicts for a in chosen for b in chosen):
            chosen = rng.sample(names, size)
    defects = [spec.defects[name](item, rng) for name in chosen]
    if spec.rule_defect is not None and ordinal % 4 == 1:
        extra = spec.rule_defect(item, rng)
        if extra is not None:
            defects.append(extra)
    return defects


def generate_set(spec: DataSet, count: int, out: Path, seed: int) -> dict[str, Any]:
    """Write one data set as NDJSON and as a FeatureCollection; return its manifest entry."""
    rng = random.Random(f"{seed}/{spec.name}")
    broken_at = set(broken_indices(count))
    ndjson_path = out / f"{spec.name}.ndjson"
    features_path = out / f"{spec.name}.features.json"
    broken: list[dict[str, Any]] = []
    ordinal = 0
    with (
        ndjson_path.open("w", encoding="utf-8") as lines,
        features_path.open("w", encoding="utf-8") as features,
    ):
        features.write('{"type":"FeatureCollection","features":[\n')
        for index, item in enumerate(_items(spec, count, rng)):
            if index in broken_at:
                defects = _break(spec, item, rng, ordinal)
                ordinal += 1
                broken.append(
                    {
                        "id": item["id"],
                        "index": index,
                        "line": index + 1,
                        "defects": [asdict(defect) for defect in defects],
                    }
                )
            text = json.dumps(item, separators=(",", ":"), ensure_ascii=False)
            lines.write(text + "\n")
            features.write(("," if index else "") + text + "\n")
        features.write("]}\n")
    return {
        "count": count,
        "ndjson": ndjson_path.name,
        "features": features_path.name,
        "checks": spec.checks,
        "broken": broken,
    }


def _items(spec: DataSet, count: int, rng: random.Random) -> Iterator[Item]:
    for index in range(count):
        yield spec.make(rng, index)


def generate(out: Path, counts: dict[str, int], seed: int = 1) -> dict[str, Any]:
    """Write every data set into ``out`` with its manifest and return the manifest.

    Args:
        out: Output folder (created if missing).
        counts: Items per data set name (``cadip``, ``auxip``, ``core``); 0 skips a set.
        seed: Random seed; the same seed gives the same files.

    Returns:
        The manifest also written to ``out/manifest.json``.
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "seed": seed,
        "stac_version": STAC_VERSION,
        "sets": {},
    }
    for name in SET_NAMES:
        if counts.get(name, 0) > 0:
            print(f"generating {counts[name]:,} {name} items", file=sys.stderr)
            manifest["sets"][name] = generate_set(DATA_SETS[name], counts[name], out, seed)
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--cadip", type=int, default=10_000, help="CADIP session Items")
    parser.add_argument("--auxip", type=int, default=10_000, help="AUXIP Items")
    parser.add_argument("--core", type=int, default=50_000, help="core-only Items")
    parser.add_argument(
        "--core-dates", type=int, default=50_000, help="core-only Items with a time range"
    )
    parser.add_argument("--s2l2a", type=int, default=10_000, help="Sentinel-2 L2A Items")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args(argv)
    counts = {
        "cadip": args.cadip,
        "auxip": args.auxip,
        "core": args.core,
        "core-dates": args.core_dates,
        "s2l2a": args.s2l2a,
    }
    manifest = generate(args.out, counts, args.seed)
    for name, entry in manifest["sets"].items():
        print(
            f"{name}: {entry['count']:,} items, {len(entry['broken'])} broken -> "
            f"{args.out / entry['ndjson']}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
