"""S3 assets against SeaweedFS, a real S3 server started on loopback.

Presigned redirects (SigV4) that the store honours, with ranges; their expiry; HEAD; missing
objects; and a store that stops answering, which must give 503 within the configured
time-outs.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from rs_stac_ext.server.config import parse_config
from server_support import CatalogFixture, live_server, make_catalog
from services_support import S3_ACCESS_KEY, S3_SECRET_KEY, S3Store, create_bucket, s3_client

pytestmark = pytest.mark.s3

BUCKET = "rs-download-tests"
KEY = "alice/S1A_2020/data file ü.nc"
DATA = os.urandom(3_000_000)
S3_ASSET = download_path("alice-col", "owned", "s3")


@pytest.fixture(scope="module")
def aws_env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CONFIG_FILE"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        patch.setenv("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        yield


@pytest.fixture(scope="module")
def stored(s3_store: S3Store) -> S3Store:
    client: Any = s3_client(s3_store.endpoint)
    create_bucket(client, BUCKET)
    client.put_object(Bucket=BUCKET, Key=KEY, Body=DATA)
    return s3_store


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> CatalogFixture:
    return make_catalog(tmp_path_factory.mktemp("sw"), s3_href=f"s3://{BUCKET}/{KEY}")


def _app(catalog: CatalogFixture, endpoint: str, **settings: Any) -> Any:
    s3 = {"endpoint_url": endpoint, "addressing_style": "path", "region": "us-east-1"}
    s3.update(settings.pop("s3", {}))
    return create_app(catalog.root, parse_config({"s3": s3, "download": settings}))


@pytest.fixture(scope="module")
def server(aws_env: None, stored: S3Store, catalog: CatalogFixture) -> Iterator[str]:
    with live_server(_app(catalog, stored.endpoint)) as base:
        yield base


def test_presigned_sigv4_redirect_is_honoured_by_the_store(server: str) -> None:
    answer = httpx.get(server + S3_ASSET, timeout=30)
    assert answer.status_code == 307
    assert answer.headers["cache-control"] == "no-store"
    location = answer.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["1800"]
    fetched = httpx.get(location, timeout=30)
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).digest() == hashlib.sha256(DATA).digest()
    assert "data%20file" in fetched.headers.get("content-disposition", "") or (
        "data file" in fetched.headers.get("content-disposition", "")
    )
    followed = httpx.get(server + S3_ASSET, follow_redirects=True, timeout=30)
    assert followed.content == DATA


def test_range_on_the_presigned_url(server: str) -> None:
    location = httpx.get(server + S3_ASSET, timeout=30).headers["location"]
    part = httpx.get(location, headers={"range": "bytes=1000-1999"}, timeout=30)
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-1999/{len(DATA)}"
    assert part.content == DATA[1000:2000]


def test_tampered_signature_is_refused_by_the_store(server: str) -> None:
    location = httpx.get(server + S3_ASSET, timeout=30).headers["location"]
    query = parse_qs(urlsplit(location).query)
    signature = query["X-Amz-Signature"][0]
    forged = location.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    assert httpx.get(forged, timeout=30).status_code == 403
    longer = location.replace("X-Amz-Expires=1800", "X-Amz-Expires=604800")
    assert httpx.get(longer, timeout=30).status_code == 403


def test_presigned_urls_expire(aws_env: None, stored: S3Store, catalog: CatalogFixture) -> None:
    lifetime = 5  # long enough to be used at once on a busy machine
    with live_server(_app(catalog, stored.endpoint, presign_expiry_seconds=lifetime)) as base:
        signed_at = time.monotonic()
        location = httpx.get(base + S3_ASSET, timeout=30).headers["location"]
        assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == [str(lifetime)]
        assert httpx.get(location, timeout=30).status_code == 200
    time.sleep(max(0.0, signed_at + lifetime + 1.5 - time.monotonic()))
    expired = httpx.get(location, timeout=30)
    assert expired.status_code == 403
    assert "expired" in expired.text.lower()


def test_head_302_and_missing_objects(
    aws_env: None, stored: S3Store, catalog: CatalogFixture, server: str
) -> None:
    head = httpx.head(server + S3_ASSET, timeout=30)
    assert head.status_code == 307
    checked = httpx.head(head.headers["location"], timeout=30)
    assert checked.status_code == 200
    assert int(checked.headers["content-length"]) == len(DATA)
    with live_server(_app(catalog, stored.endpoint, redirect_status=302)) as base:
        assert httpx.get(base + S3_ASSET, timeout=30).status_code == 302
    client: Any = s3_client(stored.endpoint)
    client.delete_object(Bucket=BUCKET, Key=KEY)
    try:
        gone = httpx.get(server + S3_ASSET, timeout=30)
        assert gone.status_code == 404
        assert gone.json()["code"] == "NotFound"
    finally:
        client.put_object(Bucket=BUCKET, Key=KEY, Body=DATA)


def test_a_frozen_store_gives_503_within_the_timeouts(
    aws_env: None, stored: S3Store, catalog: CatalogFixture
) -> None:
    timeouts = {"connect_timeout_seconds": 1, "read_timeout_seconds": 2, "max_attempts": 4}
    app = _app(catalog, stored.endpoint, s3=timeouts)
    local = download_path("alice-col", "owned", "big")
    with live_server(app) as base:
        os.killpg(stored.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            answer = httpx.get(base + S3_ASSET, timeout=30)
            elapsed = time.monotonic() - started
            assert (
                httpx.get(base + local, timeout=30).content
                == catalog.data["alice-col", "owned", "big"]
            )
        finally:
            os.killpg(stored.process.pid, signal.SIGCONT)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "10"
    assert answer.json()["code"] == "ServiceUnavailable"
    # One connect + one read time-out (3 s), not max_attempts x read time-out (8 s and more);
    # the margin is for a busy machine.
    assert elapsed < 3 + 3
