"""OData records → STAC Items: the real pairs, the mock stations, generated records, errors."""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import UPSTREAM, load_json
from rs_stac_ext.stations.mapping import (
    MappedItem,
    MappingContext,
    MappingError,
    map_page,
    map_record,
    read_odata,
)
from rs_stac_ext.stations.mapping._common import (
    RS_VERSIONS,
    format_timestamp,
    newest_matches,
    parse_timestamp,
    rs_identifier,
)
from rs_stac_ext.stations.mapping._product import item_id
from rs_stac_ext.stations.missions import (
    PRODUCT_TYPES,
    SATELLITES,
    UnknownSatellite,
    eopf_product_type,
    legacy_product_types,
    satellite_by_code,
    satellite_by_platform,
    satellite_by_short_name,
    satellite_codes,
)
from rs_stac_ext.stations.registry import Station
from rs_stac_ext.validator.readers import InputDocument
from rs_stac_ext.validator.validation import DocumentReport, ValidationOptions, Validator

RS_SERVER = UPSTREAM / "rs-server"
# The real and mock CADIP data number every block 1 and list fewer channels than announced, with
# no final block: a session still arriving, which the rules report as warnings, not errors.
DATA_RULES: set[str] = set()
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
CADIP_V2 = "https://home.rs-python.eu/cadip-stac-extension/v2.0.0/schema.json"
CADIP_V14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"
AUXIP_V2 = "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json"
AUXIP_V11 = "https://home.rs-python.eu/auxip-stac-extension/v1.1.0/schema.json"
SAT = "https://stac-extensions.github.io/sat/v1.1.0/schema.json"
PRODUCT_EXT = "https://stac-extensions.github.io/product/v1.0.0/schema.json"
PROCESSING = "https://stac-extensions.github.io/processing/v1.2.0/schema.json"


@cache
def _validator() -> Validator:
    return Validator(ValidationOptions())


def check(item: dict[str, Any]) -> DocumentReport:
    """Validate one Item: core schema, our schemas, rules and lint."""
    return _validator().check(InputDocument("<mapped>", document=item))


def assert_valid(item: dict[str, Any], *, allowed: set[str] = frozenset()) -> DocumentReport:  # type: ignore[assignment]
    report = check(item)
    unexpected = [p for p in report.errors if p.keyword not in allowed]
    assert not unexpected, [f"{p.path}: {p.message}" for p in unexpected]
    assert not [p for p in report.warnings if p.keyword == "lint/undeclared-extension"]
    assert any("item-spec" in uri for uri in report.checked)
    assert {n.schema for n in report.not_checked} <= {
        uri
        for uri in item["stac_extensions"]
        if "stac-extensions.github.io" in uri or "cs-si" in uri
    }
    return report


def rs_server(path: str) -> Path:
    if not RS_SERVER.is_dir():
        pytest.skip(f"upstream rs-server data not found at {RS_SERVER}")
    return RS_SERVER / path


def items_of(results: list[MappedItem | MappingError]) -> list[MappedItem]:
    return [r for r in results if isinstance(r, MappedItem)]


def without_titles(links: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(link["rel"], link["type"], link["href"]) for link in links]


# ---------------------------------------------------------------------------------- real pairs


def test_cadip_2025_pair_is_reproduced_except_the_documented_differences() -> None:
    sessions = load_json(rs_server("2025/cadip_sessions_odata.json"))["value"]
    sessions[0]["AcquisitionId"] = "53186_A1"  # the session the expected Item was made from
    files = load_json(rs_server("2025/cadip_files_odata.json"))["value"]
    expected = load_json(rs_server("2025/cadip_session_item_expected.json"))
    context = MappingContext(
        station=Station("cadip", "cadip", "http://127.0.0.1:5000"),
        collection="cadip_session_by_id",
        base_url="http://testserver",
    )
    [result] = list(map_page("cadip", sessions, context=context, files=files))
    assert isinstance(result, MappedItem)
    assert result.problems == ()
    item = result.item
    for key in ("type", "id", "geometry", "collection", "stac_version"):
        assert item[key] == expected[key], key
    assert "bbox" not in item
    ours, theirs = dict(item["properties"]), dict(expected["properties"])
    # 8: end_datetime is DownlinkStop, not the latest file publication.
    assert ours.pop("end_datetime") == sessions[0]["DownlinkStop"]
    assert theirs.pop("end_datetime") == max(f["PublicationDate"] for f in files)
    # 9: no eopf:origin_datetime.
    assert "eopf:origin_datetime" in theirs
    theirs.pop("eopf:origin_datetime")
    assert ours == theirs
    assert list(item["assets"]) == list(expected["assets"])
    for key, asset in item["assets"].items():
        mine, old = dict(asset), dict(expected["assets"][key])
        assert mine.pop("expires") == old.pop("eviction_datetime")  # 4
        assert mine.pop("type") == "application/octet-stream"  # 11
        assert (mine.pop("roles"), old.pop("roles")) == (["data", "cadu"], ["cadu"])  # 11
        assert mine == old
    assert without_titles(item["links"]) == without_titles(expected["links"])  # 6
    assert all("title" not in link for link in item["links"])
    # 3, 7: cadip v2.0.0 instead of v1.4.0, and sat (used by sat:absolute_orbit) declared.
    assert set(item["stac_extensions"]) == (set(expected["stac_extensions"]) - {CADIP_V14}) | {
        CADIP_V2,
        SAT,
    }
    report = assert_valid(item, allowed=DATA_RULES)
    assert {p.keyword for p in report.errors} == DATA_RULES


def test_cadip_2025_pair_with_previous_versions_declares_what_the_old_server_did() -> None:
    sessions = load_json(rs_server("2025/cadip_sessions_odata.json"))["value"]
    files = load_json(rs_server("2025/cadip_files_odata.json"))["value"]
    expected = load_json(rs_server("2025/cadip_session_item_expected.json"))
    context = MappingContext(versions="previous")
    [result] = items_of(list(map_page("cadip", sessions, context=context, files=files)))
    assert set(result.item["stac_extensions"]) == set(expected["stac_extensions"]) | {SAT}
    report = assert_valid(result.item, allowed=DATA_RULES)
    assert CADIP_V14 in report.checked


