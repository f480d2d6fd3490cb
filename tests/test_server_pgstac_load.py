"""Load: 200 concurrent downloads through two replicas of the pgstac deployment.

Half the downloads are local files streamed by the server, half S3 objects reached through a
presigned redirect to SeaweedFS. Every byte is checked by SHA-256; no download may be lost.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.config import parse_config
from rs_stac_ext.server.pgstac_app import create_pgstac_app
from rs_stac_ext.server.pgstac_load import load_documents
from server_support import live_server
from services_support import S3_ACCESS_KEY, S3_SECRET_KEY, Postgres, S3Store, create_bucket
from services_support import s3_client as make_s3_client
from test_server_pgstac import collection, item

pytestmark = [pytest.mark.pgstac, pytest.mark.s3]

COLLECTION = "load-test"
BUCKET = "rs-load-tests"
FILES = 20
SIZE = 1024 * 1024
DOWNLOADS = 200


async def _download(client: httpx.AsyncClient, url: str) -> tuple[int, str, int]:
    digest = hashlib.sha256()
    async with client.stream("GET", url) as answer:
        async for chunk in answer.aiter_bytes():
            digest.update(chunk)
        return answer.status_code, digest.hexdigest(), len(answer.history)


async def _all(urls: list[str]) -> list[tuple[int, str, int]]:
    limits = httpx.Limits(max_connections=DOWNLOADS, max_keepalive_connections=DOWNLOADS)
    async with httpx.AsyncClient(limits=limits, timeout=120, follow_redirects=True) as client:
        return await asyncio.gather(*(_download(client, url) for url in urls))


def test_200_concurrent_downloads_through_two_replicas(
    pgstac_db: Postgres, s3_store: S3Store, tmp_path: Path
) -> None:
    s3: Any = make_s3_client(s3_store.endpoint)
    create_bucket(s3, BUCKET)
    root = tmp_path / "assets"
    root.mkdir()
    expected: dict[str, str] = {}
    documents = []
    for n in range(FILES):
        local, remote = os.urandom(SIZE), os.urandom(SIZE)
        (root / f"local-{n}.bin").write_bytes(local)
        s3.put_object(Bucket=BUCKET, Key=f"objects/remote-{n}.bin", Body=remote)
        iid = f"granule-{n:02d}"
        expected[f"{iid}/local"] = hashlib.sha256(local).hexdigest()
        expected[f"{iid}/remote"] = hashlib.sha256(remote).hexdigest()
        documents.append(
            item(
                iid,
                "2022-05-01T00:00:00Z",
                cid=COLLECTION,
                assets={
                    "local": {"href": f"local-{n}.bin"},
                    "remote": {"href": f"s3://{BUCKET}/objects/remote-{n}.bin"},
                },
            )
        )
    (tmp_path / "collection.json").write_text(json.dumps(collection(COLLECTION)))
    (tmp_path / "items.ndjson").write_text("\n".join(json.dumps(d) for d in documents))
    report = load_documents(
        pgstac_db.dsn, [str(tmp_path / "collection.json"), str(tmp_path / "items.ndjson")]
    )
    assert (report.items, report.refused) == (FILES, [])
    config = parse_config(
        {
            "s3": {
                "endpoint_url": s3_store.endpoint,
                "addressing_style": "path",
                "region": "us-east-1",
            }
        }
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
        replicas = [
            create_pgstac_app(pgstac_db.dsn, config, assets_root=root, pool_size=20)
            for _ in range(2)
        ]
        with live_server(replicas[0]) as first, live_server(replicas[1]) as second:
            urls, wanted = [], []
            for n in range(DOWNLOADS):
                iid, asset = f"granule-{n % FILES:02d}", ("local", "remote")[n % 2]
                base = (first, second)[(n // 2) % 2]
                urls.append(base + download_path(COLLECTION, iid, asset))
                wanted.append(expected[f"{iid}/{asset}"])
            results = asyncio.run(_all(urls))
    assert len(results) == DOWNLOADS
    assert [status for status, _, _ in results] == [200] * DOWNLOADS
    assert [digest for _, digest, _ in results] == wanted
    # Every S3 download went through one redirect, every local one through none.
    assert [hops for _, _, hops in results] == [n % 2 for n in range(DOWNLOADS)]
