"""The pystac hooks of auxip, cadip and ownership.

Discovery through the entry point, migration from every published version and spelling, and
lossless reading of the upstream examples.
"""

from __future__ import annotations

import copy
import json
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pystac
import pytest
from pystac.serialization import identify_stac_object
from pystac.utils import str_to_datetime

from rs_stac_ext import schemas
from rs_stac_ext.pystac_ext import auxip, cadip, migrate, ownership
from rs_stac_ext.pystac_ext.migrate import MigrationWarning
from rs_stac_ext.schemas._catalog import ExtensionVersion

UPSTREAM = Path(__file__).resolve().parents[1].parent / "shared" / "upstream"
EXAMPLES = sorted(UPSTREAM.glob("*/examples/*.json")) if UPSTREAM.is_dir() else []

MODULES: dict[str, ModuleType] = {"auxip": auxip, "cadip": cadip, "ownership": ownership}
HOOKS = {
    "auxip": auxip.AUXIP_EXTENSION_HOOKS,
    "cadip": cadip.CADIP_EXTENSION_HOOKS,
    "ownership": ownership.OWNERSHIP_EXTENSION_HOOKS,
}
EXTRA_TYPES = {"auxip": set(), "cadip": set(), "ownership": {pystac.STACObjectType.CATALOG}}

SESSION_UUID = "6894eb36-416e-469e-8788-9a0a2b8f3a8d"
FILE_UUID = "bba71884-5c9c-4d4b-8986-1a428b87b441"
AUXIP_UUID = "2e25ea88-ab33-11ef-8630-fa163e75e309"
V14_COMPANIONS = [
    "https://stac-extensions.github.io/external-ids/v1.0.0/schema.json",
    "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "https://stac-extensions.github.io/timestamps/v1.1.0/schema.json",
]


def _older(extension: str) -> list[tuple[ExtensionVersion, str]]:
    """Every (version, spelling) a reader must upgrade: older versions and every alias."""
    newest = schemas.newest(extension)
    found: list[tuple[ExtensionVersion, str]] = []
    for entry in schemas.versions(extension):
        spellings = entry.aliases if entry == newest else (entry.identifier, *entry.aliases)
        found.extend((entry, spelling) for spelling in spellings)
    return found


def _ids(cases: list[tuple[ExtensionVersion, str]]) -> list[str]:
    return [
        f"{entry.version}-{'canonical' if uri == entry.identifier else uri.split('/')[2]}"
        for entry, uri in cases
    ]


def _item(uri: str, properties: dict[str, Any], assets: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "stac_version": "1.0.0",
        "stac_extensions": [uri],
        "id": "doc",
        "geometry": None,
        "properties": {"datetime": "2024-11-14T14:31:11.032Z", **properties},
        "assets": assets,
        "links": [],
    }


def _collection(uri: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "Collection",
        "stac_version": "1.0.0",
        "stac_extensions": [uri],
        "id": "doc",
        "description": "a collection",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2024-01-01T00:00:00Z", None]]},
        },
        "links": [],
        **fields,
    }


def _catalog(uri: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "Catalog",
        "stac_version": "1.0.0",
        "stac_extensions": [uri],
        "id": "doc",
        "description": "a catalog",
        "links": [],
        **fields,
    }


def _canonical(document: dict[str, Any], entry: ExtensionVersion) -> dict[str, Any]:
    """The same document declaring the canonical spelling (aliases are not valid declarations)."""
    swapped = copy.deepcopy(document)
    swapped["stac_extensions"] = [
        entry.identifier if schemas.is_known(uri) else uri for uri in swapped["stac_extensions"]
    ]
    return swapped


def _read(document: dict[str, Any]) -> dict[str, Any]:
    """Read a document with pystac (hooks run) and write it back."""
    obj = pystac.read_dict(copy.deepcopy(document))
    written: dict[str, Any] = obj.to_dict(include_self_link=False, transform_hrefs=False)
    return written


def _assert_upgraded(written: dict[str, Any], extension: str) -> None:
    newest = MODULES[extension].SCHEMA_URI
    ours = [uri for uri in written["stac_extensions"] if schemas.is_known(uri)]
    assert ours == [newest]
    errors = [error.message for error in schemas.validator_for(newest).iter_errors(written)]
    assert errors == []


# ------------------------------------------------------------------------------------ discovery


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_entry_point_advertises_the_singleton(name: str) -> None:
    (point,) = [p for p in entry_points(group="pystac.extensions") if p.name == name]
    assert point.load() is HOOKS[name]