def test_cadip_2024_pair_keeps_the_session_fields() -> None:
    page = read_odata(load_json(rs_server("2024-10/cadip_session_expand_files_odata.json")))
    expected = load_json(rs_server("2024-10/cadip_session_item_expected.json"))
    [result] = items_of(list(map_page("cadip", page.records)))
    item, session = result.item, page.records[0]
    assert item["id"] == expected["id"]
    ours, theirs = item["properties"], dict(expected["properties"])
    # 13: the acquisition id stays the string the station sent (2024 parsed it as 531861).
    assert (ours["cadip:acquisition_id"], theirs.pop("cadip:acquisition_id")) == ("53186_1", 531861)
    # 7: the session UUID is in externalIds, not cadip:id.
    assert ours["externalIds"] == [{"scheme": "cadip", "value": theirs.pop("cadip:id")}]
    # The platform is mapped (2024 wrote the raw code), datetime is the publication (as 2025).
    assert (ours["platform"], theirs.pop("platform")) == ("sentinel-1a", "S1A")
    assert ours["datetime"] == session["PublicationDate"]
    for key in ("datetime", "start_datetime", "end_datetime"):
        assert parse_timestamp(theirs.pop(key)) is not None
    assert ours["start_datetime"] == session["DownlinkStart"]
    assert ours["end_datetime"] == session["DownlinkStop"]
    assert {k: ours[k] for k in theirs} == theirs
    for key, asset in item["assets"].items():
        old = expected["assets"][key]
        assert "cadip:session_id" in old
        assert "cadip:session_id" not in asset  # 7
        assert (asset["file:size"], old["file:size"]) == (int(old["file:size"]), old["file:size"])
        assert asset["href"].startswith("Files(")  # no station: relative to the OData root
        for field in ("title", "cadip:retransfer", "cadip:final_block", "cadip:block_number"):
            assert asset[field] == old[field]
        assert asset["created"] == old["created"]
        assert asset["expires"] == old["eviction_datetime"]
    assert_valid(item, allowed=DATA_RULES)


def test_auxip_2025_pair_is_reproduced_except_the_documented_differences() -> None:
    odata = load_json(rs_server("2025/adgs_product_odata.json"))["value"]
    expected = load_json(rs_server("2025/adgs_item_expected.json"))
    context = MappingContext(
        station=Station("auxip", "adgs2", "http://127.0.0.1:5001"),
        collection="s2_adgs2_AUX_OBMEMC",
        base_url="http://testserver",
    )
    [result] = items_of(list(map_page("auxip", odata, context=context)))
    item, product = result.item, odata[0]
    for key in ("type", "id", "geometry", "collection"):
        assert item[key] == expected[key], key
    assert (item["stac_version"], expected["stac_version"]) == ("1.1.0", "1.0.0")  # 1
    ours, theirs = dict(item["properties"]), dict(expected["properties"])
    # The expected Item came from a newer answer whose dates are not available (see the README):
    # each date comes from the field the mapping tables name.
    sources = {
        "datetime": product["ContentDate"]["Start"],
        "start_datetime": product["ContentDate"]["Start"],
        "end_datetime": product["ContentDate"]["End"],
        "created": product["PublicationDate"],
        "published": product["PublicationDate"],
        "processing:datetime": "2021-02-21T00:00:00.000Z",
    }
    for key, source in sources.items():
        assert ours.pop(key) == source
        assert theirs.pop(key).endswith("T10:21:05.821Z")
    assert ours.pop("expires") == product["EvictionDate"]  # 4
    assert ours.pop("processing:version") == "3.0"  # 15
    assert ours == theirs
    [(key, asset)] = item["assets"].items()
    old = expected["assets"][key]
    assert key == product["Name"]
    assert asset["href"] == old["href"]
    assert (asset["type"], asset["file:size"]) == (old["type"], old["file:size"])
    assert asset["file:checksum"] == "d50110" + old["file:checksum"]  # 5
    assert "eviction_datetime" not in asset
    assert without_titles(item["links"]) == without_titles(expected["links"])
    assert set(item["stac_extensions"]) == (set(expected["stac_extensions"]) - {AUXIP_V11}) | {
        AUXIP_V2,
        PRODUCT_EXT,
        PROCESSING,
    }
    assert_valid(item)


def test_auxip_2024_pair_keeps_the_product_fields() -> None:
    page = read_odata(load_json(rs_server("2024-10/adgs_product_odata.json")))
    expected = load_json(rs_server("2024-10/adgs_item_expected.json"))
    [result] = items_of(list(map_page("auxip", page.records)))
    item = result.item
    assert item["id"] == item_id(expected["id"]) == expected["id"].removesuffix(".EOF")
    ours, theirs = item["properties"], expected["properties"]
    assert (ours["platform"], ours["constellation"]) == ("sentinel-1a", "sentinel-1")
    assert (theirs["platform"], theirs["constellation"]) == ("A", "SENTINEL-1")
    assert "instruments" not in ours  # 2024 leaked instruments: ["PLACEHOLDER"]
    for key in ("auxip:id", "published", "product:type", "processing:datetime"):
        assert ours[key] == theirs[key]
    for key in ("processing:facility", "product:type"):
        assert ours[key] == theirs[key]
    assert list(item["assets"]) == list(expected["assets"])
    assert_valid(item)
    previous = map_record("auxip", page.records[0], context=MappingContext(versions="previous"))
    assert AUXIP_V11 in assert_valid(previous.item).checked


