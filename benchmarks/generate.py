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
import functools
import itertools
import json
import random
import re
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
SET_NAMES = ("cadip", "auxip", "core", "core-dates", "s2l2a", "s2-earth-search", "stations")

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


# ------------------------------------------------------------------------------------ Earth Search

ES_EXTENSIONS = (
    "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
    "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "https://stac-extensions.github.io/grid/v1.0.0/schema.json",
    "https://stac-extensions.github.io/mgrs/v1.0.0/schema.json",
    "https://stac-extensions.github.io/processing/v1.1.0/schema.json",
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
    "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
    "https://stac-extensions.github.io/view/v1.0.0/schema.json",
)
_JP2 = "image/jp2"
_MGRS_TILES = (
    (31, "T", "CJ"), (32, "U", "NU"), (33, "T", "WM"), (30, "U", "XC"),
    (29, "S", "ND"), (34, "V", "FN"), (35, "V", "LG"), (31, "U", "FS"),
)  # fmt: skip
_S2_PERCENTAGES = (
    "degraded_msi_data", "nodata_pixel", "saturated_defective_pixel", "dark_features",
    "cloud_shadow", "vegetation", "not_vegetated", "water", "unclassified",
    "medium_proba_clouds", "high_proba_clouds", "thin_cirrus", "snow_ice",
)  # fmt: skip


def _raster_bands(resolution: int, reflectance: bool) -> list[dict[str, Any]]:
    band: dict[str, Any] = {
        "nodata": 0,
        "data_type": "uint16",
        "bits_per_sample": 15,
        "spatial_resolution": resolution,
    }
    if reflectance:
        band.update(scale=0.0001, offset=-0.1)
    return [band]


def _es_raster(
    href: str, media_type: str, title: str, resolution: int, origin: tuple[int, int]
) -> dict[str, Any]:
    size = 109800 // resolution
    return {
        "href": href,
        "type": media_type,
        "title": title,
        "gsd": resolution,
        "proj:shape": [size, size],
        "proj:transform": [resolution, 0, origin[0], 0, -resolution, origin[1]],
    }


