"""Ground-station assets proxied through the station client, against the station simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import parse_config
from server_support import live_server

simulator = pytest.importorskip("rs_stac_ext.stations.simulator")

PASSWORD_ENV = "TEST_STATION_PASSWORD"
FILE_ID = "dd786cf9-9d46-4dfb-975d-04de050ee415"
CAP = 300_000


@pytest.fixture(scope="module")
def station() -> Iterator[str]:
    app = simulator.create_app(users={"rs": "secret"}, require_auth=True, payload_cap=CAP)
    with simulator.serve(app) as url:
        yield url


def _setup(tmp: Path, station: str, password: str) -> tuple[Path, Path]:
    registry = tmp / "stations.yaml"
    registry.write_text(
        "version: 1\nservices:\n  cadip:\n    mti:\n"
        f"      root_url: {station}/cadip/mti/odata/v1\n"
        "      auth:\n        kind: basic\n        username: rs\n"
        f"        password: {{env: {PASSWORD_ENV}}}\n",
        encoding="utf-8",
    )
    root = tmp / "catalog"
    item_dir = root / "sessions" / "s1"
    item_dir.mkdir(parents=True)
    assets = {
        "DSDB 1": {
            "href": f"{station}/cadip/mti/odata/v1/Files({FILE_ID})/$value",
            "type": "application/octet-stream",
        },
        "gone": {"href": f"{station}/cadip/mti/odata/v1/Files(no-such-file)/$value"},
        "elsewhere": {"href": f"{station}/cadip/other/odata/v1/Files({FILE_ID})/$value"},
    }
    documents: dict[Path, dict[str, Any]] = {
        root / "catalog.json": {
            "type": "Catalog",
            "id": "stations",
            "description": "d",
            "stac_version": "1.1.0",
            "links": [{"rel": "child", "href": "sessions/collection.json"}],
        },
        root / "sessions" / "collection.json": {
            "type": "Collection",
            "id": "sessions",
            "description": "d",
            "license": "other",
            "extent": {},
            "stac_version": "1.1.0",
            "links": [{"rel": "item", "href": "s1/s1.json"}],
        },
        item_dir / "s1.json": {
            "type": "Feature",
            "id": "s1",
            "stac_version": "1.1.0",
            "geometry": None,
            "properties": {"datetime": "2025-06-12T08:25:52Z"},
            "links": [],
            "assets": assets,
        },
    }
    for path, document in documents.items():
        path.write_text(json.dumps(document), encoding="utf-8")
    return root, registry


@pytest.fixture
def base(station: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(PASSWORD_ENV, "secret")
    root, registry = _setup(tmp_path, station, "secret")
    app = create_app(root, parse_config({"stations": {"registry": str(registry)}}))
    with live_server(app) as url:
        yield url


def _expected() -> bytes:
    payload: bytes = simulator.payload_bytes(FILE_ID, CAP)
    return payload


def test_station_file_is_streamed_through(base: str, station: str) -> None:
    with httpx.Client(base_url=base) as client:
        response = client.get(download_path("sessions", "s1", "DSDB 1"))
        item = client.get("/collections/sessions/items/s1").json()
    assert response.status_code == 200
    assert response.content == _expected()
    assert response.headers["accept-ranges"] == "none"
    assert "filename*=UTF-8''%24value" in response.headers["content-disposition"]
    # Clients see the download endpoint, never the station's address.
    assert item["assets"]["DSDB 1"]["href"].startswith(base)
    assert station not in json.dumps(item["assets"]["DSDB 1"])
    assert item["assets"]["elsewhere"]["href"].startswith(station)


def test_head_on_a_station_file(base: str) -> None:
    response = httpx.head(base + download_path("sessions", "s1", "DSDB 1"))
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("key", ["gone", "elsewhere"])
def test_unknown_station_files_are_404(base: str, key: str) -> None:
    response = httpx.get(base + download_path("sessions", "s1", key))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_station_down_is_503(base: str, station: str) -> None:
    httpx.post(f"{station}/_simulator/faults", json={"status": 503, "count": 2, "match": "/$value"})
    try:
        response = httpx.get(base + download_path("sessions", "s1", "DSDB 1"), timeout=30)
    finally:
        httpx.delete(f"{station}/_simulator/faults")
    assert response.status_code == 503
    assert response.json()["code"] == "ServiceUnavailable"
    assert response.headers["retry-after"] == "10"
    assert station not in response.text


def test_wrong_station_credentials_are_a_server_error(
    station: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    root, registry = _setup(tmp_path, station, "wrong")
    app = create_app(root, parse_config({"stations": {"registry": str(registry)}}))
    with live_server(app) as url:
        response = httpx.get(url + download_path("sessions", "s1", "DSDB 1"))
    assert response.status_code == 500
    assert "credentials" in response.json()["description"]