def test_prip_2025_pair_is_reproduced_except_the_documented_differences() -> None:
    odata = load_json(rs_server("2025/prip_products_odata.json"))["value"]
    expected = load_json(rs_server("2025/prip_item_no_geometry_expected.json"))
    context = MappingContext(
        station=Station("prip", "s1a", "http://127.0.0.1:5000"),
        collection="S1A_L0_IW_RAW",
        base_url="http://testserver",
    )
    results = list(map_page("prip", odata, context=context))
    item = items_of(results)[1].item
    for key in ("type", "id", "geometry", "collection", "stac_version"):
        assert item[key] == expected[key], key
    assert "bbox" not in item
    ours, theirs = dict(item["properties"]), dict(expected["properties"])
    product_id = theirs.pop("prip:id")
    assert ours.pop("externalIds") == [{"scheme": "prip", "value": product_id}]  # 17
    assert theirs.pop("product:timeliness") is None  # 19
    assert theirs.pop("product:timeliness_category") is None
    assert ours.keys() == theirs.keys()
    for key, value in theirs.items():
        if isinstance(value, str) and parse_timestamp(value) is not None:
            assert ours[key] == value.replace("Z", ".000Z")  # 2
        else:
            assert ours[key] == value, key
    [(key, asset)] = item["assets"].items()
    old = expected["assets"][key]
    assert (asset["href"], asset["type"], asset["file:size"]) == (
        old["href"],
        old["type"],
        old["file:size"],
    )
    assert asset["file:checksum"] == "d50110" + old["file:checksum"]  # 5
    assert (asset["roles"], old["roles"]) == (["data"], ["data", "metadata"])  # 20
    assert old["eviction_datetime"].replace("Z", ".000Z") == item["properties"]["expires"]  # 4
    assert without_titles(item["links"]) == without_titles(expected["links"])
    assert_valid(item)


def test_prip_older_expected_item_geometry_and_dates() -> None:
    odata = load_json(rs_server("2025/prip_products_odata.json"))["value"]
    expected = load_json(rs_server("2025/prip_item_expected_older.json"))
    item = map_record("prip", odata[0]).item
    assert item["id"] == expected["id"] == "ABCD"
    assert item["geometry"] == expected["geometry"]
    assert item["bbox"] == [-1.0, 51.0, 0.0, 52.0]
    for key in ("datetime", "start_datetime", "end_datetime", "published"):
        assert item["properties"][key] == expected["properties"][key].replace("Z", ".000Z")
    assert (item["properties"]["platform"], item["properties"]["constellation"]) == (
        expected["properties"]["platform"],
        expected["properties"]["constellation"],
    )
    assert item["properties"]["product:type"] == "S01SIWRAW"  # EOPF name, as the 2025 server
    assert_valid(item)


# ------------------------------------------------------------------------- every upstream answer


def _answers() -> list[tuple[str, str]]:
    if not RS_SERVER.is_dir():
        return []
    found = []
    for path in sorted(RS_SERVER.glob("*/*.json")):
        name = path.name
        service = next((s for prefix, s in _SERVICE_PREFIXES if name.startswith(prefix)), None)
        if service is None or "expected" in name:
            continue
        found.append((service, str(path.relative_to(RS_SERVER))))
    return found


_SERVICE_PREFIXES = (
    ("cadip_session", "cadip"),
    ("adgs_product", "auxip"),
    ("prip_product", "prip"),
    ("lta_product", "lta"),
)


@pytest.mark.parametrize(("service", "path"), _answers() or [("none", "none")])
def test_every_upstream_odata_answer_maps_to_valid_items(service: Any, path: Any) -> None:
    if service == "none":
        pytest.skip("upstream rs-server data not found")
    page = read_odata(load_json(RS_SERVER / path))
    files = None
    if service == "cadip":
        sibling = (RS_SERVER / path).parent / (
            "cadip_files.json" if "mockup" in path else "cadip_files_odata.json"
        )
        files = read_odata(load_json(sibling)).records if sibling.exists() else None
    results = list(map_page(service, page.records, context=MappingContext(), files=files))
    assert len(results) == len(page.records)
    for result in results:
        if isinstance(result, MappingError):
            # Only records whose Id is not a GUID, which the auxip schemas cannot hold.
            assert (service, result.field) == ("auxip", "Id")
            continue
        assert_valid(result.item, allowed=DATA_RULES)
        for problem in result.problems:
            assert problem.field.endswith("/Id")
            assert "GUID" in problem.message


def test_mock_stations_map_with_only_the_bad_guids_reported() -> None:
    sessions = read_odata(load_json(rs_server("mockup/cadip_sessions.json"))).records
    files = read_odata(load_json(rs_server("mockup/cadip_files.json"))).records
    results = list(map_page("cadip", sessions, files=files))
    mapped = items_of(results)
    assert len(mapped) == len(sessions) == 5
    bad = {f["Id"] for f in files if not GUID.match(f["Id"])}
    reported = {p.message.rsplit("got ", 1)[1].strip("'") for m in mapped for p in m.problems}
    assert reported == bad
    assert len(bad) == 16
    assets = sum(len(m.item["assets"]) for m in mapped)
    assert assets == len(files) - len(bad)
    products = read_odata(load_json(rs_server("mockup/adgs_products.json"))).records
    results = list(map_page("auxip", products))
    errors = [r for r in results if isinstance(r, MappingError)]
    assert sorted(e.message.rsplit("got ", 1)[1] for e in errors) == ["'id2'", "'id3'"]
    assert all(e.record_id.startswith("S2__OPER_AUX_ECMWFD_PDMC_") for e in errors)
    assert len(items_of(results)) == 91


