"""The reference deployment against a real PostgreSQL 15 + PostGIS + pgstac database.

``rs-stac load`` fills the database (null-geometry Items included); stac-fastapi-pgstac with
the download extension serves it: download URLs as asset hrefs, the original S3 href kept as
an alternate, JSON errors everywhere, compression kept off downloads, replicas sharing one
database, and ``rs-stac serve --pgstac`` as a user would start it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.config import parse_config
from rs_stac_ext.server.pgstac_app import ALTERNATE_ASSETS_SCHEMA, create_pgstac_app
from rs_stac_ext.server.pgstac_load import load_documents
from server_support import free_port, live_server
from services_support import Postgres

pytestmark = pytest.mark.pgstac

COLLECTION = "s1-aux"
BUCKET = "rs-pgstac-tests"
S3_HREF = f"s3://{BUCKET}/aux/S1A_AUX_CAL.nc"


def collection(cid: str = COLLECTION, owner: str = "alice") -> dict[str, Any]:
    return {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": cid,
        "owner": owner,
        "description": "Sentinel-1 auxiliary files",
        "license": "other",
        "extent": {
            "spatial": {"bbox": [[-180, -90, 180, 90]]},
            "temporal": {"interval": [["2020-01-01T00:00:00Z", None]]},
        },
        "links": [],
    }


def item(
    iid: str,
    when: str,
    *,
    geometry: dict[str, Any] | None = None,
    assets: dict[str, Any] | None = None,
    cid: str = COLLECTION,
    **properties: Any,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": [],
        "id": iid,
        "collection": cid,
        "geometry": geometry,
        "properties": {"datetime": when, **properties},
        "links": [{"rel": "collection", "href": f"./{cid}.json", "type": "application/json"}],
        "assets": assets or {},
    }
    if geometry is not None:
        xs = [p[0] for p in geometry["coordinates"][0]]
        ys = [p[1] for p in geometry["coordinates"][0]]
        document["bbox"] = [min(xs), min(ys), max(xs), max(ys)]
    return document


SQUARE = {"type": "Polygon", "coordinates": [[[10, 40], [11, 40], [11, 41], [10, 41], [10, 40]]]}


@dataclass
class Loaded:
    dsn: str
    assets_root: Path
    files: dict[str, bytes]
    inputs: Path


@pytest.fixture(scope="module")
def loaded(pgstac_db: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    tmp = tmp_path_factory.mktemp("pgstac")
    root = tmp / "assets"
    (root / "aux").mkdir(parents=True)
    files: dict[str, bytes] = {}
    for n in range(3):
        data = os.urandom(200_000 + n)
        (root / "aux" / f"file-{n}.bin").write_bytes(data)
        files[f"aux-{n}"] = data
    inputs = tmp / "inputs"
    inputs.mkdir()
    (inputs / "collection.json").write_text(json.dumps(collection()))
    lines = [
        item(
            f"aux-{n}",
            f"2020-01-0{n + 1}T00:00:00Z",
            assets={
                "file": {"href": f"aux/file-{n}.bin", "type": "application/octet-stream"},
                "copy": {"href": S3_HREF, "type": "application/x-netcdf"},
                "doc": {"href": "https://example.org/readme.html", "type": "text/html"},
            },
            owner="alice",
        )
        for n in range(3)
    ]
    lines.append(item("mapped", "2020-02-01T00:00:00Z", geometry=SQUARE, owner="bob"))
    lines.extend(
        item(f"page-{n:02d}", f"2021-03-{n + 1:02d}T00:00:00Z", geometry=SQUARE) for n in range(12)
    )
    (inputs / "items.ndjson").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    broken = item("broken", "2020-01-01T00:00:00Z")
    del broken["properties"]["datetime"]
    (inputs / "broken.json").write_text(json.dumps(broken))
    (inputs / "orphan.json").write_text(
        json.dumps(item("orphan", "2020-01-01T00:00:00Z", cid="no-such-collection"))
    )
    report = load_documents(pgstac_db.dsn, [str(inputs)])
    assert report.collections == [COLLECTION]
    assert report.items == 16
    assert report.null_geometry_items == 3
    assert report.relaxed_geometry
    refused = {r.id: r for r in report.refused}
    assert set(refused) == {"broken", "orphan"}
    assert refused["broken"].where.endswith("broken.json")
    assert "datetime" in refused["broken"].reason
    assert "'no-such-collection' is neither in the inputs nor the database" in (
        refused["orphan"].reason
    )
    return Loaded(pgstac_db.dsn, root, files, inputs)


@pytest.fixture(scope="module")
def api(loaded: Loaded) -> Iterator[str]:
    config = parse_config(
        {"s3": {"endpoint_url": "http://127.0.0.1:9", "region": "us-east-1", "max_attempts": 1}}
    )
    app = create_pgstac_app(loaded.dsn, config, assets_root=loaded.assets_root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "unused")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "unused")
        with live_server(app) as base:
            yield base


def test_load_command_reports_every_refused_document(loaded: Loaded) -> None:
    rs_stac = Path(sys.executable).with_name("rs-stac")
    result = subprocess.run(
        [str(rs_stac), "load", loaded.dsn, str(loaded.inputs)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "loaded 1 collections and 16 items (3 without geometry); 2 refused" in result.stdout
    assert "'orphan' not loaded: its collection 'no-such-collection'" in result.stderr
    assert "'broken' not loaded: invalid:" in result.stderr
    assert "Traceback" not in result.stderr
    bad = subprocess.run(
        [str(rs_stac), "load", "postgresql://nobody@127.0.0.1:9/x", str(loaded.inputs)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: cannot use the pgstac database")


def test_null_geometry_items_are_found_by_id_and_time_not_by_place(api: str) -> None:
    one = httpx.get(f"{api}/collections/{COLLECTION}/items/aux-1", timeout=30).json()
    assert one["geometry"] is None
    assert "bbox" not in one or one["bbox"] is None
    by_time = httpx.get(
        f"{api}/search",
        params={"collections": COLLECTION, "datetime": "2020-01-02T00:00:00Z/2020-01-02T23:59:59Z"},
        timeout=30,
    ).json()
    assert [f["id"] for f in by_time["features"]] == ["aux-1"]
    by_ids = httpx.post(f"{api}/search", json={"ids": ["aux-0", "aux-2"]}, timeout=30).json()
    assert sorted(f["id"] for f in by_ids["features"]) == ["aux-0", "aux-2"]
    by_place = httpx.get(
        f"{api}/search", params={"bbox": "-180,-90,180,90", "limit": 100}, timeout=30
    ).json()
    ids = {f["id"] for f in by_place["features"]}
    assert "mapped" in ids
    assert not ids & {"aux-0", "aux-1", "aux-2"}


def test_served_assets_point_at_the_download_endpoint(api: str) -> None:
    served = httpx.get(f"{api}/collections/{COLLECTION}/items/aux-0", timeout=30).json()
    assets = served["assets"]
    assert assets["file"]["href"] == api + download_path(COLLECTION, "aux-0", "file")
    assert assets["copy"]["href"] == api + download_path(COLLECTION, "aux-0", "copy")
    assert assets["copy"]["alternate"] == {"s3": {"href": S3_HREF}}
    assert ALTERNATE_ASSETS_SCHEMA in served["stac_extensions"]
    assert "alternate" not in assets["file"]  # a server path is never shown
    assert assets["doc"]["href"] == "https://example.org/readme.html"  # not ours to deliver
    for url in (f"{api}/search?ids=aux-0", f"{api}/collections/{COLLECTION}/items?limit=50"):
        features = httpx.get(url, timeout=30).json()["features"]
        hrefs = [a["href"] for f in features for a in f["assets"].values()]
        assert not [h for h in hrefs if h.startswith(("s3://", "aux/"))]
        assert any(h.endswith("/download/file") for h in hrefs)


def test_downloads_from_pgstac_are_not_compressed(api: str, loaded: Loaded) -> None:
    url = api + download_path(COLLECTION, "aux-2", "file")
    whole = httpx.get(url, headers={"accept-encoding": "br, gzip"}, timeout=30)
    assert whole.status_code == 200
    assert "content-encoding" not in whole.headers
    assert int(whole.headers["content-length"]) == len(loaded.files["aux-2"])
    assert whole.content == loaded.files["aux-2"]
    part = httpx.get(url, headers={"range": "bytes=10-19", "accept-encoding": "br"}, timeout=30)
    assert (part.status_code, part.content) == (206, loaded.files["aux-2"][10:20])
    # The metadata routes stay compressed.
    listing = httpx.get(f"{api}/collections", headers={"accept-encoding": "br"}, timeout=30)
    assert listing.headers.get("content-encoding") == "br"


def test_every_error_is_a_json_body(api: str) -> None:
    cases = [
        (f"{api}/no/such/route", 404),
        (api + download_path(COLLECTION, "nope", "file"), 404),
        (api + download_path("nope", "aux-0", "file"), 404),
        (api + download_path(COLLECTION, "aux-0", "nope"), 404),
        (api + download_path(COLLECTION, "aux-0", "copy"), 503),  # the store is unreachable
        (f"{api}/collections/{COLLECTION}/items?limit=abc", 400),
    ]
    for url, status in cases:
        answer = httpx.get(url, timeout=30)
        assert answer.status_code == status, url
        assert answer.headers["content-type"].startswith("application/json"), url
        body = answer.json()
        assert set(body) == {"code", "description"}, (url, body)


def test_access_control_over_pgstac(loaded: Loaded) -> None:
    from rs_stac_ext.server.keys import hash_key

    config = parse_config(
        {
            "users": {
                "alice": {"api_keys": [hash_key("alice-key")]},
                "bob": {"api_keys": [hash_key("bob-key")]},
            }
        }
    )
    app = create_pgstac_app(loaded.dsn, config, assets_root=loaded.assets_root)
    url = download_path(COLLECTION, "aux-0", "file")
    with live_server(app) as base:
        assert httpx.get(base + url, timeout=30).status_code == 401
        assert httpx.get(base + url, headers={"x-api-key": "bob-key"}, timeout=30).status_code == (
            403
        )
        mine = httpx.get(base + url, headers={"x-api-key": "alice-key"}, timeout=30)
        assert mine.content == loaded.files["aux-0"]
        # Metadata stays public, as with `rs-stac serve --catalog`.
        assert httpx.get(f"{base}/collections/{COLLECTION}", timeout=30).status_code == 200


def test_replicas_share_nothing_but_the_database(loaded: Loaded) -> None:
    first = create_pgstac_app(loaded.dsn, assets_root=loaded.assets_root)
    second = create_pgstac_app(loaded.dsn, assets_root=loaded.assets_root)
    with live_server(first) as one, live_server(second) as two:
        page = httpx.get(
            f"{one}/collections/{COLLECTION}/items", params={"limit": 5}, timeout=30
        ).json()
        seen = [f["id"] for f in page["features"]]
        following = next(link["href"] for link in page["links"] if link["rel"] == "next")
        # The next page is asked of the other replica.
        rest = httpx.get(following.replace(one, two), timeout=30).json()
        seen += [f["id"] for f in rest["features"]]
        assert len(seen) == len(set(seen)) == 10


def test_rs_stac_serve_pgstac_end_to_end(loaded: Loaded) -> None:
    port = free_port()
    rs_stac = Path(sys.executable).with_name("rs-stac")
    process = subprocess.Popen(
        [
            str(rs_stac),
            "serve",
            "--pgstac",
            loaded.dsn,
            "--assets-root",
            str(loaded.assets_root),
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                landing = httpx.get(base + "/", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1].decode()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert landing.status_code == 200
        conforms = httpx.get(base + "/conformance", timeout=10).json()["conformsTo"]
        assert "https://home.rs-python.eu/download-stac-api-extension/v2.0.0/download" in conforms
        served = httpx.get(f"{base}/collections/{COLLECTION}/items/aux-1", timeout=10).json()
        href = served["assets"]["file"]["href"]
        assert href == base + download_path(COLLECTION, "aux-1", "file")
        assert httpx.get(href, timeout=30).content == loaded.files["aux-1"]
        paths = httpx.get(base + "/api", timeout=10).json()["paths"]
        assert "/collections/{collectionId}/items/{itemId}/download/{assetId}" in paths
    finally:
        process.terminate()
        process.communicate(timeout=30)
    bad = subprocess.run(
        [str(rs_stac), "serve", "--pgstac", "postgresql://nobody@127.0.0.1:9/x"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: cannot use the pgstac database")


def test_an_item_with_a_time_range_keeps_its_null_datetime(
    loaded: Loaded, api: str, tmp_path: Path
) -> None:
    """The API and ``rs-stac validate`` put back the ``"datetime": null`` pgstac drops."""
    inputs = tmp_path / "ranged"
    inputs.mkdir()
    (inputs / "collection.json").write_text(json.dumps(collection("ranged")))
    ranged = item(
        "ranged-1",
        None,  # type: ignore[arg-type]
        cid="ranged",
        start_datetime="2022-05-01T00:00:00Z",
        end_datetime="2022-05-02T00:00:00Z",
    )
    (inputs / "item.json").write_text(json.dumps(ranged))
    report = load_documents(loaded.dsn, [str(inputs)])
    assert (report.items, report.refused) == (1, [])
    served = httpx.get(f"{api}/collections/ranged/items/ranged-1", timeout=30).json()
    assert "datetime" in served["properties"]
    assert served["properties"]["datetime"] is None
    found = httpx.get(f"{api}/search", params={"ids": "ranged-1"}, timeout=30).json()
    assert found["features"][0]["properties"]["datetime"] is None
    picked = httpx.get(
        f"{api}/search", params={"ids": "ranged-1", "fields": "-properties.datetime"}, timeout=30
    ).json()
    assert "datetime" not in picked["features"][0]["properties"]
    rs_stac = Path(sys.executable).with_name("rs-stac")
    checked = subprocess.run(
        [str(rs_stac), "validate", "--no-cache", "--format", "json", "--collection", "ranged",
         loaded.dsn],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (line,) = checked.stdout.splitlines()
    assert json.loads(line)["verdict"] == "valid"


UNBUILT = "https://stac-extensions.github.io/example/v9.9.9/schema.json"


def test_load_loads_an_incomplete_document_with_a_warning_or_refuses_it(
    loaded: Loaded, tmp_path: Path
) -> None:
    rs_stac = Path(sys.executable).with_name("rs-stac")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "collection.json").write_text(json.dumps(collection("incomplete-test")))
    unchecked = item("unchecked", "2022-01-01T00:00:00Z", cid="incomplete-test")
    unchecked["stac_extensions"] = [UNBUILT]
    (inputs / "item.json").write_text(json.dumps(unchecked))

    def load(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(rs_stac), "load", loaded.dsn, str(inputs), "--no-cache", *options],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    refused = load("--refuse-incomplete")
    assert refused.returncode == 1, refused.stderr
    assert f"'unchecked' not loaded: not fully checked: {UNBUILT} not checked (" in refused.stderr
    assert "not built in" in refused.stderr

    warned = load()
    assert warned.returncode == 0, warned.stderr
    assert "1 items" in warned.stdout
    assert "1 not fully checked" in warned.stdout
    assert f"'unchecked' loaded, not fully checked: {UNBUILT} not checked" in warned.stderr

    mirror = tmp_path / "mirror" / UNBUILT.removeprefix("https://")
    mirror.parent.mkdir(parents=True)
    mirror.write_text(json.dumps({"$schema": "http://json-schema.org/draft-07/schema#"}))
    checked = load("--schema-dir", str(tmp_path / "mirror"), "--refuse-incomplete")
    assert checked.returncode == 0, checked.stderr
    assert "not fully checked" not in checked.stderr + checked.stdout
