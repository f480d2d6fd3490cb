"""``rs-stac map``: saved OData answers and live (simulated) stations to NDJSON Items."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import UPSTREAM
from rs_stac_ext.stations.cli import map_command
from rs_stac_ext.stations.mapping import MAPPED_SERVICES
from rs_stac_ext.validator.validation import ValidationOptions, validate

RS_SERVER = UPSTREAM / "rs-server"
CADIP_V14 = "https://home.rs-python.eu/cadip-stac-extension/v1.4.0/schema.json"
AUXIP_V2 = "https://home.rs-python.eu/auxip-stac-extension/v2.0.0/schema.json"

PRODUCT: dict[str, Any] = {
    "Id": "2b17b57d-fff4-4645-b539-91f305c27c69",
    "Name": "S1A_OPER_AUX_RESORB_OPOD_20240101T000000_V20231231T210000_20240101T010000.EOF",
    "ContentType": "application/octet-stream",
    "ContentLength": "1234",
    "PublicationDate": "2024-01-01T03:00:00.000Z",
    "EvictionDate": "2024-01-08T03:00:00.000Z",
    "ContentDate": {"Start": "2023-12-31T21:00:00.000Z", "End": "2024-01-01T01:00:00.000Z"},
    "Attributes": [{"Name": "productType", "Value": "AUX_RESORB"}],
}


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(map_command, list(args), input=stdin)


def lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def schema_errors(items: list[dict[str, Any]], allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    return [
        f"{report.id}: {problem.path}: {problem.message}"
        for report in validate(items, ValidationOptions())
        for problem in report.errors
        if problem.keyword not in allowed
    ]


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def rs_server(path: str) -> str:
    if not RS_SERVER.is_dir():
        pytest.skip(f"upstream rs-server data not found at {RS_SERVER}")
    return str(RS_SERVER / path)


# ---------------------------------------------------------------------------------- saved answers


def test_maps_a_saved_answer_to_one_ndjson_item_per_record(tmp_path: Path) -> None:
    answer = {
        "@odata.context": "https://adgs.example.eu/odata/v1/$metadata#Products",
        "value": [PRODUCT, dict(PRODUCT, Id="3c28c68e-0005-4756-c64a-02f416d38d7a", Name="B.EOF")],
    }
    result = run("auxip", "--from-file", write(tmp_path / "odata.json", answer))
    assert result.exit_code == 0, result.stderr
    items = lines(result)
    assert [item["id"] for item in items] == [PRODUCT["Name"].removesuffix(".EOF"), "B"]
    asset = items[0]["assets"][PRODUCT["Name"]]
    assert asset["href"] == f"https://adgs.example.eu/odata/v1/Products({PRODUCT['Id']})/$value"
    assert items[0]["stac_extensions"][0] == AUXIP_V2
    assert "mapped 2 item(s); 0 record(s) not mapped" in result.stderr
    assert schema_errors(items) == []


def test_bad_records_are_named_and_the_rest_is_mapped(tmp_path: Path) -> None:
    answer = {
        "value": [
            dict(PRODUCT, Id=None),
            dict(PRODUCT, Name="BAD_DATE.EOF", PublicationDate="2024-01-32T00:00:00Z"),
            dict(PRODUCT, Name="NEGATIVE.EOF", ContentLength=-3),
            PRODUCT,
        ]
    }
    result = run("adgs", "--from-file", write(tmp_path / "odata.json", answer))
    assert result.exit_code == 1
    assert [item["id"] for item in lines(result)] == [PRODUCT["Name"].removesuffix(".EOF")]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    name = PRODUCT["Name"]
    assert (
        errors[0]
        == f"error: record {name!r}: Id: required, but missing or null (record not mapped)"
    )
    assert "record 'BAD_DATE.EOF': PublicationDate: expected an RFC 3339 timestamp" in errors[1]
    assert "record 'NEGATIVE.EOF': ContentLength: expected an integer >= 0, got -3" in errors[2]
    assert "mapped 1 item(s); 3 record(s) not mapped" in result.stderr


def test_errors_as_json_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "odata.json", {"value": [dict(PRODUCT, ContentLength="many")]})
    result = run("auxip", "--from-file", path, "--errors", "json")
    assert result.exit_code == 1
    reported = json.loads(result.stderr.splitlines()[0])
    assert reported == {
        "record": PRODUCT["Name"],
        "field": "ContentLength",
        "message": "expected an integer, got 'many'",
        "consequence": "record not mapped",
    }


def test_reads_stdin_and_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "items.ndjson"
    result = run(
        "auxip",
        "--from-file",
        "-",
        "-o",
        str(out),
        "--base-url",
        "http://stac.example.eu",
        "--collection",
        "aux",
        stdin=json.dumps([PRODUCT]),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    [item] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert item["collection"] == "aux"
    assert {link["rel"] for link in item["links"]} == {"collection", "parent", "root", "self"}
    assert item["assets"][PRODUCT["Name"]]["href"].startswith("Products(")  # no OData root known


def test_the_2025_cadip_pair_with_separate_files() -> None:
    result = run(
        "cadip",
        "--from-file",
        rs_server("2025/cadip_sessions_odata.json"),
        "--files",
        rs_server("2025/cadip_files_odata.json"),
        "--root-url",
        "http://127.0.0.1:5000",
    )
    assert result.exit_code == 0, result.stderr
    [item] = lines(result)
    assert item["id"] == "S1A_20200105072204051312"
    assert [a["href"] for a in item["assets"].values()] == [
        "http://127.0.0.1:5000/Files(e4d17d2f-29eb-4c18-bc1f-bf2769a3a16d)/$value",
        "http://127.0.0.1:5000/Files(cd24aa8b-2719-4a1e-b4a7-f7c9df6de300)/$value",
    ]
    # The station data number both blocks 1 and announce 2 channels for files of one.
    assert schema_errors([item], {"cadip/num-channels", "cadip/blocks-contiguous"}) == []


def test_the_2024_expanded_answer_in_previous_versions() -> None:
    path = rs_server("2024-10/cadip_session_expand_files_odata.json")
    result = run("cadip", "--from-file", path, "--previous-versions")
    assert result.exit_code == 0, result.stderr
    [item] = lines(result)
    assert item["stac_extensions"][0] == CADIP_V14
    assert len(item["assets"]) == 2
    assert schema_errors([item], {"cadip/num-channels", "cadip/blocks-contiguous"}) == []


def test_mock_station_files_with_bad_guids_are_left_out() -> None:
    result = run(
        "cadip",
        "--from-file",
        rs_server("mockup/cadip_sessions.json"),
        "--files",
        rs_server("mockup/cadip_files.json"),
        "--limit",
        "2",
    )
    assert result.exit_code == 1
    assert len(lines(result)) == 2
    left_out = [line for line in result.stderr.splitlines() if "(left out of its Item)" in line]
    assert left_out
    assert all("/Id: expected a GUID" in line for line in left_out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edrs", "--from-file", "x.json"], "serve files over FTPES"),
        (["ftp", "--from-file", "x.json"], "unknown service 'ftp'"),
        (["cadip"], "name a STATION"),
        (["cadip", "kse"], "no cadip station 'kse'"),
        (["cadip", "--collection", "nope"], "unknown cadip collection 'nope'"),
        (["auxip", "--files", "{files}"], "--files goes with --from-file for cadip"),
        (["auxip", "--from-file", "{odata}", "--filter", "a=1"], "apply to live stations"),
        (["auxip", "--from-file", "{missing}"], "cannot read OData answer"),
        (["auxip", "--from-file", "{text}"], "is not JSON"),
        (["auxip", "--from-file", "{object}"], "expected an OData answer"),
        (["auxip", "adgs", "--registry", "{text}"], "not valid YAML"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: Any, message: Any) -> None:
    paths = {
        "odata": write(tmp_path / "odata.json", {"value": []}),
        "files": write(tmp_path / "files.json", {"value": []}),
        "missing": str(tmp_path / "missing.json"),
        "text": str(tmp_path / "text.json"),
        "object": write(tmp_path / "object.json", {"nothing": 1}),
    }
    (tmp_path / "text.json").write_text("{not json: [", encoding="utf-8")
    result = run(*(arg.format(**paths) for arg in args))
    assert result.exit_code == 2
    assert message in result.stderr


def test_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "rs_stac_ext.stations.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0
    assert "Map OData records of a station SERVICE" in completed.stdout


# ---------------------------------------------------------------------------------- live stations


@pytest.fixture
def simulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the station simulator and point the built-in registry at it."""
    simulator = pytest.importorskip("rs_stac_ext.stations.simulator")
    with simulator.serve(simulator.create_app()) as url:
        monkeypatch.setenv("RS_STAC_SIMULATOR_URL", url)
        yield url