def test_realistic_prip_mock_product_fields() -> None:
    record = read_odata(load_json(rs_server("mockup/prip_products_s1a.json"))).records[0]
    station = Station("prip", "s1a", "http://127.0.0.1:8484/prip/s1a/odata/v1")
    item = map_record("prip", record, context=MappingContext(station=station)).item
    properties = item["properties"]
    assert item["id"] == "S1A_IW_RAW__0NSH_20220626T050533_20220626T051038_043829_053B7F_203C"
    assert list(item["assets"]) == [record["Name"]]
    assert item["assets"][record["Name"]]["href"] == (
        f"{station.root_url}/Products({record['Id']})/$value"
    )
    assert properties["sat:absolute_orbit"] == 43829
    assert properties["sat:orbit_state"] == "ascending"
    assert properties["sar:polarizations"] == ["HH"]
    assert properties["sar:instrument_mode"] == "IW"
    assert properties["processing:level"] == "RAW"
    assert properties["instruments"] == ["sar"]
    assert properties["eopf:datatake_id"] == "342911"
    assert properties["eopf:instrument_configuration_id"] == 7
    assert properties["created"] == properties["processing:datetime"] == "2022-06-26T06:11:22.535Z"
    assert item["bbox"] == [-63.105, -14.4245, -57.1309, 2.6367]
    assert_valid(item)


# ------------------------------------------------------------------------------- shared rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-05T07:22:04.051Z", "2020-01-05T07:22:04.051Z"),
        ("2024-08-01T00:00:00Z", "2024-08-01T00:00:00.000Z"),
        ("2020-01-05T09:22:04.051+02:00", "2020-01-05T07:22:04.051Z"),
        ("2020-01-05T00:22:04.5-07:00", "2020-01-05T07:22:04.500Z"),
        ("2020-01-05T07:22:04.0519999Z", "2020-01-05T07:22:04.051Z"),
        ("2020-01-05T07:22:04", "2020-01-05T07:22:04.000Z"),
        ("2020-01-05t07:22:04z", "2020-01-05T07:22:04.000Z"),
        ("0999-12-31T23:59:59.999Z", "0999-12-31T23:59:59.999Z"),
    ],
)
def test_one_timestamp_form(text: Any, expected: Any) -> None:
    parsed = parse_timestamp(text)
    assert parsed is not None
    assert format_timestamp(parsed) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2020-02-30T00:00:00Z",
        "2020-01-05 07:22:04Z",
        "2020-01-05",
        "2020-01-05T24:00:00Z",
        "2020-01-05T23:59:60Z",
        "2020-01-05T07:22:04+25:00",
        "2020-01-05T07:22Z",
        "9999-12-31T23:59:59-01:00",
        "\u0662\u0660\u0662\u0660-01-05T07:22:04Z",
        "",
    ],
)
def test_malformed_timestamps(text: Any) -> None:
    assert parse_timestamp(text) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "S1A_OPER_MPL_ORBPRE_20210214T021411_20210221T021411_0001.EOF",
            "S1A_OPER_MPL_ORBPRE_20210214T021411_20210221T021411_0001",
        ),
        (
            "S1A_AUX_CAL_V20190228T092500_G20210104T141310.SAFE.zip",
            "S1A_AUX_CAL_V20190228T092500_G20210104T141310",
        ),
        ("S2__OPER_AUX_UT1UTC_PDMC.tar.gz", "S2__OPER_AUX_UT1UTC_PDMC"),
        ("S3A_OL_1_EFR____20200101T000000.SEN3", "S3A_OL_1_EFR____20200101T000000"),
        ("ABCD", "ABCD"),
        ("version_1.2", "version_1.2"),
        (".zip", ".zip"),
    ],
)
def test_product_item_ids_drop_file_suffixes(name: Any, expected: Any) -> None:
    assert item_id(name) == expected


def test_rs_versions_are_the_newest_and_the_previous_published() -> None:
    assert newest_matches()
    assert RS_VERSIONS["previous"] == {"cadip": "v1.4.0", "auxip": "v1.1.0"}
    assert rs_identifier("cadip", "previous") == CADIP_V14
    assert rs_identifier("auxip", "newest") == AUXIP_V2


def test_missions_tables() -> None:
    assert satellite_by_code("s1a").platform == "sentinel-1a"
    assert satellite_by_code("S5P").constellation == "sentinel-5p"
    assert satellite_by_code("S3C").platform == "sentinel-3c"  # not in the table, right shape
    with pytest.raises(UnknownSatellite):
        satellite_by_code("incorrect_platform")
    assert satellite_by_platform("Sentinel-2B").code == "S2B"
    assert satellite_by_short_name("SENTINEL-1", "A") == satellite_by_code("S1A")
    assert satellite_by_short_name("Sentinel-2", "_") == "sentinel-2"
    assert satellite_by_short_name("SENTINEL-5P", None) == satellite_by_code("S5P")
    with pytest.raises(UnknownSatellite):
        satellite_by_short_name("LANDSAT-8", "A")
    assert satellite_codes(constellation="sentinel-1") == ["S1A", "S1B", "S1C", "S1D"]
    assert satellite_codes(platform="sentinel-2a", constellation="sentinel-1") == []
    assert eopf_product_type("IW_RAW__0N") is not None
    assert legacy_product_types("S01SIWRAW") == ["IW_RAW__0N"]
    assert len({t.legacy for t in PRODUCT_TYPES}) == len(PRODUCT_TYPES)
    assert len({s.code for s in SATELLITES}) == len(SATELLITES)


# ---------------------------------------------------------------------------- hand-made records

SESSION: dict[str, Any] = {
    "Id": "3F2B1D7E-4C8A-4F9B-9D2C-3E4A5F2B1D00",
    "SessionId": "S1A_20240101120000012345",
    "NumChannels": 1,
    "PublicationDate": "2024-01-01T12:10:00.000Z",
    "Satellite": "S1A",
    "StationUnitId": 1,
    "DownlinkOrbit": 51000,
    "AcquisitionId": 51000,
    "AntennaId": "MSP21",
    "FrontEndId": "01",
    "Retransfer": False,
    "AntennaStatusOK": True,
    "FrontEndStatusOK": True,
    "PlannedDataStart": "2024-01-01T12:00:00.000Z",
    "PlannedDataStop": "2024-01-01T12:09:00.000Z",
    "DownlinkStart": "2024-01-01T12:00:00.000Z",
    "DownlinkStop": "2024-01-01T12:09:30.000Z",
    "DownlinkStatusOK": True,
    "DeliveryPushOK": True,
    "Files": [
        {
            "Id": f"00000000-0000-4000-8000-00000000000{block}",
            "Name": f"DCS_01_S1A_20240101120000012345_ch1_DSDB_0000{block}.raw",
            "SessionId": "S1A_20240101120000012345",
            "Channel": 1,
            "BlockNumber": block,
            "FinalBlock": block == 2,
            "PublicationDate": f"2024-01-01T12:0{block}:00.000Z",
            "EvictionDate": "2024-01-08T12:00:00.000Z",
            "Size": "1024",
            "Retransfer": False,
        }
        for block in (1, 2)
    ],
}

