"""pystac classes of the CADIP extension: session and file fields, summaries, declarations."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any, cast

import pystac
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext import schemas
from rs_stac_ext.pystac_ext import cadip
from rs_stac_ext.pystac_ext.cadip import (
    SCHEMA_URI,
    AssetCadipExtension,
    CadipExtension,
    ExternalId,
    ItemAssetsCadipExtension,
    ItemCadipExtension,
)
from rs_stac_ext.pystac_ext.migrate import EXTERNAL_IDS_SCHEMA_URI

SESSION_UUID = "6894eb36-416e-469e-8788-9a0a2b8f3a8d"
FILE_UUID = "bba71884-5c9c-4d4b-8986-1a428b87b441"
FILE_URI = "https://stac-extensions.github.io/file/v2.1.0/schema.json"
START = datetime(2024, 11, 14, 14, 30, 38, 477000, tzinfo=UTC)
STOP = datetime(2024, 11, 14, 14, 33, 22, 662000, tzinfo=UTC)


def _item(stac_extensions: list[str] | None = None) -> pystac.Item:
    return pystac.Item(
        id="S1A_20241114143038056552",
        geometry=None,
        bbox=None,
        datetime=datetime(2024, 11, 14, 14, 31, 11, 32000, tzinfo=UTC),
        properties={},
        stac_extensions=stac_extensions,
    )


def _collection(stac_extensions: list[str] | None = None) -> pystac.Collection:
    extent = pystac.Extent(
        pystac.SpatialExtent([[-180.0, -90.0, 180.0, 90.0]]),
        pystac.TemporalExtent([[START, None]]),
    )
    return pystac.Collection(
        id="s1_mti", description="sessions", extent=extent, stac_extensions=stac_extensions
    )


def _session() -> tuple[pystac.Item, ItemCadipExtension]:
    item = _item()
    return item, CadipExtension.ext(item, add_if_missing=True)


def _dsdb(item: pystac.Item, key: str = "ch1_DSDB_00001.raw") -> AssetCadipExtension:
    item.add_asset(key, pystac.Asset(href=f"https://cadip.example/Files({FILE_UUID})/$value"))
    return CadipExtension.ext(item.assets[key])


def test_constants_come_from_the_catalog() -> None:
    assert schemas.newest("cadip").identifier == SCHEMA_URI
    # The classes implement v2.0.0: a newer catalog entry needs new code, not just new data.
    assert schemas.find_version(SCHEMA_URI).version == "v2.0.0"
    assert list(cadip.SCHEMA_URIS) == schemas.identifiers("cadip")
    aliases = {alias for entry in schemas.versions("cadip") for alias in entry.aliases}
    assert set(cadip.ALIASES) == aliases
    assert cadip.PREFIX == "cadip:"
    assert cadip.EXTERNAL_IDS_PROP == "externalIds"
    # Every field the v2 schema declares has a constant, and nothing else does.
    schema = schemas.get_schema(SCHEMA_URI)["definitions"]
    declared = set(schema["item_fields"]["properties"]) | set(schema["asset_fields"]["properties"])
    constants = {value for name, value in vars(cadip).items() if name.endswith("_PROP")}
    assert constants == declared
    assert cadip.EXTERNAL_IDS_PROP in declared


def test_schema_uris_without_deprecation_warning() -> None:
    assert CadipExtension.get_schema_uri() == SCHEMA_URI
    assert CadipExtension.get_schema_uris() == list(cadip.SCHEMA_URIS)


def test_reprs() -> None:
    item, session = _session()
    assert repr(session) == "<ItemCadipExtension Item id=S1A_20241114143038056552>"
    asset = _dsdb(item)
    assert repr(asset) == (
        f"<AssetCadipExtension Asset href=https://cadip.example/Files({FILE_UUID})/$value>"
    )
    collection = _collection([SCHEMA_URI])
    definition = pystac.ItemAssetDefinition.create(
        title="DSDB file", description=None, media_type=None, roles=["cadu"]
    )
    collection.item_assets = {"dsdb": definition}
    assert repr(CadipExtension.ext(collection.item_assets["dsdb"])) == (
        "<ItemAssetsCadipExtension ItemAssetDefinition title='DSDB file'>"
    )
    assert repr(CadipExtension.summaries(collection)) == (
        "<SummariesCadipExtension Collection id=s1_mti>"
    )


SESSION_VALUES: list[tuple[str, str, Any, Any]] = [
    ("acquisition_id", cadip.ACQUISITION_ID_PROP, "565521", "565521"),
    ("num_channels", cadip.NUM_CHANNELS_PROP, 2, 2),
    ("station_id", cadip.STATION_ID_PROP, "KSE_", "KSE_"),
    ("station_unit_id", cadip.STATION_UNIT_ID_PROP, "04", "04"),
    ("antenna_id", cadip.ANTENNA_ID_PROP, "TLR3", "TLR3"),
    ("front_end_id", cadip.FRONT_END_ID_PROP, "DEM-KSPT-SENT-DFEP4", "DEM-KSPT-SENT-DFEP4"),
    ("planned_data_start", cadip.PLANNED_DATA_START_PROP, START, "2024-11-14T14:30:38.477000Z"),
    ("planned_data_stop", cadip.PLANNED_DATA_STOP_PROP, STOP, "2024-11-14T14:33:22.662000Z"),
    ("retransfer", cadip.RETRANSFER_PROP, False, False),
    ("antenna_status_ok", cadip.ANTENNA_STATUS_OK_PROP, True, True),
    ("front_end_status_ok", cadip.FRONT_END_STATUS_OK_PROP, False, False),
    ("downlink_status_ok", cadip.DOWNLINK_STATUS_OK_PROP, True, True),
    ("delivery_push_ok", cadip.DELIVERY_PUSH_OK_PROP, False, False),
]


@pytest.mark.parametrize(("attribute", "key", "value", "stored"), SESSION_VALUES)
def test_session_field_set_get_and_none_removes(
    attribute: str, key: str, value: Any, stored: Any
) -> None:
    item, session = _session()
    assert getattr(session, attribute) is None
    setattr(session, attribute, value)
    assert item.properties[key] == stored
    assert type(item.properties[key]) is type(stored)
    assert getattr(session, attribute) == value
    setattr(session, attribute, None)
    assert key not in item.properties
    assert getattr(session, attribute) is None


FILE_VALUES: list[tuple[str, str, Any]] = [
    ("channel", cadip.CHANNEL_PROP, 2),
    ("block_number", cadip.BLOCK_NUMBER_PROP, 19),
    ("final_block", cadip.FINAL_BLOCK_PROP, False),
    ("retransfer", cadip.RETRANSFER_PROP, True),
]


@pytest.mark.parametrize(("attribute", "key", "value"), FILE_VALUES)
def test_file_field_set_get_and_none_removes(attribute: str, key: str, value: Any) -> None:
    item, _ = _session()
    asset = _dsdb(item)
    assert getattr(asset, attribute) is None
    setattr(asset, attribute, value)
    assert item.assets["ch1_DSDB_00001.raw"].extra_fields[key] == value
    assert getattr(asset, attribute) == value
    setattr(asset, attribute, None)
    assert key not in item.assets["ch1_DSDB_00001.raw"].extra_fields
    assert key not in item.properties


def test_asset_reads_do_not_fall_back_to_the_session() -> None:
    item, session = _session()
    session.cadip_id = SESSION_UUID
    session.retransfer = True
    asset = _dsdb(item)
    assert asset.cadip_id is None
    assert asset.retransfer is None


def test_external_ids_property() -> None:
    item, session = _session()
    entries: list[ExternalId] = [{"scheme": "doi", "value": "10.1/x"}]
    session.external_ids = entries
    assert session.external_ids == entries
    entries.append({"scheme": "cadip", "value": SESSION_UUID})
    assert len(item.properties["externalIds"]) == 1, "the setter stores a copy"
    session.external_ids = None
    assert "externalIds" not in item.properties


def test_cadip_id_keeps_other_schemes_and_position() -> None:
    item, session = _session()
    session.cadip_id = SESSION_UUID
    assert item.properties["externalIds"] == [{"scheme": "cadip", "value": SESSION_UUID}]
    session.external_ids = [
        {"scheme": "doi", "value": "10.1/x"},
        cast(ExternalId, {"scheme": "cadip", "value": "old", "note": "kept"}),
        {"scheme": "cadip", "value": "duplicate"},
        {"scheme": "other", "value": "y"},
    ]
    assert session.cadip_id == "old"
    session.cadip_id = SESSION_UUID
    assert item.properties["externalIds"] == [
        {"scheme": "doi", "value": "10.1/x"},
        {"scheme": "cadip", "value": SESSION_UUID, "note": "kept"},
        {"scheme": "other", "value": "y"},
    ]
    session.cadip_id = None
    assert session.cadip_id is None
    assert item.properties["externalIds"] == [
        {"scheme": "doi", "value": "10.1/x"},
        {"scheme": "other", "value": "y"},
    ]
    session.external_ids = [{"scheme": "cadip", "value": SESSION_UUID}]
    session.cadip_id = None
    assert "externalIds" not in item.properties


schemes = st.text(alphabet="abcdefghij", min_size=1, max_size=6).filter(lambda s: s != "cadip")
entry_lists = st.lists(
    st.builds(lambda s, v: {"scheme": s, "value": v}, schemes, st.text(max_size=8)), max_size=5
)


@settings(max_examples=60)
@given(before=entry_lists, after=entry_lists, old=st.none() | st.text(max_size=8), new=st.uuids())
def test_cadip_id_setter_never_touches_other_schemes(
    before: list[dict[str, str]], after: list[dict[str, str]], old: str | None, new: Any
) -> None:
    item, session = _session()
    middle = [] if old is None else [{"scheme": "cadip", "value": old}]
    item.properties["externalIds"] = [*before, *middle, *after]
    session.cadip_id = str(new)
    entries = item.properties["externalIds"]
    assert [e for e in entries if e["scheme"] != "cadip"] == [*before, *after]
    assert [e["value"] for e in entries if e["scheme"] == "cadip"] == [str(new)]
    assert session.cadip_id == str(new)
    position = len(before) if old is not None else 0
    assert entries[position] == {"scheme": "cadip", "value": str(new)}


def test_session_apply_sets_required_and_removes_omitted() -> None:
    item, session = _session()
    session.antenna_id = "to be removed"
    session.apply(SESSION_UUID, "565521", num_channels=2, planned_data_start=START)
    assert item.properties == {
        "externalIds": [{"scheme": "cadip", "value": SESSION_UUID}],
        cadip.ACQUISITION_ID_PROP: "565521",
        cadip.NUM_CHANNELS_PROP: 2,
        cadip.PLANNED_DATA_START_PROP: "2024-11-14T14:30:38.477000Z",
    }
    with pytest.raises(TypeError):
        session.apply(SESSION_UUID)  # type: ignore[call-arg]


def test_file_apply_sets_required_fields() -> None:
    item, _ = _session()
    asset = _dsdb(item)
    asset.apply(FILE_UUID, 1, 19, True, retransfer=False)
    assert item.assets["ch1_DSDB_00001.raw"].extra_fields == {
        "externalIds": [{"scheme": "cadip", "value": FILE_UUID}],
        cadip.CHANNEL_PROP: 1,
        cadip.BLOCK_NUMBER_PROP: 19,
        cadip.FINAL_BLOCK_PROP: True,
        cadip.RETRANSFER_PROP: False,
    }
    with pytest.raises(TypeError):
        asset.apply(FILE_UUID, 1, 19)  # type: ignore[call-arg]


def test_is_dsdb_file() -> None:
    item, _ = _session()
    asset = _dsdb(item)
    assert not asset.is_dsdb_file
    asset.retransfer = True
    asset.cadip_id = FILE_UUID
    assert not asset.is_dsdb_file, "only channel, block number and final block make a file"
    asset.final_block = False
    assert asset.is_dsdb_file
    assert cadip.is_dsdb_file(item.assets["ch1_DSDB_00001.raw"])
    thumbnail = pystac.Asset(href="thumb.png", roles=["thumbnail"])
    assert not cadip.is_dsdb_file(thumbnail)
    assert cadip.is_dsdb_file({"href": "x", "cadip:channel": 1})
    assert cadip.is_dsdb_file({"href": "x", "cadip:block_number": 1})
    assert not cadip.is_dsdb_file({"href": "x", "externalIds": [], "CADIP:channel": 1})
    definition = pystac.ItemAssetDefinition({"cadip:block_number": 1})
    assert cadip.is_dsdb_file(definition)


def test_built_session_validates_against_the_newest_schema() -> None:
    item, session = _session()
    assert item.stac_extensions == [SCHEMA_URI, EXTERNAL_IDS_SCHEMA_URI]
    session.apply(
        SESSION_UUID,
        "565521",
        num_channels=2,
        station_id="MTI_",
        station_unit_id="04",
        antenna_id="TLR3",
        front_end_id="DEM-KSPT-SENT-DFEP4",
        planned_data_start=START,
        planned_data_stop=STOP,
        retransfer=False,
        antenna_status_ok=True,
        front_end_status_ok=True,
        downlink_status_ok=True,
        delivery_push_ok=True,
    )
    for channel in (1, 2):
        _dsdb(item, f"ch{channel}_DSDB_00001.raw").apply(FILE_UUID, channel, 1, True)
    item.add_asset("thumbnail", pystac.Asset(href="thumb.png", roles=["thumbnail"]))
    document = item.to_dict(transform_hrefs=False)
    validator = schemas.validator_for(SCHEMA_URI)
    assert list(validator.iter_errors(document)) == []
    # A non-DSDB asset may carry the retransfer flag, but no session field and no lone file
    # field (one file field makes it a DSDB file, which then needs them all).
    document["assets"]["thumbnail"][cadip.RETRANSFER_PROP] = False
    assert validator.is_valid(document)
    for key, value in ((cadip.ANTENNA_ID_PROP, "TLR3"), (cadip.CHANNEL_PROP, 1)):
        broken = copy.deepcopy(document)
        broken["assets"]["thumbnail"][key] = value
        assert not validator.is_valid(broken), key


def test_without_external_ids_declared_the_item_is_invalid() -> None:
    item, session = _session()
    session.apply(SESSION_UUID, "565521")
    item.stac_extensions = [SCHEMA_URI]
    assert not schemas.validator_for(SCHEMA_URI).is_valid(item.to_dict(transform_hrefs=False))


def test_add_to_keeps_a_declared_external_ids_version() -> None:
    other_version = "https://stac-extensions.github.io/external-ids/v1.1.0/schema.json"
    item = _item([other_version])
    CadipExtension.add_to(item)
    assert item.stac_extensions == [other_version, SCHEMA_URI]
    collection = _collection()
    CadipExtension.add_to(collection)
    assert collection.stac_extensions == [SCHEMA_URI]


def test_round_trip_through_dicts() -> None:
    item, session = _session()
    session.apply(SESSION_UUID, "565521", planned_data_stop=STOP, retransfer=True)
    _dsdb(item).apply(FILE_UUID, 2, 3, False, retransfer=True)
    document = item.to_dict(transform_hrefs=False)
    again = pystac.Item.from_dict(document)
    assert again.to_dict(transform_hrefs=False) == document
    session_again = CadipExtension.ext(again)
    assert (session_again.cadip_id, session_again.planned_data_stop) == (SESSION_UUID, STOP)
    file_again = CadipExtension.ext(again.assets["ch1_DSDB_00001.raw"])
    assert (file_again.cadip_id, file_again.block_number, file_again.retransfer) == (
        FILE_UUID,
        3,
        True,
    )


def test_collection_assets_and_item_assets() -> None:
    collection = _collection()
    collection.add_asset("sample", pystac.Asset(href="sample.raw"))
    with pytest.raises(pystac.ExtensionNotImplemented):
        CadipExtension.ext(collection.assets["sample"])
    sample = CadipExtension.ext(collection.assets["sample"], add_if_missing=True)
    assert collection.stac_extensions == [SCHEMA_URI]
    sample.apply(FILE_UUID, 1, 1, False)
    collection.item_assets = {"dsdb": pystac.ItemAssetDefinition({"roles": ["cadu"]})}
    definition = CadipExtension.ext(collection.item_assets["dsdb"])
    assert isinstance(definition, ItemAssetsCadipExtension)
    definition.channel = 4
    definition.final_block = True
    summaries = CadipExtension.summaries(collection)
    summaries.channel = [1, 2]
    document = collection.to_dict(transform_hrefs=False)
    assert document["item_assets"]["dsdb"] == {
        "roles": ["cadu"],
        cadip.CHANNEL_PROP: 4,
        cadip.FINAL_BLOCK_PROP: True,
    }
    assert schemas.validator_for(SCHEMA_URI).is_valid(document)
    again = pystac.Collection.from_dict(document)
    assert again.to_dict(transform_hrefs=False) == document
    assert CadipExtension.ext(again.item_assets["dsdb"]).channel == 4


def test_asset_without_owner() -> None:
    orphan = pystac.Asset(href="orphan.raw")
    ext = CadipExtension.ext(orphan)
    ext.channel = 1
    assert orphan.extra_fields == {cadip.CHANNEL_PROP: 1}
    with pytest.raises(pystac.STACError):
        CadipExtension.ext(orphan, add_if_missing=True)


@pytest.mark.parametrize(
    "obj",
    [_collection([SCHEMA_URI]), pystac.Catalog(id="root", description="root"), object()],
    ids=["collection", "catalog", "object"],
)
def test_other_objects_raise_extension_type_error(obj: Any) -> None:
    with pytest.raises(pystac.ExtensionTypeError, match="CadipExtension does not apply"):
        CadipExtension.ext(obj)


def test_collection_error_hints_at_summaries() -> None:
    with pytest.raises(pystac.ExtensionTypeError, match=r"CadipExtension\.summaries"):
        CadipExtension.ext(cast(Any, _collection([SCHEMA_URI])))


SUMMARY_VALUES: list[tuple[str, str, Any, Any]] = [
    ("acquisition_id", cadip.ACQUISITION_ID_PROP, ["565521", "53186_A1"], None),
    ("num_channels", cadip.NUM_CHANNELS_PROP, [1, 2], None),
    ("station_id", cadip.STATION_ID_PROP, ["MTI_", "INS_"], None),
    ("station_unit_id", cadip.STATION_UNIT_ID_PROP, ["00", "04"], None),
    ("antenna_id", cadip.ANTENNA_ID_PROP, ["TLR3"], None),
    ("front_end_id", cadip.FRONT_END_ID_PROP, ["DEM-KSPT-SENT-DFEP4"], None),
    (
        "planned_data_start",
        cadip.PLANNED_DATA_START_PROP,
        pystac.RangeSummary(START, STOP),
        {"minimum": "2024-11-14T14:30:38.477000Z", "maximum": "2024-11-14T14:33:22.662000Z"},
    ),
    (
        "planned_data_stop",
        cadip.PLANNED_DATA_STOP_PROP,
        pystac.RangeSummary(START, STOP),
        {"minimum": "2024-11-14T14:30:38.477000Z", "maximum": "2024-11-14T14:33:22.662000Z"},
    ),
    ("retransfer", cadip.RETRANSFER_PROP, [True, False], None),
    ("antenna_status_ok", cadip.ANTENNA_STATUS_OK_PROP, [True], None),
    ("front_end_status_ok", cadip.FRONT_END_STATUS_OK_PROP, [False], None),
    ("downlink_status_ok", cadip.DOWNLINK_STATUS_OK_PROP, [True, False], None),
    ("delivery_push_ok", cadip.DELIVERY_PUSH_OK_PROP, [True], None),
    ("channel", cadip.CHANNEL_PROP, [1, 2, 3, 4], None),
    (
        "block_number",
        cadip.BLOCK_NUMBER_PROP,
        pystac.RangeSummary(1, 19),
        {"minimum": 1, "maximum": 19},
    ),
    ("final_block", cadip.FINAL_BLOCK_PROP, [True, False], None),
]


@pytest.mark.parametrize(("attribute", "key", "value", "stored"), SUMMARY_VALUES)
def test_summaries_set_get_validate_and_none_removes(
    attribute: str, key: str, value: Any, stored: Any
) -> None:
    collection = _collection()
    summaries = CadipExtension.summaries(collection, add_if_missing=True)
    assert getattr(summaries, attribute) is None
    setattr(summaries, attribute, value)
    assert getattr(summaries, attribute) == value
    document = collection.to_dict(transform_hrefs=False)
    assert document["summaries"][key] == (value if stored is None else stored)
    assert schemas.validator_for(SCHEMA_URI).is_valid(document)
    again = pystac.Collection.from_dict(document)
    assert getattr(CadipExtension.summaries(again), attribute) == value
    setattr(summaries, attribute, None)
    assert key not in collection.to_dict(transform_hrefs=False).get("summaries", {})


def test_summaries_need_the_declaration() -> None:
    with pytest.raises(pystac.ExtensionNotImplemented):
        CadipExtension.summaries(_collection())


def test_summaries_v2_checks_values() -> None:
    collection = _collection([SCHEMA_URI])
    CadipExtension.summaries(collection).num_channels = [5]
    assert not schemas.validator_for(SCHEMA_URI).is_valid(collection.to_dict())


SPELLINGS = [*cadip.SCHEMA_URIS, *cadip.ALIASES]


@pytest.mark.parametrize("uri", SPELLINGS)
def test_has_extension_recognises_every_identifier_and_alias(uri: str) -> None:
    assert CadipExtension.has_extension(_item([uri]))
    assert CadipExtension.has_extension(_collection([f" {uri}# "]))
    assert cadip.CADIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri]})


@pytest.mark.parametrize(
    "uri",
    [
        "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json",
        "https://home.rs-python.eu/cadip-stac-extension/v1.5.0/schema.json",
        "https://rs-python.github.io/cadip-stac-extension/schema.json",
        EXTERNAL_IDS_SCHEMA_URI,
    ],
)
def test_has_extension_rejects_near_misses(uri: str) -> None:
    assert not CadipExtension.has_extension(_item([uri]))
    assert not cadip.CADIP_EXTENSION_HOOKS.has_extension({"stac_extensions": [uri, 5]})


@pytest.mark.parametrize("old", [*cadip.SCHEMA_URIS[:-1], *cadip.ALIASES])
def test_add_to_replaces_an_older_spelling_in_place(old: str) -> None:
    item = _item([FILE_URI, old, EXTERNAL_IDS_SCHEMA_URI, SCHEMA_URI])
    CadipExtension.add_to(item)
    assert item.stac_extensions == [FILE_URI, SCHEMA_URI, EXTERNAL_IDS_SCHEMA_URI]


def test_remove_from_removes_every_spelling_and_keeps_external_ids() -> None:
    item = _item([*SPELLINGS, EXTERNAL_IDS_SCHEMA_URI])
    CadipExtension.remove_from(item)
    assert item.stac_extensions == [EXTERNAL_IDS_SCHEMA_URI]
