"""Documents for the built-in third-party schemas: written from the published facts, found upstream.

No stac-extensions example file is available offline, so every schema gets an Item (and, where
the extension describes them, a Collection) written here from the published facts, using every
field it defines; the core schemas get an Item, a Catalog and a Collection. On top of that,
every STAC object found in the real upstream documents (``../shared/upstream``) is used.

:func:`single_field_mutations` turns a document into its neighbours: each member deleted, each
value replaced by values chosen to sit on either side of the published rules.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import UPSTREAM

Json = Any

CORE = "https://schemas.stacspec.org/v1.0.0"
CORE_ITEM = f"{CORE}/item-spec/json-schema/item.json"
CORE_CATALOG = f"{CORE}/catalog-spec/json-schema/catalog.json"
CORE_COLLECTION = f"{CORE}/collection-spec/json-schema/collection.json"
EXT = "https://stac-extensions.github.io"

PROJJSON = {
    "$schema": "https://proj.org/schemas/v0.5/projjson.schema.json",
    "type": "GeographicCRS",
    "name": "WGS 84",
    "datum": {
        "type": "GeodeticReferenceFrame",
        "name": "World Geodetic System 1984",
        "ellipsoid": {"name": "WGS 84", "semi_major_axis": 6378137, "inverse_flattening": 298.257},
    },
    "coordinate_system": {
        "subtype": "ellipsoidal",
        "axis": [
            {"name": "Latitude", "abbreviation": "lat", "direction": "north", "unit": "degree"},
            {"name": "Longitude", "abbreviation": "lon", "direction": "east", "unit": "degree"},
        ],
    },
    "id": {"authority": "EPSG", "code": 4326},
}

# Fields of each extension version: (Item properties, asset fields, Collection members).
FIELDS: dict[str, tuple[dict[str, Json], dict[str, Json], dict[str, Json]]] = {
    f"{EXT}/eo/v1.1.0/schema.json": (
        {"eo:cloud_cover": 12.5, "eo:snow_cover": 0},
        {
            "eo:bands": [
                {
                    "name": "B04",
                    "common_name": "red",
                    "description": "Red",
                    "center_wavelength": 0.665,
                    "full_width_half_max": 0.038,
                    "solar_illumination": 1512.79,
                }
            ]
        },
        {"summaries": {"eo:cloud_cover": {"minimum": 0, "maximum": 100}}},
    ),
    f"{EXT}/file/v2.0.0/schema.json": (
        {},
        {
            "file:size": 1024,
            "file:checksum": "1220a1b2c3",
            "file:byte_order": "little-endian",
            "file:header_size": 0,
            "file:values": [{"values": [0], "summary": "no data"}],
        },
        {},
    ),
    f"{EXT}/file/v2.1.0/schema.json": (
        {},
        {
            "file:size": 1024,
            "file:checksum": "1220a1b2c3",
            "file:byte_order": "big-endian",
            "file:header_size": 16,
            "file:local_path": "granule/IMG_DATA/B04.jp2",
            "file:values": [{"values": [0, 255], "summary": "no data"}],
        },
        {},
    ),
    f"{EXT}/processing/v1.1.0/schema.json": (
        {
            "processing:level": "L1",
            "processing:facility": "ESA",
            "processing:lineage": "GRD post processing",
            "processing:software": {"Sentinel-1 IPF": "003.31"},
            "processing:expression": {"format": "gdal-calc", "expression": "A*(A>0)"},
        },
        {"processing:level": "L1"},
        {"providers": [{"name": "ESA", "roles": ["processor"], "processing:level": "L1"}]},
    ),
    f"{EXT}/processing/v1.2.0/schema.json": (
        {
            "processing:level": "L2",
            "processing:facility": "ESA",
            "processing:version": "02.14",
            "processing:datetime": "2025-01-02T03:04:05Z",
            "processing:software": {"Sen2Cor": "02.14"},
        },
        {"processing:version": "1"},
        {"providers": [{"name": "ESA", "roles": ["producer"], "processing:version": "1"}]},
    ),
    f"{EXT}/product/v0.1.0/schema.json": (
        {
            "product:type": "S2MSI2A",
            "product:timeliness": "PT3H",
            "product:timeliness_category": "NRT",
        },
        {"product:type": "S2MSI2A"},
        {"summaries": {"product:type": ["S2MSI1C", "S2MSI2A"]}},
    ),
    f"{EXT}/product/v1.0.0/schema.json": (
        {
            "product:type": "S2MSI2A",
            "product:timeliness": "PT3H",
            "product:timeliness_category": "NRT",
            "product:acquisition_type": "nominal",
        },
        {"product:type": "S2MSI2A"},
        {"summaries": {"product:type": ["S2MSI1C", "S2MSI2A"]}},
    ),
    f"{EXT}/projection/v1.1.0/schema.json": (
        {
            "proj:epsg": 32631,
            "proj:wkt2": None,
            "proj:projjson": PROJJSON,
            "proj:geometry": {
                "type": "Polygon",
                "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]],
            },
            "proj:bbox": [0, 0, 10, 10],
            "proj:centroid": {"lat": 45.5, "lon": 1.25},
            "proj:shape": [10980, 10980],
            "proj:transform": [10, 0, 300000, 0, -10, 4900000],
        },
        {"proj:shape": [5490, 5490], "proj:transform": [20, 0, 300000, 0, -20, 4900000, 0, 0, 1]},
        {"summaries": {"proj:epsg": [32631]}},
    ),
    f"{EXT}/sar/v1.3.0/schema.json": (
        {
            "sar:instrument_mode": "IW",
            "sar:frequency_band": "C",
            "sar:center_frequency": 5.405,
            "sar:polarizations": ["VV", "VH"],
            "sar:product_type": "GRD",
            "sar:resolution_range": 20,
            "sar:resolution_azimuth": 22,
            "sar:pixel_spacing_range": 10,
            "sar:pixel_spacing_azimuth": 10,
            "sar:looks_range": 5,
            "sar:looks_azimuth": 1,
            "sar:looks_equivalent_number": 4.4,
            "sar:observation_direction": "right",
            "sar:bandwidth": 0.1,
            "sar:beam_ids": ["IW1", "IW2"],
        },
        {"sar:polarizations": ["VV"]},
        {"summaries": {"sar:instrument_mode": ["IW"], "sar:polarizations": ["VV", "VH"]}},
    ),
    f"{EXT}/sat/v1.0.0/schema.json": (
        {
            "sat:platform_international_designator": "2014-016A",
            "sat:orbit_state": "ascending",
            "sat:absolute_orbit": 56829,
            "sat:relative_orbit": 88,
            "sat:anx_datetime": "2025-01-02T03:04:05Z",
        },
        {"sat:orbit_state": "descending"},
        {"summaries": {"sat:orbit_state": ["ascending", "descending"]}},
    ),
    f"{EXT}/sat/v1.1.0/schema.json": (
        {
            "sat:platform_international_designator": "2014-016A",
            "sat:orbit_state": "descending",
            "sat:absolute_orbit": 56829,
            "sat:relative_orbit": 88,
            "sat:anx_datetime": "2025-01-02T03:04:05Z",
            "sat:orbit_cycle": 12,
            "sat:orbit_state_vectors": {"2025-01-02T03:04:05.5Z": [1, 2, 3, 4, 5, 6]},
        },
        {"sat:absolute_orbit": 1},
        {"summaries": {"sat:relative_orbit": {"minimum": 1, "maximum": 175}}},
    ),
    f"{EXT}/timestamps/v1.0.0/schema.json": (
        {
            "published": "2025-01-02T03:04:05+01:00",
            "expires": "2035-01-02T03:04:05Z",
            "unpublished": "2035-01-02T03:04:05Z",
        },
        {"published": "2025-01-02T03:04:05Z"},
        {},
    ),
    f"{EXT}/timestamps/v1.1.0/schema.json": (
        {
            "published": "2025-01-02T03:04:05Z",
            "expires": "2035-01-02T03:04:05+00:00",
            "unpublished": "2035-01-02T03:04:05Z",
        },
        {"expires": "2035-01-02T03:04:05Z"},
        {},
    ),
    f"{EXT}/view/v1.0.0/schema.json": (
        {
            "view:off_nadir": 3.5,
            "view:incidence_angle": 4,
            "view:azimuth": 359.9,
            "view:sun_azimuth": 120,
            "view:sun_elevation": -12.5,
        },
        {"view:off_nadir": 0},
        {"summaries": {"view:off_nadir": {"minimum": 0, "maximum": 10}}},
    ),
}
EXTENSIONS = sorted(FIELDS)


def core_item(extensions: list[str] | None = None) -> dict[str, Json]:
    """A STAC 1.0.0 Item using every core field, declaring ``extensions``."""
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": list(extensions or []),
        "id": "S2B_MSIL2A_20250102T103329_N0511_R108_T31TCJ",
        "bbox": [0.5, 43.2, 1.9, 44.2],
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[0.5, 43.2], [1.9, 43.2], [1.9, 44.2], [0.5, 44.2], [0.5, 43.2]]],
        },
        "properties": {
            "title": "T31TCJ",
            "description": "A tile",
            "datetime": "2025-01-02T10:33:29.024Z",
            "start_datetime": "2025-01-02T10:33:29Z",
            "end_datetime": "2025-01-02T10:33:30Z",
            "created": "2025-01-02T12:00:00Z",
            "updated": "2025-01-02T12:00:00+00:00",
            "license": "proprietary",
            "providers": [
                {"name": "ESA", "roles": ["producer", "licensor"], "url": "https://esa.int"}
            ],
            "platform": "sentinel-2b",
            "instruments": ["msi"],
            "constellation": "sentinel-2",
            "mission": "copernicus",
            "gsd": 10,
        },
        "links": [
            {"rel": "self", "href": "https://example.com/item.json", "type": "application/json"},
            {"rel": "collection", "href": "https://example.com/collection.json"},
        ],
        "assets": {
            "B04": {
                "href": "https://example.com/B04.jp2",
                "type": "image/jp2",
                "title": "Red",
                "roles": ["data"],
                "gsd": 10,
            }
        },
        "collection": "sentinel-2-l2a",
    }


def core_catalog() -> dict[str, Json]:
    """A STAC 1.0.0 Catalog."""
    return {
        "type": "Catalog",
        "stac_version": "1.0.0",
        "stac_extensions": [],
        "id": "catalog",
        "title": "A catalog",
        "description": "Every tile",
        "links": [{"rel": "child", "href": "./collection.json", "title": "Tiles"}],
    }


def core_collection(extensions: list[str] | None = None) -> dict[str, Json]:
    """A STAC 1.0.0 Collection using every core field, declaring ``extensions``."""
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "stac_extensions": list(extensions or []),
        "id": "sentinel-2-l2a",
        "title": "Sentinel-2 L2A",
        "description": "Surface reflectance",
        "keywords": ["sentinel", "copernicus"],
        "license": "CC-BY-SA-3.0-IGO",
        "providers": [{"name": "ESA", "roles": ["host"]}],
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2015-06-27T10:25:31Z", None]]},
        },
        "summaries": {
            "platform": ["sentinel-2a", "sentinel-2b"],
            "gsd": {"minimum": 10, "maximum": 60},
        },
        "links": [{"rel": "items", "href": "./items"}],
        "assets": {"thumbnail": {"href": "thumb.png", "roles": ["thumbnail"]}},
        "item_assets": {"B04": {"type": "image/jp2", "roles": ["data"]}},
    }


def extension_item(identifier: str) -> dict[str, Json]:
    """A STAC 1.0.0 Item using every field of one extension version."""
    properties, asset_fields, _ = FIELDS[identifier]
    document = core_item([identifier])
    document["properties"].update(copy.deepcopy(properties))
    document["assets"]["B04"].update(copy.deepcopy(asset_fields))
    return document


def extension_collection(identifier: str) -> dict[str, Json]:
    """A STAC 1.0.0 Collection using the extension's Collection members and asset fields."""
    _, asset_fields, members = FIELDS[identifier]
    document = core_collection([identifier])
    document["item_assets"]["B04"].update(copy.deepcopy(asset_fields))
    for key, value in copy.deepcopy(members).items():
        if key == "summaries":
            document["summaries"].update(value)
        else:
            document[key] = value
    return document