PRODUCT: dict[str, Any] = {
    "Id": "06c91249-b275-4811-9a55-a8d11b534945",
    "Name": "S1A_IW_SLC__1SDV_20240101T000000_20240101T000030_051000_062A3B_ABCD.SAFE.zip",
    "ContentType": "application/zip",
    "ContentLength": 4737286945,
    "OriginDate": "2024-01-01T01:00:00.000Z",
    "PublicationDate": "2024-01-01T02:00:00.000Z",
    "EvictionDate": "2024-01-08T02:00:00.000Z",
    "ProductionType": "systematic_production",
    "Checksum": [
        {"Algorithm": "XXH64", "Value": "0123456789abcdef"},
        {"Algorithm": "SHA-256", "Value": "AB" * 32},
    ],
    "ContentDate": {"Start": "2024-01-01T00:00:00.000Z", "End": "2024-01-01T00:00:30.000Z"},
    "Footprint": "geography'SRID=4326;POLYGON((10 40,12 40,12 42,10 42,10 40))'",
    "Attributes": [
        {"Name": "productType", "ValueType": "String", "Value": "IW_SLC__1S"},
        {"Name": "platformShortName", "ValueType": "String", "Value": "SENTINEL-1"},
        {"Name": "platformSerialIdentifier", "ValueType": "String", "Value": "A"},
        {"Name": "orbitNumber", "ValueType": "Integer", "Value": "51000"},
        {"Name": "orbitDirection", "ValueType": "String", "Value": "DESCENDING"},
        {"Name": "polarisationChannels", "ValueType": "String", "Value": "VV&VH"},
        {"Name": "processorVersion", "ValueType": "String", "Value": 3.9},
    ],
}


def test_hand_made_session() -> None:
    station = Station("cadip", "mti", "https://cadip.example.eu/odata/v1", station_code="MTI_")
    result = map_record("cadip", SESSION, context=MappingContext(station=station))
    properties = result.item["properties"]
    assert properties["externalIds"] == [
        {"scheme": "cadip", "value": "3f2b1d7e-4c8a-4f9b-9d2c-3e4a5f2b1d00"}
    ]
    assert properties["cadip:acquisition_id"] == "51000"
    assert properties["cadip:station_unit_id"] == "01"
    assert properties["cadip:station_id"] == "MTI_"
    assert properties["product:type"] == "S01CADU__"
    asset = result.item["assets"]["DCS_01_S1A_20240101120000012345_ch1_DSDB_00002.raw"]
    assert asset["href"] == (
        "https://cadip.example.eu/odata/v1/Files(00000000-0000-4000-8000-000000000002)/$value"
    )
    assert asset["file:size"] == 1024
    assert_valid(result.item)
    own = dict(SESSION, StationId="INS")
    assert (
        map_record("cadip", own, context=MappingContext(station=station)).item["properties"][
            "cadip:station_id"
        ]
        == "INS_"
    )
    sentinel_2 = map_record("cadip", dict(SESSION, Satellite="S2B", Files=[])).item
    assert "product:type" not in sentinel_2["properties"]
    assert sentinel_2["assets"] == {}
    assert_valid(sentinel_2)


def test_a_session_still_downlinking_ends_with_its_last_file() -> None:
    session = {k: v for k, v in SESSION.items() if k != "DownlinkStop"}
    properties = map_record("cadip", session).item["properties"]
    assert properties["end_datetime"] == "2024-01-01T12:02:00.000Z"
    alone = dict(session, Files=[])
    assert map_record("cadip", alone).item["properties"]["end_datetime"] == SESSION["DownlinkStart"]


def test_hand_made_product() -> None:
    item = map_record("prip", PRODUCT).item
    properties = item["properties"]
    assert item["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[10.0, 40.0], [12.0, 40.0], [12.0, 42.0], [10.0, 42.0], [10.0, 40.0]]],
    }
    assert item["bbox"] == [10.0, 40.0, 12.0, 42.0]
    assert item["assets"][PRODUCT["Name"]]["file:checksum"] == "1220" + "ab" * 32
    assert properties["sar:polarizations"] == ["VV", "VH"]
    assert properties["processing:version"] == "3.9"
    assert properties["processing:lineage"] == "systematic_production"
    assert properties["product:type"] == "S01SIWSLC"
    assert_valid(item)
    lta = map_record("lta", PRODUCT).item
    assert lta["properties"]["externalIds"] == [{"scheme": "lta", "value": PRODUCT["Id"]}]
    assert_valid(lta)


def _without(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != key}


def _attribute(name: str, value: Any) -> dict[str, Any]:
    kept = [a for a in PRODUCT["Attributes"] if a["Name"] != name]
    return dict(PRODUCT, Attributes=[*kept, {"Name": name, "Value": value}])