@pytest.mark.parametrize(
    ("args", "service"),
    [
        (["cadip", "mti", "--collection", "mti_s1a"], "cadip"),
        (["cadip", "--collection", "cadip_session_by_id", "--base-url", "http://stac"], "cadip"),
        (["auxip", "adgs", "--limit", "5"], "auxip"),
        (["prip", "s1a", "-c", "S1A_L0_IW_RAW", "--previous-versions"], "prip"),
        (["lta", "lta", "--filter", "platform='sentinel-1a'"], "lta"),
    ],
)
def test_live_stations_map_to_valid_items(simulator: str, args: Any, service: Any) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    items = lines(result)
    assert items
    assert schema_errors(items) == []
    for item in items:
        for asset in item["assets"].values():
            assert asset["href"].startswith(f"{simulator}/{service}/")
    if "--limit" in args:
        assert len(items) == 5
    if "cadip_session_by_id" in args:
        assert [item["id"] for item in items] == ["S1A_20200105072204051312"]
        assert items[0]["collection"] == "cadip_session_by_id"
    if service == "cadip":
        assert all(item["properties"].get("cadip:station_id") in (None, "MTI_") for item in items)


def test_live_search_errors_exit_2(simulator: str) -> None:
    result = run("auxip", "adgs", "--filter", "platform = = 'x'")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_help_and_the_unknown_service_error_list_the_same_services() -> None:
    help_text = " ".join(run("--help").stdout.split())
    error = run("ftp", "--from-file", "x.json").stderr
    listed = ", ".join(MAPPED_SERVICES)
    assert f"SERVICE ({listed})" in help_text
    assert f"expected one of {listed}" in error
    assert "edrs" not in help_text
    assert "edrs" not in error
