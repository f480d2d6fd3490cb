"""The station client against the station simulator, over real loopback HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from rs_stac_ext.stations._odata import ODataSyntaxError, compile_filter, sort_records
from rs_stac_ext.stations.client import (
    StationAuthError,
    StationClient,
    StationRequestError,
    StationUnavailable,
    error_response,
)
from rs_stac_ext.stations.query import ODataRequest, SearchRequest, build_odata
from rs_stac_ext.stations.registry import Auth, AuthKind, CollectionConfig, EnvSecret, Station
from rs_stac_ext.stations.simulator import (
    DATA_DIR,
    SimulatorState,
    create_app,
    payload_bytes,
    serve,
)

PASSWORD_ENV = "RS_TEST_SIM_PASSWORD"
API_KEY_ENV = "RS_TEST_SIM_API_KEY"
DATA = {
    (path.parent.name, path.stem): json.loads(path.read_text(encoding="utf-8"))
    for path in DATA_DIR.glob("*/*.json")
}


@pytest.fixture(scope="module")
def simulator() -> Iterator[tuple[str, SimulatorState]]:
    app = create_app(users={"alice": "wonderland"}, api_keys={"k-123"}, require_auth=True)
    with serve(app) as base:
        yield base, app.state.simulator


@pytest.fixture
def sim(simulator: tuple[str, SimulatorState], monkeypatch: pytest.MonkeyPatch) -> SimulatorState:
    """The shared simulator, with its log, faults and tokens reset for each test."""
    _, state = simulator
    state.requests.clear()
    state.grants.clear()
    state.faults.clear()
    state.revoke_tokens()
    state.token_lifetime = 600.0
    monkeypatch.setenv(PASSWORD_ENV, "wonderland")
    monkeypatch.setenv(API_KEY_ENV, "k-123")
    return state


def station(
    simulator: tuple[str, SimulatorState],
    service: str = "cadip",
    station_id: str = "cadip",
    *,
    auth: Auth | None = None,
    page_size: int = 100,
    timeout: float = 5.0,
) -> Station:
    base, _ = simulator
    basic = Auth(kind=AuthKind.BASIC, username="alice", password=EnvSecret(PASSWORD_ENV))
    return Station(
        service=service,  # type: ignore[arg-type]
        id=station_id,
        root_url=f"{base}/{service}/{station_id}/odata/v1",
        auth=auth or basic,
        page_size=page_size,
        timeout=timeout,
    )


def oauth(simulator: tuple[str, SimulatorState], password_env: str = PASSWORD_ENV) -> Auth:
    base, _ = simulator
    return Auth(
        kind=AuthKind.OAUTH2_PASSWORD,
        token_url=f"{base}/cadip/cadip/oauth2/token",
        username="alice",
        password=EnvSecret(password_env),
        client_id="rs-stac-ext",
    )


def odata_requests(state: SimulatorState, entity: str = "Sessions") -> list[dict[str, list[str]]]:
    return [parse_qs(query) for _, path, query in state.requests if path.endswith(f"/{entity}")]


def sessions_newest_first(station_id: str = "cadip") -> list[str]:
    sessions = DATA[("cadip", station_id)]["Sessions"]
    ordered = sorted(sessions, key=lambda s: s["PublicationDate"], reverse=True)
    return [s["SessionId"] for s in ordered]


# ----------------------------------------------------------------------------------- paging


def test_pages_through_more_than_two_pages(simulator: Any, sim: SimulatorState) -> None:
    request = build_odata("cadip", SearchRequest())
    with StationClient(station(simulator, page_size=5)) as client:
        got = [r["SessionId"] for r in client.iter_records(request)]
    assert got == sessions_newest_first()
    assert len(got) == 12
    sent = odata_requests(sim)
    assert [(q["$top"], q["$skip"]) for q in sent] == [
        (["5"], ["0"]),
        (["5"], ["5"]),
        (["5"], ["10"]),
    ]
    assert all(q["$orderby"] == ["PublicationDate desc"] for q in sent)


def test_limit_and_starting_page(simulator: Any, sim: SimulatorState) -> None:
    request = build_odata("cadip", SearchRequest(limit=4, page=2))
    with StationClient(station(simulator, page_size=3)) as client:
        got = [r["SessionId"] for r in client.iter_records(request, limit=5)]
    assert got == sessions_newest_first()[4:9]
    assert [(q["$top"], q["$skip"]) for q in odata_requests(sim)] == [
        (["3"], ["4"]),
        (["2"], ["7"]),
    ]


def test_empty_request_sends_nothing(simulator: Any, sim: SimulatorState) -> None:
    request = build_odata(
        "cadip", SearchRequest(ids=("a",)), CollectionConfig("c", "cadip", {"ids": ["b"]})
    )
    with StationClient(station(simulator)) as client:
        assert list(client.iter_records(request)) == []
    assert sim.requests == []


def test_search_attaches_files_to_cadip_sessions(simulator: Any, sim: SimulatorState) -> None:
    collection = CollectionConfig("s1a", "cadip", {"platform": ["sentinel-1a"]})
    with StationClient(station(simulator)) as client:
        sessions = list(client.iter_search(SearchRequest(), collection))
    files = DATA[("cadip", "cadip")]["Files"]
    assert sessions
    assert all(s["Satellite"] == "S1A" for s in sessions)
    for session in sessions:
        expected = sorted(f["Id"] for f in files if f["SessionId"] == session["SessionId"])
        assert sorted(f["Id"] for f in session["Files"]) == expected
        assert len(expected) == 2 * max(f["BlockNumber"] for f in session["Files"])
    files_query = odata_requests(sim, "Files")[0]
    assert files_query["$top"] == ["1000"]
    assert files_query["$filter"][0].startswith("SessionId in ('S1A_")


def test_session_files_groups_by_session(simulator: Any, sim: SimulatorState) -> None:
    wanted = [*sessions_newest_first()[:3], "S1A_NOT_THERE"]
    with StationClient(station(simulator)) as client:
        grouped = client.session_files(wanted)
    assert list(grouped) == wanted
    assert grouped["S1A_NOT_THERE"] == []
    for session_id in wanted[:3]:
        assert {f["SessionId"] for f in grouped[session_id]} == {session_id}
        assert grouped[session_id]


# ---------------------------------------------------------------------------------- retries


def test_retries_injected_503_with_exponential_backoff(simulator: Any, sim: SimulatorState) -> None:
    sim.inject(503, count=2)
    waits: list[float] = []
    with StationClient(station(simulator), backoff=0.01, sleep=waits.append) as client:
        got = list(client.iter_records(build_odata("cadip", SearchRequest(limit=3)), limit=3))
    assert len(got) == 3
    assert waits == [0.01, 0.02]
    assert len(odata_requests(sim)) == 3


def test_gives_up_after_the_retries(simulator: Any, sim: SimulatorState) -> None:
    sim.inject(502, count=10)
    client = StationClient(station(simulator), retries=2, backoff=0, sleep=lambda _: None)
    with client, pytest.raises(StationUnavailable) as caught:
        list(client.iter_records(build_odata("cadip", SearchRequest())))
    assert len(odata_requests(sim)) == 3
    assert caught.value.status == 503
    assert caught.value.description.startswith("Station CADIP connection error: GET http")
    assert "HTTP 502" in caught.value.description
    assert caught.value.description.endswith("after 3 attempts")


def test_retries_a_slow_answer_after_a_time_out(simulator: Any, sim: SimulatorState) -> None:
    sim.inject(None, count=1, delay=1.0)
    started = time.monotonic()
    with StationClient(station(simulator, timeout=0.25), backoff=0.01) as client:
        got = list(client.iter_records(build_odata("cadip", SearchRequest(limit=2)), limit=2))
    assert len(got) == 2
    assert len(odata_requests(sim)) == 2
    assert time.monotonic() - started < 1.0


def test_station_refusal_is_not_retried(simulator: Any, sim: SimulatorState) -> None:
    request = ODataRequest("Sessions", [("$filter", "SessionId wobble 'x'")])
    client = StationClient(station(simulator), backoff=0)
    with client, pytest.raises(StationRequestError) as caught:
        list(client.iter_records(request))
    assert caught.value.station_status == 400
    assert "wobble" in caught.value.description
    assert len(sim.requests) == 1


def test_unreachable_station_gives_the_connection_error_body() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adgs = Station(
        service="auxip", id="adgs", root_url=f"http://127.0.0.1:{port}/odata/v1", timeout=1
    )
    client = StationClient(adgs, retries=1, backoff=0)
    with client, pytest.raises(StationUnavailable) as caught:
        list(client.iter_records(build_odata("auxip", SearchRequest())))
    status, body = error_response(caught.value)
    assert status == 503
    assert body["code"] == "ServiceUnavailable"
    assert body["description"].startswith("Station ADGS connection error: GET http://127.0.0.1")


# ------------------------------------------------------------------------------ credentials


def test_oauth2_token_is_fetched_once_then_refreshed_on_expiry(
    simulator: Any, sim: SimulatorState
) -> None:
    sim.token_lifetime = 0.5
    request = build_odata("cadip", SearchRequest(limit=2))
    with StationClient(station(simulator, auth=oauth(simulator))) as client:
        assert len(list(client.iter_records(request, limit=2))) == 2
        assert len(list(client.iter_records(request, limit=2))) == 2
        assert sim.grants == ["password"]
        time.sleep(0.6)
        assert len(list(client.iter_records(request, limit=2))) == 2
    assert sim.grants == ["password", "refresh_token"]


def test_oauth2_token_renewed_on_401(simulator: Any, sim: SimulatorState) -> None:
    request = build_odata("cadip", SearchRequest(limit=1))
    with StationClient(station(simulator, auth=oauth(simulator))) as client:
        list(client.iter_records(request, limit=1))
        sim.revoke_tokens()  # the refresh token goes too: the client falls back to its password
        assert len(list(client.iter_records(request, limit=1))) == 1
    assert sim.grants == ["password", "password"]
    assert [path.endswith("/token") for _, path, _ in sim.requests] == [
        True,
        False,
        False,
        True,
        True,
        False,
    ]


def test_wrong_password_is_an_auth_error(
    simulator: Any, sim: SimulatorState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "guess")
    client = StationClient(station(simulator, auth=oauth(simulator)))
    with client, pytest.raises(StationAuthError, match="token refused") as caught:
        list(client.iter_records(build_odata("cadip", SearchRequest())))
    assert caught.value.station_status == 400
    assert sim.grants == []


@pytest.mark.parametrize(
    ("auth", "works"),
    [
        (Auth(kind=AuthKind.API_KEY, api_key=EnvSecret(API_KEY_ENV)), True),
        (
            Auth(kind=AuthKind.API_KEY, api_key=EnvSecret(API_KEY_ENV), header="X-Station-Key"),
            False,
        ),
        (Auth(kind=AuthKind.BASIC, username="alice", password=EnvSecret(PASSWORD_ENV)), True),
        (Auth(kind=AuthKind.BASIC, username="bob", password=EnvSecret(PASSWORD_ENV)), False),
        (Auth(), False),
    ],
)
def test_api_key_and_basic_auth(
    simulator: Any, sim: SimulatorState, auth: Auth, works: bool
) -> None:
    request = build_odata("auxip", SearchRequest(limit=1))
    with StationClient(station(simulator, "auxip", "adgs", auth=auth)) as client:
        if works:
            assert len(list(client.iter_records(request, limit=1))) == 1
        else:
            with pytest.raises(StationAuthError) as caught:
                list(client.iter_records(request, limit=1))
            assert caught.value.station_status == 401
    assert len(sim.requests) == 1


# -------------------------------------------------------------------------------- downloads


@pytest.mark.parametrize(
    ("service", "station_id"), [("cadip", "cadip"), ("auxip", "adgs"), ("prip", "s1a")]
)
def test_download_streams_what_the_simulator_serves(
    simulator: Any, sim: SimulatorState, service: str, station_id: str
) -> None:
    entity = "Files" if service == "cadip" else "Products"
    record = DATA[(service, station_id)][entity][1]
    size = min(int(record.get("Size", record.get("ContentLength", 0))), sim.payload_cap)
    with StationClient(station(simulator, service, station_id)) as client:
        chunks = list(client.download(f"{entity}({record['Id']})/$value", chunk_size=4096))
    body = b"".join(chunks)
    assert body == payload_bytes(record["Id"], size)
    assert len(chunks) > 1
    if "Checksum" in record and size == record["ContentLength"]:
        assert (
            hashlib.md5(body, usedforsecurity=False).hexdigest() == record["Checksum"][0]["Value"]
        )


def test_download_refuses_other_hosts_and_reports_missing_files(
    simulator: Any, sim: SimulatorState
) -> None:
    with StationClient(station(simulator)) as client:
        with pytest.raises(ValueError, match="not served by station"):
            next(client.download("http://example.com/Files(1)/$value"))
        with pytest.raises(StationRequestError) as caught:
            next(client.download("Files(no-such-id)/$value"))
    assert caught.value.station_status == 404


def test_download_follows_a_redirect_to_storage(storage_like: Any) -> None:
    base, state = storage_like
    record = DATA[("prip", "s2a")]["Products"][0]
    s2a = Station(service="prip", id="s2a", root_url=f"{base}/prip/s2a/odata/v1")
    with StationClient(s2a) as client:
        body = b"".join(client.download(f"{s2a.root_url}/Products({record['Id']})/$value"))
    assert body == payload_bytes(record["Id"], state.payload_cap)
    assert state.requests[-1][1] == f"/_simulator/blobs/prip/s2a/{record['Id']}"


# -------------------------------------------------------------------------------- simulator


@pytest.fixture(scope="module")
def storage_like() -> Iterator[tuple[str, SimulatorState]]:
    """A simulator that pages with nextLink and redirects downloads, without auth."""
    app = create_app(next_links=True, redirect_downloads=True)
    with serve(app) as base:
        yield base, app.state.simulator


def test_follows_next_links(storage_like: Any) -> None:
    base, state = storage_like
    state.requests.clear()
    adgs = Station(service="auxip", id="adgs", root_url=f"{base}/auxip/adgs/odata/v1", page_size=4)
    search = SearchRequest(filter="constellation='sentinel-1'", sortby="id")
    with StationClient(adgs) as client:
        names = [r["Name"] for r in client.iter_records(build_odata("auxip", search))]
    products = DATA[("auxip", "adgs")]["Products"]
    expected = sorted(p["Name"] for p in products if p["Name"].startswith("S1"))
    assert names == expected
    queries = [query for _, path, query in state.requests if path.endswith("/Products")]
    assert len(queries) == -(-len(expected) // 4)
    # Our own URLs keep quotes readable; the station's nextLink percent-encodes them.
    assert "'SENTINEL-1'" in queries[0]
    assert all("%27SENTINEL-1%27" in query for query in queries[1:])


def test_generator_reproduces_the_shipped_data(tmp_path: Path) -> None:
    from rs_stac_ext.stations._make_simulator_data import write

    written = write(tmp_path)
    assert {p.relative_to(tmp_path) for p in written} == {
        p.relative_to(DATA_DIR) for p in DATA_DIR.glob("*/*.json")
    }
    for path in written:
        assert path.read_bytes() == (DATA_DIR / path.relative_to(tmp_path)).read_bytes(), path


def test_simulator_odata_options(simulator: Any, sim: SimulatorState) -> None:
    base, _ = simulator
    auth = ("alice", "wonderland")
    with httpx.Client(base_url=f"{base}/prip/s1a/odata/v1", auth=auth) as http:
        plain = http.get("/Products", params={"$top": "2", "$count": "true"}).json()
        expanded = http.get("/Products", params={"$top": "1", "$expand": "Attributes"}).json()
        too_many = http.get("/Products", params={"$top": "10001"})
        bad_expand = http.get("/Products", params={"$expand": "Files"})
    assert len(plain["value"]) == 2
    assert plain["@odata.count"] == len(DATA[("prip", "s1a")]["Products"])
    assert "Attributes" not in plain["value"][0]
    assert expanded["value"][0]["Attributes"]
    assert too_many.status_code == 400
    assert "10000" in too_many.text
    assert bad_expand.status_code == 400
    with httpx.Client(base_url=f"{base}/cadip/cadip/odata/v1", auth=auth) as http:
        assert http.get("/Files", params={"$top": "1001"}).status_code == 400
        session = http.get("/Sessions", params={"$top": "1", "$expand": "Files"}).json()["value"][0]
        assert session["Files"]
        assert {f["SessionId"] for f in session["Files"]} == {session["SessionId"]}
        assert http.get("/Nothing").status_code == 404


def test_simulator_fault_control_over_http(simulator: Any, sim: SimulatorState) -> None:
    base, _ = simulator
    with httpx.Client(base_url=base, auth=("alice", "wonderland")) as http:
        armed = http.post("/_simulator/faults", json={"status": 500, "count": 1})
        assert armed.json()["faults"][0]["status"] == 500
        assert http.get("/auxip/adgs/odata/v1/Products").status_code == 500
        assert http.get("/auxip/adgs/odata/v1/Products").status_code == 200
        log = http.get("/_simulator/requests").json()["requests"]
    assert [entry[1] for entry in log][-3:] == ["/auxip/adgs/odata/v1/Products"] * 2 + [
        "/_simulator/requests"
    ]


def every_record(service: str) -> list[dict[str, Any]]:
    entity = "Sessions" if service == "cadip" else "Products"
    return [r for (s, _), content in DATA.items() if s == service for r in content[entity]]


def _attr(record: dict[str, Any], name: str) -> Any:
    return next((a["Value"] for a in record.get("Attributes", []) if a["Name"] == name), None)


def _east_of_greenwich(record: dict[str, Any]) -> bool:
    footprint = record.get("GeoFootprint") or {"coordinates": [[[-1, 0]]]}
    return bool(max(p[0] for p in footprint["coordinates"][0]) >= 0)


ORBIT = _attr(DATA[("prip", "s1a")]["Products"][2], "orbitNumber")
AUX_START = DATA[("auxip", "adgs")]["Products"][4]["ContentDate"]["Start"]
JUNE_12 = "INTERVAL('2025-06-12T00:00:00Z', '2025-06-13T00:00:00Z')"


@pytest.mark.parametrize(
    ("service", "search", "check"),
    [
        ("prip", {"filter": f"sat:absolute_orbit={ORBIT}"},
         lambda r: _attr(r, "orbitNumber") == ORBIT),
        ("lta", {"filter": "platform='sentinel-1c'"}, lambda r: r["Name"].startswith("S1C")),
        ("lta", {"bbox": [0, -90, 180, 90]}, _east_of_greenwich),
        ("auxip", {"filter": f"T_INTERSECTS(start_datetime, '{AUX_START}')"},
         lambda r: r["ContentDate"]["Start"] == AUX_START),
        ("auxip", {"datetime": "2025-06-05T00:00:00Z/2025-06-09T00:00:00Z"},
         lambda r: "2025-06-05" <= r["PublicationDate"][:10] < "2025-06-09"),
        ("auxip", {"ids": ("AUX_RESORB", "AUX_PP1")},
         lambda r: "AUX_RESORB" in r["Name"] or "AUX_PP1" in r["Name"]),
        ("cadip", {"filter": "cadip:retransfer=True"}, lambda r: r["Retransfer"] is True),
        ("cadip", {"filter": f"T_INTERSECTS(published, {JUNE_12})"},
         lambda r: r["PublicationDate"].startswith("2025-06-12")),
    ],
)  # fmt: skip
def test_simulator_answers_what_the_queries_mean(
    simulator: Any, sim: SimulatorState, service: str, search: dict[str, Any], check: Any
) -> None:
    """Each OData filter the query layer emits selects exactly the records it means."""
    station_ids = sorted({s for (svc, s) in DATA if svc == service})
    got: list[str] = []
    for station_id in station_ids:
        request = build_odata(service, SearchRequest(**search))
        with StationClient(station(simulator, service, station_id)) as client:
            got += [r["Id"] for r in client.iter_records(request)]
    expected = [r["Id"] for r in every_record(service) if check(r)]
    assert sorted(got) == sorted(expected)
    assert expected, "the case selects nothing: pick a value the generated data has"


def test_odata_parser_subset() -> None:
    record = {
        "Name": "S1A_X",
        "N": 3,
        "Flag": True,
        "When": "2024-01-01T00:00:00.000Z",
        "Tags": [{"k": "a"}, {"k": "b"}],
    }
    accepted = [
        "Name eq 'S1A_X' and N gt 2 and N le 3",
        "not (N lt 3) and Flag eq true and Flag eq True",
        "When gte 2024-01-01T00:00:00Z and When lte 2024-01-01T01:00:00+01:00",
        "contains(Name, '1A') and startswith(Name, 'S1') and endswith(Name, '_X')",
        "Tags/any(t:t/k eq 'b') and not Tags/all(t:t/k eq 'b')",
        "N in (1, 2, 3) or Name eq 'other'",
        "Missing eq null and Name ne null",
    ]
    for text in accepted:
        assert compile_filter(text)(record), text
    assert not compile_filter("Name eq 'it''s'")(record)
    for text in [
        "Name eq",
        "Name wobble 'x'",
        "foo(Name, 'x')",
        "(Name eq 'x'",
        "Name eq 'x' )",
        "N eq #",
    ]:
        with pytest.raises(ODataSyntaxError):
            compile_filter(text)
    rows: list[dict[str, Any]] = [
        {"a": "2024-01-02T00:00Z"},
        {"a": None},
        {"a": "2024-01-01T00:00Z"},
    ]
    assert sort_records(rows, "a desc") == [rows[0], rows[2], rows[1]]
    with pytest.raises(ODataSyntaxError):
        sort_records(rows, "a sideways")


def upstream_filters() -> list[str]:
    upstream = Path(__file__).resolve().parents[1].parent / "shared" / "upstream"
    path = Path(os.environ.get("RS_STAC_UPSTREAM", upstream)) / "rs-server/2025"
    path = path / "odata_query_vectors.json"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    urls = re.findall(r"\$filter=(.*?)&\$orderby", text)
    return [f for f in [*urls, *re.findall(r'"odata_filter": "(.*?)"', text)] if "<" not in f]


def test_simulator_parses_every_upstream_filter() -> None:
    filters = upstream_filters()
    if not filters:
        pytest.skip("upstream vectors absent")
    for text in filters:
        compile_filter(text.replace('\\"', '"'))