@pytest.mark.parametrize(
    ("service", "record", "record_id", "field", "expected"),
    [
        ("cadip", _without(SESSION, "Id"), SESSION["SessionId"], "Id", "required"),
        ("cadip", dict(SESSION, Id="id2"), SESSION["SessionId"], "Id", "GUID"),
        ("cadip", _without(SESSION, "SessionId"), SESSION["Id"], "SessionId", "required"),
        (
            "cadip",
            dict(SESSION, DownlinkStart="2024-13-01T00:00:00Z"),
            SESSION["SessionId"],
            "DownlinkStart",
            "RFC 3339",
        ),
        (
            "cadip",
            dict(SESSION, DownlinkStop="2024-01-01T11:00:00Z"),
            SESSION["SessionId"],
            "DownlinkStop",
            "before DownlinkStart",
        ),
        (
            "cadip",
            dict(SESSION, PlannedDataStop="2024-01-01T11:00:00Z"),
            SESSION["SessionId"],
            "PlannedDataStop",
            "before PlannedDataStart",
        ),
        ("cadip", dict(SESSION, NumChannels=5), SESSION["SessionId"], "NumChannels", "<= 4"),
        (
            "cadip",
            dict(SESSION, Retransfer="false"),
            SESSION["SessionId"],
            "Retransfer",
            "true or false",
        ),
        (
            "cadip",
            dict(SESSION, Satellite="XYZ"),
            SESSION["SessionId"],
            "Satellite",
            "satellite code",
        ),
        (
            "cadip",
            dict(SESSION, AcquisitionId=""),
            SESSION["SessionId"],
            "AcquisitionId",
            "non-empty",
        ),
        (
            "cadip",
            dict(SESSION, StationUnitId="A1"),
            SESSION["SessionId"],
            "StationUnitId",
            "two digits",
        ),
        (
            "cadip",
            dict(SESSION, StationUnitId="\u06601"),
            SESSION["SessionId"],
            "StationUnitId",
            "two digits",
        ),
        (
            "cadip",
            dict(SESSION, StationId="TOOLONG"),
            SESSION["SessionId"],
            "StationId",
            "4-character",
        ),
        ("cadip", dict(SESSION, Files={"a": 1}), SESSION["SessionId"], "Files", "list of files"),
        (
            "cadip",
            _without(_without(SESSION, "PublicationDate"), "DownlinkStart"),
            SESSION["SessionId"],
            "PublicationDate",
            "no datetime",
        ),
        ("auxip", _without(PRODUCT, "Name"), PRODUCT["Id"], "Name", "required"),
        (
            "auxip",
            dict(
                PRODUCT,
                ContentDate={"Start": "2024-01-02T00:00:00Z", "End": "2024-01-01T00:00:00Z"},
            ),
            PRODUCT["Name"],
            "ContentDate/End",
            "before ContentDate/Start",
        ),
        (
            "auxip",
            _without(PRODUCT, "ContentDate"),
            PRODUCT["Name"],
            "ContentDate/Start",
            "required",
        ),
        ("auxip", dict(PRODUCT, ContentLength=-1), PRODUCT["Name"], "ContentLength", ">= 0"),
        ("auxip", dict(PRODUCT, ContentType="zip"), PRODUCT["Name"], "ContentType", "media type"),
        (
            "prip",
            dict(PRODUCT, PublicationDate="yesterday"),
            PRODUCT["Name"],
            "PublicationDate",
            "RFC 3339",
        ),
        (
            "prip",
            dict(PRODUCT, Checksum=[{"Algorithm": "MD5", "Value": "xyz"}]),
            PRODUCT["Name"],
            "Checksum[0]/Value",
            "32 hexadecimal",
        ),
        (
            "prip",
            dict(PRODUCT, GeoFootprint={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}),
            PRODUCT["Name"],
            "GeoFootprint",
            "Polygon",
        ),
        (
            "prip",
            dict(PRODUCT, Footprint="geography'SRID=4326;CIRCLE(1 2)'"),
            PRODUCT["Name"],
            "Footprint",
            "WKT",
        ),
        (
            "prip",
            _attribute("orbitDirection", "SIDEWAYS"),
            PRODUCT["Name"],
            "Attributes/orbitDirection",
            "ASCENDING",
        ),
        (
            "prip",
            _attribute("polarisationChannels", "VV&XX"),
            PRODUCT["Name"],
            "Attributes/polarisationChannels",
            "VV&VH",
        ),
        ("prip", _attribute("orbitNumber", 0), PRODUCT["Name"], "Attributes/orbitNumber", ">= 1"),
        (
            "prip",
            _attribute("platformShortName", "LANDSAT-8"),
            PRODUCT["Name"],
            "Attributes/platformShortName",
            "mission name",
        ),
        (
            "lta",
            dict(PRODUCT, Attributes="productType"),
            PRODUCT["Name"],
            "Attributes",
            "expected a list",
        ),
        ("lta", ["not", "a", "record"], "#0", "(record)", "JSON object"),
    ],
)
def test_bad_records_name_the_record_and_the_field(
    service: Any, record: Any, record_id: Any, field: Any, expected: Any
) -> None:
    with pytest.raises(MappingError) as caught:
        map_record(service, record)
    error = caught.value
    assert (error.record_id, error.field) == (record_id, field)
    assert expected in error.message
    assert str(error) == f"record {record_id!r}: {field}: {error.message}"
    assert error.to_dict() == {"record": record_id, "field": field, "message": error.message}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"Size": -5}, "Size"),
        ({"Id": "nope"}, "Id"),
        ({"Channel": 0}, "Channel"),
        ({"FinalBlock": None}, "FinalBlock"),
        ({"EvictionDate": "soon"}, "EvictionDate"),
        ({"Name": ""}, "Name"),
    ],
)
def test_a_bad_file_is_left_out_and_reported(change: Any, field: Any) -> None:
    session = copy.deepcopy(SESSION)
    session["Files"][0].update(change)
    result = map_record("cadip", session)
    [problem] = result.problems
    assert problem.record_id == SESSION["SessionId"]
    assert re.fullmatch(rf"Files\(.+\)/{field}", problem.field)
    assert len(result.item["assets"]) == 1


def test_duplicate_file_names_are_reported() -> None:
    session = copy.deepcopy(SESSION)
    session["Files"][1]["Name"] = session["Files"][0]["Name"]
    result = map_record("cadip", session)
    assert [p.message for p in result.problems] == ["another file of the session has the same name"]