def test_pystac_discovers_the_hooks_when_reading() -> None:
    pystac.Item.from_dict(_item("https://example.com/none/v1.0.0/schema.json", {}, {}))
    for name, hooks in HOOKS.items():
        assert pystac.EXTENSION_HOOKS.hooks[MODULES[name].SCHEMA_URI] is hooks


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hooks_declarations_are_derived_from_the_catalog(name: str) -> None:
    hooks = HOOKS[name]
    assert hooks.schema_uri == schemas.newest(name).identifier
    assert hooks.prev_extension_ids == {uri for _, uri in _older(name)}
    expected = {pystac.STACObjectType.ITEM, pystac.STACObjectType.COLLECTION}
    assert hooks.stac_object_types == expected | EXTRA_TYPES[name]


# ------------------------------------------------------------------------------------- auxip


def _auxip_item(uri: str) -> dict[str, Any]:
    return _item(uri, {"auxip:id": AUXIP_UUID}, {"file": {"href": "https://x/$value"}})


@pytest.mark.parametrize(("entry", "uri"), _older("auxip"), ids=_ids(_older("auxip")))
def test_auxip_item_migrates_from_every_older_spelling(entry: ExtensionVersion, uri: str) -> None:
    document = _auxip_item(uri)
    if entry.version.startswith("v1."):
        assert schemas.validator_for(entry.identifier).is_valid(_canonical(document, entry))
    written = _read(document)
    _assert_upgraded(written, "auxip")
    assert written["properties"]["auxip:id"] == AUXIP_UUID


def test_auxip_removals_warn() -> None:
    document = _auxip_item(schemas.identifiers("auxip")[0])
    document["assets"]["file"]["auxip:id"] = AUXIP_UUID
    with pytest.warns(migrate.MigrationWarning, match=r"/assets/file/auxip:id"):
        written = _read(document)
    _assert_upgraded(written, "auxip")
    assert "auxip:id" not in written["assets"]["file"]


def test_auxip_collection_drops_fields_v2_forbids() -> None:
    v11 = schemas.identifiers("auxip")[1]
    document = _collection(
        v11,
        summaries={"auxip:id": [AUXIP_UUID], "platform": ["sentinel-1a"]},
        item_assets={"file": {"roles": ["data"], "auxip:id": AUXIP_UUID}},
    )
    assert schemas.validator_for(v11).is_valid(document)
    with pytest.warns(migrate.MigrationWarning) as caught:
        written = _read(document)
    (message,) = [str(w.message) for w in caught]
    assert "/summaries/auxip:id" in message
    assert "/item_assets/file/auxip:id" in message
    _assert_upgraded(written, "auxip")
    assert written["summaries"] == {"platform": ["sentinel-1a"]}


# ------------------------------------------------------------------------------------- cadip


def _cadip_item(entry: ExtensionVersion, uri: str) -> dict[str, Any]:
    """A small session Item as the given version wrote it."""
    major_minor = entry.version_tuple[:2]
    acquisition: Any = {
        (1, 0): 565521,  # a number in v1.0.0 and v1.1.0
        (1, 1): 565521.0,
        (1, 2): "565521",  # a string from v1.2.0
        (1, 3): 565521,  # string or integer in v1.3.0 and v1.4.0
        (1, 4): 565521,
    }.get(major_minor, "565521")
    session: dict[str, Any] = {
        "cadip:acquisition_id": acquisition,
        "cadip:num_channels": 2 if major_minor != (1, 1) else 2.0,
        "cadip:station_unit_id": "04",
        "cadip:planned_data_start": "2024-11-14T14:30:38.477Z",
        "cadip:retransfer": False,
    }
    dsdb: dict[str, Any] = {
        "href": f"https://cadip.example/Files({FILE_UUID})/$value",
        "roles": ["cadu"],
        "cadip:channel": 1,
        "cadip:block_number": 1,
        "cadip:final_block": True,
        "cadip:retransfer": False,
    }
    if major_minor >= (1, 2):
        session["cadip:station_id"] = "MTI_"
    if major_minor >= (1, 4):
        session["externalIds"] = [{"scheme": "cadip", "value": SESSION_UUID}]
        dsdb["externalIds"] = [{"scheme": "cadip", "value": FILE_UUID}]
    else:
        session["cadip:id"] = SESSION_UUID
        dsdb["cadip:id"] = FILE_UUID
    document = _item(uri, session, {"DCS_04_ch1_DSDB_00001.raw": dsdb})
    if major_minor >= (1, 4):
        document["stac_extensions"].extend(V14_COMPANIONS)
    return document