# --- real documents ----------------------------------------------------------------------------


def _stac_objects(node: Json) -> Iterator[dict[str, Json]]:
    if isinstance(node, dict):
        if node.get("type") in ("Feature", "Collection", "Catalog") and "stac_version" in node:
            yield node
            return
        for value in node.values():
            yield from _stac_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _stac_objects(value)


def upstream_documents() -> list[tuple[str, dict[str, Json]]]:
    """Every STAC object in the real upstream documents (not the schema mirror), by label."""
    if not UPSTREAM.is_dir():
        return []
    found: list[tuple[str, dict[str, Json]]] = []
    for path in sorted(UPSTREAM.rglob("*.json")):
        relative = path.relative_to(UPSTREAM)
        if relative.parts[0] == "stac-schemas":
            continue
        try:
            parsed = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for index, document in enumerate(_stac_objects(parsed)):
            found.append((f"{relative}#{index}", document))
    return found


def as_version_100(document: dict[str, Json]) -> dict[str, Json]:
    """The same document relabelled as STAC 1.0.0 (what older servers emitted)."""
    relabelled = copy.deepcopy(document)
    relabelled["stac_version"] = "1.0.0"
    return relabelled


# --- single-field mutations --------------------------------------------------------------------

MUTATION_VALUES: tuple[Json, ...] = (
    None,
    True,
    0,
    -1,
    1.5,
    361,
    "",
    "x",
    "2025-02-30T00:00:00Z",
    "2025-01-02T03:04:05+01:00",
    "PT3H",
    [],
    ["VV", "VV"],
    {},
)