def test_a_bad_record_never_stops_the_page() -> None:
    page = [PRODUCT, dict(PRODUCT, Id=None), dict(PRODUCT, Name="S1B_OTHER.SAFE.zip")]
    results = list(map_page("prip", page))
    assert [type(r).__name__ for r in results] == ["MappedItem", "MappingError", "MappedItem"]
    error = results[1]
    assert isinstance(error, MappingError)
    assert (error.record_id, error.field) == (PRODUCT["Name"], "Id")
    with pytest.raises(ValueError, match="cannot map records of service 'edrs'"):
        list(map_page("edrs", page))


def test_read_odata_accepts_every_wrapper() -> None:
    record = {"Id": "x"}
    assert read_odata({"value": [record]}).records == [record]
    assert read_odata({"responses": [record]}).records == [record]
    assert read_odata({"Data": [record]}).records == [record]
    assert read_odata([record]).records == [record]
    assert read_odata(record).records == [record]
    page = read_odata({"@odata.context": "https://st.eu/odata/v1/$metadata#Products", "value": []})
    assert page.root_url == "https://st.eu/odata/v1"
    assert read_odata({"@odata.context": "$metadata#Products", "value": []}).root_url is None
    bad_answers: list[Any] = [{"value": {}}, {"nothing": []}, "text"]
    for bad in bad_answers:
        with pytest.raises(ValueError, match=r"expected|not a list"):
            read_odata(bad)


# ----------------------------------------------------------------------------- generated records

_UTC = dt.UTC


@st.composite
def timestamps(draw: st.DrawFn, after: dt.datetime | None = None) -> dt.datetime:
    start = after or dt.datetime(2014, 1, 1, tzinfo=_UTC)
    delta = draw(st.integers(min_value=0, max_value=10 * 365 * 86400 * 1000))
    return start + dt.timedelta(milliseconds=delta)


@st.composite
def odata_time(draw: st.DrawFn, value: dt.datetime) -> str:
    # Station spellings of one instant: Z or an offset, 0 to 7 fraction digits (truncating only).
    offset = draw(st.sampled_from([0, 0, 60, -330, 120]))
    local = value.astimezone(dt.timezone(dt.timedelta(minutes=offset)))
    digits = draw(st.sampled_from([3, 3, 6, 7]))
    fraction = f"{local.microsecond:06d}0"[:digits]
    zone = "Z" if offset == 0 else local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f".{fraction}{zone}"


guids = st.uuids().map(str).flatmap(lambda u: st.sampled_from([u, u.upper()]))
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(str.strip)


def _optional(draw: st.DrawFn, record: dict[str, Any], key: str, value: Any) -> None:
    choice = draw(st.sampled_from(["set", "set", "null", "absent"]))
    if choice == "set":
        record[key] = value
    elif choice == "null":
        record[key] = None


@st.composite
def cadip_sessions(draw: st.DrawFn) -> dict[str, Any]:
    satellite = draw(st.sampled_from([s.code for s in SATELLITES]))
    start = draw(timestamps())
    stop = start + dt.timedelta(seconds=draw(st.integers(0, 1800)))
    session_id = f"{satellite}_{start:%Y%m%d%H%M%S}{draw(st.integers(0, 999999)):06d}"
    channels = draw(st.integers(1, 4))
    record: dict[str, Any] = {
        "Id": draw(guids),
        "SessionId": session_id,
        "PublicationDate": draw(odata_time(draw(timestamps(after=start)))),
        "AcquisitionId": draw(st.one_of(texts, st.integers(0, 10**9))),
        "DownlinkStart": draw(odata_time(start)),
    }
    _optional(draw, record, "DownlinkStop", draw(odata_time(stop)))
    _optional(draw, record, "Satellite", satellite)
    _optional(draw, record, "NumChannels", channels)
    _optional(draw, record, "StationUnitId", draw(st.from_regex(r"[0-9]{2}", fullmatch=True)))
    _optional(draw, record, "StationId", draw(st.from_regex(r"[A-Z]{3}_", fullmatch=True)))
    _optional(draw, record, "DownlinkOrbit", draw(st.integers(1, 10**6)))
    _optional(draw, record, "AntennaId", draw(texts))
    _optional(draw, record, "FrontEndId", draw(texts))
    planned = draw(timestamps())
    _optional(draw, record, "PlannedDataStart", draw(odata_time(planned)))
    _optional(draw, record, "PlannedDataStop", draw(odata_time(planned + dt.timedelta(minutes=9))))
    for flag in (
        "Retransfer",
        "AntennaStatusOK",
        "FrontEndStatusOK",
        "DownlinkStatusOK",
        "DeliveryPushOK",
    ):
        _optional(draw, record, flag, draw(st.booleans()))
    if draw(st.booleans()):
        files = []
        for channel in range(1, channels + 1):
            blocks = draw(st.integers(1, 3))
            for block in range(1, blocks + 1):
                file: dict[str, Any] = {
                    "Id": draw(guids),
                    "Name": f"DCS_01_{session_id}_ch{channel}_DSDB_{block:05d}.raw",
                    "SessionId": session_id,
                    "Channel": channel,
                    "BlockNumber": block,
                    "FinalBlock": block == blocks,
                }
                size = draw(st.integers(0, 2**40))
                _optional(draw, file, "Size", draw(st.sampled_from([size, str(size)])))
                _optional(draw, file, "Retransfer", draw(st.booleans()))
                _optional(draw, file, "PublicationDate", draw(odata_time(draw(timestamps()))))
                _optional(draw, file, "EvictionDate", draw(odata_time(draw(timestamps()))))
                files.append(file)
        record["Files"] = draw(st.permutations(files))
        record["NumChannels"] = channels
    return record


_AUX_TYPES = ["AUX_OBMEMC", "AUX_PREORB", "AUX_RESORB", "AUX_ECMWFD", "MPL_ORBPRE"]


