r"""Hostile input to the station layer: the CQL2/OData translator and the OData mapping.

Every search either becomes an OData request or is refused with a 4xx
:class:`~rs_stac_ext.stations.query.StationApiError` whose description is a sentence; every
record either becomes an Item or a :class:`~rs_stac_ext.stations.mapping.MappingError` naming
the record and the field, and the page goes on. No other exception, and no traceback, may come
out of either.

The fuzz tests run a fixed small budget (``FUZZ_EXAMPLES``, 150 examples each) so CI stays
quick. For a longer hunt, raise it and let hypothesis pick fresh inputs::

    RS_STAC_FUZZ_EXAMPLES=20000 HYPOTHESIS_PROFILE=dev \
        python -m pytest tests/test_stations_hostile.py -q -k fuzz

(about twenty minutes of CPU time; with 20,000 it found the search parameter ``query=1``
reaching ``read_query`` as an integer, fixed since).
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from rs_stac_ext.stations.cli import map_command
from rs_stac_ext.stations.mapping import MappedItem, MappingError, map_page, map_record
from rs_stac_ext.stations.query import (
    InvalidQuery,
    ODataRequest,
    SearchRequest,
    StationApiError,
    build_odata,
)
from test_stations_mapping import PRODUCT, SESSION

FUZZ_EXAMPLES = int(os.environ.get("RS_STAC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None)
T = TypeVar("T")


def answered(call: Callable[[], T]) -> T | StationApiError:
    """Return what ``call`` returns, or the station error it raises (any other escapes)."""
    try:
        return call()
    except StationApiError as error:
        return error


def refused(service: str, search: SearchRequest) -> InvalidQuery:
    with pytest.raises(InvalidQuery) as caught:
        build_odata(service, search)
    error = caught.value
    assert 400 <= error.status < 500
    assert error.description
    assert "set_int_max_str_digits" not in error.description
    return error


# ------------------------------------------------------------------ CQL2 (issue 20, item 17)


@pytest.mark.parametrize(
    "search",
    [
        SearchRequest(filter="cadip:num_channels = '²'"),
        SearchRequest(
            filter={"op": "=", "args": [{"property": "cadip:num_channels"}, "²"]},
            filter_lang="cql2-json",
        ),
        SearchRequest(query={"cadip:num_channels": {"eq": "²"}}),
        SearchRequest(filter="cadip:num_channels = '" + "9" * 5000 + "'"),
        SearchRequest(query={"cadip:num_channels": {"eq": 10**400}}),
    ],
    ids=["text", "json", "query", "digits-in-a-string", "huge-integer"],
)
def test_an_integer_that_is_not_one_is_a_422_with_a_sentence(search: SearchRequest) -> None:
    error = refused("cadip", search)
    assert error.status == 422
    assert error.description.startswith("cadip:num_channels: ")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (SearchRequest(filter="cadip:num_channels = " + "9" * 5000), "more than 4300 digits"),
        (
            SearchRequest(
                filter='{"op":"=","args":[{"property":"cadip:num_channels"},' + "9" * 5000 + "]}",
                filter_lang="cql2-json",
            ),
            "more than 4300 digits",
        ),
        (SearchRequest(filter="[" * 100_000, filter_lang="cql2-json"), "nested too deeply"),
    ],
    ids=["text", "json-text", "json-100k-deep"],
)
def test_an_unreadable_filter_is_a_400_with_a_sentence(
    search: SearchRequest, expected: str
) -> None:
    error = refused("cadip", search)
    assert error.status == 400
    assert expected in error.description


def test_a_json_parameter_with_a_5000_digit_number_is_a_400() -> None:
    with pytest.raises(InvalidQuery) as caught:
        SearchRequest.from_params({"intersects": "9" * 5000})
    assert caught.value.status == 400
    assert "more than 4300 digits" in caught.value.description


def test_a_thousand_and_clauses_are_translated() -> None:
    clause = "cadip:num_channels = 2"
    text = build_odata("cadip", SearchRequest(filter=" AND ".join([clause] * 1000)))
    as_json = build_odata(
        "cadip",
        SearchRequest(
            filter={
                "op": "and",
                "args": [{"op": "=", "args": [{"property": "cadip:num_channels"}, 2]}] * 1000,
            },
            filter_lang="cql2-json",
        ),
    )
    assert text.param("$filter") == as_json.param("$filter") == "NumChannels eq 2"


def test_a_filter_nested_a_thousand_levels_is_a_400() -> None:
    node: dict[str, Any] = {"op": "=", "args": [{"property": "cadip:num_channels"}, 2]}
    for _ in range(1000):
        node = {"op": "and", "args": [node, node]}
    error = refused("cadip", SearchRequest(filter=node, filter_lang="cql2-json"))
    assert error.status == 400
    assert "nests more than" in error.description


# --------------------------------------------------------------- mapping (issue 20, item 18)


def test_a_footprint_nesting_5000_parentheses_fails_its_record_only() -> None:
    deep = dict(PRODUCT, Id="deep", Footprint="POLYGON" + "(" * 5000 + "1 2" + ")" * 5000)
    results = list(map_page("prip", [deep, PRODUCT]))
    assert isinstance(results[0], MappingError)
    assert results[0].field == "Footprint"
    assert results[0].record_id == PRODUCT["Name"]
    assert isinstance(results[1], MappedItem)


def test_map_from_a_file_nesting_100k_levels_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"value": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = CliRunner().invoke(map_command, ["prip", "--from-file", str(path)])
    assert result.exit_code == 2, result.output
    assert "nests objects and arrays too deeply to be read" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_map_from_a_file_with_a_5000_digit_number_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text('{"value": [' + "9" * 5000 + "]}", encoding="utf-8")
    result = CliRunner().invoke(map_command, ["prip", "--from-file", str(path)])
    assert result.exit_code == 2, result.output
    assert "more than 4300 digits" in result.output


def test_map_live_with_an_integer_that_is_not_one_is_a_usage_error() -> None:
    # The search is refused before any station is asked.
    filter_ = "cadip:num_channels = '²'"
    args = ["cadip", "--collection", "cadip_sessions", "--filter", filter_]
    result = CliRunner().invoke(map_command, args)
    assert result.exit_code == 2, result.output
    assert "cadip:num_channels: expected an integer, got '²'" in result.output


def test_a_station_answer_nesting_100k_levels_is_a_station_error() -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from rs_stac_ext.stations.client import StationClient, StationUnavailable
    from rs_stac_ext.stations.registry import Station
    from rs_stac_ext.stations.simulator import serve

    deep = '{"value": ' + "[" * 100_000 + "]" * 100_000 + "}"

    async def answer(request: Any) -> Response:
        return Response(deep, media_type="application/json")

    app = Starlette(routes=[Route("/odata/v1/Products", answer)])
    with serve(app) as base:
        prip = Station(service="prip", id="deep", root_url=f"{base}/odata/v1")
        with StationClient(prip) as client, pytest.raises(StationUnavailable) as caught:
            list(client.iter_records(ODataRequest("Products")))
    assert "nests too deeply to be read" in str(caught.value)


# ------------------------------------------------------------------------------ fuzzing

_PROPERTIES = (
    "id",
    "datetime",
    "platform",
    "constellation",
    "cadip:num_channels",
    "cadip:retransfer",
    "sat:absolute_orbit",
    "product:type",
    "start_datetime",
    "geometry",
    "published",
    "unknown:thing",
)
_VALUES = (
    "2",
    "'²'",
    "'٣'",
    "9" * 30,
    "-1",
    "1e400",
    "'2024-01-01T00:00:00Z'",
    "TIMESTAMP('2024-01-01T00:00:00Z')",
    "'sentinel-1a'",
    "'S1A'",
    "true",
    "'x''y'",
    "POLYGON((1 2, 3 4, 5 6, 1 2))",
    "POINT(1 2)",
    "INTERVAL('2024-01-01T00:00:00Z', '..')",
    "NULL",
)
_OPERATORS = ("=", "<", "<=", ">", ">=", "<>", "LIKE", "IN")


@st.composite
def cql2_text(draw: st.DrawFn) -> str:
    """CQL2 text made of real pieces, sometimes broken."""
    clauses = []
    for _ in range(draw(st.integers(1, 6))):
        prop = draw(st.sampled_from(_PROPERTIES))
        op = draw(st.sampled_from(_OPERATORS))
        value = draw(st.sampled_from(_VALUES))
        shape = draw(st.integers(0, 4))
        if shape == 0:
            clause = f"{prop} {op} {value}"
        elif shape == 1:
            clause = f"{prop} IN ({value}, {draw(st.sampled_from(_VALUES))})"
        elif shape == 2:
            name = draw(st.sampled_from(("T_AFTER", "T_DURING", "T_INTERSECTS", "S_INTERSECTS")))
            clause = f"{name}({prop}, {value})"
        elif shape == 3:
            clause = (
                "(" * draw(st.integers(1, 40))
                + f"{prop} = {value}"
                + ")" * draw(st.integers(0, 40))
            )
        else:
            clause = draw(st.text(string.printable + "²٣é😀\x00", max_size=30))
        clauses.append(clause)
    joiner = draw(st.sampled_from((" AND ", " and ", " OR ", " AND NOT ")))
    return joiner.join(clauses)


_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.sampled_from(("²", "2", "2024-01-01T00:00:00Z", "sentinel-1a", "POINT(1 2)", "")),
    st.text(max_size=10),
    st.builds(lambda name: {"property": name}, st.sampled_from(_PROPERTIES)),
    st.builds(lambda stamp: {"timestamp": stamp}, st.sampled_from(("2024-01-01T00:00:00Z", "x"))),
)


def _json_node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    ops = st.sampled_from(("and", "or", "not", "=", "<", "in", "t_after", "s_intersects", "like"))
    return st.one_of(
        st.builds(lambda op, args: {"op": op, "args": args}, ops, st.lists(children, max_size=4)),
        st.builds(lambda op, arg: {"op": op, "args": arg}, ops, children),
        st.lists(children, max_size=4),
        st.builds(lambda bounds: {"interval": bounds}, st.lists(children, max_size=3)),
        st.builds(
            lambda kind, coordinates: {"type": kind, "coordinates": coordinates},
            st.sampled_from(("Point", "polygon", "MultiPolygon", "LineString")),
            children,
        ),
    )


cql2_json = st.recursive(_JSON_LEAVES, _json_node, max_leaves=20)
_geometries = st.one_of(
    cql2_json,
    st.builds(
        lambda kind, coordinates: {"type": kind, "coordinates": coordinates},
        st.sampled_from(("Point", "Polygon", "MultiPolygon", "Line")),
        st.recursive(
            st.one_of(st.integers(), st.floats(), st.just(10**400)), st.lists, max_leaves=12
        ),
    ),
)
_texts = st.one_of(st.text(max_size=20), st.sampled_from(("9" * 5000, "²", "..", "/", "a/b")))


@st.composite
def searches(draw: st.DrawFn) -> SearchRequest:
    """Searches whose every member may be odd."""
    language = draw(st.sampled_from(("cql2-text", "cql2-json", None, "other")))
    if language == "cql2-text":
        chosen: Any = draw(cql2_text())
    else:
        chosen = draw(st.one_of(cql2_json, cql2_json.map(json.dumps), _texts))
    return SearchRequest(
        ids=draw(st.none() | st.lists(_texts, max_size=3).map(tuple)),
        datetime=draw(st.none() | _texts | st.sampled_from(("2024-01-01T00:00:00Z/..",))),
        bbox=draw(st.none() | st.lists(st.integers() | st.floats(), max_size=7) | _texts),
        intersects=draw(st.none() | _geometries),
        limit=draw(st.none() | st.integers() | _texts),
        page=draw(st.none() | st.integers() | _texts),
        token=draw(st.none() | _texts | st.just("next:page=" + "9" * 5000)),
        sortby=draw(st.none() | _texts | st.lists(st.dictionaries(_texts, _texts), max_size=2)),
        filter=chosen,
        filter_lang=language,
        query=draw(
            st.none()
            | st.dictionaries(
                st.sampled_from(_PROPERTIES),
                st.dictionaries(st.sampled_from(("eq", "in", "lt", "gte", "x")), _JSON_LEAVES),
                max_size=3,
            )
        ),
    )


@FUZZ
@given(service=st.sampled_from(("cadip", "auxip", "prip", "lta")), search=searches())
def test_fuzz_build_odata_answers_a_request_or_a_4xx_sentence(
    service: str, search: SearchRequest
) -> None:
    answer = answered(lambda: build_odata(service, search))
    if isinstance(answer, StationApiError):
        assert 400 <= answer.status < 500, answer
        assert isinstance(answer.description, str)
        assert answer.description
        assert json.dumps(answer.body())
    else:
        assert isinstance(answer, ODataRequest)
        if not answer.empty:
            assert answer.url("https://station.example/odata/v1").startswith("https://")


@FUZZ
@given(params=st.dictionaries(st.sampled_from(("intersects", "query", "filter", "bbox")), _texts))
def test_fuzz_search_parameters_are_read_or_refused_with_a_400(params: dict[str, str]) -> None:
    search = answered(lambda: SearchRequest.from_params(params))
    if isinstance(search, StationApiError):
        assert search.status == 400
        return
    answer = answered(lambda: build_odata("prip", search))
    assert isinstance(answer, ODataRequest) or 400 <= answer.status < 500


_BODY_KEYS = (
    "ids",
    "collections",
    "datetime",
    "bbox",
    "intersects",
    "limit",
    "page",
    "token",
    "sortby",
    "filter",
    "filter-lang",
    "query",
)


@FUZZ
@given(
    service=st.sampled_from(("cadip", "auxip", "prip", "lta")),
    body=st.dictionaries(st.sampled_from(_BODY_KEYS), cql2_json, max_size=5),
)
def test_fuzz_post_bodies_are_read_or_refused_with_a_4xx(
    service: str, body: dict[str, Any]
) -> None:
    search = answered(lambda: SearchRequest.from_body(body))
    if isinstance(search, StationApiError):
        assert search.status == 400
        assert search.description
        return
    answer = answered(lambda: build_odata(service, search))
    assert isinstance(answer, ODataRequest) or 400 <= answer.status < 500


_RECORD_VALUES = st.one_of(
    _JSON_LEAVES,
    st.sampled_from(
        (
            "POLYGON" + "(" * 5000 + ")" * 5000,
            "geography'SRID=4326;POLYGON((10 40,12 40,12 42,10 42,10 40))'",
            "POLYGON((1 2, 3 4)",
            "POLYGON((1 2, 3 4)))",
            "POINT(1 2 3 4)",
            "MULTIPOLYGON(((1 2,3 4,5 6,1 2)),((1 2)))",
            "2024-13-01T00:00:00Z",
            "9" * 5000,
        )
    ),
    cql2_json,
)
_FIELDS = (
    "Id",
    "Name",
    "SessionId",
    "Footprint",
    "GeoFootprint",
    "ContentLength",
    "ContentDate",
    "PublicationDate",
    "Checksum",
    "Attributes",
    "Files",
    "DownlinkStart",
    "DownlinkStop",
    "NumChannels",
    "Satellite",
)


@st.composite
def records(draw: st.DrawFn, service: str) -> Any:
    """A real record with some fields replaced, removed or added; sometimes not a record."""
    base = dict(SESSION if service == "cadip" else PRODUCT)
    for _ in range(draw(st.integers(0, 4))):
        field = draw(st.sampled_from(_FIELDS))
        if draw(st.booleans()):
            base[field] = draw(_RECORD_VALUES)
        else:
            base.pop(field, None)
    if draw(st.integers(0, 9)) == 0:
        return draw(_RECORD_VALUES)
    return base


@FUZZ
@given(data=st.data(), service=st.sampled_from(("cadip", "auxip", "prip", "lta")))
def test_fuzz_mapping_yields_an_item_or_a_named_error_per_record(
    data: st.DataObject, service: str
) -> None:
    page = data.draw(st.lists(records(service), min_size=1, max_size=4))
    results = list(map_page(service, [*page, PRODUCT if service != "cadip" else SESSION]))
    assert len(results) == len(page) + 1
    for result in results:
        if isinstance(result, MappingError):
            assert result.field
            assert json.dumps(result.to_dict())
        else:
            assert isinstance(result, MappedItem)
            assert json.dumps(result.item)
    assert isinstance(results[-1], MappedItem)


def test_the_fuzz_records_include_the_reference_ones() -> None:
    # The fuzz tests end every page with these: they must map, or the tests prove nothing.
    assert isinstance(map_record("prip", PRODUCT), MappedItem)
    assert isinstance(map_record("cadip", SESSION), MappedItem)