@pytest.mark.parametrize(("entry", "uri"), _older("cadip"), ids=_ids(_older("cadip")))
def test_cadip_item_migrates_from_every_older_spelling(entry: ExtensionVersion, uri: str) -> None:
    document = _cadip_item(entry, uri)
    if entry.version.startswith("v1."):
        assert schemas.validator_for(entry.identifier).is_valid(_canonical(document, entry))
    written = _read(document)
    _assert_upgraded(written, "cadip")
    item = pystac.Item.from_dict(written)
    session = cadip.CadipExtension.ext(item)
    assert (session.cadip_id, session.acquisition_id, session.num_channels) == (
        SESSION_UUID,
        "565521",
        2,
    )
    assert type(written["properties"]["cadip:num_channels"]) is int
    dsdb = cadip.CadipExtension.ext(item.assets["DCS_04_ch1_DSDB_00001.raw"])
    assert (dsdb.cadip_id, dsdb.channel, dsdb.final_block) == (FILE_UUID, 1, True)
    assert "cadip:id" not in written["properties"]


def test_cadip_downlink_orbit_moves_to_sat_without_warning() -> None:
    entry = schemas.versions("cadip")[0]
    document = _cadip_item(entry, entry.identifier)
    document["properties"]["cadip:downlink_orbit"] = 56552
    written = _read(document)
    assert written["properties"]["sat:absolute_orbit"] == 56552
    assert migrate.SAT_SCHEMA_URI in written["stac_extensions"]
    _assert_upgraded(written, "cadip")


def test_cadip_removals_warn() -> None:
    entry = schemas.versions("cadip")[0]
    document = _cadip_item(entry, entry.identifier)
    document["assets"]["DCS_04_ch1_DSDB_00001.raw"]["cadip:session_id"] = "S1A_1"
    document["properties"]["cadip:channel"] = 1
    with pytest.warns(migrate.MigrationWarning) as caught:
        written = _read(document)
    (message,) = [str(w.message) for w in caught]
    assert "'doc'" in message
    assert "/properties/cadip:channel" in message
    assert "/assets/DCS_04_ch1_DSDB_00001.raw/cadip:session_id" in message
    _assert_upgraded(written, "cadip")


def test_cadip_collection_migrates() -> None:
    v13 = schemas.identifiers("cadip")[3]
    document = _collection(
        v13,
        summaries={"cadip:acquisition_id": [565521, "53186_A1"], "cadip:retransfer": [False]},
        item_assets={"dsdb": {"roles": ["cadu"], "cadip:channel": 1.0}},
    )
    assert schemas.validator_for(v13).is_valid(document)
    written = _read(document)
    _assert_upgraded(written, "cadip")
    assert written["summaries"]["cadip:acquisition_id"] == ["565521", "53186_A1"]
    assert written["item_assets"]["dsdb"]["cadip:channel"] == 1
    summaries = cadip.CadipExtension.summaries(pystac.Collection.from_dict(written))
    assert summaries.retransfer == [False]


def test_cadip_collection_summary_of_uuids_is_removed_with_a_warning() -> None:
    document = _collection(
        schemas.identifiers("cadip")[0],
        summaries={"cadip:id": [SESSION_UUID], "cadip:num_channels": [2]},
    )
    with pytest.warns(migrate.MigrationWarning, match=r"/summaries/cadip:id"):
        written = _read(document)
    _assert_upgraded(written, "cadip")
    assert written["summaries"] == {"cadip:num_channels": [2]}


def _top_level_cases() -> list[tuple[str, dict[str, Any]]]:
    cadip_v11 = schemas.find_version(schemas.identifiers("cadip")[1])
    item = _cadip_item(cadip_v11, cadip_v11.identifier)
    item["cadip:station_unit_id"] = "00"
    auxip_item = _auxip_item(schemas.identifiers("auxip")[1])
    auxip_item["auxip:id"] = AUXIP_UUID
    collection = _collection(
        cadip_v11.identifier, summaries={"cadip:num_channels": [2]}, **{"cadip:antenna_id": "A"}
    )
    return [("cadip", item), ("auxip", auxip_item), ("cadip", collection)]


@pytest.mark.parametrize(
    ("extension", "document"), _top_level_cases(), ids=["cadip-item", "auxip-item", "cadip-coll"]
)
def test_top_level_prefixed_fields_do_not_survive(extension: str, document: dict[str, Any]) -> None:
    # v1 ignored prefixed keys at the top level of Items and Collections; v2 forbids them.
    entry = schemas.find_version(document["stac_extensions"][0])
    assert schemas.validator_for(entry.identifier).is_valid(document)
    with pytest.warns(MigrationWarning, match="allows no .* field here"):
        written = _read(document)
    _assert_upgraded(written, extension)


# --------------------------------------------------------------------------------- ownership


