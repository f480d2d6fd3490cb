"""Our re-created published schemas must give the published verdicts.

Three checks, each in the three format modes: hypothesis documents near the decision boundaries
and an exhaustive sweep of single defects, both judged by our schemas (through ``validator_for``)
and by the independent oracle of ``tests/oracle.py``; and a table of worked examples taken from
SPEC.md §1.2-§1.4, §2.4, §3.5 and §4.4 with their expected verdicts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from oracle import FORMAT_NAMES, PUBLISHED, FormatName, verdict
from rs_stac_ext.schemas import DocumentKind, validator_for, versions
from strategies_published import documents, single_defects

Json = Any

AUXIP_10 = "https://rs-python.github.io/auxip-stac-extension/v1.0.0/schema.json"
AUXIP_11 = "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"
CADIP_10 = "https://rs-python.github.io/cadip-stac-extension/v1.0.0/schema.json"
CADIP_11 = "https://home.rs-python.eu/cadip-stac-extension/v1.1.0/schema.json"
CADIP_12 = "https://home.rs-python.eu/cadip-stac-extension/v1.2.0/schema.json"
CADIP_13 = "https://home.rs-python.eu/cadip-stac-extension/v1.3.0/schema.json"
CADIP_14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"
OWNER_10 = "https://rs-python.github.io/ownership-stac-extension/v1.0.0/schema.json"
OWNER_11 = "https://home.rs-python.eu/ownership-stac-extension/v1.1.0/schema.json"

EXTERNAL_IDS = "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json"
FILE = "https://stac-extensions.github.io/file/v2.1.0/schema.json"
TIMESTAMPS = "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json"
COMPANIONS = [EXTERNAL_IDS, FILE, TIMESTAMPS]

SESSION_UUID = "6894eb36-416e-469e-8788-9a0a2b8f3a8d"
FILE_UUID = "228b97bc-aa04-4036-8450-3106bc7684bb"


def _published_identifiers() -> set[str]:
    return {
        entry.identifier
        for entry in versions(kind=DocumentKind.JSON_SCHEMA)
        if entry.version_tuple < (2, 0, 0)
    }


def test_oracle_covers_every_published_identifier() -> None:
    assert set(PUBLISHED) == _published_identifiers()


@pytest.mark.parametrize("identifier", sorted(PUBLISHED))
def test_schema_agrees_with_oracle_in_every_format_mode(identifier: str) -> None:
    seen: Counter[tuple[str, bool]] = Counter()

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(document=documents(identifier))
    def agree(document: Json) -> None:
        for mode in FORMAT_NAMES:
            expected = verdict(identifier, document, mode)
            got = validator_for(identifier, formats=mode).is_valid(document)
            assert got == expected, f"format mode {mode!r}: schema says {got}, oracle {expected}"
        kind = document.get("type") if isinstance(document, dict) else None
        seen[str(kind), verdict(identifier, document)] += 1

    agree()
    # The generator must keep reaching both sides of the boundary for both branches.
    for kind in ("Feature", "Collection"):
        assert seen[kind, True] >= 10, seen
        assert seen[kind, False] >= 10, seen


@pytest.mark.parametrize("identifier", sorted(PUBLISHED))
def test_schema_agrees_with_oracle_on_every_single_defect(identifier: str) -> None:
    disagreements: list[tuple[str, str]] = []
    verdicts: Counter[bool] = Counter()
    for label, document in single_defects(identifier):
        for mode in FORMAT_NAMES:
            expected = verdict(identifier, document, mode)
            verdicts[expected] += 1
            if validator_for(identifier, formats=mode).is_valid(document) != expected:
                disagreements.append((mode, label))
    assert not disagreements
    assert verdicts[True] >= 50
    assert verdicts[False] >= 50


# --- worked examples ---------------------------------------------------------------------------


def _cadip_properties(identifier: str) -> dict[str, Json]:
    minor = int(identifier.split("/v1.")[1][0])
    properties: dict[str, Json] = {"datetime": "2024-11-14T14:31:11Z"}
    if minor >= 4:
        properties["externalIds"] = [{"scheme": "cadip", "value": SESSION_UUID}]
    else:
        properties["cadip:id"] = SESSION_UUID
    properties["cadip:acquisition_id"] = "565521" if minor >= 2 else 565521
    return properties


def _cadip_asset(identifier: str) -> dict[str, Json]:
    asset: dict[str, Json] = {"href": "DSDB_00001.raw", "roles": ["cadu"]}
    if identifier == CADIP_14:
        asset["externalIds"] = [{"scheme": "cadip", "value": FILE_UUID}]
    else:
        asset["cadip:id"] = FILE_UUID
    return asset | {"cadip:channel": 1, "cadip:block_number": 1, "cadip:final_block": False}


def _declaration(identifier: str) -> list[Json]:
    return [identifier, *COMPANIONS] if identifier == CADIP_14 else [identifier]


def item(identifier: str, **changes: Json) -> dict[str, Json]:
    """A minimal valid Item for ``identifier``; ``changes`` replace (or, as None, drop) members."""
    if "cadip" in identifier:
        properties = _cadip_properties(identifier)
        assets: dict[str, Json] = {"DSDB_00001.raw": _cadip_asset(identifier)}
    elif "auxip" in identifier:
        properties = {"auxip:id": SESSION_UUID}
        assets = {"file.EOF": {"href": "f.EOF"}}
    else:
        properties = {"owner": "bob"}
        assets = {"data": {"href": "d.tif"}}
    document: dict[str, Json] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": _declaration(identifier),
        "id": "item",
        "geometry": None,
        "properties": properties,
        "assets": assets,
    }
    return _apply(document, changes)


def collection(identifier: str, **changes: Json) -> dict[str, Json]:
    """A Collection declaring ``identifier`` that uses no field yet (so it is invalid as is)."""
    document: dict[str, Json] = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "stac_extensions": _declaration(identifier),
        "id": "collection",
        "description": "d",
        "license": "other",
    }
    return _apply(document, changes)


def _apply(document: dict[str, Json], changes: dict[str, Json]) -> dict[str, Json]:
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def with_properties(identifier: str, **fields: Json) -> dict[str, Json]:
    """A minimal valid Item whose properties get ``fields`` added or replaced."""
    document = item(identifier)
    document["properties"].update(fields)
    return document


def with_asset_fields(identifier: str, **fields: Json) -> dict[str, Json]:
    """A minimal valid Item whose only asset gets ``fields`` added or replaced."""
    document = item(identifier)
    next(iter(document["assets"].values())).update(fields)
    return document


def without_asset_field(identifier: str, key: str) -> dict[str, Json]:
    """A minimal valid Item whose only asset lacks ``key``."""
    document = item(identifier)
    del next(iter(document["assets"].values()))[key]
    return document


ALL = ("draft7", "none", "all")
VALID = dict.fromkeys(ALL, True)
INVALID = dict.fromkeys(ALL, False)
DATE_TIME_BAD = {"draft7": False, "none": True, "all": False}
UUID_BAD = {"draft7": True, "none": True, "all": False}

# (label, identifier, document builder, expected verdict per format mode)
Case = tuple[str, str, Callable[[], Json], dict[str, bool]]
CASES: list[Case] = [
    # §1.1 envelope: only Items and Collections.
    ("auxip baseline Item", AUXIP_11, lambda: item(AUXIP_11), VALID),
    ("cadip v1.4.0 baseline Item", CADIP_14, lambda: item(CADIP_14), VALID),
    ("ownership baseline Item", OWNER_11, lambda: item(OWNER_11), VALID),
    (
        "§4.4.3 Catalog with a string owner",
        OWNER_11,
        lambda: collection(OWNER_11, type="Catalog", owner="alice"),
        INVALID,
    ),
    (
        "FeatureCollection",
        AUXIP_11,
        lambda: item(AUXIP_11, type="FeatureCollection"),
        INVALID,
    ),
    ("no type member", AUXIP_11, lambda: item(AUXIP_11, type=None), INVALID),
    ("non-object document", AUXIP_11, lambda: [item(AUXIP_11)], INVALID),
    # §1.2 A: the declaration is exact.
    (
        "§2.4.3 v1.0.0 identifier under v1.1.0",
        AUXIP_11,
        lambda: item(AUXIP_11, stac_extensions=[AUXIP_10]),
        INVALID,
    ),
    (
        "§2.4.3 v1.1.0 identifier under v1.0.0",
        AUXIP_10,
        lambda: item(AUXIP_10, stac_extensions=[AUXIP_11]),
        INVALID,
    ),
    (
        "other-host alias",
        CADIP_13,
        lambda: item(
            CADIP_13,
            stac_extensions=[CADIP_13.replace("home.rs-python.eu", "rs-python.github.io")],
        ),
        INVALID,
    ),
    (
        "alias of v1.0.0 on home host",
        OWNER_10,
        lambda: item(
            OWNER_10, stac_extensions=[OWNER_10.replace("rs-python.github.io", "home.rs-python.eu")]
        ),
        INVALID,
    ),
    (
        "trailing #",
        OWNER_11,
        lambda: item(OWNER_11, stac_extensions=[OWNER_11 + "#"]),
        INVALID,
    ),
    ("trailing /", OWNER_11, lambda: item(OWNER_11, stac_extensions=[OWNER_11 + "/"]), INVALID),
    (
        "trailing space",
        OWNER_11,
        lambda: item(OWNER_11, stac_extensions=[OWNER_11 + " "]),
        INVALID,
    ),
    (
        "http instead of https",
        OWNER_11,
        lambda: item(OWNER_11, stac_extensions=[OWNER_11.replace("https:", "http:")]),
        INVALID,
    ),
    (
        "non-strings, duplicates and order do not matter",
        AUXIP_10,
        lambda: item(AUXIP_10, stac_extensions=[5, None, AUXIP_10, {"a": 1}, AUXIP_10]),
        VALID,
    ),
    ("fields used but not declared", AUXIP_11, lambda: item(AUXIP_11, stac_extensions=[]), INVALID),
    ("no stac_extensions", AUXIP_11, lambda: item(AUXIP_11, stac_extensions=None), INVALID),
    (
        "stac_extensions is a string",
        AUXIP_11,
        lambda: item(AUXIP_11, stac_extensions=AUXIP_11),
        INVALID,
    ),
    # §1.2 B: Items.
    ("Item without assets", AUXIP_11, lambda: item(AUXIP_11, assets=None), INVALID),
    ("Item without properties", OWNER_11, lambda: item(OWNER_11, properties=None), INVALID),
    ("Item with empty assets", AUXIP_11, lambda: item(AUXIP_11, assets={}), VALID),
    ("cadip v1.4.0 Item with empty assets", CADIP_14, lambda: item(CADIP_14, assets={}), VALID),
    ("cadip v1.0.0 Item with empty assets", CADIP_10, lambda: item(CADIP_10, assets={}), VALID),
    ("assets is an array", AUXIP_11, lambda: item(AUXIP_11, assets=[]), INVALID),
    ("properties is an array", OWNER_11, lambda: item(OWNER_11, properties=[]), INVALID),
    (
        "bad auxip key at Item top level is ignored",
        AUXIP_11,
        lambda: item(AUXIP_11, **{"auxip:bogus": 1, "auxip:id": 5}),
        VALID,
    ),
    (
        "bad cadip key in links is ignored",
        CADIP_12,
        lambda: item(CADIP_12, links=[{"href": "x", "rel": "self", "cadip:bogus": 1}]),
        VALID,
    ),
    (
        "ownership: top-level owner does not stand in for properties.owner",
        OWNER_10,
        lambda: item(OWNER_10, owner="bob", properties={}),
        INVALID,
    ),
    (
        "ownership: asset owner is type-checked",
        OWNER_10,
        lambda: with_asset_fields(OWNER_10, owner=5),
        INVALID,
    ),
    (
        "auxip: bad auxip:id in an asset",
        AUXIP_10,
        lambda: with_asset_fields(AUXIP_10, **{"auxip:id": 5}),
        INVALID,
    ),
    # §1.2 C: Collections and their locations.
    ("Collection using no field", AUXIP_11, lambda: collection(AUXIP_11), INVALID),
    (
        "§2.4.2 summaries value never checked",
        AUXIP_11,
        lambda: collection(AUXIP_11, summaries={"auxip:id": 5}),
        VALID,
    ),
    ("summaries as an array", CADIP_11, lambda: collection(CADIP_11, summaries=[]), VALID),
    ("summaries as a string", OWNER_11, lambda: collection(OWNER_11, summaries="x"), VALID),
    ("empty summaries", AUXIP_11, lambda: collection(AUXIP_11, summaries={}), INVALID),
    (
        "§2.3 auxip Collection with only a top-level auxip:id",
        AUXIP_11,
        lambda: collection(AUXIP_11, **{"auxip:id": SESSION_UUID}),
        INVALID,
    ),
    (
        "cadip top-level keys neither required nor checked",
        CADIP_13,
        lambda: collection(CADIP_13, summaries={"cadip:antenna_id": 5}, **{"cadip:bogus": 1}),
        VALID,
    ),
    (
        "cadip summaries with an asset-only field only",
        CADIP_13,
        lambda: collection(CADIP_13, summaries={"cadip:channel": [1, 2]}),
        INVALID,
    ),
    (
        "cadip v1.4.0 summaries of externalIds",
        CADIP_14,
        lambda: collection(CADIP_14, summaries={"externalIds": []}),
        VALID,
    ),
    (
        "cadip v1.0.0 summaries of station_id (not yet declared)",
        CADIP_10,
        lambda: collection(CADIP_10, summaries={"cadip:station_id": ["INS_"]}),
        INVALID,
    ),
    (
        "one good Collection asset hides a bad one",
        AUXIP_11,
        lambda: collection(
            AUXIP_11,
            assets={"good": {"auxip:id": SESSION_UUID}, "bad": {"auxip:id": 5, "auxip:x": 1}},
        ),
        VALID,
    ),
    (
        "only a bad Collection asset",
        AUXIP_11,
        lambda: collection(AUXIP_11, assets={"bad": {"auxip:id": 5}}),
        INVALID,
    ),
    (
        "Collection asset without any field does not qualify",
        CADIP_13,
        lambda: collection(CADIP_13, assets={"a": {"href": "a"}}),
        INVALID,
    ),
    (
        "cadip Collection asset qualifies on cadip:retransfer alone",
        CADIP_13,
        lambda: collection(CADIP_13, assets={"a": {"cadip:retransfer": True}}),
        VALID,
    ),
    (
        "cadip Collection asset qualifies with session-only field plus an asset field",
        CADIP_12,
        lambda: collection(
            CADIP_12, item_assets={"a": {"cadip:channel": 2, "cadip:antenna_id": "TLR3"}}
        ),
        VALID,
    ),
    (
        "cadip Collection asset with a session-only field only",
        CADIP_12,
        lambda: collection(CADIP_12, assets={"a": {"cadip:antenna_id": "TLR3"}}),
        INVALID,
    ),
    (
        "item_assets location",
        OWNER_10,
        lambda: collection(OWNER_10, item_assets={"data": {"owner": "alice"}}),
        VALID,
    ),
    (
        "non-object assets location",
        OWNER_10,
        lambda: collection(OWNER_10, assets=[{"owner": "alice"}]),
        INVALID,
    ),
    (
        "ownership top-level owner",
        OWNER_11,
        lambda: collection(OWNER_11, owner="alice"),
        VALID,
    ),
    (
        "ownership top-level owner of the wrong type",
        OWNER_11,
        lambda: collection(OWNER_11, owner=5),
        INVALID,
    ),
    (
        "§4.4.1 bad top-level owner hidden by summaries",
        OWNER_11,
        lambda: collection(OWNER_11, owner=5, summaries={"owner": ["alice"]}),
        VALID,
    ),
    # §1.3 closed prefix.
    (
        "undeclared cadip:session_id in properties",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:session_id": "x"}),
        INVALID,
    ),
    (
        "undeclared cadip key in an asset",
        CADIP_13,
        lambda: with_asset_fields(CADIP_13, **{"cadip:downlink_orbit": 1}),
        INVALID,
    ),
    (
        "other casing of the prefix is unconstrained",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"CADIP:id": 5, "Cadip:x": None}),
        VALID,
    ),
    ("bare prefix key", CADIP_11, lambda: with_properties(CADIP_11, **{"cadip:": 1}), INVALID),
    (
        "bare auxip prefix key",
        AUXIP_10,
        lambda: with_properties(AUXIP_10, **{"auxip:": 1}),
        INVALID,
    ),
    (
        "cadip:id removed in v1.4.0",
        CADIP_14,
        lambda: with_properties(CADIP_14, **{"cadip:id": SESSION_UUID}),
        INVALID,
    ),
    (
        "externalIds unconstrained before v1.4.0",
        CADIP_13,
        lambda: with_properties(CADIP_13, externalIds=5),
        VALID,
    ),
    (
        "ownership has no closure",
        OWNER_10,
        lambda: with_properties(OWNER_10, **{"owner:x": 1, "ownership:y": 2}),
        VALID,
    ),
    ("§4.4.2 empty owner", OWNER_10, lambda: with_properties(OWNER_10, owner=""), VALID),
    ("owner is null", OWNER_10, lambda: with_properties(OWNER_10, owner=None), INVALID),
    # §1.4 draft-07 types and bounds.
    (
        "v1.3.0 acquisition_id 5.0 counts as an integer",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:acquisition_id": 5.0}),
        VALID,
    ),
    (
        "v1.3.0 acquisition_id 5.5",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:acquisition_id": 5.5}),
        INVALID,
    ),
    (
        "v1.4.0 acquisition_id true",
        CADIP_14,
        lambda: with_properties(CADIP_14, **{"cadip:acquisition_id": True}),
        INVALID,
    ),
    (
        "v1.0.0 acquisition_id as a string",
        CADIP_10,
        lambda: with_properties(CADIP_10, **{"cadip:acquisition_id": "565521"}),
        INVALID,
    ),
    (
        "v1.1.0 acquisition_id 5.5 (a number)",
        CADIP_11,
        lambda: with_properties(CADIP_11, **{"cadip:acquisition_id": 5.5}),
        VALID,
    ),
    (
        "v1.1.0 acquisition_id true",
        CADIP_11,
        lambda: with_properties(CADIP_11, **{"cadip:acquisition_id": True}),
        INVALID,
    ),
    (
        "v1.2.0 acquisition_id must be a string",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:acquisition_id": 565521}),
        INVALID,
    ),
    (
        "num_channels 2.5 passes (fractions are numbers)",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:num_channels": 2.5}),
        VALID,
    ),
    (
        "num_channels 4.5",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:num_channels": 4.5}),
        INVALID,
    ),
    (
        "num_channels true",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:num_channels": True}),
        INVALID,
    ),
    (
        "channel 0.5 in an asset",
        CADIP_13,
        lambda: with_asset_fields(CADIP_13, **{"cadip:channel": 0.5}),
        INVALID,
    ),
    (
        "block_number 1.5 passes",
        CADIP_13,
        lambda: with_asset_fields(CADIP_13, **{"cadip:block_number": 1.5}),
        VALID,
    ),
    (
        "block_number 0",
        CADIP_13,
        lambda: with_asset_fields(CADIP_13, **{"cadip:block_number": 0}),
        INVALID,
    ),
    (
        "station_unit_id counts code points",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:station_unit_id": "ÅÄ"}),
        VALID,
    ),
    (
        "station_unit_id of three characters",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:station_unit_id": "000"}),
        INVALID,
    ),
    (
        "station_id of four non-ASCII code points",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:station_id": "ÅÄÖÜ"}),
        VALID,
    ),
    (
        "station_id with a trailing line feed",
        CADIP_12,
        lambda: with_properties(CADIP_12, **{"cadip:station_id": "INS_\n"}),
        INVALID,
    ),
    (
        "station_id before v1.2.0",
        CADIP_11,
        lambda: with_properties(CADIP_11, **{"cadip:station_id": "INS_"}),
        INVALID,
    ),
    (
        "antenna_id null",
        CADIP_11,
        lambda: with_properties(CADIP_11, **{"cadip:antenna_id": None}),
        INVALID,
    ),
    (
        "session fields accepted in assets",
        CADIP_11,
        lambda: with_asset_fields(CADIP_11, **{"cadip:antenna_status_ok": True}),
        VALID,
    ),
    (
        "asset fields accepted in properties",
        CADIP_11,
        lambda: with_properties(CADIP_11, **{"cadip:final_block": True}),
        VALID,
    ),
    (
        "asset lacks cadip:final_block",
        CADIP_11,
        lambda: without_asset_field(CADIP_11, "cadip:final_block"),
        INVALID,
    ),
    (
        "asset lacks externalIds",
        CADIP_14,
        lambda: without_asset_field(CADIP_14, "externalIds"),
        INVALID,
    ),
    # §1.4 formats.
    (
        "§2.4.1 auxip:id not a uuid",
        AUXIP_11,
        lambda: with_properties(AUXIP_11, **{"auxip:id": "not-a-uuid"}),
        UUID_BAD,
    ),
    (
        "uuid with braces",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:id": "{" + SESSION_UUID + "}"}),
        UUID_BAD,
    ),
    (
        "uuid with urn prefix",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:id": "urn:uuid:" + SESSION_UUID}),
        UUID_BAD,
    ),
    (
        "uuid without hyphens",
        AUXIP_10,
        lambda: with_properties(AUXIP_10, **{"auxip:id": SESSION_UUID.replace("-", "")}),
        UUID_BAD,
    ),
    (
        "upper-case uuid",
        AUXIP_10,
        lambda: with_properties(AUXIP_10, **{"auxip:id": SESSION_UUID.upper()}),
        VALID,
    ),
    (
        "Feb 30",
        CADIP_10,
        lambda: with_properties(CADIP_10, **{"cadip:planned_data_start": "2025-02-30T00:00:00Z"}),
        DATE_TIME_BAD,
    ),
    (
        "second 60",
        CADIP_10,
        lambda: with_properties(CADIP_10, **{"cadip:planned_data_stop": "2016-12-31T23:59:60Z"}),
        DATE_TIME_BAD,
    ),
    (
        "space separator",
        CADIP_14,
        lambda: with_properties(CADIP_14, **{"cadip:planned_data_stop": "2025-01-01 00:00:00Z"}),
        DATE_TIME_BAD,
    ),
    (
        "lower-case t and z",
        CADIP_14,
        lambda: with_properties(CADIP_14, **{"cadip:planned_data_stop": "2025-01-01t00:00:00z"}),
        VALID,
    ),
    (
        "no offset",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:planned_data_start": "2025-01-01T00:00:00"}),
        DATE_TIME_BAD,
    ),
    (
        "no seconds",
        CADIP_13,
        lambda: with_properties(CADIP_13, **{"cadip:planned_data_start": "2025-01-01T00:00Z"}),
        DATE_TIME_BAD,
    ),
    (
        "fraction and numeric offset",
        CADIP_13,
        lambda: with_properties(
            CADIP_13, **{"cadip:planned_data_start": "2025-01-01T00:00:00.123456+05:30"}
        ),
        VALID,
    ),
    # §3.3 externalIds and §3.5.
    (
        "§3.5.1 externalIds with a doi entry",
        CADIP_14,
        lambda: with_properties(
            CADIP_14,
            externalIds=[
                {"scheme": "cadip", "value": SESSION_UUID},
                {"scheme": "doi", "value": "10.1/x"},
            ],
        ),
        INVALID,
    ),
    (
        "§3.5.2 thumbnail asset without cadip fields",
        CADIP_14,
        lambda: item(
            CADIP_14,
            assets={"DSDB_00001.raw": _cadip_asset(CADIP_14), "thumbnail": {"href": "t.png"}},
        ),
        INVALID,
    ),
    (
        "§3.5.3 file companion over http",
        CADIP_14,
        lambda: item(
            CADIP_14,
            stac_extensions=[CADIP_14, EXTERNAL_IDS, FILE.replace("https:", "http:"), TIMESTAMPS],
        ),
        INVALID,
    ),
    (
        "§3.5.3 file companion missing",
        CADIP_14,
        lambda: item(CADIP_14, stac_extensions=[CADIP_14, EXTERNAL_IDS, TIMESTAMPS]),
        INVALID,
    ),
    (
        "companion on another host",
        CADIP_14,
        lambda: item(
            CADIP_14,
            stac_extensions=[CADIP_14, EXTERNAL_IDS, FILE, TIMESTAMPS.replace(".io", ".com")],
        ),
        INVALID,
    ),
    (
        "companion version segment with a slash",
        CADIP_14,
        lambda: item(
            CADIP_14,
            stac_extensions=[
                CADIP_14,
                EXTERNAL_IDS,
                "https://stac-extensions.github.io/file/v2/beta/schema.json",
                TIMESTAMPS,
            ],
        ),
        VALID,
    ),
    (
        "companion with one trailing line feed (Python $)",
        CADIP_14,
        lambda: item(CADIP_14, stac_extensions=[CADIP_14, EXTERNAL_IDS, FILE, TIMESTAMPS + "\n"]),
        VALID,
    ),
    (
        "companions required on Collections",
        CADIP_14,
        lambda: collection(
            CADIP_14, stac_extensions=[CADIP_14], summaries={"cadip:antenna_id": "TLR3"}
        ),
        INVALID,
    ),
    (
        "companions not required before v1.4.0",
        CADIP_13,
        lambda: item(CADIP_13, stac_extensions=[CADIP_13]),
        VALID,
    ),
    (
        "empty externalIds",
        CADIP_14,
        lambda: with_properties(CADIP_14, externalIds=[]),
        INVALID,
    ),
    (
        "externalIds entry without value",
        CADIP_14,
        lambda: with_properties(CADIP_14, externalIds=[{"scheme": "cadip"}]),
        INVALID,
    ),
    (
        "externalIds entry that is not an object",
        CADIP_14,
        lambda: with_asset_fields(CADIP_14, externalIds=[SESSION_UUID]),
        INVALID,
    ),
    (
        "externalIds entry with extra members, two cadip entries",
        CADIP_14,
        lambda: with_properties(
            CADIP_14,
            externalIds=[
                {"scheme": "cadip", "value": SESSION_UUID, "note": 1},
                {"scheme": "cadip", "value": SESSION_UUID},
            ],
        ),
        VALID,
    ),
    (
        "externalIds value not a uuid",
        CADIP_14,
        lambda: with_properties(CADIP_14, externalIds=[{"scheme": "cadip", "value": "x"}]),
        UUID_BAD,
    ),
    (
        "externalIds value not a string",
        CADIP_14,
        lambda: with_properties(CADIP_14, externalIds=[{"scheme": "cadip", "value": 5}]),
        INVALID,
    ),
]


@pytest.mark.parametrize("mode", ALL)
@pytest.mark.parametrize(
    ("label", "identifier", "build", "expected"), CASES, ids=[case[0] for case in CASES]
)
def test_worked_example(
    label: str,
    identifier: str,
    build: Callable[[], Json],
    expected: dict[str, bool],
    mode: FormatName,
) -> None:
    document = build()
    assert validator_for(identifier, formats=mode).is_valid(document) is expected[mode], label
    assert verdict(identifier, document, mode) is expected[mode], "oracle disagrees with SPEC"


@pytest.mark.parametrize("mode", ALL)
def test_upstream_examples_are_valid_under_the_version_they_declare(
    upstream: Path, mode: FormatName
) -> None:
    examples = sorted(upstream.glob("*/examples/*.json"))
    assert examples
    for path in examples:
        document = json.loads(path.read_text(encoding="utf-8"))
        declared = [url for url in document["stac_extensions"] if url in PUBLISHED]
        assert declared, path.name
        for identifier in declared:
            assert validator_for(identifier, formats=mode).is_valid(document), path.name
            assert verdict(identifier, document, mode), path.name
