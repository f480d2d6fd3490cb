"""The served OpenAPI document is the contract, and the live server keeps it (schemathesis)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from rs_stac_ext import download
from rs_stac_ext.download import DOWNLOAD_PATH
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import parse_config
from rs_stac_ext.server.keys import hash_key
from server_support import live_server

# The examples of the contract's path parameters name a real asset of this catalog, so the
# example phase downloads data.
COLLECTION = "s1_aux"
ITEM = "S1A_20200105072204051312"
ASSET = "DCS_01_S1A_20200105072204051312_ch1_DSDB_00001.raw"


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    target: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _write_catalog(root: Path) -> Path:
    item_dir = root / COLLECTION / ITEM
    item_dir.mkdir(parents=True)
    (item_dir / ASSET).write_bytes(bytes(range(256)) * 64)
    documents = {
        root / "catalog.json": {
            "type": "Catalog",
            "stac_version": "1.1.0",
            "id": "contract",
            "description": "contract tests",
            "links": [{"rel": "child", "href": f"./{COLLECTION}/collection.json"}],
        },
        root / COLLECTION / "collection.json": {
            "type": "Collection",
            "stac_version": "1.1.0",
            "id": COLLECTION,
            "owner": "alice",
            "description": "AUX data",
            "license": "other",
            "extent": {},
            "links": [{"rel": "item", "href": f"./{ITEM}/{ITEM}.json"}],
        },
        item_dir / f"{ITEM}.json": {
            "type": "Feature",
            "stac_version": "1.1.0",
            "id": ITEM,
            "geometry": None,
            "properties": {"datetime": "2020-01-05T07:22:04Z", "owner": "alice"},
            "links": [],
            "assets": {ASSET: {"href": ASSET, "type": "application/octet-stream"}},
        },
    }
    for path, document in documents.items():
        path.write_text(json.dumps(document), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = _write_catalog(tmp_path_factory.mktemp("contract"))
    with live_server(create_app(root)) as url:
        yield url


@pytest.fixture(scope="module")
def served(base: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{base}/api").json()
    return document


def test_served_document_is_valid_openapi_3_1(served: dict[str, Any]) -> None:
    OpenAPIV31SpecValidator(served).validate()


def test_download_path_equals_the_newest_contract(served: dict[str, Any]) -> None:
    contract = download.openapi()
    assert served["paths"][DOWNLOAD_PATH] == contract["paths"][DOWNLOAD_PATH]
    pending = _refs(contract["paths"][DOWNLOAD_PATH])
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        seen.add(ref)
        assert _resolve(served, ref) == _resolve(contract, ref), ref
        pending |= _refs(_resolve(contract, ref)) - seen
    assert len(seen) > 20
    assert served["components"]["securitySchemes"] == contract["components"]["securitySchemes"]
    assert served["security"] == contract["security"]


def test_example_asset_is_served(base: str) -> None:
    response = httpx.get(base + download.download_path(COLLECTION, ITEM, ASSET))
    assert response.status_code == 200
    assert response.content == bytes(range(256)) * 64


# schemathesis configuration. A well-formed Range may lie past the end of the data, and 416
# is the contract's answer to that valid input. A Range the server does not support (another
# unit, several ranges, bad syntax) is ignored as RFC 9110 requires and the contract allows,
# so the download operation may answer it like a request without Range.
SCHEMATHESIS_TOML = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "416"]

[[operations]]
include-operation-id = "getDownload"
checks.negative_data_rejection.expected-statuses = [
    "200", "206", "304",
    "400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx",
]
"""
API_KEY = "contract-test-key"


@pytest.fixture(scope="module")
def secured_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = _write_catalog(tmp_path_factory.mktemp("contract-secured"))
    config = parse_config(
        {
            "users": {"alice": {"api_keys": [hash_key(API_KEY)]}},
            "bearer": {"secret_env": "CONTRACT_SECRET"},
        }
    )
    app = create_app(root, config, environ={"CONTRACT_SECRET": "x" * 40})
    with live_server(app) as url:
        yield url


@pytest.mark.parametrize(
    ("server", "headers"),
    [("base", []), ("secured_base", []), ("secured_base", ["-H", f"x-api-key: {API_KEY}"])],
    ids=["local-mode", "secured-anonymous", "secured-owner"],
)
def test_schemathesis(
    request: pytest.FixtureRequest, tmp_path: Path, server: str, headers: list[str]
) -> None:
    url = request.getfixturevalue(server)
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_TOML, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{url}/api",
        "--checks",
        "all",
        "--max-examples",
        "40",
        "--seed",
        "7",
        "--no-color",
        *headers,
    ]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout or "passed" in done.stdout
