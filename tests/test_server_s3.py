"""S3 assets against SeaweedFS, a real S3-compatible server, on loopback.

Presigned redirects, HEAD, 302 compatibility, missing objects, and the store going away (503)
while local files still work.
"""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import ServerConfig, parse_config
from server_support import CatalogFixture, live_server, make_catalog
from services_support import (
    S3_ACCESS_KEY,
    S3_SECRET_KEY,
    S3Store,
    create_bucket,
    s3_client,
    seaweedfs,
)

pytestmark = pytest.mark.s3

BUCKET = "rs-cluster-catalog"
KEY = "alice/S1A_2020/data file ü.nc"
DATA = hashlib.sha256(b"seed").digest() * 4096
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
    "AWS_DEFAULT_REGION": "us-east-1",
}
S3_ASSET = download_path("alice-col", "owned", "s3")
LOCAL_ASSET = download_path("alice-col", "owned", "big")


@pytest.fixture(scope="module")
def aws_env() -> Iterator[None]:
    """The test store's credentials for boto3, only while these tests run."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        for name, value in AWS_ENV.items():
            patch.setenv(name, value)
        yield


def _fill(endpoint: str) -> None:
    """Create the bucket and the test object."""
    client: Any = s3_client(endpoint)
    create_bucket(client, BUCKET)
    client.put_object(Bucket=BUCKET, Key=KEY, Body=DATA)


def _config(endpoint: str, **download: Any) -> ServerConfig:
    return parse_config(
        {
            "s3": {"endpoint_url": endpoint, "addressing_style": "path", "max_attempts": 1},
            "download": {"presign_expiry_seconds": 600, **download},
        }
    )


def _catalog(tmp: Path) -> CatalogFixture:
    return make_catalog(tmp, s3_href=f"s3://{BUCKET}/{KEY}")


@pytest.fixture(scope="module")
def stack(
    aws_env: None, s3_store: S3Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, CatalogFixture]]:
    catalog = _catalog(tmp_path_factory.mktemp("s3"))
    _fill(s3_store.endpoint)
    app = create_app(catalog.root, _config(s3_store.endpoint))
    with live_server(app) as base:
        yield base, s3_store.endpoint, catalog


def test_redirect_to_presigned_url(stack: tuple[str, str, CatalogFixture]) -> None:
    base, endpoint, _ = stack
    with httpx.Client(base_url=base) as client:
        response = client.get(S3_ASSET)
    assert response.status_code == 307
    assert response.content == b""
    assert response.headers["cache-control"] == "no-store"
    location = response.headers["location"]
    assert location.startswith(f"{endpoint}/{BUCKET}/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["response-content-type"] == ["application/x-netcdf"]
    assert "filename*=UTF-8''data%20file%20%C3%BC.nc" in query["response-content-disposition"][0]
    with httpx.Client() as client:
        data = client.get(location)
    assert data.status_code == 200
    assert data.content == DATA


def test_following_redirects_gets_the_bytes(stack: tuple[str, str, CatalogFixture]) -> None:
    base, _, _ = stack
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        response = client.get(S3_ASSET)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(DATA).digest()


def test_head_redirects_to_a_url_signed_for_head(stack: tuple[str, str, CatalogFixture]) -> None:
    base, _, _ = stack
    with httpx.Client(base_url=base) as client:
        response = client.head(S3_ASSET)
        assert response.status_code == 307
        target = client.head(response.headers["location"])
    assert target.status_code == 200
    assert target.headers["content-length"] == str(len(DATA))


def test_if_none_match_uses_the_object_etag(stack: tuple[str, str, CatalogFixture]) -> None:
    base, _, _ = stack
    etag = '"' + hashlib.md5(DATA).hexdigest() + '"'
    with httpx.Client(base_url=base) as client:
        response = client.get(S3_ASSET, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.headers["etag"] == etag


def test_missing_object_is_404(
    aws_env: None, stack: tuple[str, str, CatalogFixture], tmp_path: Path
) -> None:
    _, endpoint, _ = stack
    catalog = make_catalog(tmp_path, s3_href=f"s3://{BUCKET}/not/there.nc")
    app = create_app(catalog.root, _config(endpoint))
    with live_server(app) as base, httpx.Client(base_url=base) as client:
        response = client.get(S3_ASSET)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_302_for_compatibility(
    aws_env: None, stack: tuple[str, str, CatalogFixture], tmp_path: Path
) -> None:
    _, endpoint, catalog = stack
    config = _config(endpoint, redirect_status=302)
    app = create_app(catalog.root, config)
    with live_server(app) as base, httpx.Client(base_url=base) as client:
        response = client.get(S3_ASSET)
    assert response.status_code == 302
    assert response.headers["location"].startswith(endpoint)


def test_store_going_away_gives_503_and_local_files_still_work(
    aws_env: None, tmp_path: Path
) -> None:
    catalog = _catalog(tmp_path)
    with seaweedfs() as store:  # a store of its own, to stop
        endpoint = store.endpoint
        _fill(endpoint)
        app = create_app(catalog.root, _config(endpoint))
        with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            assert client.get(S3_ASSET).status_code == 307
            os.killpg(store.process.pid, signal.SIGKILL)
            store.process.wait(timeout=10)
            gone = client.get(S3_ASSET)
            head = client.head(S3_ASSET)
            local = client.get(LOCAL_ASSET)
            again = client.get(S3_ASSET)
    assert gone.status_code == 503
    assert gone.headers["content-type"] == "application/json"
    assert gone.headers["retry-after"] == "10"
    body = gone.json()
    assert body["code"] == "ServiceUnavailable"
    assert "unreachable" in body["description"]
    assert endpoint not in gone.text
    assert (head.status_code, head.content) == (503, b"")
    assert local.status_code == 200
    assert local.content == catalog.data["alice-col", "owned", "big"]
    assert again.status_code == 503