def _paths(document: Json, prefix: tuple[Json, ...] = ()) -> Iterator[tuple[Json, ...]]:
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _paths(value, (*prefix, index))


def _pointer(path: tuple[Json, ...]) -> str:
    return "/" + "/".join(str(part) for part in path)


def single_field_mutations(
    document: Json, *, under: tuple[str, ...] | None = None, not_inside: tuple[str, ...] = ()
) -> Iterator[tuple[str, Json]]:
    """Yield ``(label, document)`` for every single edit of ``document``.

    Each member or element is deleted once and replaced by each of :data:`MUTATION_VALUES`; a
    prefixed member (``sat:orbit_state``) is also renamed to an unknown field of its prefix, once
    longer and once shorter by a character (``sat:orbit_statex``, ``sat:orbit_stat``).

    Args:
        document: The document to mutate.
        under: Only mutate paths whose first member name contains one of these strings, or
            member names containing them (``("sat:",)``), to keep the sweep small.
        not_inside: Members whose value is replaced or deleted but not edited inside (a
            value with its own schema, swept on its own).
    """
    for path in _paths(document):
        if not path or any(part in not_inside for part in path[:-1]):
            continue
        if under is not None and not any(
            isinstance(part, str) and any(marker in part for marker in under) for part in path
        ):
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        edited = copy.deepcopy(document)
        target = edited
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
        yield f"delete {_pointer(path)}", edited
        for value in MUTATION_VALUES:
            if parent[path[-1]] == value and type(parent[path[-1]]) is type(value):
                continue
            edited = copy.deepcopy(document)
            target = edited
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = copy.deepcopy(value)
            yield f"set {_pointer(path)} = {json.dumps(value)}", edited
        name = path[-1]
        if isinstance(name, str) and ":" in name:
            for renamed in (name + "x", name[:-1]):
                if renamed in parent:
                    continue
                edited = copy.deepcopy(document)
                target = edited
                for part in path[:-1]:
                    target = target[part]
                target[renamed] = target.pop(name)
                yield f"rename {_pointer(path)} to {renamed}", edited


def markers_of(identifier: str) -> tuple[str, ...]:
    """What the fields of an extension's identifier contain (``sat:``), and its declaration."""
    name = identifier.removeprefix(f"{EXT}/").split("/")[0]
    if name == "timestamps":
        return ("published", "expires", "stac_extensions")
    prefix = {"projection": "proj"}.get(name, name)
    return (f"{prefix}:", "stac_extensions")


def mirror_files(mirror: Path) -> Iterator[tuple[str, Path]]:
    """Every published schema file of a ``<host>/<path>`` mirror, with the URI it answers to."""
    for path in sorted(mirror.rglob("*.json")):
        relative = path.relative_to(mirror)
        yield "https://" + "/".join(relative.parts), path
