"""Benchmark the download endpoint against reading the same files directly, in one run.

A temporary catalog holds ``--files`` random files of ``--size-mb`` MiB. The server runs as
its own process (``python -m rs_stac_ext.server.cli``, local mode), so client and server do not
share an interpreter lock. For each concurrency level the same number of whole-file transfers
is timed three ways:

* ``direct``: the files read from disk (page cache warm) by threads, 1 MiB at a time;
* ``socket``: downloads over loopback with a minimal HTTP/1.1 reader (the server's cost);
* ``httpx``: downloads with ``httpx.Client`` streaming (what a Python client sees).

Every transfer is checked by SHA-256 (hashing is part of all three timings). The table gives
MB/s and the ratio to ``direct``.

Usage::

    python benchmarks/download.py [--size-mb 50] [--files 4] [--concurrency 1,8,32]
                                  [--transfers N] [--clients direct,socket,httpx]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx

CHUNK = 1 << 20


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_catalog(root: Path, files: int, size: int) -> dict[str, tuple[Path, str]]:
    item_dir = root / "bench" / "item"
    item_dir.mkdir(parents=True)
    block = os.urandom(min(size, 8 * CHUNK))
    written: dict[str, tuple[Path, str]] = {}
    for n in range(files):
        path = item_dir / f"file-{n}.bin"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            left = size
            while left:
                part = bytes([n]) + block[1 : min(left, len(block))]
                out.write(part)
                digest.update(part)
                left -= len(part)
        written[f"file {n}"] = (path, digest.hexdigest())
    item: dict[str, object] = {
        "type": "Feature",
        "stac_version": "1.1.0",
        "id": "item",
        "geometry": None,
        "properties": {"datetime": "2026-11-25T00:00:00Z"},
        "links": [],
        "assets": {key: {"href": path.name} for key, (path, _) in written.items()},
    }
    (item_dir / "item.json").write_text(json.dumps(item))
    collection = {
        "type": "Collection",
        "stac_version": "1.1.0",
        "id": "bench",
        "description": "benchmark",
        "license": "other",
        "extent": {},
        "links": [{"rel": "item", "href": "./item/item.json"}],
    }
    (root / "bench" / "collection.json").write_text(json.dumps(collection))
    catalog = {
        "type": "Catalog",
        "stac_version": "1.1.0",
        "id": "bench",
        "description": "benchmark",
        "links": [{"rel": "child", "href": "./bench/collection.json"}],
    }
    (root / "catalog.json").write_text(json.dumps(catalog))
    return written


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "rs_stac_ext.server.cli", "--catalog", str(root)]
    command += ["--port", str(port), "--log-level", "error"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/conformance", timeout=1)
            return process, port
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def target(key: str) -> str:
    return f"/collections/bench/items/item/download/{quote(key, safe='')}"


def read_direct(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb", buffering=0) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_socket(port: int, key: str) -> str:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        request = f"GET {target(key)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        head, _, body = head.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        digest = hashlib.sha256(body)
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while received := sock.recv_into(buffer):
            digest.update(view[:received])
    return digest.hexdigest()


def read_httpx(client: httpx.Client, key: str) -> str:
    digest = hashlib.sha256()
    with client.stream("GET", target(key)) as response:
        response.raise_for_status()
        for chunk in response.iter_raw(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def timed(
    transfers: int, concurrency: int, one: Callable[[int], str], expected: list[str]
) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        digests = list(pool.map(one, range(transfers)))
    elapsed = time.perf_counter() - started
    bad = [n for n, d in enumerate(digests) if d != expected[n % len(expected)]]
    if bad:
        raise SystemExit(f"{len(bad)} transfers had the wrong bytes")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--transfers", type=int, default=0, help="per level (default 2 x level)")
    parser.add_argument("--clients", default="direct,socket,httpx")
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]
    clients = args.clients.split(",")
    size = args.size_mb * 2**20
    with tempfile.TemporaryDirectory(prefix="rs-stac-download-bench-") as tmp:
        root = Path(tmp)
        log(f"writing {args.files} x {args.size_mb} MiB")
        files = write_catalog(root, args.files, size)
        keys = sorted(files)
        paths = [files[k][0] for k in keys]
        expected = [files[k][1] for k in keys]
        for path in paths:  # warm the page cache for every reader alike
            read_direct(path)
        process, port = start_server(root)
        rows: list[tuple[str, int, int, float]] = []
        try:
            limits = httpx.Limits(max_connections=max(levels))
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=300
            ) as http:
                readers: dict[str, Callable[[int], str]] = {
                    "direct": lambda n: read_direct(paths[n % len(paths)]),
                    "socket": lambda n: read_socket(port, keys[n % len(keys)]),
                    "httpx": lambda n: read_httpx(http, keys[n % len(keys)]),
                }
                for level in levels:
                    transfers = args.transfers or 2 * level
                    for name in clients:
                        log(f"{name}: {transfers} transfers, {level} at a time")
                        seconds = timed(transfers, level, readers[name], expected)
                        rows.append((name, level, transfers, seconds))
        finally:
            process.terminate()
            process.wait(timeout=30)
    direct = {level: s / t for name, level, t, s in rows if name == "direct"}
    print(
        f"\n{args.files} files of {args.size_mb} MiB, server in its own process, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n"
    )
    print("| reader | concurrency | transfers | MiB | seconds | MB/s | vs direct |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, level, transfers, seconds in rows:
        mib = transfers * args.size_mb
        rate = transfers * size / seconds / 1e6
        ratio = f"{direct[level] / (seconds / transfers):.2f}" if level in direct else "-"
        print(f"| {name} | {level} | {transfers} | {mib} | {seconds:.2f} | {rate:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
