"""Helpers for the download-server tests: a live uvicorn server and a test catalog."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from rs_stac_ext.download import download_path

ODD_KEYS = ("a/b", "with space", "ünï", "x:y")
"""Asset keys that must survive percent-encoding."""

ESCAPING = ("dotdot", "absolute", "symlink", "symlinked-dir", "file-url")
"""Assets of the owned item whose href leaves the catalog folder."""

SECRET = b"TOP SECRET: this file lies outside the catalog folder\n"
ODD_ITEM = "S1A:2020/01 \u00e9t\u00e9"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(app: Any, **options: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn on 127.0.0.1 in a thread; yield its base URL.

    ``options`` go to ``uvicorn.Config`` (``http=`` a protocol class, say).
    """
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=5,
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def raw_request(base: str, target: str, method: str = "GET") -> tuple[int, bytes]:
    """Send one request with a target written exactly as given; return status and body.

    httpx normalises invalid escapes such as ``%ZZ``, so malformed paths go through a socket.
    """
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _item(iid: str, owner: str | None, assets: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"datetime": "2020-01-05T07:22:04Z"}
    if owner is not None:
        properties["owner"] = owner
    return {
        "type": "Feature",
        "stac_version": "1.1.0",
        "stac_extensions": [
            "https://home.rs-python.eu/ownership-stac-extension/v2.0.0/schema.json"
        ],
        "id": iid,
        "geometry": None,
        "properties": properties,
        "links": [],
        "assets": assets,
    }


@dataclass
class CatalogFixture:
    """A catalog folder written by :func:`make_catalog`.

    Attributes:
        root: The folder holding catalog.json.
        outside: A file outside the folder that must never be served.
        data: Expected bytes of each served asset, by (collection, item, asset key).
    """

    root: Path
    outside: Path
    data: dict[tuple[str, str, str], bytes] = field(default_factory=dict)

    def path(self, collection: str, item: str, asset: str) -> str:
        return download_path(collection, item, asset)


def make_catalog(tmp: Path, *, s3_href: str | None = None) -> CatalogFixture:
    """Write the test catalog.

    Collection ``alice-col`` (owner alice) holds Item ``owned`` (owner alice; the odd asset
    keys, assets escaping the folder, a missing file), Item ``bobs`` (owner bob) and an Item
    whose id needs percent-encoding. Collection ``nobody`` has no owner.
    """
    root = tmp / "catalog"
    outside = tmp / "outside" / "secret.txt"
    outside.parent.mkdir(parents=True)
    outside.write_bytes(SECRET)
    (tmp / "outside" / "inner.bin").write_bytes(SECRET)
    result = CatalogFixture(root, outside)
    item_dir = root / "alice-col" / "owned"
    item_dir.mkdir(parents=True)
    assets: dict[str, Any] = {}
    for n, key in enumerate(ODD_KEYS):
        name = f"{key.replace('/', '_')}.bin"
        content = f"{key}\n".encode() * (100 + n)
        (item_dir / name).write_bytes(content)
        assets[key] = {"href": f"./{name}", "type": "application/octet-stream", "roles": ["data"]}
        result.data["alice-col", "owned", key] = content
    big = os.urandom(300_000)
    (item_dir / "big.nc").write_bytes(big)
    assets["big"] = {"href": "big.nc", "type": "application/x-netcdf", "roles": ["data"]}
    result.data["alice-col", "owned", "big"] = big
    depth = len(item_dir.relative_to(tmp).parts)
    (item_dir / "link.bin").symlink_to(outside)
    (item_dir / "linked-dir").symlink_to(outside.parent, target_is_directory=True)
    assets.update(
        {
            "dotdot": {"href": "../" * depth + "outside/secret.txt"},
            "absolute": {"href": str(outside)},
            "symlink": {"href": "link.bin"},
            "symlinked-dir": {"href": "linked-dir/inner.bin"},
            "file-url": {"href": outside.as_uri()},
            "missing": {"href": "not-there.bin"},
            "remote": {"href": "https://example.invalid/data.bin"},
        }
    )
    if s3_href is not None:
        assets["s3"] = {"href": s3_href, "type": "application/x-netcdf"}
    _write(item_dir / "owned.json", _item("owned", "alice", assets))
    bobs_dir = root / "alice-col" / "bobs"
    bobs_dir.mkdir(parents=True)
    (bobs_dir / "b.bin").write_bytes(b"bob's data\n")
    result.data["alice-col", "bobs", "b"] = b"bob's data\n"
    _write(bobs_dir / "bobs.json", _item("bobs", "bob", {"b": {"href": "b.bin"}}))
    odd_dir = root / "alice-col" / "odd"
    odd_dir.mkdir(parents=True)
    (odd_dir / "o.bin").write_bytes(b"odd item\n")
    result.data["alice-col", ODD_ITEM, "o"] = b"odd item\n"
    _write(odd_dir / "odd.json", _item(ODD_ITEM, "alice", {"o": {"href": "o.bin"}}))
    _write(
        root / "alice-col" / "collection.json",
        {
            "type": "Collection",
            "stac_version": "1.1.0",
            "id": "alice-col",
            "owner": "alice",
            "description": "Alice's collection",
            "license": "other",
            "extent": {
                "spatial": {"bbox": [[-180, -90, 180, 90]]},
                "temporal": {"interval": [[None, None]]},
            },
            "links": [
                {"rel": "item", "href": "./owned/owned.json"},
                {"rel": "item", "href": "./bobs/bobs.json"},
                {"rel": "item", "href": "./odd/odd.json"},
                {"rel": "license", "href": "https://example.org/licence"},
            ],
        },
    )
    nobody_dir = root / "nobody" / "n1"
    nobody_dir.mkdir(parents=True)
    (nobody_dir / "n.bin").write_bytes(b"nobody's\n")
    result.data["nobody", "n1", "n"] = b"nobody's\n"
    _write(nobody_dir / "n1.json", _item("n1", None, {"n": {"href": "n.bin"}}))
    _write(
        root / "nobody" / "collection.json",
        {
            "type": "Collection",
            "stac_version": "1.1.0",
            "id": "nobody",
            "description": "No owner",
            "license": "other",
            "extent": {},
            "links": [{"rel": "item", "href": "./n1/n1.json"}],
        },
    )
    _write(
        root / "catalog.json",
        {
            "type": "Catalog",
            "stac_version": "1.1.0",
            "id": "test-catalog",
            "description": "Download server tests",
            "links": [
                {"rel": "child", "href": "./alice-col/collection.json"},
                {"rel": "child", "href": "./nobody/collection.json"},
                {"rel": "child", "href": "../outside/secret.txt"},
            ],
        },
    )
    return result