@st.composite
def products(draw: st.DrawFn, service: str) -> dict[str, Any]:
    start = draw(timestamps())
    end = start + dt.timedelta(seconds=draw(st.integers(0, 86400 * 30)))
    stem = draw(st.from_regex(r"S[123][AB_]_[A-Z0-9_]{8,40}", fullmatch=True))
    suffix = draw(st.sampled_from(["", ".EOF", ".SAFE.zip", ".TGZ", ".SEN3", ".tar.gz"]))
    record: dict[str, Any] = {
        "Id": draw(guids),
        "Name": stem + suffix,
        "ContentDate": {"Start": draw(odata_time(start)), "End": draw(odata_time(end))},
    }
    _optional(draw, record, "ContentType", "application/octet-stream")
    size = draw(st.integers(0, 2**45))
    _optional(draw, record, "ContentLength", draw(st.sampled_from([size, str(size)])))
    _optional(draw, record, "PublicationDate", draw(odata_time(draw(timestamps()))))
    _optional(draw, record, "EvictionDate", draw(odata_time(draw(timestamps()))))
    _optional(draw, record, "OriginDate", draw(odata_time(draw(timestamps()))))
    digest = draw(st.binary(min_size=16, max_size=16)).hex()
    _optional(draw, record, "Checksum", [{"Algorithm": "MD5", "Value": digest.upper()}])
    if service != "auxip" and draw(st.booleans()):
        west = draw(st.floats(-180, 170, allow_nan=False))
        south = draw(st.floats(-90, 80, allow_nan=False))
        ring = [[west, south], [west + 10, south], [west + 10, south + 10], [west, south]]
        record["GeoFootprint"] = {"type": "Polygon", "coordinates": [ring]}
    satellite = draw(st.sampled_from(SATELLITES))
    legacy = [t.legacy for t in PRODUCT_TYPES]
    attributes = {
        "productType": draw(st.sampled_from(_AUX_TYPES if service == "auxip" else legacy)),
        "platformShortName": satellite.short_name,
        "platformSerialIdentifier": satellite.serial or "",
        "processingDate": draw(odata_time(draw(timestamps()))),
        "processingCenter": draw(texts),
        "processorVersion": draw(st.sampled_from(["3.0", "003.61", 2])),
        "orbitNumber": draw(st.integers(1, 10**6)),
        "relativeOrbitNumber": draw(st.integers(1, 175)),
        "orbitDirection": draw(st.sampled_from(["ASCENDING", "DESCENDING"])),
        "polarisationChannels": draw(st.sampled_from(["HH", "VV&VH", "HH&HV", "VV"])),
        "datatakeID": draw(st.integers(0, 10**6)),
        "instrumentConfigurationID": draw(st.integers(0, 20)),
        "instrumentShortName": draw(st.sampled_from(["SAR", "MSI", "OLCI"])),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(attributes)), unique=True))
    record["Attributes"] = [
        {"@odata.type": "#OData.CSC.StringAttribute", "Name": name, "Value": attributes[name]}
        for name in chosen
    ]
    return record


def _cadip_invariants(record: dict[str, Any], item: dict[str, Any]) -> None:
    assert item["id"] == record["SessionId"]
    assert item["properties"]["externalIds"][0]["value"] == record["Id"].lower()
    assert len(item["assets"]) == len(record.get("Files", []))
    assert isinstance(item["properties"]["cadip:acquisition_id"], str)


@settings(max_examples=60)
@given(cadip_sessions(), st.sampled_from(["newest", "previous"]))
def test_generated_sessions_always_map_to_valid_items(record: Any, versions: Any) -> None:
    result = map_record("cadip", record, context=MappingContext(versions=versions))
    assert result.problems == ()
    _cadip_invariants(record, result.item)
    assert_valid(result.item)


@settings(max_examples=60)
@given(
    st.sampled_from(["auxip", "prip", "lta"]).flatmap(lambda s: st.tuples(st.just(s), products(s)))
)
def test_generated_products_always_map_to_valid_items(case: Any) -> None:
    service, record = case
    item = map_record(service, record).item
    assert item["id"] == item_id(record["Name"])
    assert list(item["assets"]) == [record["Name"]]
    for value in _timestamps_in(item["properties"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", value)
    assert_valid(item)


def _timestamps_in(properties: dict[str, Any]) -> list[str]:
    keys = ("datetime", "start_datetime", "end_datetime", "published", "expires", "created")
    return [properties[k] for k in keys if k in properties]


_SESSION_CORRUPTIONS = [
    ("Id", None),
    ("Id", "not-a-guid"),
    ("SessionId", 42),
    ("PublicationDate", "2024-02-30T00:00:00Z"),
    ("DownlinkStart", "yesterday"),
    ("NumChannels", 0),
    ("NumChannels", "two"),
    ("Retransfer", "no"),
    ("DownlinkOrbit", -1),
    ("AcquisitionId", None),
    ("Satellite", "Landsat"),
]
_PRODUCT_CORRUPTIONS = [
    ("Id", None),
    ("Name", None),
    ("Name", ["list"]),
    ("ContentLength", -1),
    ("ContentLength", "12.5"),
    ("PublicationDate", "2024-01-01"),
    ("EvictionDate", 17),
    ("ContentDate", {"End": "2024-01-01T00:00:00Z"}),
]


@settings(max_examples=60)
@given(cadip_sessions(), st.sampled_from(_SESSION_CORRUPTIONS))
def test_corrupted_sessions_fail_naming_the_field(record: Any, corruption: Any) -> None:
    field, value = corruption
    record[field] = value
    with pytest.raises(MappingError) as caught:
        map_record("cadip", record)
    assert caught.value.field == field
    assert field in str(caught.value)


@settings(max_examples=60)
@given(
    st.sampled_from(["auxip", "prip", "lta"]).flatmap(lambda s: st.tuples(st.just(s), products(s))),
    st.sampled_from(_PRODUCT_CORRUPTIONS),
)
def test_corrupted_products_fail_naming_the_field(case: Any, corruption: Any) -> None:
    service, record = case
    field, value = corruption
    record[field] = value
    with pytest.raises(MappingError) as caught:
        map_record(service, record)
    assert caught.value.field.split("/")[0] == field
    assert caught.value.record_id in (record["Name"], record["Id"])
