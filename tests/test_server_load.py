"""Load and faults of the download server.

200 concurrent 50 MB downloads checked by SHA-256; clients that hang up mid-stream leave no
open file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from rs_stac_ext.download import download_path
from rs_stac_ext.server.app import create_app
from server_support import live_server

CONCURRENT = 200
SIZE = 50 * 1024 * 1024
FILES = 4
CHUNK = 1024 * 1024
PROC_FD = Path("/proc/self/fd")


def _write_catalog(root: Path) -> dict[str, tuple[Path, str]]:
    item_dir = root / "load" / "big"
    item_dir.mkdir(parents=True)
    files: dict[str, tuple[Path, str]] = {}
    block = os.urandom(SIZE // 8)
    for n in range(FILES):
        path = item_dir / f"file-{n}.bin"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for part in range(8):
                # Each file differs from the others and within itself.
                data = bytes([n, part]) + block[2:]
                out.write(data)
                digest.update(data)
        files[f"data {n}"] = (path, digest.hexdigest())
    assets = {key: {"href": path.name} for key, (path, _) in files.items()}
    item: dict[str, Any] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "id": "big",
        "geometry": None,
        "properties": {"datetime": "2026-11-25T00:00:00Z"},
        "links": [],
        "assets": assets,
    }
    (item_dir / "big.json").write_text(json.dumps(item), encoding="utf-8")
    (root / "load" / "collection.json").write_text(
        json.dumps(
            {
                "type": "Collection",
                "stac_version": "1.1.0",
                "id": "load",
                "description": "large files",
                "license": "other",
                "extent": {},
                "links": [{"rel": "item", "href": "./big/big.json"}],
            }
        ),
        encoding="utf-8",
    )
    (root / "catalog.json").write_text(
        json.dumps(
            {
                "type": "Catalog",
                "stac_version": "1.1.0",
                "id": "load",
                "description": "load test",
                "links": [{"rel": "child", "href": "./load/collection.json"}],
            }
        ),
        encoding="utf-8",
    )
    return files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return _write_catalog(tmp_path_factory.mktemp("load"))


@pytest.fixture(scope="module")
def base(files: dict[str, tuple[Path, str]]) -> Iterator[str]:
    root = next(iter(files.values()))[0].parents[2]
    with live_server(create_app(root)) as url:
        yield url


def _open_paths() -> list[Path]:
    found = []
    for entry in PROC_FD.iterdir():
        try:
            found.append(entry.readlink())
        except OSError:
            continue
    return found


def test_200_concurrent_downloads_are_byte_exact(
    base: str, files: dict[str, tuple[Path, str]], record_property: Any
) -> None:
    keys = sorted(files)
    limits = httpx.Limits(max_connections=CONCURRENT, max_keepalive_connections=CONCURRENT)

    def fetch(n: int) -> tuple[str, int, str]:
        key = keys[n % FILES]
        digest = hashlib.sha256()
        size = 0
        with http.stream("GET", download_path("load", "big", key)) as response:
            assert response.status_code == 200
            assert response.headers["content-length"] == str(SIZE)
            for chunk in response.iter_raw(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return key, size, digest.hexdigest()

    with httpx.Client(base_url=base, limits=limits, timeout=120) as http:
        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENT) as pool:
            results = list(pool.map(fetch, range(CONCURRENT)))
        elapsed = time.perf_counter() - started
    assert len(results) == CONCURRENT
    for key, size, digest in results:
        assert size == SIZE
        assert digest == files[key][1], key
    throughput = CONCURRENT * SIZE / elapsed / 1e6
    record_property("load_seconds", round(elapsed, 1))
    record_property("load_mb_per_s", round(throughput))
    print(f"\n{CONCURRENT} x {SIZE // 2**20} MiB in {elapsed:.1f} s ({throughput:.0f} MB/s)")


def _start_download(base: str, key: str, read: int) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    target = download_path("load", "big", key)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    received = 0
    while received < read:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection early"
        received += len(chunk)
    return sock


def _wait_until_closed(paths: set[Path], timeout: float = 10) -> list[Path]:
    deadline = time.monotonic() + timeout
    while True:
        still = [p for p in _open_paths() if p in paths]
        if not still or time.monotonic() > deadline:
            return still
        time.sleep(0.05)


def test_client_disconnect_mid_stream_leaves_no_open_file(
    base: str, files: dict[str, tuple[Path, str]]
) -> None:
    path = files["data 1"][0].resolve()
    before = len(list(PROC_FD.iterdir()))
    assert path not in _open_paths()
    sock = _start_download(base, "data 1", 2 * CHUNK)
    assert path in _open_paths()  # the server is streaming it now
    sock.close()
    assert _wait_until_closed({path}) == []
    deadline = time.monotonic() + 10
    while len(list(PROC_FD.iterdir())) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(PROC_FD.iterdir())) <= before


def test_many_disconnects_leave_no_open_file(base: str, files: dict[str, tuple[Path, str]]) -> None:
    paths = {p.resolve() for p, _ in files.values()}
    sockets = [_start_download(base, sorted(files)[n % FILES], CHUNK) for n in range(40)]
    assert len([p for p in _open_paths() if p in paths]) == 40
    for sock in sockets:
        sock.close()
    assert _wait_until_closed(paths) == []
    with httpx.Client(base_url=base, timeout=60) as http:
        response = http.get(download_path("load", "big", "data 2"))
    assert hashlib.sha256(response.content).hexdigest() == files["data 2"][1]