@pytest.mark.parametrize(("entry", "uri"), _older("ownership"), ids=_ids(_older("ownership")))
def test_ownership_migrates_from_every_older_spelling(entry: ExtensionVersion, uri: str) -> None:
    item = _item(uri, {"owner": "bob"}, {"data": {"href": "https://example.com/file.xyz"}})
    collection = _collection(uri, owner="alice", summaries={"owner": ["bob"]})
    for document in (item, collection):
        if entry.version.startswith("v1."):
            assert schemas.validator_for(entry.identifier).is_valid(_canonical(document, entry))
        _assert_upgraded(_read(document), "ownership")
    written = _read(_catalog(uri, owner="alice"))
    _assert_upgraded(written, "ownership")
    catalog = pystac.Catalog.from_dict(written)
    assert ownership.OwnershipExtension.ext(catalog).owner == "alice"


# ------------------------------------------------------------------------------- mechanics


def test_documents_without_our_extensions_are_untouched() -> None:
    document = _item(
        "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
        {"cadip:id": SESSION_UUID, "auxip:id": AUXIP_UUID, "owner": ""},
        {"a": {"href": "x", "cadip:session_id": "s"}},
    )
    document["stac_version"] = "1.1.0"
    info = identify_stac_object(document)
    for hooks in HOOKS.values():
        changed = copy.deepcopy(document)
        hooks.migrate(changed, info.version_range.latest_valid_version(), info)
        assert changed == document
    written = _read(document)
    assert written["properties"]["cadip:id"] == SESSION_UUID
    assert written["stac_extensions"] == document["stac_extensions"]


def test_newest_declaration_is_left_alone() -> None:
    document = _auxip_item(auxip.SCHEMA_URI)
    document["stac_version"] = "1.1.0"
    info = identify_stac_object(document)
    changed = copy.deepcopy(document)
    auxip.AUXIP_EXTENSION_HOOKS.migrate(changed, info.version_range.latest_valid_version(), info)
    assert changed == document


def test_old_and_new_declared_together_end_as_one_newest() -> None:
    entry = schemas.versions("cadip")[0]
    document = _cadip_item(entry, entry.identifier)
    document["stac_extensions"] += [*entry.aliases, cadip.SCHEMA_URI]
    _assert_upgraded(_read(document), "cadip")


def test_newest_with_a_trailing_hash_is_canonicalised() -> None:
    document = _collection(ownership.SCHEMA_URI + "#", owner="alice")
    _assert_upgraded(_read(document), "ownership")


def test_without_migration_the_classes_still_recognise_old_spellings() -> None:
    old = schemas.find_version(schemas.identifiers("cadip")[4])
    document = _cadip_item(old, old.aliases[0])
    item = pystac.Item.from_dict(document, migrate=False)
    assert item.stac_extensions[0] == old.aliases[0]
    session = cadip.CadipExtension.ext(item)
    assert session.cadip_id == SESSION_UUID
    cadip.CadipExtension.add_to(item)
    assert item.stac_extensions == [cadip.SCHEMA_URI, *V14_COMPANIONS]


# -------------------------------------------------------------------------------- upstream


def _written_matches_upgrade(original: dict[str, Any]) -> None:
    """Check that pystac writes back the upgraded document, apart from two normalisations."""
    expected = migrate.upgrade(original).document
    written = pystac.read_dict(copy.deepcopy(original)).to_dict(transform_hrefs=False)
    if expected["type"] == "Feature":
        # pystac parses `datetime` and writes its own RFC 3339 spelling of the same instant.
        before, after = expected["properties"]["datetime"], written["properties"]["datetime"]
        assert str_to_datetime(after) == str_to_datetime(before)
        written["properties"]["datetime"] = before
    elif not any(link["rel"] == "root" for link in expected["links"]):
        # A Catalog or Collection read on its own becomes its own root: pystac adds that link.
        root = written["links"].pop(0)
        (self_link,) = [link for link in expected["links"] if link["rel"] == "self"]
        assert root == {
            "rel": "root",
            "href": self_link["href"],
            "type": "application/json",
            **({"title": expected["title"]} if "title" in expected else {}),
        }
    assert written == expected


@pytest.mark.parametrize("path", EXAMPLES or [None], ids=lambda p: p and f"{p.parts[-3]}/{p.name}")
def test_upstream_examples_read_and_write_back_without_loss(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"upstream documents not found at {UPSTREAM}")
    original = json.loads(path.read_text(encoding="utf-8"))
    _written_matches_upgrade(original)
    written = _read(original)
    for name, module in MODULES.items():
        if module.SCHEMA_URI in written["stac_extensions"]:
            _assert_upgraded(written, name)
    assert any(module.SCHEMA_URI in written["stac_extensions"] for module in MODULES.values())