def make_s2_earth_search(rng: random.Random, index: int) -> Item:
    """Return one Sentinel-2 L2A Item shaped like those of Earth Search v1 (~25 KB).

    STAC 1.0.0 declaring eo, file, grid, mgrs, processing, projection, raster and view: 12
    band assets as cloud-optimised GeoTIFFs with ``eo:bands``, ``raster:bands`` and projection
    fields, the true-colour, AOT, WVP and SCL rasters, a JPEG 2000 twin of each (``-jp2``), a
    thumbnail and two metadata files; ``mgrs:*``, ``grid:code``, ``view:*``, ``processing:*``,
    ``proj:epsg``, ``eo:cloud_cover``, three providers, eight titled links, and the ``s2:`` and
    ``earthsearch:`` fields of the public Items, whose prefixes no declared extension owns.
    """
    satellite = ("S2A", "S2B", "S2C")[index % 3]
    zone, band_letter, square = _MGRS_TILES[index % len(_MGRS_TILES)]
    tile = f"{zone}{band_letter}{square}"
    epsg = (32600 if band_letter >= "N" else 32700) + zone
    easting = 300000 + 100020 * (index % 5)
    northing = 4_000_020 + 109_800 * (index % 20)
    moment = _epoch(index, 7).replace(microsecond=rng.randrange(1000) * 1000)
    generated = moment + dt.timedelta(hours=3, minutes=rng.randrange(60))
    created = generated + dt.timedelta(hours=1, seconds=rng.randrange(3600))
    sequence = index % 3
    item_id = f"{satellite}_{tile}_{moment:%Y%m%d}_{sequence}_L2A_{index:06d}"
    base = f"https://sentinel-cogs.example.com/sentinel-s2-l2a-cogs/{zone}/{band_letter}/{square}"
    day = f"{moment.year}/{moment.month}/{moment.day}"
    base = f"{base}/{moment.year}/{moment.month}/{item_id}"
    jp2_base = f"s3://sentinel-s2-l2a.example/tiles/{zone}/{band_letter}/{square}/{day}"
    lon = round(rng.uniform(-170.0, 169.0), 9)
    lat = round(rng.uniform(-70.0, 69.0), 9)
    ring = [
        [lon, lat],
        [round(lon + 1.042193115, 9), round(lat + 0.013108202, 9)],
        [round(lon + 1.052562890, 9), round(lat - 0.978772423, 9)],
        [round(lon + 0.016334889, 9), round(lat - 0.991148989, 9)],
        [lon, lat],
    ]
    origin = (easting, northing)
    assets: dict[str, Any] = {}
    twins: dict[str, Any] = {}
    for key, band, common, centre, width, resolution in _S2_BANDS:
        number = band.lstrip("B0")
        title = f"{common.capitalize()} (band {number}) - {resolution}m"
        eo_bands = [
            {
                "name": key,
                "common_name": common,
                "description": f"{common.capitalize()} (band {number})",
                "center_wavelength": centre,
                "full_width_half_max": width,
            }
        ]
        asset = _es_raster(f"{base}/{band}.tif", _COG, title, resolution, origin)
        asset["eo:bands"] = eo_bands
        asset["raster:bands"] = _raster_bands(resolution, reflectance=True)
        asset["roles"] = ["data", "reflectance"]
        assets[key] = asset
        twin = _es_raster(f"{jp2_base}/R{resolution}m/{band}.jp2", _JP2, title, resolution, origin)
        twin["eo:bands"] = [dict(eo_bands[0])]
        twin["raster:bands"] = _raster_bands(resolution, reflectance=False)
        twin["file:size"] = rng.randrange(20_000_000, 240_000_000)
        twin["roles"] = ["data", "reflectance"]
        twins[f"{key}-jp2"] = twin
    for key, title, resolution, data_type in (
        ("aot", "Aerosol optical thickness (AOT)", 20, "uint16"),
        ("scl", "Scene classification map (SCL)", 20, "uint8"),
        ("wvp", "Water vapour (WVP)", 20, "uint16"),
    ):
        for suffix, media_type, href in (
            ("", _COG, f"{base}/{key.upper()}.tif"),
            ("-jp2", _JP2, f"{jp2_base}/R{resolution}m/{key.upper()}.jp2"),
        ):
            raster = _es_raster(href, media_type, title, resolution, origin)
            raster["raster:bands"] = [
                {"nodata": 0, "data_type": data_type, "spatial_resolution": resolution}
            ]
            if key != "scl":
                raster["raster:bands"][0].update(scale=0.001, offset=0)
            raster["roles"] = ["data"]
            (twins if suffix else assets)[key + suffix] = raster
    for suffix, media_type, href in (
        ("", _COG, f"{base}/TCI.tif"),
        ("-jp2", _JP2, f"{jp2_base}/R10m/TCI.jp2"),
    ):
        visual = _es_raster(href, media_type, "True color image", 10, origin)
        visual["eo:bands"] = [
            {"name": key, "common_name": common, "description": f"{common.capitalize()} band",
             "center_wavelength": centre, "full_width_half_max": width}
            for key, _, common, centre, width, _ in _S2_BANDS[3:0:-1]
        ]  # fmt: skip
        visual["raster:bands"] = [
            {"nodata": 0, "data_type": "uint8", "spatial_resolution": 10} for _ in range(3)
        ]
        visual["roles"] = ["visual"]
        (twins if suffix else assets)["visual" + suffix] = visual
    assets.update(twins)
    assets["thumbnail"] = {
        "href": f"{base}/thumbnail.jpg",
        "type": "image/jpeg",
        "title": "Thumbnail image",
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
    assets["tileinfo_metadata"] = {
        "href": f"{base}/tileinfo_metadata.json",
        "type": "application/json",
        "roles": ["metadata"],
    }
    api = "https://earth-search.example.com/v1"
    collection_url = f"{api}/collections/sentinel-2-l2a"
    properties: dict[str, Any] = {
        "created": _stamp(created),
        "platform": f"sentinel-{satellite[1:].lower()}",
        "constellation": "sentinel-2",
        "instruments": ["msi"],
        "eo:cloud_cover": round(rng.uniform(0.0, 100.0), 6),
        "proj:epsg": epsg,
        "mgrs:utm_zone": zone,
        "mgrs:latitude_band": band_letter,
        "mgrs:grid_square": square,
        "grid:code": f"MGRS-{tile}",
        "view:sun_azimuth": round(rng.uniform(20.0, 180.0), 13),
        "view:sun_elevation": round(rng.uniform(10.0, 75.0), 13),
        "providers": [dict(provider) for provider in _PROVIDERS],
    }
    for name in _S2_PERCENTAGES:
        properties[f"s2:{name}_percentage"] = round(rng.uniform(0.0, 100.0), 6)
    datatake = f"GS2{satellite[2]}_{moment:%Y%m%dT%H%M%S}_{30000 + index // 12:06d}_N05.10"
    properties.update(
        {
            "s2:product_type": "S2MSI2A",
            "s2:processing_baseline": "05.10",
            "s2:product_uri": f"{item_id}.SAFE",
            "s2:generation_time": _stamp(generated),
            "s2:datatake_id": datatake,
            "s2:datatake_type": "INS-NOBS",
            "s2:datastrip_id": f"{satellite}_OPER_MSI_L2A_DS_{generated:%Y%m%dT%H%M%S}_N05.10",
            "s2:granule_id": f"{satellite}_OPER_MSI_L2A_TL_{generated:%Y%m%dT%H%M%S}_T{tile}",
            "s2:reflectance_conversion_factor": round(rng.uniform(0.96, 1.04), 12),
            "datetime": _stamp(moment),
            "s2:sequence": str(sequence),
            "earthsearch:s3_path": f"s3://sentinel-cogs.example/{tile}/{item_id}",
            "earthsearch:payload_id": f"roda-sentinel2/workflow-sentinel2-to-stac/{_uuid(rng)}",
            "earthsearch:boa_offset_applied": True,
            "processing:software": {"sentinel2-to-stac": "0.1.1"},
            "updated": _stamp(created + dt.timedelta(minutes=2)),
        }
    )
    links = [
        {"rel": "self", "type": "application/geo+json",
         "href": f"{collection_url}/items/{item_id}"},
        {"rel": "canonical", "type": "application/json", "title": "This Item on S3",
         "href": f"{base}/{item_id}.json"},
        {"rel": "license", "title": "Sentinel data legal notice",
         "href": "https://sentinel.esa.int/documents/247904/690755/Sentinel_Data_Legal_Notice"},
        {"rel": "derived_from", "type": "application/geo+json",
         "title": "The Level-1C Item",
         "href": f"{api}/collections/sentinel-2-l1c/items/{item_id.replace('L2A', 'L1C')}"},
        {"rel": "parent", "type": "application/json", "title": "Sentinel-2 Level-2A",
         "href": collection_url},
        {"rel": "collection", "type": "application/json", "title": "Sentinel-2 Level-2A",
         "href": collection_url},
        {"rel": "root", "type": "application/json", "title": "Earth Search by Example",
         "href": api},
        {"rel": "thumbnail", "type": "image/jpeg", "title": "Thumbnail",
         "href": f"{collection_url}/items/{item_id}/thumbnail"},
    ]  # fmt: skip
    return {
        "type": "Feature",
        "stac_version": S2_STAC_VERSION,
        "id": item_id,
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "links": links,
        "assets": assets,
        "bbox": [lon, round(lat - 0.991148989, 9), round(lon + 1.052562890, 9), lat],
        "stac_extensions": list(ES_EXTENSIONS),
        "collection": "sentinel-2-l2a",
    }


def _es_band(item: Item, rng: random.Random) -> str:
    return rng.choice([band[0] for band in _S2_BANDS])


def _earth_search_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def data_type_uint15(item: Item, rng: random.Random) -> Defect:
        key = _es_band(item, rng)
        item["assets"][key]["raster:bands"][0]["data_type"] = "uint15"
        return Defect(
            "raster-data-type-uint15", f"/assets/{_key(key)}/raster:bands/0/data_type", "schema"
        )

    def nodata_none(item: Item, rng: random.Random) -> Defect:
        key = _es_band(item, rng)
        item["assets"][key]["raster:bands"][0]["nodata"] = "none"
        return Defect("raster-nodata-none", f"/assets/{_key(key)}/raster:bands/0/nodata", "schema")

    def raster_bands_empty(item: Item, rng: random.Random) -> Defect:
        key = _es_band(item, rng) + "-jp2"
        item["assets"][key]["raster:bands"] = []
        return Defect("raster-bands-empty", f"/assets/{_key(key)}/raster:bands", "schema")

    def grid_code_space(item: Item, rng: random.Random) -> Defect:
        item["properties"]["grid:code"] = item["properties"]["grid:code"].replace("-", " ")
        return Defect("grid-code-space", "/properties/grid:code", "schema")

    def utm_zone_string(item: Item, rng: random.Random) -> Defect:
        item["properties"]["mgrs:utm_zone"] = str(item["properties"]["mgrs:utm_zone"])
        return Defect("mgrs-utm-zone-string", "/properties/mgrs:utm_zone", "schema")

    def no_grid_square(item: Item, rng: random.Random) -> Defect:
        del item["properties"]["mgrs:grid_square"]
        return Defect("mgrs-grid-square-missing", "/properties", "schema")

    def cloud_cover_over_100(item: Item, rng: random.Random) -> Defect:
        item["properties"]["eo:cloud_cover"] = 100.5
        return Defect("cloud-cover-over-100", "/properties/eo:cloud_cover", "schema")

    def epsg_string(item: Item, rng: random.Random) -> Defect:
        item["properties"]["proj:epsg"] = f"EPSG:{item['properties']['proj:epsg']}"
        return Defect("proj-epsg-string", "/properties/proj:epsg", "schema")

    def sun_elevation_95(item: Item, rng: random.Random) -> Defect:
        item["properties"]["view:sun_elevation"] = 95.0
        return Defect("sun-elevation-95", "/properties/view:sun_elevation", "schema")

    def software_version_number(item: Item, rng: random.Random) -> Defect:
        item["properties"]["processing:software"]["sentinel2-to-stac"] = 0.11
        return Defect(
            "software-version-number",
            "/properties/processing:software/sentinel2-to-stac",
            "schema",
        )

    def file_size_negative(item: Item, rng: random.Random) -> Defect:
        key = _es_band(item, rng) + "-jp2"
        item["assets"][key]["file:size"] = -1
        return Defect("file-size-negative", f"/assets/{_key(key)}/file:size", "schema")

    def created_february_30(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["created"]
        item["properties"]["created"] = value[:5] + "02-30" + value[10:]
        return Defect("created-february-30", "/properties/created", "format")

    return {
        fn.__name__: fn
        for fn in (
            data_type_uint15,
            nodata_none,
            raster_bands_empty,
            grid_code_space,
            utm_zone_string,
            no_grid_square,
            cloud_cover_over_100,
            epsg_string,
            sun_elevation_95,
            software_version_number,
            file_size_negative,
            created_february_30,
            _asset_without_href,
            _link_without_href,
        )
    }


# ------------------------------------------------------------------------------------ stations

# The station simulator's records (CADIP sessions with their files, PRIP products) are the
# templates: each Item is a template moved by whole days (every date-time, compact time and
# session id in it), with fresh GUIDs, mapped by rs-stac-ext's own mapper.
_STATION_TEMPLATES = (
    ("prip", "s1a"), ("cadip", "mti"), ("prip", "s2a"), ("cadip", "sgs"),
    ("prip", "s2b"), ("cadip", "ins"), ("cadip", "mps"), ("cadip", "nsg"), ("cadip", "cadip"),
)  # fmt: skip
_ISO_STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)")
_COMPACT_STAMP = re.compile(r"(?<![0-9])(\d{8})(T\d{6})(?![0-9])")
_SESSION_ID = re.compile(r"\b(S\d[A-Z]_)(\d{8})(\d{9,12})\b")
_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


@dataclass(frozen=True)
class _StationTemplate:
    service: str
    station: str
    text: str  # the record (and, for CADIP, its files) as JSON


@functools.cache
def _station_templates() -> tuple[_StationTemplate, ...]:
    from rs_stac_ext.stations.simulator import DATA_DIR

    by_service: dict[str, list[_StationTemplate]] = {"prip": [], "cadip": []}
    for service, station in _STATION_TEMPLATES:
        data = json.loads((Path(DATA_DIR) / service / f"{station}.json").read_text("utf-8"))
        found = by_service[service]
        if service == "prip":
            for record in data["Products"]:
                found.append(_StationTemplate(service, station, json.dumps(record)))
            continue
        files: dict[str, list[Any]] = {}
        for record in data["Files"]:
            files.setdefault(record["SessionId"], []).append(record)
        for session in data["Sessions"]:
            text = json.dumps({"session": session, "files": files[session["SessionId"]]})
            found.append(_StationTemplate(service, station, text))
    # PRIP and CADIP alternate (until the shorter list runs out).
    pairs = itertools.zip_longest(by_service["prip"], by_service["cadip"])
    return tuple(template for pair in pairs for template in pair if template is not None)


def _shift_day(day: str, days: int, compact: bool) -> str:
    moved = dt.date.fromisoformat(day if not compact else f"{day[:4]}-{day[4:6]}-{day[6:]}")
    moved += dt.timedelta(days=days)
    return moved.strftime("%Y%m%d" if compact else "%Y-%m-%d")


def _moved(text: str, days: int, rng: random.Random) -> str:
    text = _ISO_STAMP.sub(lambda m: _shift_day(m[1], days, False) + m[2], text)
    text = _COMPACT_STAMP.sub(lambda m: _shift_day(m[1], days, True) + m[2], text)
    text = _SESSION_ID.sub(lambda m: m[1] + _shift_day(m[2], days, True) + m[3], text)
    guids: dict[str, str] = {}
    return _GUID.sub(lambda m: guids.setdefault(m[0], _uuid(rng)), text)


def make_station_item(rng: random.Random, index: int) -> Item:
    """Return one PRIP product or CADIP session Item, made by rs-stac-ext's own mapper.

    Half the Items are PRIP products (Sentinel-1 and Sentinel-2; STAC 1.1.0 with
    external-ids, file, timestamps, sat, product, processing, sar and CS-SI's eopf), half CADIP
    sessions with their DSDB files (cadip v2.0.0, external-ids, file, timestamps, sat,
    product): the simulator's records moved in time, as a station would list them.
    """
    from rs_stac_ext.stations.mapping import MappingContext, map_record
    from rs_stac_ext.stations.registry import Registry

    templates = _station_templates()
    template = templates[index % len(templates)]
    shifted = json.loads(_moved(template.text, index // len(templates) + 1, rng))
    registry = _station_registry(Registry)
    context = MappingContext(
        station=registry.station(template.service, template.station),
        collection=f"{template.service}-{template.station}",
        base_url="https://stac.example.com",
        root_url=f"https://{template.station}.{template.service}.example.com/odata/v1",
    )
    if template.service == "prip":
        mapped = map_record("prip", shifted, context=context)
    else:
        mapped = map_record("cadip", shifted["session"], context=context, files=shifted["files"])
    if mapped.problems:
        raise RuntimeError(f"the mapper left parts out of Item {index}: {mapped.problems}")
    return mapped.item


@functools.cache
def _station_registry(registry_class: Any) -> Any:
    return registry_class.load(None)


def _station_defects() -> dict[str, Callable[[Item, random.Random], Defect]]:
    def external_id_without_value(item: Item, rng: random.Random) -> Defect:
        del item["properties"]["externalIds"][0]["value"]
        return Defect("external-id-without-value", "/properties/externalIds/0", "schema")

    def absolute_orbit_zero(item: Item, rng: random.Random) -> Defect:
        item["properties"]["sat:absolute_orbit"] = 0
        return Defect("absolute-orbit-zero", "/properties/sat:absolute_orbit", "schema")

    def product_type_number(item: Item, rng: random.Random) -> Defect:
        if "product:type" not in item["properties"]:
            # A session of a mission without a known raw product type has no product:type.
            item["properties"]["cadip:station_unit_id"] = "4a"
            return Defect("station-unit-id-4a", "/properties/cadip:station_unit_id", "schema")
        item["properties"]["product:type"] = 12
        return Defect("product-type-number", "/properties/product:type", "schema")

    def service_field(item: Item, rng: random.Random) -> Defect:
        if "cadip:num_channels" in item["properties"]:
            item["properties"]["cadip:num_channels"] = 5
            return Defect("num-channels-five", "/properties/cadip:num_channels", "schema")
        item["properties"]["processing:level"] = 2
        return Defect("processing-level-number", "/properties/processing:level", "schema")

    def file_size_negative(item: Item, rng: random.Random) -> Defect:
        key = rng.choice(sorted(item["assets"]))
        item["assets"][key]["file:size"] = -1
        return Defect("file-size-negative", f"/assets/{_key(key)}/file:size", "schema")

    def published_february_30(item: Item, rng: random.Random) -> Defect:
        value = item["properties"]["published"]
        item["properties"]["published"] = value[:5] + "02-30" + value[10:]
        return Defect("published-february-30", "/properties/published", "format")

    return {
        fn.__name__: fn
        for fn in (
            external_id_without_value,
            absolute_orbit_zero,
            product_type_number,
            service_field,
            file_size_negative,
            published_february_30,
            _asset_without_href,
            _link_without_href,
        )
    }


def _station_rule_defect(item: Item, rng: random.Random) -> Defect | None:
    """CADIP: mark a block final that is not the last of its channel (only our rules see it)."""
    if "cadip:num_channels" not in item["properties"]:
        return None
    return _cadip_rule_defect(item, rng)


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
    "s2-earth-search": DataSet(
        "s2-earth-search",
        make_s2_earth_search,
        _earth_search_defects(),
        None,
        "STAC 1.0.0 Item schema + eo v1.1.0, file v2.1.0, grid v1.0.0, mgrs v1.0.0, "
        "processing v1.1.0, projection v1.1.0, raster v1.1.0, view v1.0.0",
    ),
    "stations": DataSet(
        "stations",
        make_station_item,
        _station_defects(),
        _station_rule_defect,
        "STAC 1.1.0 Item schema + external-ids v1.0.0 (README-written), file v2.1.0, "
        "timestamps v1.1.0, sat v1.1.0, product v1.0.0; PRIP: processing v1.2.0, sar v1.3.0 "
        "(Sentinel-1), eopf v1.2.0; CADIP: cadip v2.0.0",
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
    parser.add_argument(
        "--s2-earth-search",
        type=int,
        default=10_000,
        help="Sentinel-2 L2A Items shaped like Earth Search's",
    )
    parser.add_argument(
        "--stations", type=int, default=10_000, help="PRIP and CADIP Items from our mapper"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args(argv)
    counts = {
        "cadip": args.cadip,
        "auxip": args.auxip,
        "core": args.core,
        "core-dates": args.core_dates,
        "s2l2a": args.s2l2a,
        "s2-earth-search": args.s2_earth_search,
        "stations": args.stations,
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
