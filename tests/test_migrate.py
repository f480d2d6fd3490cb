"""Upgrading documents from every published version to the newest."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest

from conftest import load_json, upstream_examples
from rs_stac_ext import schemas
from rs_stac_ext.pystac_ext.migrate import (
    EXTERNAL_IDS_SCHEMA_URI,
    MigrationWarning,
    canonicalise_identifiers,
    upgrade,
    upgrade_in_place,
)

SESSION_UUID = "6894eb36-416e-469e-8788-9a0a2b8f3a8d"
FILE_UUID = "228b97bc-aa04-4036-8450-3106bc7684bb"
NEWEST = {name: schemas.newest(name).identifier for name in ("auxip", "cadip", "ownership")}


def cadip_v1_item(identifier: str, acquisition_id: Any = 565521) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "id": "S1A_20241114143038056552",
        "stac_extensions": [identifier],
        "geometry": None,
        "properties": {
            "datetime": "2024-11-14T14:31:11.032Z",
            "cadip:id": SESSION_UUID,
            "cadip:acquisition_id": acquisition_id,
            "cadip:num_channels": 2.0,
            "cadip:station_unit_id": "04",
            "cadip:retransfer": False,
        },
        "assets": {
            "DCS_04_S1A_ch1_DSDB_00001.raw": {
                "href": f"https://cadip.example.com/odata/v1/Files({FILE_UUID})/$value",
                "cadip:id": FILE_UUID,
                "cadip:channel": 1.0,
                "cadip:block_number": 1,
                "cadip:final_block": True,
            }
        },
        "links": [],
    }


def is_valid_newest(document: dict[str, Any], name: str) -> bool:
    return schemas.validator_for(NEWEST[name]).is_valid(document)


@pytest.mark.parametrize(
    "identifier",
    [
        "https://rs-python.github.io/cadip-stac-extension/v1.0.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.0.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.1.0/schema.json",
    ],
)
def test_cadip_v1_numeric_acquisition_id_becomes_valid_v2(identifier: str) -> None:
    original = cadip_v1_item(identifier, acquisition_id=565521.0)
    assert schemas.validator_for(identifier).is_valid(original) == (
        identifier == schemas.find_version(identifier).identifier
    )
    result = upgrade(original)
    document = result.document
    assert original["properties"]["cadip:id"] == SESSION_UUID, "input must not be modified"
    assert document["stac_extensions"] == [NEWEST["cadip"], EXTERNAL_IDS_SCHEMA_URI]
    properties = document["properties"]
    assert "cadip:id" not in properties
    assert properties["externalIds"] == [{"scheme": "cadip", "value": SESSION_UUID}]
    assert properties["cadip:acquisition_id"] == "565521"
    assert properties["cadip:num_channels"] == 2
    assert isinstance(properties["cadip:num_channels"], int)
    asset = document["assets"]["DCS_04_S1A_ch1_DSDB_00001.raw"]
    assert asset["externalIds"] == [{"scheme": "cadip", "value": FILE_UUID}]
    assert asset["cadip:channel"] == 1
    assert isinstance(asset["cadip:channel"], int)
    assert is_valid_newest(document, "cadip")
    assert not result.removed


def test_every_change_names_its_location() -> None:
    result = upgrade(cadip_v1_item(schemas.identifiers("cadip")[0]))
    paths = {change.path: change.action for change in result.changes}
    assert paths["/stac_extensions/0"] == "identifier"
    assert paths["/properties/cadip:id"] == "move"
    assert paths["/properties/cadip:acquisition_id"] == "convert"
    assert paths["/assets/DCS_04_S1A_ch1_DSDB_00001.raw/cadip:id"] == "move"
    assert paths["/stac_extensions/1"] == "declare"


@pytest.mark.parametrize("version", ["v1.2.0", "v1.3.0"])
def test_cadip_string_acquisition_id_is_kept(version: str) -> None:
    identifier = f"https://home.rs-python.eu/cadip-stac-extension/{version}/schema.json"
    result = upgrade(cadip_v1_item(identifier, acquisition_id="53186_A1"))
    assert result.document["properties"]["cadip:acquisition_id"] == "53186_A1"
    assert is_valid_newest(result.document, "cadip")


def test_cadip_v14_external_ids_keep_other_schemes() -> None:
    item = cadip_v1_item("https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json")
    properties = item["properties"]
    properties.pop("cadip:id")
    properties["externalIds"] = [{"scheme": "cadip", "value": SESSION_UUID}]
    asset = item["assets"]["DCS_04_S1A_ch1_DSDB_00001.raw"]
    asset.pop("cadip:id")
    asset["externalIds"] = [{"scheme": "cadip", "value": FILE_UUID}]
    item["stac_extensions"].append(
        "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
    )
    result = upgrade(item)
    assert result.document["properties"]["externalIds"] == [
        {"scheme": "cadip", "value": SESSION_UUID}
    ]
    assert result.document["stac_extensions"].count(EXTERNAL_IDS_SCHEMA_URI) == 1
    assert is_valid_newest(result.document, "cadip")


def test_cadip_misplaced_fields_are_removed_with_a_warning() -> None:
    item = cadip_v1_item(schemas.identifiers("cadip")[2], acquisition_id="1")
    item["properties"]["cadip:channel"] = 1
    asset = item["assets"]["DCS_04_S1A_ch1_DSDB_00001.raw"]
    asset["cadip:num_channels"] = 2
    asset["cadip:session_id"] = "S1A_20241114143038056552"
    with pytest.warns(MigrationWarning, match="cadip:session_id"):
        result = upgrade(item)
    removed = {change.path: change.value for change in result.removed}
    assert removed == {
        "/properties/cadip:channel": 1,
        "/assets/DCS_04_S1A_ch1_DSDB_00001.raw/cadip:num_channels": 2,
        "/assets/DCS_04_S1A_ch1_DSDB_00001.raw/cadip:session_id": "S1A_20241114143038056552",
    }
    assert is_valid_newest(result.document, "cadip")


def test_cadip_downlink_orbit_moves_to_sat() -> None:
    item = cadip_v1_item(schemas.identifiers("cadip")[3], acquisition_id="1")
    item["properties"]["cadip:downlink_orbit"] = 56552
    result = upgrade(item)
    assert result.document["properties"]["sat:absolute_orbit"] == 56552
    assert (
        "https://stac-extensions.github.io/sat/v1.0.0/schema.json"
        in (result.document["stac_extensions"])
    )
    assert is_valid_newest(result.document, "cadip")


def test_auxip_asset_id_is_dropped_from_assets() -> None:
    uuid = "2e25ea88-ab33-11ef-8630-fa163e75e309"
    item = {
        "type": "Feature",
        "stac_extensions": ["https://rs-python.github.io/auxip-stac-extension/v1.0.0/schema.json"],
        "properties": {"auxip:id": uuid},
        "assets": {"file": {"href": "x", "auxip:id": uuid}},
    }
    with pytest.warns(MigrationWarning, match="repeats the Item's auxip:id"):
        result = upgrade(item)
    assert result.document["assets"]["file"] == {"href": "x"}
    assert result.document["stac_extensions"] == [NEWEST["auxip"]]
    assert is_valid_newest(result.document, "auxip")


def test_auxip_collection_summaries_are_dropped() -> None:
    collection = {
        "type": "Collection",
        "stac_extensions": ["https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"],
        "summaries": {"auxip:id": ["2e25ea88-ab33-11ef-8630-fa163e75e309"], "platform": ["s1a"]},
    }
    result = upgrade(collection, warn=False)
    assert result.document["summaries"] == {"platform": ["s1a"]}
    assert is_valid_newest(result.document, "auxip")


def test_newest_document_is_left_alone() -> None:
    item = {
        "type": "Feature",
        "stac_extensions": [NEWEST["ownership"]],
        "properties": {"owner": "alice"},
        "assets": {},
    }
    snapshot = copy.deepcopy(item)
    assert upgrade_in_place(item) == []
    assert item == snapshot


def test_only_requested_extensions_are_upgraded() -> None:
    item = {
        "type": "Feature",
        "stac_extensions": [
            "https://home.rs-python.eu/ownership-stac-extension/v1.1.0/schema.json",
            "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json",
        ],
        "properties": {"owner": "alice", "auxip:id": "2e25ea88-ab33-11ef-8630-fa163e75e309"},
        "assets": {},
    }
    upgrade_in_place(item, ["ownership"])
    assert item["stac_extensions"] == [
        NEWEST["ownership"],
        "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json",
    ]


def test_duplicate_spellings_collapse_to_one() -> None:
    item = {
        "type": "Feature",
        "stac_extensions": [
            "https://rs-python.github.io/ownership-stac-extension/v1.0.0/schema.json",
            "https://home.rs-python.eu/ownership-stac-extension/v1.1.0/schema.json",
            "https://stac-extensions.github.io/file/v2.1.0/schema.json",
        ],
        "properties": {"owner": "alice"},
        "assets": {},
    }
    result = upgrade(item)
    assert result.document["stac_extensions"] == [
        NEWEST["ownership"],
        "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    ]


def test_canonicalise_keeps_the_version() -> None:
    document = {
        "stac_extensions": [
            "https://rs-python.github.io/cadip-stac-extension/v1.4.0/schema.json",
            "https://home.rs-python.eu/auxip-stac-extension/v1.0.0/schema.json",
        ]
    }
    changes = canonicalise_identifiers(document)
    assert document["stac_extensions"] == [
        "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json",
        "https://rs-python.github.io/auxip-stac-extension/v1.0.0/schema.json",
    ]
    assert {c.path for c in changes} == {"/stac_extensions/0", "/stac_extensions/1"}
    assert all(c.action == "identifier" for c in changes)


@pytest.mark.parametrize(
    "path", upstream_examples(), ids=lambda p: f"{p.parent.parent.name}/{p.name}"
)
def test_upstream_examples_upgrade_to_valid_newest(path: Any) -> None:
    original = load_json(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = upgrade(original)
    declared = schemas.declared_versions(result.document["stac_extensions"])
    assert declared, "the upgraded document must still declare our extension"
    for version in declared:
        assert version.identifier == schemas.newest(version.extension).identifier
        assert schemas.validator_for(version.identifier).is_valid(result.document)
