"""STAC search → OData: the previous server's vectors, byte for byte, and our own cases."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rs_stac_ext.stations.client import StationUnavailable, error_response
from rs_stac_ext.stations.query import (
    MAX_TOP,
    InvalidQuery,
    ODataRequest,
    SearchRequest,
    UnsupportedQuery,
    bad_station,
    build_files_request,
    build_odata,
    item_not_found,
    paging_links,
    queryables,
    unknown_collection,
)
from rs_stac_ext.stations.registry import CollectionConfig

UPSTREAM = Path(__file__).resolve().parents[1].parent / "shared" / "upstream"
VECTORS = (
    Path(os.environ.get("RS_STAC_UPSTREAM", UPSTREAM)) / "rs-server/2025/odata_query_vectors.json"
)

# The test collections of the vectors (their "_about" text), written as registry collections.
ROOT_5000 = "http://127.0.0.1:5000"
ROOT_5001 = "http://127.0.0.1:5001"
SESSION = "S1A_20200105072204051312"
COLLECTIONS: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
    "cadip": {
        "cadip": (ROOT_5000, {}),
        "cadip_session_by_id": (ROOT_5000, {"ids": [SESSION]}),
        "cadip_session_by_satellite": (ROOT_5000, {"platform": ["sentinel-1a"]}),
    },
    "auxip": {
        "adgs": (ROOT_5000, {}),
        "adgs_by_platform": (ROOT_5000, {"constellation": ["sentinel-1"]}),
        "s2_adgs2_AUX_OBMEMC": (ROOT_5001, {"product:type": ["AUX_OBMEMC"]}),
    },
    "prip": {
        "prip": (ROOT_5000, {}),
        "S1A_L0_IW_RAW": (ROOT_5000, {"product:type": ["IW_RAW__0N"]}),
    },
}


def collection(service: str, collection_id: str) -> tuple[str, CollectionConfig]:
    if collection_id not in COLLECTIONS[service]:
        raise unknown_collection(service, collection_id)
    root, query = COLLECTIONS[service][collection_id]
    return root, CollectionConfig(collection_id, "station", query)


def parse_request(text: str) -> tuple[str, str | None, str | None, dict[str, str]]:
    """Read ``GET /svc/collections/c/items[/id]?a=b`` or ``GET /svc/search?...`` (unencoded)."""
    text = re.sub(r" \((?!\().*\)$", "", text.removeprefix("GET ").strip())
    path, _, query = text.partition("?")
    params = dict(part.partition("=")[::2] for part in query.split("&") if part)
    parts = path.strip("/").split("/")
    service = parts[0]
    if parts[1] == "search":
        return service, params.pop("collections"), None, params
    item = parts[4] if len(parts) > 4 else None
    return service, parts[2], item, params


def translate(
    service: str, collection_id: str, item: str | None, search: SearchRequest
) -> list[str]:
    root, config = collection(service, collection_id)
    if item is not None:
        search = dataclasses.replace(search, ids=(item,), limit=1)
    urls = [build_odata(service, search, config).url(root, encode=False)]
    if service == "cadip" and item is not None:
        urls.append(build_files_request([item]).url(root, encode=False))
    return urls


def expect_error(status: int, call: Any) -> InvalidQuery:
    with pytest.raises(InvalidQuery) as caught:
        call()
    assert caught.value.status == status, caught.value
    return caught.value


def load_vectors() -> list[Any]:
    if not VECTORS.is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{VECTORS} absent"))]
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    cases = []
    for group, entries in data.items():
        if group.startswith("_"):
            continue
        for index, entry in enumerate(entries):
            if "_template" in entry:
                continue
            cases.append(pytest.param(group, entry, id=f"{group}[{index}]"))
    return cases


def check_get(request: str, entry: dict[str, Any]) -> None:
    service, collection_id, item, params = parse_request(request)
    assert collection_id is not None

    def run() -> list[str]:
        return translate(service, collection_id, item, SearchRequest.from_params(params))

    if "expected_odata" in entry:
        expected = entry["expected_odata"]
        expected = expected if isinstance(expected, list) else [expected]
        urls = run()
        if service == "cadip" and item is None and len(expected) == 2:
            urls.append(build_files_request([SESSION]).url(ROOT_5000, encode=False))
        assert urls == expected
    elif "expected_body" in entry:
        if "not found" in entry["expected_body"]["description"]:
            error = item_not_found(service, item or "")
        else:
            error = expect_error(404, run)
        assert (error.status, error.body()) == (entry["expected_status"], entry["expected_body"])
    else:
        error = expect_error(entry["expected_status"], run)
        if "expected_description" in entry:
            assert error.description == entry["expected_description"]
        if "expected_description_contains" in entry:
            assert entry["expected_description_contains"] in error.description


def alternatives(request: str) -> list[str]:
    """``...?limit=0 (or 'invalid_value', '-5')`` → the request with each value."""
    shape = re.search(r"\?(.*)=([^&= ]*) \(or (.*)\)$", request)
    if shape is None:
        return [request]
    head = request[: shape.start(0)] + "?" + shape.group(1) + "="
    values = [shape.group(2), *re.findall(r"'([^']*)'", shape.group(3))]
    return [head + value for value in values]


@pytest.mark.parametrize(("group", "entry"), load_vectors())
def test_upstream_vector(group: str, entry: dict[str, Any]) -> None:
    if group in ("item_and_items", "filter_on_items", "datetime_parameter"):
        check_get(entry["request"], entry)
        for service in ("auxip", "prip"):
            if service.upper() in entry.get("notes", ""):
                error = expect_error(404, lambda s=service: collection(s, "INVALID_COLLECTION"))
                assert (
                    error.description
                    == f"Unknown {service.upper()} collection: 'INVALID_COLLECTION'"
                )
    elif group == "cql2_temporal_operators_auxip":
        request = "GET /auxip/search?collections=adgs&sortby=-properties.created&limit=1"
        service, collection_id, _, params = parse_request(request)
        search = SearchRequest.from_params({**params, "filter": entry["filter"]})
        expected = (
            f"{ROOT_5000}/Products?$filter={entry['odata_filter']}&$orderby=PublicationDate desc"
            "&$top=1&$skip=0&$expand=Attributes"
        )
        assert translate(service, collection_id or "", None, search) == [expected]
    elif group == "prip_get_search":
        params = dict(entry["params"])
        if "_request" in params:
            check_get(params["_request"], entry)
            return
        collection_id = params.pop("collections")
        search = SearchRequest.from_params({k: str(v) for k, v in params.items()})
        assert translate("prip", collection_id, None, search) == [entry["expected_odata"]]
    elif group == "prip_post_search_cql2_json":
        body = entry["body"]
        search = SearchRequest.from_body(body)
        assert translate("prip", body["collections"][0], None, search) == [entry["expected_odata"]]
    elif group == "pagination_and_limits":
        if "expected_links_contains" in entry:
            check_links(entry)
            return
        for request in alternatives(entry["request"]):
            check_get(request, entry)
    elif group == "errors":
        check_error_vector(entry)
    else:  # pragma: no cover - a new group in the file
        pytest.fail(f"unknown vector group {group}")


def check_links(entry: dict[str, Any]) -> None:
    request = entry["request"]
    page = int(re.search(r"page=(\d+)", request).group(1))  # type: ignore[union-attr]
    empty = "empty page" in request
    url = "http://testserver" + re.sub(r"\?.*", "", request.removeprefix("GET "))
    links = paging_links(f"{url}?token=next:page={page}", page, returned=0 if empty else 3)
    wanted = dict(entry["expected_links_contains"])
    wanted["href"] = wanted["href"].replace("<same url>", url + "?")
    assert wanted in links
    assert any(link["rel"] == "next" for link in links) is not empty


def check_error_vector(entry: dict[str, Any]) -> None:
    case = entry["case"]
    if case.startswith("provider creation"):
        status, body = error_response(bad_station(""))
    elif case.startswith("station connection"):
        status, body = error_response(StationUnavailable("adgs", ""))
    elif case.startswith("any other"):
        status, body = error_response(RuntimeError(""))
    else:
        status, body = error_response(KeyError("properties"))
    assert status == entry["expected_status"]
    if "expected_body" in entry:
        assert body == entry["expected_body"]


# ------------------------------------------------------------------------- our own cases

PRIP = CollectionConfig("S1A_L0_IW_RAW", "s1a", {"product:type": ["IW_RAW__0N"]})
ATTR = (
    "Attributes/OData.CSC.StringAttribute/any(att:att/Name eq '{}' and "
    "att/OData.CSC.StringAttribute/Value {})"
)
PUB = "PublicationDate"


def at_least(field: str, stamp: str) -> str:
    return f"({field} gt {stamp} or {field} eq {stamp})"


def at_most(field: str, stamp: str) -> str:
    return f"({field} lt {stamp} or {field} eq {stamp})"


def odata_filter(
    service: str, collection: CollectionConfig | None = None, **search: Any
) -> str | None:
    request = build_odata(service, SearchRequest(**search), collection)
    return request.param("$filter")


@pytest.mark.parametrize(
    ("datetime", "expected"),
    [
        ("2024-01-01T00:00:00Z/..", at_least(PUB, "2024-01-01T00:00:00.000Z")),
        ("/2024-01-01T00:00:00Z", at_most(PUB, "2024-01-01T00:00:00.000Z")),
        ("2024-01-01T01:00:00+01:00", "PublicationDate eq 2024-01-01T00:00:00.000Z"),
        ("2024-01-01t00:00:00.123456789z", "PublicationDate eq 2024-01-01T00:00:00.123Z"),
    ],
)  # fmt: skip
def test_open_intervals_offsets_and_precision(datetime: str, expected: str) -> None:
    assert odata_filter("cadip", datetime=datetime) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "2024-13-01T00:00:00Z",
        "2024-01-01",
        "2024-02-01T00:00:00Z/2024-01-01T00:00:00Z",
        "a/b/c",
        "/",
    ],
)
def test_bad_datetime_is_400(bad: str) -> None:
    error = expect_error(400, lambda: odata_filter("auxip", datetime=bad))
    assert bad in error.description


def test_cql2_text_and_json_give_the_same_request() -> None:
    text = (
        "platform='sentinel-1a' AND processing:facility='PDMC' AND "
        "T_AFTER(datetime, TIMESTAMP('2024-05-01T00:00:00Z'))"
    )
    json_filter = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "platform"}, "sentinel-1a"]},
            {"op": "=", "args": [{"property": "processing:facility"}, "PDMC"]},
            {
                "op": "t_after",
                "args": [{"property": "datetime"}, {"timestamp": "2024-05-01T00:00:00Z"}],
            },
        ],
    }
    from_text = odata_filter("prip", PRIP, filter=text, filter_lang="cql2-text")
    from_json = odata_filter("prip", PRIP, filter=json_filter, filter_lang="cql2-json")
    assert from_text == from_json
    assert from_text == " and ".join(
        [
            ATTR.format("productType", "eq 'IW_RAW__0N'"),
            ATTR.format("platformShortName", "eq 'SENTINEL-1'"),
            ATTR.format("platformSerialIdentifier", "eq 'A'"),
            ATTR.format("processingCenter", "eq 'PDMC'"),
            "(ContentDate/Start gt 2024-05-01T00:00:00.000Z)",
        ]
    )


@pytest.mark.parametrize(
    ("cql", "part"),
    [
        ("id='a' OR id='b'", "OR"),
        ("NOT id='a'", "NOT"),
        ("Name LIKE 'S1A%'", "LIKE"),
        ("sat:absolute_orbit BETWEEN 1 AND 3", "BETWEEN"),
        ("processing:facility IS NULL", "IS NULL"),
        ("id <> 'a'", "<>"),
        ("id NOT IN ('a')", "NOT IN"),
        ("S_WITHIN(geometry, POINT(1 2))", "S_WITHIN"),
        ("processing:facility > 'A'", "processing:facility >"),
        (
            "T_DURING(datetime, INTERVAL('..', '2020-01-01T00:00:00Z'))",
            "T_DURING with an open interval",
        ),
    ],
)
def test_unsupported_filters_are_refused_naming_the_part(cql: str, part: str) -> None:
    with pytest.raises(UnsupportedQuery) as caught:
        odata_filter("prip", filter=cql)
    assert caught.value.part == part
    assert caught.value.status == 422
    assert part in caught.value.body()["description"]


@pytest.mark.parametrize("service", ["cadip", "auxip"])
def test_spatial_search_is_refused_where_items_have_no_geometry(service: str) -> None:
    with pytest.raises(UnsupportedQuery) as caught:
        odata_filter(service, bbox=[0, 0, 1, 1])
    assert caught.value.part == "bbox"
    with pytest.raises(UnsupportedQuery) as caught:
        odata_filter(service, intersects={"type": "Point", "coordinates": [1, 2]})
    assert caught.value.part == "intersects"


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("1,2,3,4,5", "BBox '1,2,3,4,5' must have 4 or 6 values."),
        ([1, 2, 3, 4, 5], "BBox '1,2,3,4,5' must have 4 or 6 values."),
        ("a,b,c,d", "BBox 'a,b,c,d' must hold numbers."),
    ],
)
def test_bbox_with_wrong_numbers_is_400(bbox: Any, message: str) -> None:
    error = expect_error(400, lambda: odata_filter("prip", bbox=bbox))
    assert error.body() == {"code": "BadRequest", "description": message}


def test_bbox_of_six_numbers_and_disjoint_intersects() -> None:
    assert odata_filter("prip", bbox=[10, 20, -5, 11.5, 21, 100]) == (
        "OData.CSC.Intersects(area=geography'SRID=4326;"
        "POLYGON ((11.5 20, 11.5 21, 10 21, 10 20, 11.5 20))')"
    )
    point = {"type": "Point", "coordinates": [50, 50]}
    expect_error(422, lambda: odata_filter("prip", bbox=[0, 0, 1, 1], intersects=point))


@pytest.mark.parametrize(
    ("limit", "top"),
    [(1, "1"), ("25", "25"), (9999, "9999"), (10000, str(MAX_TOP)), (10**7, "9999")],
)
def test_limit_clamping(limit: Any, top: str) -> None:
    assert build_odata("auxip", SearchRequest(limit=limit)).param("$top") == top


@pytest.mark.parametrize("limit", [0, -1, "ten", True, "1.5"])
def test_bad_limit_is_400(limit: Any) -> None:
    expect_error(400, lambda: build_odata("auxip", SearchRequest(limit=limit)))


@pytest.mark.parametrize(
    ("page", "token", "skip"),
    [
        (None, None, "0"),
        (3, None, "40"),
        ("2", None, "20"),
        (None, "next:page=4", "60"),
        (9, "prev:page=2", "20"),
    ],
)
def test_page_and_token_give_skip(page: Any, token: Any, skip: str) -> None:
    request = build_odata("prip", SearchRequest(limit=20, page=page, token=token))
    assert (request.param("$top"), request.param("$skip")) == ("20", skip)


@pytest.mark.parametrize(
    ("page", "token"), [(0, None), ("x", None), (None, "next:page=0"), (None, "later")]
)
def test_bad_page_or_token_is_422(page: Any, token: Any) -> None:
    error = expect_error(422, lambda: build_odata("prip", SearchRequest(page=page, token=token)))
    assert "Invalid page value" in error.description


@pytest.mark.parametrize(
    ("service", "sortby", "orderby"),
    [
        ("prip", "-file:size", "ContentLength desc"),
        ("prip", "+properties.start_datetime", "ContentDate/Start asc"),
        ("prip", "end_datetime", "ContentDate/End asc"),
        ("auxip", [{"field": "id", "direction": "desc"}], "Name desc"),
        ("auxip", ["-eviction_datetime"], "EvictionDate desc"),
        ("prip", "prip:id", "Id asc"),
        ("cadip", "-datetime", "PublicationDate desc"),
        ("cadip", "id", "SessionId asc"),
        ("cadip", None, "PublicationDate desc"),
    ],
)
def test_sortby_mapping(service: str, sortby: Any, orderby: str) -> None:
    assert build_odata(service, SearchRequest(sortby=sortby)).param("$orderby") == orderby


def test_sortby_refusals() -> None:
    error = expect_error(404, lambda: build_odata("cadip", SearchRequest(sortby="-file:size")))
    assert "'file:size' parameter is not sortable" in error.description
    with pytest.raises(UnsupportedQuery, match="several fields"):
        build_odata("prip", SearchRequest(sortby="-published,id"))


def test_collection_lists_are_intersected_with_the_search() -> None:
    s1 = CollectionConfig("s1", "cadip", {"constellation": ["sentinel-1"]})
    assert odata_filter("cadip", s1) == "Satellite in ('S1A','S1B','S1C','S1D')"
    assert odata_filter(
        "cadip", s1, filter="platform IN ('sentinel-1c','sentinel-2a','sentinel-1a')"
    ) == ("Satellite in ('S1A','S1C')")
    types = CollectionConfig("aux", "adgs", {"product:type": ["AUX_PP1", "AUX_PP2"]})
    assert odata_filter("auxip", types, filter="product:type='AUX_PP2'") == ATTR.format(
        "productType", "eq 'AUX_PP2'"
    )
    eopf = CollectionConfig("raw", "s1a", {"product:type": ["S01SIWRAW"]})
    assert odata_filter("prip", eopf) == ATTR.format("productType", "eq 'IW_RAW__0N'")


def test_collection_interval_is_intersected_with_the_search() -> None:
    years = CollectionConfig(
        "y", "cadip", {"datetime": "2020-01-01T00:00:00Z/2024-01-01T00:00:00Z"}
    )
    low, high = at_least(PUB, "2023-06-01T00:00:00.000Z"), at_most(PUB, "2024-01-01T00:00:00.000Z")
    assert odata_filter("cadip", years, datetime="2023-06-01T00:00:00Z/..") == f"{low} and {high}"
    before = "published < TIMESTAMP('2021-01-01T00:00:00Z')"
    assert odata_filter("cadip", years, filter=before) == (
        f"{at_least(PUB, '2020-01-01T00:00:00.000Z')} and {PUB} lt 2021-01-01T00:00:00.000Z"
    )


@pytest.mark.parametrize(
    ("collection_query", "search"),
    [
        ({"platform": ["sentinel-1a"]}, {"filter": "platform='sentinel-1c'"}),
        ({"constellation": ["sentinel-1"]}, {"filter": "platform='sentinel-2a'"}),
        ({"ids": ["S1A_1"]}, {"ids": ("S1A_2",)}),
        (
            {"datetime": "2020-01-01T00:00:00Z/2021-01-01T00:00:00Z"},
            {"datetime": "2022-01-01T00:00:00Z"},
        ),
        (
            {},
            {
                "datetime": "2022-01-01T00:00:00Z",
                "filter": "published > TIMESTAMP('2022-01-01T00:00:00Z')",
            },
        ),
        ({}, {"filter": "platform='sentinel-1a' AND constellation='sentinel-2'"}),
    ],
)
def test_empty_intersection_skips_the_collection(
    collection_query: dict[str, Any], search: dict[str, Any]
) -> None:
    request = build_odata(
        "cadip", SearchRequest(**search), CollectionConfig("c", "cadip", collection_query)
    )
    assert request.empty
    with pytest.raises(ValueError, match="matches nothing"):
        request.url(ROOT_5000)


def test_inconsistent_platform_pair_is_422_on_product_stations() -> None:
    error = expect_error(
        422,
        lambda: odata_filter(
            "prip", filter="platform='sentinel-1a' AND constellation='sentinel-2'"
        ),
    )
    assert "sentinel-1a" in error.description


def test_unknown_and_mistyped_properties_are_422() -> None:
    assert (
        "'cloud' is not a queryable of CADIP"
        in expect_error(422, lambda: odata_filter("cadip", filter="cloud=3")).description
    )
    assert (
        "expected an integer"
        in expect_error(
            422, lambda: odata_filter("cadip", filter="cadip:num_channels='two'")
        ).description
    )
    assert (
        "not a platform"
        in expect_error(
            422, lambda: odata_filter("cadip", filter="platform='landsat-9'")
        ).description
    )
    assert (
        "'cloud'"
        in expect_error(
            422,
            lambda: build_odata("cadip", SearchRequest(), CollectionConfig("c", "x", {"cloud": 3})),
        ).description
    )


def test_cadip_temporal_operators_avoid_lte_and_gte() -> None:
    assert odata_filter(
        "cadip",
        filter="T_INTERSECTS(datetime, INTERVAL('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'))",
    ) == "({} and {})".format(
        at_most(PUB, "2024-02-01T00:00:00.000Z"), at_least(PUB, "2024-01-01T00:00:00.000Z")
    )
    assert (
        odata_filter("cadip", filter="T_BEFORE(datetime, '2024-01-01T00:00:00Z')")
        == "(PublicationDate lt 2024-01-01T00:00:00.000Z)"
    )


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("T_STARTS", "(ContentDate/Start eq {a} and ContentDate/End lt {b})"),
        ("T_STARTEDBY", "(ContentDate/Start eq {a} and ContentDate/End gt {b})"),
        ("T_FINISHES", "(ContentDate/Start gt {a} and ContentDate/End eq {b})"),
        ("T_FINISHEDBY", "(ContentDate/Start lt {a} and ContentDate/End eq {b})"),
        ("T_DISJOINT", "((ContentDate/End lt {a} or ContentDate/Start gt {b}))"),
    ],
)
def test_temporal_operators_missing_upstream(op: str, expected: str) -> None:
    a, b = "2025-04-01T00:00:00.000Z", "2025-04-02T00:00:00.000Z"
    cql = (
        f"{op}(INTERVAL(start_datetime, end_datetime), "
        "INTERVAL('2025-04-01T00:00:00Z', '2025-04-02T00:00:00Z'))"
    )
    assert odata_filter("auxip", filter=cql) == expected.format(a=a, b=b)


def test_ids_and_names() -> None:
    assert odata_filter("cadip", ids=("a", "b")) == "SessionId in ('a','b')"
    assert (
        odata_filter("auxip", ids=("a", "it's"))
        == "(contains(Name, 'a') or contains(Name, 'it''s'))"
    )
    assert odata_filter(
        "prip", query={"id": {"eq": "x"}, "sat:relative_orbit": {"in": [1, 2]}}
    ) == ("contains(Name, 'x') and " + ATTR.format("relativeOrbitNumber", "in ('1','2')"))
    with pytest.raises(UnsupportedQuery) as caught:
        odata_filter("prip", query={"id": {"startsWith": "x"}})
    assert caught.value.part == "query operator 'startsWith' on 'id'"


def test_geojson_intersects_forms() -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6.5], [5, 5]]]],
    }
    assert odata_filter("lta", intersects=multi) == (
        "OData.CSC.Intersects(area=geography'SRID=4326;"
        "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6.5, 5 5)))')"
    )
    assert odata_filter("prip", filter="S_INTERSECTS(geometry, POINT(1.25 -3))") == (
        "OData.CSC.Intersects(area=geography'SRID=4326;POINT(1.25 -3)')"
    )
    with pytest.raises(UnsupportedQuery, match="LineString"):
        odata_filter("prip", intersects={"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    sneaky = {"op": "=", "args": [{"property": "intersects"}, "POLYGON((0 0))') or (1"]}
    expect_error(422, lambda: odata_filter("prip", filter=sneaky))


def test_bad_filters_are_400() -> None:
    assert expect_error(400, lambda: odata_filter("prip", filter="id = ")).code == "BadRequest"
    expect_error(400, lambda: odata_filter("prip", filter="{not json", filter_lang="cql2-json"))
    expect_error(400, lambda: odata_filter("prip", filter={"op": "nonsense", "args": []}))
    with pytest.raises(UnsupportedQuery):
        odata_filter("prip", filter="id='a'", filter_lang="ecql")


def test_files_request_and_encoding() -> None:
    request = build_files_request(["S1A_1", "S1A_2", "S1A_1"], skip=1000)
    assert (
        request.query_string(encode=False)
        == "$filter=SessionId in ('S1A_1','S1A_2')&$top=1000&$skip=1000"
    )
    assert (
        request.query_string() == "$filter=SessionId%20in%20('S1A_1','S1A_2')&$top=1000&$skip=1000"
    )
    paged = request.with_params(top=10, skip=None)
    assert paged.params == (("$filter", "SessionId in ('S1A_1','S1A_2')"), ("$top", "10"))
    assert (
        ODataRequest("Products", [("$top", "1")]).url("http://h/odata/v1/")
        == "http://h/odata/v1/Products?$top=1"
    )


def test_error_bodies() -> None:
    assert unknown_collection("auxip", "x").body() == {
        "code": "NotFound",
        "description": "Unknown AUXIP collection: 'x'",
    }
    assert item_not_found("prip", "p").description == "PRIP item 'p' not found."
    assert item_not_found("adgs", "p").description == "AUXIP item 'p' not found."
    with pytest.raises(UnsupportedQuery, match="EDRS stations serve files over FTPES"):
        build_odata("edrs", SearchRequest())
    assert queryables("prip")[-2:] == ["geometry", "intersects"]
    assert "geometry" not in queryables("cadip")
    assert "cadip:retransfer" in queryables("cadip")


def test_paging_links_keep_other_parameters() -> None:
    links = paging_links("http://h/prip/search?collections=a%20b&limit=2&page=2", 2, returned=2)
    assert [link["href"] for link in links] == [
        "http://h/prip/search?collections=a%20b&limit=2&token=next%3Apage%3D3",
        "http://h/prip/search?collections=a%20b&limit=2&token=prev%3Apage%3D1",
    ]


@given(
    st.lists(st.sampled_from(["S1A", "S1B", "S2A", "S3B", "S5P"]), min_size=1, unique=True),
    st.lists(st.sampled_from(["S1A", "S1B", "S2A", "S3B", "S5P"]), min_size=1, unique=True),
)
def test_intersection_is_the_set_intersection(fixed: list[str], asked: list[str]) -> None:
    platforms = {
        "S1A": "sentinel-1a",
        "S1B": "sentinel-1b",
        "S2A": "sentinel-2a",
        "S3B": "sentinel-3b",
        "S5P": "sentinel-5p",
    }
    config = CollectionConfig("c", "cadip", {"platform": [platforms[c] for c in fixed]})
    search = SearchRequest(
        filter={"op": "in", "args": [{"property": "platform"}, [platforms[c] for c in asked]]}
    )
    request = build_odata("cadip", search, config)
    common = [code for code in fixed if code in asked]
    assert request.empty is (not common)
    if common:
        clause = request.param("$filter") or ""
        assert sorted(re.findall(r"S\d[A-Z]", clause)) == sorted(common)


@pytest.mark.parametrize(
    ("platforms", "names", "serials"),
    [
        (["sentinel-1a", "sentinel-2a"], "'SENTINEL-1','SENTINEL-2'", "eq 'A'"),
        (["sentinel-1a", "sentinel-1c"], "eq 'SENTINEL-1'", "in ('A','C')"),
        (["sentinel-5p"], "eq 'SENTINEL-5P'", None),
    ],
)
def test_platform_lists_on_product_stations(
    platforms: list[str], names: str, serials: str | None
) -> None:
    got = odata_filter("prip", filter={"op": "in", "args": [{"property": "platform"}, platforms]})
    name_test = names if names.startswith("eq") else f"in ({names})"
    expected = [ATTR.format("platformShortName", name_test)]
    if serials:
        expected.append(ATTR.format("platformSerialIdentifier", serials))
    assert got == " and ".join(expected)


@pytest.mark.parametrize(
    "platforms", [["sentinel-1a", "sentinel-2b"], ["sentinel-1a", "sentinel-5p"]]
)
def test_platform_lists_that_stations_cannot_express(platforms: list[str]) -> None:
    with pytest.raises(UnsupportedQuery) as caught:
        odata_filter("auxip", filter={"op": "in", "args": [{"property": "platform"}, platforms]})
    assert caught.value.part == "platform IN"
